package io.stacksim.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The run's named statistics, in the manner of gem5: each component keeps its own counters in
 * plain fields on its hot path and registers them here under a dotted name
 * ({@code block.merges.read}); {@link #snapshot()} reads them all at the end of a run.
 */
public final class Stats {
    private final Map<String, Object> entries;
    /** The device name inserted after a name's first part by a {@link #under} view, or null. */
    private final String scope;

    public Stats() {
        this(new TreeMap<>(), null);
    }

    private Stats(Map<String, Object> entries, String scope) {
        this.entries = entries;
        this.scope = scope;
    }

    /**
     * A view registering into the same statistics with {@code name} inserted after each name's
     * first part: {@code diskstats.read.ios} becomes {@code diskstats.nvme1n1.read.ios}, as each
     * disk of a stack of several reports its own.
     */
    public Stats under(String name) {
        return new Stats(entries, name);
    }

    /** Registers an integer statistic. Names are unique. */
    public void counter(String name, LongSupplier value) {
        put(name, value);
    }

    /** Registers a real-valued statistic. */
    public void gauge(String name, DoubleSupplier value) {
        put(name, value);
    }

    /**
     * Registers a latency recorder under {@code prefix}: {@code .count}, {@code .mean_us},
     * {@code .min_us}, {@code .max_us}, {@code .stddev_us}, and percentiles {@code .p50_us} ...
     * {@code .p99.99_us}.
     */
    public void latency(String prefix, LatencyRecorder r) {
        counter(prefix + ".count", r::count);
        gauge(prefix + ".mean_us", () -> r.mean() / 1e3);
        gauge(prefix + ".min_us", () -> r.min() / 1e3);
        gauge(prefix + ".max_us", () -> r.max() / 1e3);
        gauge(prefix + ".stddev_us", () -> r.stddev() / 1e3);
        for (double p : STANDARD_PERCENTILES) {
            gauge(prefix + ".p" + percentileLabel(p) + "_us", () -> r.percentile(p) / 1e3);
        }
    }

    /** The percentiles every latency reports. */
    public static final double[] STANDARD_PERCENTILES = {50, 90, 99, 99.9, 99.99};

    /** "50", "99.9": the label of a percentile in a metric name. */
    public static String percentileLabel(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private void put(String name, Object supplier) {
        if (scope != null) {
            int dot = name.indexOf('.');
            name = dot < 0 ? name + "." + scope : name.substring(0, dot) + "." + scope + name.substring(dot);
        }
        if (entries.putIfAbsent(name, supplier) != null) {
            throw new IllegalStateException("statistic registered twice: " + name);
        }
    }

    /** Current values of every statistic, sorted by name: Long for counters, Double for gauges. */
    public Map<String, Number> snapshot() {
        Map<String, Number> out = new TreeMap<>();
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            Object s = e.getValue();
            out.put(e.getKey(), s instanceof LongSupplier l ? (Number) l.getAsLong()
                    : (Number) ((DoubleSupplier) s).getAsDouble());
        }
        return out;
    }
}
