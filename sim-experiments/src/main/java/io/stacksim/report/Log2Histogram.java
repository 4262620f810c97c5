package io.stacksim.report;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latencies in power-of-two microsecond buckets, as bcc's biolatency prints them
 * (tools/biolatency.py; the buckets of table.py's print_log2_hist): bucket 1 is 0..1 µs and
 * bucket i >= 2 is [2^(i-1), 2^i - 1] µs, a latency of u whole microseconds falling in bucket
 * floor(log2 u) + 1 (bpf_log2l). Built from an HdrHistogram, whose 3 significant digits place a
 * latency within 0.1% of a bucket edge in either neighbour.
 *
 * @param counts counts per bucket index (index 0 unused)
 * @param total  all latencies counted
 */
public record Log2Histogram(long[] counts, long total) {
    /** Buckets up to 2^62 µs. */
    static final int BUCKETS = 64;

    /** The buckets of {@code h} (values in ns). */
    public static Log2Histogram of(Histogram h) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            long ns = h.lowestEquivalentValue(v.getValueIteratedTo());
            long us = ns / 1000;
            counts[bucket(us)] += v.getCountAtValueIteratedTo();
            total += v.getCountAtValueIteratedTo();
        }
        return new Log2Histogram(counts, total);
    }

    /** biolatency's bucket of a latency of {@code us} whole microseconds. */
    public static int bucket(long us) {
        return us <= 1 ? 1 : 64 - Long.numberOfLeadingZeros(us);
    }

    /** Lowest µs of bucket {@code i}. */
    public static long low(int i) {
        return i <= 1 ? 0 : 1L << (i - 1);
    }

    /** Highest µs of bucket {@code i}. */
    public static long high(int i) {
        return (1L << i) - 1;
    }

    /** "64 -> 127", as biolatency labels a bucket. */
    public static String label(int i) {
        return low(i) + " -> " + high(i);
    }

    /** First non-empty bucket, or -1. */
    public int first() {
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /** Last non-empty bucket, or -1. */
    public int last() {
        for (int i = counts.length - 1; i >= 1; i--) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /** The histogram as biolatency prints it: a row per bucket with a 40-character bar. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("     usecs               : count     distribution\n");
        int a = first();
        int b = last();
        if (a < 0) {
            return sb.toString();
        }
        long max = 0;
        for (int i = a; i <= b; i++) {
            max = Math.max(max, counts[i]);
        }
        for (int i = a; i <= b; i++) {
            int stars = max == 0 ? 0 : (int) (counts[i] * 40 / max);
            sb.append(String.format(Locale.ROOT, "%10d -> %-10d : %-8d |%-40s|%n", low(i), high(i), counts[i],
                    "*".repeat(stars)));
        }
        return sb.toString();
    }
}
