package io.stacksim.workload;

/**
 * fio's {@code struct io_stat}: count, min, max and Welford's running mean and sum of squared
 * deviations (stat.c add_stat_sample, calc_lat). Latency stats merge with the parallel
 * algorithm (__sum_stat); bandwidth and IOPS stats of grouped jobs are simply added, field by
 * field, as fio does with {@code pure_sum} (stat.c sum_stat).
 */
public final class FioStat {
    private long samples;
    private long min = Long.MAX_VALUE;
    private long max;
    private double mean;
    private double s;

    /** Adds one sample (add_stat_sample). */
    public void add(long v) {
        if (v > max) {
            max = v;
        }
        if (v < min) {
            min = v;
        }
        double delta = v - mean;
        samples++;
        mean += delta / samples;
        s += delta * (v - mean);
    }

    public long samples() {
        return samples;
    }

    public long min() {
        return samples == 0 ? 0 : min;
    }

    public long max() {
        return samples == 0 ? 0 : max;
    }

    public double mean() {
        return samples == 0 ? 0 : mean;
    }

    /** Sample standard deviation, sqrt(S / (n - 1)) (calc_lat). */
    public double stddev() {
        return samples > 1 ? Math.sqrt(s / (samples - 1)) : 0;
    }

    /** Merges {@code o} into this: the parallel variance algorithm, or a field-wise sum. */
    public void merge(FioStat o, boolean pureSum) {
        if (o.samples == 0) {
            return;
        }
        if (samples == 0) {
            samples = o.samples;
            min = o.min;
            max = o.max;
            mean = o.mean;
            s = o.s;
            return;
        }
        if (pureSum) {
            min += o.min;
            max += o.max;
            samples += o.samples;
            mean += o.mean;
            s += o.s;
            return;
        }
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        double delta = o.mean - mean;
        double n = samples + o.samples;
        double m = (o.mean * o.samples + mean * samples) / n;
        s = o.s + s + delta * delta * ((double) samples * o.samples) / n;
        mean = m;
        samples += o.samples;
    }

    public void reset() {
        samples = 0;
        min = Long.MAX_VALUE;
        max = 0;
        mean = 0;
        s = 0;
    }
}
