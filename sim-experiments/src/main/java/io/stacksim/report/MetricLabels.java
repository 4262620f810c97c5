package io.stacksim.report;

import java.util.Map;

/** Human names, with units, of StackSim's dotted metric names, for chart axes and tables. */
public final class MetricLabels {
    private static final Map<String, String> LAYERS = Map.of(
            "cpu", "CPU (syscall, submission)",
            "queue", "block layer queue",
            "device_queue", "device queue",
            "media", "media",
            "transfer", "transfer (DMA)",
            "device_overhead", "device overhead",
            "completion", "completion (IRQ, wake-up)");

    private static final Map<String, String> FIXED = Map.ofEntries(
            Map.entry("iops.total", "IOPS"),
            Map.entry("iops.read", "read IOPS"),
            Map.entry("iops.write", "write IOPS"),
            Map.entry("bw.total_MiBps", "bandwidth (MiB/s)"),
            Map.entry("bw.read_MiBps", "read bandwidth (MiB/s)"),
            Map.entry("bw.write_MiBps", "write bandwidth (MiB/s)"),
            Map.entry("iostat.aqu_sz", "average requests in flight (aqu-sz)"),
            Map.entry("iostat.util_pct", "device utilisation (%)"),
            Map.entry("cpu.util_pct", "CPU utilisation (%)"),
            Map.entry("os.syscalls.total", "system calls (count)"),
            Map.entry("os.mode_switches", "mode switches (count)"));

    private MetricLabels() {
    }

    /** e.g. "read latency, p99 (µs)", "IOPS", "bandwidth (MiB/s)". */
    public static String label(String metric) {
        String fixed = FIXED.get(metric);
        if (fixed != null) {
            return fixed;
        }
        if (metric.startsWith("lat.layer.") && metric.endsWith("_us")) {
            String key = metric.substring(10, metric.length() - 3);
            return LAYERS.getOrDefault(key, key) + " (µs per I/O)";
        }
        if ((metric.startsWith("lat.read.") || metric.startsWith("lat.write.")) && metric.endsWith("_us")) {
            String dir = metric.substring(4, metric.indexOf('.', 4));
            return dir + " latency, " + statistic(metric) + " (µs)";
        }
        return metric + unit(metric);
    }

    /** The statistic of a latency metric: "p99.9" for lat.read.p99.9_us, "mean" for lat.write.mean_us. */
    public static String statistic(String metric) {
        int start = metric.indexOf('.', 4) + 1;
        return metric.endsWith("_us") ? metric.substring(start, metric.length() - 3) : metric.substring(start);
    }

    /** The layer name of a lat.layer.*_us metric. */
    public static String layer(String key) {
        return LAYERS.getOrDefault(key, key);
    }

    /** " (unit)" from a metric name's suffix, or " (count)" for counters. */
    static String unit(String metric) {
        if (metric.endsWith("_us")) {
            return " (µs)";
        }
        if (metric.endsWith("_ms")) {
            return " (ms)";
        }
        if (metric.endsWith("_pct")) {
            return " (%)";
        }
        if (metric.endsWith("_MiBps")) {
            return " (MiB/s)";
        }
        if (metric.endsWith("_kB_s") || metric.endsWith("kB_s")) {
            return " (kB/s)";
        }
        if (metric.endsWith("_kB")) {
            return " (kB)";
        }
        if (metric.endsWith("_s") && !metric.startsWith("iostat.")) {
            return " (s)";
        }
        if (metric.startsWith("iostat.") && metric.endsWith("_s")) {
            return " (per s)";
        }
        return " (count)";
    }
}
