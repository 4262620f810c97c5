package io.stacksim.experiment.validation;

import io.stacksim.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demerit figure of Ruemmler and Wilkes (IEEE Computer, March 1994): the root mean square
 * horizontal distance between two response-time CDFs, computed exactly as DiskSim 4.0's
 * {@code rms} program does (src/rms.c) from the distributions DiskSim prints
 * (src/disksim_stat.c).
 *
 * <p>Samples are bucketed by DiskSim's "large distribution" rule: a value v ms becomes
 * u = (int)(v x scale) and is counted in the first bucket whose (growing) start exceeds u; the
 * printed row of bucket i is labelled with that start / scale ({@code %6.3f}) and carries the
 * running sum of count/N ({@code %f}), so the row at x gives the fraction of samples below x.
 * {@code rms} reads the rows up to the first with cumulative 1, then for p = 0.0001, 0.0002, ...
 * (repeated double addition, while p <= 1) finds in each curve the first row with cumulative
 * >= p, interpolates x linearly from the row before, and returns sqrt(mean (x1 - x2)^2).
 */
public final class Demerit {
    private Demerit() {
    }

    /** DiskSim's increment between quantiles (RMS_INCR). */
    public static final double INCREMENT = 0.0001;

    /**
     * A bucket definition from DiskSim's statdefs ("Distribution size", "Scale/Equals",
     * "Start step grow"): bucket starts s_0 = start, s_(i+1) = s_i + step + (int)(|s_i| grow / 100).
     */
    public record Buckets(int count, int scale, int start, int step, int grow) {
        /** "Physical access time" and "Trace access time" in DiskSim 4.0's statdefs: 1750 buckets, µs, growing 1 %. */
        public static final Buckets DISKSIM_ACCESS_TIME = new Buckets(1750, 1000, 0, 1, 1);

        public Buckets {
            if (count <= 10 || scale <= 0 || step < 0 || grow < 0) {
                throw new IllegalArgumentException("bad bucket definition");
            }
        }

        int[] starts() {
            int[] s = new int[count];
            int v = start;
            for (int i = 0; i < count; i++) {
                s[i] = v;
                v += step + (int) ((double) (Math.abs(v) * grow) / 100.0);
            }
            return s;
        }

        /**
         * Reads the definition of statistic {@code name} from a DiskSim statdefs file.
         * Only "large" (more than 10 buckets) start/step/grow definitions are accepted.
         */
        public static Buckets fromStatDefs(Path file, String name) {
            List<String> lines = io.stacksim.config.InputFiles.readText(file, "a DiskSim statdefs file",
                    io.stacksim.config.InputFiles.MAX_TEXT_BYTES, StandardCharsets.ISO_8859_1).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).equals(name)) {
                    continue;
                }
                try {
                    int count = Integer.parseInt(lines.get(i + 1).replace("Distribution size:", "").trim());
                    String[] se = lines.get(i + 2).replace("Scale/Equals:", "").trim().split("/");
                    String[] ssg = lines.get(i + 3).trim().split("\\s+");
                    if (ssg.length != 6 || !ssg[0].equals("Start") || !ssg[2].equals("step") || !ssg[4].equals("grow")) {
                        throw new ConfigException(file + ":" + (i + 4) + ": expected 'Start N step N grow N' for " + name);
                    }
                    return new Buckets(count, Integer.parseInt(se[0].trim()), Integer.parseInt(ssg[1]),
                            Integer.parseInt(ssg[3]), Integer.parseInt(ssg[5]));
                } catch (IndexOutOfBoundsException | NumberFormatException e) {
                    throw new ConfigException(file + ":" + (i + 1) + ": malformed definition of " + name);
                }
            }
            throw new ConfigException(file + ": no definition of '" + name + "'");
        }
    }

    /** A distribution being collected: constant memory, one counter per bucket. */
    public static final class Histogram {
        private final Buckets buckets;
        private final int[] starts;
        private final long[] counts;
        private long n;
        private double sum;

        public Histogram(Buckets buckets) {
            this.buckets = buckets;
            this.starts = buckets.starts();
            this.counts = new long[buckets.count()];
        }

        /** Adds a sample of {@code ms} milliseconds (DiskSim's stat_update). */
        public void add(double ms) {
            add(ms, 1);
        }

        /** Adds {@code times} samples of {@code ms} (a histogram bin of a fio or HdrHistogram log). */
        public void add(double ms, long times) {
            n += times;
            sum += ms * times;
            int u = (int) (ms * buckets.scale());
            int i;
            if (u < buckets.start()) {
                i = 0;
            } else {
                int top = buckets.count() - 2;
                if (u >= starts[top]) {
                    i = buckets.count() - 1;
                } else {
                    int lo = 0;
                    int hi = top;
                    while (lo != hi) {
                        int mid = lo + (hi - lo) / 2;
                        if (u < starts[mid + 1]) {
                            hi = mid;
                        } else {
                            lo = mid + 1;
                        }
                    }
                    i = hi + 1;
                }
            }
            counts[i] += times;
        }

        public long count() {
            return n;
        }

        public double mean() {
            return n == 0 ? 0 : sum / n;
        }

        /** The curve as DiskSim prints it and rms reads it back. */
        public Curve curve() {
            if (n == 0) {
                throw new IllegalStateException("empty distribution");
            }
            double[] x = new double[counts.length];
            double[] y = new double[counts.length];
            double dist = 0;
            int rows = 0;
            for (int i = 0; i < counts.length; i++) {
                double density = (double) counts[i] / (double) n;
                dist += density;
                // As printed with %6.3f and %f and read back (half up on the shortest decimal form, as Formatter rounds).
                x[i] = java.math.BigDecimal.valueOf((double) starts[i] / buckets.scale()).setScale(3, java.math.RoundingMode.HALF_UP).doubleValue();
                y[i] = java.math.BigDecimal.valueOf(dist).setScale(6, java.math.RoundingMode.HALF_UP).doubleValue();
                rows = i + 1;
                if (y[i] >= 1.0) {
                    break;
                }
            }
            return new Curve(java.util.Arrays.copyOf(x, rows), java.util.Arrays.copyOf(y, rows));
        }
    }

    /**
     * A cumulative distribution as rows (x ms, fraction below x), ending at the first row with
     * fraction >= 1.
     */
    public record Curve(double[] x, double[] y) {
        public Curve {
            if (x.length != y.length || x.length < 2) {
                throw new IllegalArgumentException("a curve needs at least two rows");
            }
        }

        /** A curve from rows of (x, fraction below x). */
        public static Curve of(List<double[]> rows) {
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = rows.get(i)[0];
                y[i] = rows.get(i)[1];
            }
            return new Curve(x, y);
        }

        /** The x at which the curve reaches fraction {@code p}, interpolated as rms does. */
        public double quantile(double p) {
            int i = 0;
            while (y[i] < p) {
                i++;
            }
            if (i == 0) {
                return x[0];
            }
            double f = (p - y[i - 1]) / (y[i] - y[i - 1]);
            return x[i - 1] + f * (x[i] - x[i - 1]);
        }
    }

    /** DiskSim's rms of the horizontal distance between two curves, in the curves' x unit. */
    public static double rms(Curve a, Curve b) {
        double[] x1 = a.x();
        double[] y1 = a.y();
        double[] x2 = b.x();
        double[] y2 = b.y();
        int i1 = 0;
        int i2 = 0;
        double squares = 0;
        int count = 0;
        for (double p = INCREMENT; p <= 1.0; p += INCREMENT) {
            while (y1[i1] < p) {
                i1++;
            }
            while (y2[i2] < p) {
                i2++;
            }
            double f1 = (p - y1[i1 - 1]) / (y1[i1] - y1[i1 - 1]);
            double p1 = x1[i1 - 1] + f1 * (x1[i1] - x1[i1 - 1]);
            double f2 = (p - y2[i2 - 1]) / (y2[i2] - y2[i2 - 1]);
            double p2 = x2[i2 - 1] + f2 * (x2[i2] - x2[i2 - 1]);
            squares += (p1 - p2) * (p1 - p2);
            count++;
        }
        return Math.sqrt(squares / count);
    }
}
