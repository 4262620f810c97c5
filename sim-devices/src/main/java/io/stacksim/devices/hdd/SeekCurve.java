package io.stacksim.devices.hdd;

import java.util.Arrays;
import java.util.Locale;

/**
 * The arm's seek time as a function of the distance in cylinders (without head switch or write
 * settle, which {@link Mechanics} adds). The shapes are the ones DiskSim's diskmodel offers
 * (DiskSim 4.0 manual, App. B.5; dm_mech_g1): a constant, a line through single-cylinder /
 * average / full-stroke times, Lee's three-point curve, Ruemmler and Wilkes' six-value "HPL"
 * equation (optionally with the first ten distances given explicitly), and a measured table.
 * A distance of zero is always free.
 */
public sealed interface SeekCurve
        permits SeekCurve.Constant, SeekCurve.Linear, SeekCurve.ThreePoint, SeekCurve.Hpl, SeekCurve.Table {

    /** Seek time in ns for a move of {@code distance} cylinders (distance >= 0). */
    long seekNs(int distance);

    /** One line for listings. */
    String describe();

    /** Mean seek time in ns over uniformly random source and destination cylinders (including d = 0). */
    default double meanRandomNs(int cylinders) {
        // P(d) = 2(C-d)/C^2 for d >= 1, P(0) = 1/C.
        double c = cylinders;
        double sum = 0;
        for (int d = 1; d < cylinders; d++) {
            sum += 2.0 * (c - d) / (c * c) * seekNs(d);
        }
        return sum;
    }

    /** Every seek takes the same time (DiskSim seek type "constant"). */
    record Constant(long ns) implements SeekCurve {
        @Override
        public long seekNs(int distance) {
            return distance == 0 ? 0 : ns;
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "constant %.3f ms", ns / 1e6);
        }
    }

    /**
     * Piecewise linear through the single-cylinder time at d = 1, the average at d = C/3 (the
     * mean distance of random seeks) and the full stroke at d = C - 1 (DiskSim seek type
     * "linear", as its manual describes it; the 4.0 code's integer arithmetic collapses every
     * seek longer than one cylinder to the full-stroke time, which we do not reproduce).
     */
    record Linear(long oneNs, long avgNs, long fullNs, int cylinders) implements SeekCurve {
        @Override
        public long seekNs(int d) {
            if (d == 0) {
                return 0;
            }
            if (d == 1) {
                return oneNs;
            }
            double third = cylinders / 3.0;
            if (d <= third) {
                return Math.round(oneNs + (avgNs - oneNs) * (d - 1) / (third - 1));
            }
            return Math.round(avgNs + (fullNs - avgNs) * (d - third) / (cylinders - 1 - third));
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "linear 1 cyl %.3f / avg %.3f / full %.3f ms", oneNs / 1e6, avgNs / 1e6, fullNs / 1e6);
        }
    }

    /**
     * Lee's three-point curve (DiskSim seek type "curve"): seek(d) = a sqrt(d-1) + b (d-1) + c,
     * with a = (-10 min + 15 avg - 5 max) / (3 sqrt C), b = (7 min - 15 avg + 8 max) / (3 C) and
     * c = min, where min, avg and max are the single-cylinder, average and full-stroke times and C
     * the number of cylinders. The coefficients make the mean over random seeks equal {@code avg}.
     * This is how a datasheet's track-to-track, average and full-stroke figures become a curve.
     */
    record ThreePoint(double aNs, double bNs, double cNs, long oneNs, long avgNs, long fullNs) implements SeekCurve {
        /** Fits the curve to single-cylinder, average and full-stroke seek times over {@code cylinders}. */
        public static ThreePoint fit(long oneNs, long avgNs, long fullNs, int cylinders) {
            double c = cylinders;
            double a = (-10.0 * oneNs + 15.0 * avgNs - 5.0 * fullNs) / (3.0 * Math.sqrt(c));
            double b = (7.0 * oneNs - 15.0 * avgNs + 8.0 * fullNs) / (3.0 * c);
            return new ThreePoint(a, b, oneNs, oneNs, avgNs, fullNs);
        }

        @Override
        public long seekNs(int d) {
            if (d == 0) {
                return 0;
            }
            double x = d - 1;
            return Math.max(0, Math.round(aNs * Math.sqrt(x) + bNs * x + cNs));
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "three-point curve through 1 cyl %.3f / avg %.3f / full %.3f ms",
                    oneNs / 1e6, avgNs / 1e6, fullNs / 1e6);
        }
    }

    /**
     * Ruemmler and Wilkes' equation (IEEE Computer, March 1994; DiskSim seek types "hpl" and
     * "hplplus10"): below {@code boundary} cylinders seek = a + b sqrt(d), from it on
     * seek = c + e d. With {@code firstTen} (hplplus10) distances 1..10 take the listed times;
     * without it a single-cylinder time other than -1 replaces the d = 1 value.
     */
    record Hpl(int boundary, double aNs, double bNs, double cNs, double eNs, long singleNs, long[] firstTen)
            implements SeekCurve {
        public Hpl {
            if (firstTen != null && firstTen.length != 10) {
                throw new IllegalArgumentException("first ten seek times must list 10 values");
            }
            firstTen = firstTen == null ? null : firstTen.clone();
        }

        @Override
        public long seekNs(int d) {
            if (d == 0) {
                return 0;
            }
            if (firstTen != null && d <= 10) {
                return firstTen[d - 1];
            }
            if (firstTen == null && d == 1 && singleNs >= 0) {
                return singleNs;
            }
            if (d < boundary) {
                return Math.round(aNs + bNs * Math.sqrt(d));
            }
            return Math.round(cNs + eNs * d);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "HPL %s: d<%d %.3f+%.3f*sqrt(d), else %.3f+%.5f*d ms",
                    firstTen != null ? "with first ten distances" : "", boundary, aNs / 1e6, bNs / 1e6, cNs / 1e6, eNs / 1e6);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hpl h && h.boundary == boundary && h.aNs == aNs && h.bNs == bNs && h.cNs == cNs
                    && h.eNs == eNs && h.singleNs == singleNs && Arrays.equals(h.firstTen, firstTen);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(firstTen) * 31 + Double.hashCode(aNs + bNs + cNs + eNs) + boundary;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * A measured seek curve (DiskSim seek type "extracted", the ".seek" file): an exact distance
     * takes its time, others interpolate linearly between the two bracketing points, beyond the
     * last point the last two extrapolate, and below the first the line from (0, 0).
     */
    record Table(int[] distances, long[] timesNs) implements SeekCurve {
        public Table {
            if (distances.length == 0 || distances.length != timesNs.length) {
                throw new IllegalArgumentException("a seek table needs matching, non-empty distance and time lists");
            }
            for (int i = 0; i < distances.length; i++) {
                if (distances[i] <= 0 || (i > 0 && distances[i] <= distances[i - 1])) {
                    throw new IllegalArgumentException("seek table distances must be positive and increasing");
                }
            }
            distances = distances.clone();
            timesNs = timesNs.clone();
        }

        @Override
        public long seekNs(int d) {
            if (d == 0) {
                return 0;
            }
            int i = Arrays.binarySearch(distances, d);
            if (i >= 0) {
                return timesNs[i];
            }
            int hi = -i - 1;
            if (hi == 0) {
                return Math.round((double) timesNs[0] * d / distances[0]);
            }
            if (hi == distances.length) {
                if (distances.length == 1) {
                    return timesNs[0];
                }
                hi = distances.length - 1;
            }
            int lo = hi - 1;
            double t = timesNs[lo] + (double) (timesNs[hi] - timesNs[lo]) * (d - distances[lo]) / (distances[hi] - distances[lo]);
            return Math.max(0, Math.round(t));
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "table of %d points, 1 cyl %.3f ms, %d cyl %.3f ms",
                    distances.length, seekNs(1) / 1e6, distances[distances.length - 1], timesNs[timesNs.length - 1] / 1e6);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Table t && Arrays.equals(t.distances, distances) && Arrays.equals(t.timesNs, timesNs);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(distances) * 31 + Arrays.hashCode(timesNs);
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
