package io.stacksim.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The demerit figure of Ruemmler and Wilkes (IEEE Computer, 1994) as DiskSim 4.0 computes it for
 * its validation runs (src/rms.c; shared/data/disksim/NOTES.md section 4): the root mean square
 * of the horizontal distance between two response-time CDFs, in milliseconds.
 *
 * <ol>
 *   <li>Both samples are binned as DiskSim's statdefs bins "access time": integer microsecond
 *       edges e0 = 0, e(i+1) = e(i) + 1 + floor(e(i) / 100) (1 us wide up to 100 us, then about
 *       1% wide), 1750 buckets; a value counts in the bucket whose upper edge is above it.</li>
 *   <li>Each curve is the rows (upper edge in ms, fraction of samples below it), read up to and
 *       including the first row that reaches 1.</li>
 *   <li>For p = 0.0001, 0.0002, ... up to 1 (accumulated by repeated addition, as rms.c does),
 *       each curve's x(p) is interpolated linearly between the rows around p; the demerit is
 *       sqrt(sum (x_a(p) - x_b(p))^2 / number of points).</li>
 * </ol>
 */
public final class Demerit {
    /** statdefs: buckets of the access-time histograms. */
    static final int BUCKETS = 1750;

    private Demerit() {
    }

    /** A CDF: upper edges in ms and the cumulative fractions at them, with (0, 0) first. */
    public record Cdf(double[] x, double[] y) {
    }

    /** The bucket edges in microseconds: edges[i] is bucket i's upper edge. */
    static long[] edges() {
        long[] e = new long[BUCKETS];
        long prev = 0;
        for (int i = 0; i < BUCKETS; i++) {
            prev = prev + 1 + prev / 100;
            e[i] = prev;
        }
        return e;
    }

    /**
     * The binned CDF of a weighted sample: {@code values[i]} (ns) seen {@code counts[i]} times.
     */
    public static Cdf cdf(long[] valuesNs, long[] counts) {
        long[] e = edges();
        long[] bucket = new long[BUCKETS];
        long n = 0;
        for (int i = 0; i < valuesNs.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            long us = valuesNs[i] / 1000;
            int b = java.util.Arrays.binarySearch(e, us + 1);
            if (b < 0) {
                b = -b - 1;
            }
            // Bucket b holds e(b-1) <= us < e(b); beyond the last edge, the last bucket.
            bucket[Math.min(b, BUCKETS - 1)] += counts[i];
            n += counts[i];
        }
        if (n == 0) {
            throw new IllegalArgumentException("an empty latency distribution has no CDF");
        }
        List<double[]> rows = new ArrayList<>();
        rows.add(new double[] {0, 0});
        long cum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            cum += bucket[i];
            double y = (double) cum / n;
            rows.add(new double[] {e[i] / 1000.0, y});
            if (cum == n) {
                break;
            }
        }
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i)[0];
            y[i] = rows.get(i)[1];
        }
        return new Cdf(x, y);
    }

    /**
     * A CDF from rows as DiskSim prints them (x in ms, cumulative fraction), read up to and
     * including the first row that reaches 1.
     */
    public static Cdf fromRows(double[] x, double[] y) {
        int n = 0;
        while (n < y.length && (n == 0 || y[n - 1] < 1.0)) {
            n++;
        }
        return new Cdf(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    }

    /** The RMS horizontal distance between the two CDFs, in ms (rms.c). */
    public static double rms(Cdf a, Cdf b) {
        double sum = 0;
        int points = 0;
        int ja = 0;
        int jb = 0;
        for (double p = 0.0001; p <= 1.0; p += 0.0001) {
            ja = advance(a, ja, p);
            jb = advance(b, jb, p);
            double d = at(a, ja, p) - at(b, jb, p);
            sum += d * d;
            points++;
        }
        return Math.sqrt(sum / points);
    }

    private static int advance(Cdf c, int j, double p) {
        while (j < c.y().length - 1 && c.y()[j] < p) {
            j++;
        }
        return j;
    }

    private static double at(Cdf c, int j, double p) {
        if (j == 0) {
            return c.x()[0];
        }
        double y0 = c.y()[j - 1];
        double y1 = c.y()[j];
        if (y1 == y0) {
            return c.x()[j];
        }
        return c.x()[j - 1] + (p - y0) / (y1 - y0) * (c.x()[j] - c.x()[j - 1]);
    }
}
