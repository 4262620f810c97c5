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
            Map.entry("os.mode_switches", "mode switches (count)"),
            Map.entry("cache.hit_ratio", "page cache hit ratio"),
            Map.entry("copy.throughput_MBps", "throughput (MB/s)"),
            Map.entry("copy.cpu_per_MiB_us", "CPU time per MiB sent (µs)"),
            Map.entry("copy.cpu_copies", "copies of the data by the CPU"),
            Map.entry("copy.dma_copies", "copies of the data by DMA"),
            Map.entry("copy.mode_switches_per_unit", "mode switches per transfer unit"),
            Map.entry("copy.syscalls_per_unit", "system calls per transfer unit"),
            Map.entry("copy.context_switches_per_unit", "context switches per transfer unit"),
            Map.entry("stdio.syscalls_per_MiB", "system calls per MiB"),
            Map.entry("stdio.calls_per_syscall", "library calls per system call"),
            Map.entry("stdio.throughput_MiBps", "throughput (MiB/s)"),
            Map.entry("server.cpu_per_request_us", "CPU time per request (µs)"),
            Map.entry("server.ready_per_wait_call", "ready descriptors per wait call"),
            Map.entry("server.throughput_rps", "requests served per second"),
            Map.entry("writeback.throttle_ms", "time throttled in balance_dirty_pages (ms)"));

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
        if ((metric.startsWith("lat.read.") || metric.startsWith("lat.write.") || metric.startsWith("lat.sync.")
                || metric.startsWith("lat.request.")) && metric.endsWith("_us")) {
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
        if (metric.endsWith("_MBps")) {
            return " (MB/s)";
        }
        if (metric.endsWith("_rps")) {
            return " (requests/s)";
        }
        if (metric.endsWith("_ratio")) {
            return "";
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
