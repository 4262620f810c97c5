package io.stacksim.workload;

import java.util.List;

/**
 * fio's latency histogram (stat.c plat_val_to_idx / plat_idx_to_val, stat.h FIO_IO_U_PLAT_*):
 * values below 128 ns have a bucket each; above, each power-of-two group is split into 64
 * buckets, so every value is kept to within 1/64 (1.6%). A bucket reports the middle of its
 * range. Percentiles are taken the way calc_clat_percentiles does, and json+ prints the
 * non-empty buckets ("bins") keyed by that middle value.
 */
public final class FioHistogram {
    /** FIO_IO_U_PLAT_BITS. */
    public static final int BITS = 6;
    /** FIO_IO_U_PLAT_VAL. */
    public static final int VAL = 1 << BITS;
    /** FIO_IO_U_PLAT_GROUP_NR. */
    public static final int GROUPS = 29;
    /** FIO_IO_U_PLAT_NR. */
    public static final int NR = GROUPS * VAL;

    private final long[] bins = new long[NR];
    private long count;

    /** plat_val_to_idx. */
    public static int index(long val) {
        int msb = val == 0 ? 0 : 63 - Long.numberOfLeadingZeros(val);
        if (msb <= BITS) {
            return (int) val;
        }
        int errorBits = msb - BITS;
        int base = (errorBits + 1) << BITS;
        int offset = (int) ((VAL - 1) & (val >> errorBits));
        return Math.min(base + offset, NR - 1);
    }

    /** plat_idx_to_val: the middle of bucket {@code idx}. */
    public static long value(int idx) {
        if (idx < (VAL << 1)) {
            return idx;
        }
        int errorBits = (idx >> BITS) - 1;
        long base = 1L << (errorBits + BITS);
        long k = idx % VAL;
        return base + (long) ((k + 0.5) * (1L << errorBits));
    }

    public void add(long ns) {
        bins[index(ns)]++;
        count++;
    }

    public long count() {
        return count;
    }

    /** Bucket counts (read only by convention). */
    public long[] bins() {
        return bins;
    }

    public void merge(FioHistogram o) {
        for (int i = 0; i < NR; i++) {
            bins[i] += o.bins[i];
        }
        count += o.count;
    }

    public void reset() {
        java.util.Arrays.fill(bins, 0);
        count = 0;
    }

    /**
     * calc_clat_percentiles: for each percentile (sorted ascending) the value of the first
     * bucket where the running count reaches p% of {@code n}.
     */
    public long[] percentiles(List<Double> plist, long n) {
        long[] out = new long[plist.size()];
        if (plist.isEmpty()) {
            return out;
        }
        long sum = 0;
        int j = 0;
        for (int i = 0; i < NR && j < out.length; i++) {
            sum += bins[i];
            while (j < out.length && sum >= plist.get(j) / 100.0 * n) {
                out[j] = value(i);
                j++;
            }
        }
        return out;
    }
}
