package io.stacksim.engine;

import org.HdrHistogram.Histogram;

/**
 * Latencies in nanoseconds: an HdrHistogram (3 significant digits, constant memory) for the
 * percentiles, plus exact count, sum, min, max and sum of squares for the moments.
 */
public final class LatencyRecorder {
    private final Histogram histogram = new Histogram(3);
    private long count;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;
    private double sumSq;

    public void record(long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("negative latency " + ns);
        }
        histogram.recordValue(ns);
        count++;
        sum += ns;
        sumSq += (double) ns * ns;
        if (ns < min) {
            min = ns;
        }
        if (ns > max) {
            max = ns;
        }
    }

    public long count() {
        return count;
    }

    public long min() {
        return count == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    /** Exact mean in ns (0 when empty). */
    public double mean() {
        return count == 0 ? 0 : sum / count;
    }

    /** Sample standard deviation in ns (0 with fewer than two values). */
    public double stddev() {
        if (count < 2) {
            return 0;
        }
        double m = sum / count;
        double var = (sumSq - count * m * m) / (count - 1);
        return var <= 0 ? 0 : Math.sqrt(var);
    }

    public double sum() {
        return sum;
    }

    /** The value at percentile {@code p} (0..100), within the histogram's 3-digit precision. */
    public long percentile(double p) {
        return count == 0 ? 0 : histogram.getValueAtPercentile(p);
    }

    /** The underlying histogram (read only by convention), e.g. for CDFs and bins. */
    public Histogram histogram() {
        return histogram;
    }

    /** Adds every value of {@code other} into this recorder. */
    public void add(LatencyRecorder other) {
        histogram.add(other.histogram);
        count += other.count;
        sum += other.sum;
        sumSq += other.sumSq;
        if (other.count > 0) {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
    }

    public void reset() {
        histogram.reset();
        count = 0;
        min = Long.MAX_VALUE;
        max = 0;
        sum = 0;
        sumSq = 0;
    }
}
