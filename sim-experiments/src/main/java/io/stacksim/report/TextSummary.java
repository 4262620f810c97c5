package io.stacksim.report;

import io.stacksim.config.Units;
import io.stacksim.engine.LatencyRecorder;
import io.stacksim.experiment.run.JobSummary;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.Locale;
import java.util.Map;

/** Prints a run's result the way fio's normal output reads, plus where the time went. */
public final class TextSummary {
    private TextSummary() {
    }

    public static String format(RunResult r) {
        StringBuilder sb = new StringBuilder();
        Map<String, Number> m = r.metrics();
        if (m.containsKey("server.requests")) {
            server(sb, r);
        }
        if (m.containsKey("copy.units")) {
            sb.append(String.format(Locale.ROOT, "copy: %d units, %s in %.3f ms = %.1f MB/s; cpu %.3f ms (user %.3f, sys %.3f,"
                            + " irq %.3f) = %.1f us/MiB%n", l(m, "copy.units"), Units.formatSize(l(m, "copy.bytes")),
                    d(m, "copy.elapsed_ms"), d(m, "copy.throughput_MBps"), d(m, "copy.cpu_ms"), d(m, "copy.cpu.user_ms"),
                    d(m, "copy.cpu.sys_ms"), d(m, "copy.cpu.irq_ms"), d(m, "copy.cpu_per_MiB_us")));
            sb.append(String.format(Locale.ROOT, "  per unit: mode switches %.2f (rule %d), syscalls %.2f, context switches %.2f;"
                            + " copies of the data: cpu %.2f (rule %d), dma %.2f (rule %d)%n",
                    d(m, "copy.mode_switches_per_unit"), l(m, "copy.expected.mode_switches_per_unit"),
                    d(m, "copy.syscalls_per_unit"), d(m, "copy.context_switches_per_unit"), d(m, "copy.cpu_copies"),
                    l(m, "copy.expected.cpu_copies"), d(m, "copy.dma_copies"), l(m, "copy.expected.dma_copies")));
        }
        if (m.containsKey("stdio.calls")) {
            sb.append(String.format(Locale.ROOT, "stdio: %d calls -> %d syscalls (%.1f calls each, %.1f syscalls/MiB) with a"
                            + " %s buffer; %.1f MiB/s in %.3f ms; cpu user %.3f ms, sys %.3f ms%n",
                    l(m, "stdio.calls"), l(m, "stdio.syscalls"), d(m, "stdio.calls_per_syscall"), d(m, "stdio.syscalls_per_MiB"),
                    Units.formatSize(l(m, "stdio.buffer_bytes")), d(m, "stdio.throughput_MiBps"), d(m, "stdio.elapsed_ms"),
                    d(m, "stdio.cpu.user_ms"), d(m, "stdio.cpu.sys_ms")));
        }
        for (JobSummary j : r.jobs()) {
            JobSpec s = j.spec();
            JobStats st = j.stats();
            if (s.isReplay()) {
                sb.append(String.format(Locale.ROOT, "replay: %s: %d records%n", s.filename(), s.numberIos()));
            } else {
                sb.append(String.format(Locale.ROOT, "%s: (groupid=0, jobs=%d): rw=%s, bs=%s, ioengine=%s, iodepth=%d, direct=%d%n",
                        s.name(), j.jobs(), s.rw().fioName(), Units.formatSize(s.bs()), s.ioengine(), s.iodepth(),
                        s.direct() ? 1 : 0));
            }
            double seconds = st.runtimeNs() / 1e9;
            String[] dirs = {"read", "write", "trim"};
            for (int d = 0; d < JobStats.DIRS; d++) {
                if (st.ios[d] == 0) {
                    continue;
                }
                LatencyRecorder lat = st.clat[d];
                double iops = st.ios[d] / seconds;
                double bw = st.bytes[d] / seconds;
                sb.append(String.format(Locale.ROOT, "  %s: IOPS=%s, BW=%s/s (%s)(%s/%dmsec)%n", dirs[d],
                        human(iops), Units.formatSize((long) bw), decimalRate(bw),
                        Units.formatSize(st.bytes[d]), Math.round(st.runtimeNs() / 1e6)));
                sb.append(String.format(Locale.ROOT, "    clat (usec): min=%s, max=%s, avg=%.2f, stdev=%.2f%n",
                        us(lat.min()), us(lat.max()), lat.mean() / 1e3, lat.stddev() / 1e3));
                sb.append("     clat percentiles (usec):\n      |");
                double[] ps = {50, 90, 99, 99.9, 99.99};
                for (int i = 0; i < ps.length; i++) {
                    sb.append(String.format(Locale.ROOT, " %.2fth=[%s]%s", ps[i], us(lat.percentile(ps[i])),
                            i < ps.length - 1 ? "," : "\n"));
                }
                LatencyRecorder dev = st.dtime[d];
                if (dev.count() > 0) {
                    // the device's own share (dispatch to completion, blktrace's D2C), beside clat
                    sb.append(String.format(Locale.ROOT, "     device time percentiles (usec), avg=%.2f:%n      |", dev.mean() / 1e3));
                    for (int i = 0; i < ps.length; i++) {
                        sb.append(String.format(Locale.ROOT, " %.2fth=[%s]%s", ps[i], us(dev.percentile(ps[i])),
                                i < ps.length - 1 ? "," : "\n"));
                    }
                }
            }
            if (st.layerSamples > 0) {
                double n = st.layerSamples * 1e3;
                double[] l = st.layers;
                double device = l[2] + l[3] + l[4] + l[5];
                double total = 0;
                for (double v : l) {
                    total += v;
                }
                sb.append(String.format(Locale.ROOT,
                        "  where the time went (usec per I/O): cpu %.2f + queue %.2f + device %.2f"
                                + " (device queue %.2f, media %.2f, transfer %.2f, overhead %.2f) + completion %.2f = %.2f%n",
                        l[0] / n, l[1] / n, device / n, l[2] / n, l[3] / n, l[4] / n, l[5] / n, l[6] / n, total / n));
            }
        }
        sb.append(String.format(Locale.ROOT,
                "  cpu: util=%.1f%% (irq %.2f ms); ctx=%d (voluntary %d, involuntary %d), mode switches=%d, syscalls=%d%n",
                d(m, "cpu.util_pct"), d(m, "cpu.irq_ms"),
                l(m, "os.context_switches.voluntary") + l(m, "os.context_switches.involuntary"),
                l(m, "os.context_switches.voluntary"), l(m, "os.context_switches.involuntary"),
                l(m, "os.mode_switches"), l(m, "os.syscalls.total")));
        sb.append(String.format(Locale.ROOT, "  copies: cpu %d (%s), dma %d (%s)%n",
                l(m, "os.cpu_copies"), Units.formatSize(l(m, "os.cpu_copy_bytes")),
                l(m, "os.dma_transfers"), Units.formatSize(l(m, "os.dma_bytes"))));
        perCpu(sb, m);
        perTask(sb, m);
        sb.append("\nDisk stats (read/write):\n");
        sb.append(String.format(Locale.ROOT, "  %s: ios=%d/%d, merge=%d/%d, sectors=%d/%d, ticks=%d/%d, in_queue=%d, util=%.2f%%%n",
                r.device(), l(m, "diskstats.read.ios"), l(m, "diskstats.write.ios"),
                l(m, "diskstats.read.merges"), l(m, "diskstats.write.merges"),
                l(m, "diskstats.read.sectors"), l(m, "diskstats.write.sectors"),
                l(m, "diskstats.read.ticks_ms"), l(m, "diskstats.write.ticks_ms"),
                l(m, "diskstats.time_in_queue_ms"), d(m, "iostat.util_pct")));
        sb.append("  /proc/diskstats: ").append(DiskstatsText.procDiskstatsLine(r.device(), m)).append('\n');
        if (m.containsKey("block.nr_requests")) {
            blockLine(sb, m, "  ", "block.");
        }
        // A stack of several devices: each one's own lines, as fio lists an md array's members.
        java.util.List<String> others = otherDevices(m, r.device());
        for (String dev : others) {
            Map<String, Number> d = scoped(m, dev);
            sb.append(String.format(Locale.ROOT,
                    "  %s: ios=%d/%d, merge=%d/%d, sectors=%d/%d, ticks=%d/%d, in_queue=%d, util=%.2f%%%n",
                    dev, l(d, "diskstats.read.ios"), l(d, "diskstats.write.ios"), l(d, "diskstats.read.merges"),
                    l(d, "diskstats.write.merges"), l(d, "diskstats.read.sectors"), l(d, "diskstats.write.sectors"),
                    l(d, "diskstats.read.ticks_ms"), l(d, "diskstats.write.ticks_ms"), l(d, "diskstats.time_in_queue_ms"),
                    d(d, "iostat.util_pct")));
            if (m.containsKey("block." + dev + ".nr_requests")) {
                blockLine(sb, m, "    ", "block." + dev + ".");
            }
        }
        sb.append("\niostat -x:\n").append(DiskstatsText.IOSTAT_X_HEADER).append('\n')
                .append(DiskstatsText.iostatXRow(r.device(), m)).append('\n');
        for (String dev : others) {
            sb.append(DiskstatsText.iostatXRow(dev, scoped(m, dev))).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%nsimulated %.3f s, %d events, seed %d%n",
                d(m, "run.sim_time_s"), l(m, "run.events"), r.seed()));
        return sb.toString();
    }

    /** Per-CPU utilisation: user, system and interrupt shares of each core's time (the first 16 cores). */
    /** The devices of a stack of several with their own diskstats ({@code diskstats.NAME.*}), but {@code main}. */
    private static java.util.List<String> otherDevices(Map<String, Number> m, String main) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String k : m.keySet()) {
            if (k.startsWith("diskstats.") && k.endsWith(".read.ios") && k.length() > "diskstats..read.ios".length()) {
                String dev = k.substring("diskstats.".length(), k.length() - ".read.ios".length());
                if (!dev.contains(".") && !dev.equals(main)) {
                    out.add(dev);
                }
            }
        }
        return out;
    }

    /** Device {@code dev}'s diskstats and iostat metrics under the plain names ({@code diskstats.read.ios}). */
    private static Map<String, Number> scoped(Map<String, Number> m, String dev) {
        Map<String, Number> out = new java.util.TreeMap<>();
        for (String group : new String[] {"diskstats.", "iostat."}) {
            String p = group + dev + ".";
            m.forEach((k, v) -> {
                if (k.startsWith(p)) {
                    out.put(group + k.substring(p.length()), v);
                }
            });
        }
        return out;
    }

    private static void blockLine(StringBuilder sb, Map<String, Number> m, String indent, String p) {
        sb.append(String.format(Locale.ROOT,
                "%sblock: scheduler=%s, nr_requests=%d, max_sectors_kb=%d, merges plug/sched/request=%d/%d/%d,"
                        + " request waits=%d (mean %.1f us)%n", indent,
                m.keySet().stream().filter(k -> k.startsWith(p + "scheduler.")).findFirst()
                        .map(k -> k.substring((p + "scheduler.").length())).orElse("?"),
                l(m, p + "nr_requests"), l(m, p + "max_sectors") / 2, l(m, p + "merges.plug"),
                l(m, p + "merges.sched"), l(m, p + "merges.requests"), l(m, p + "request_waits"),
                d(m, p + "request_wait.mean_us")));
    }

    private static void perCpu(StringBuilder sb, Map<String, Number> m) {
        for (int i = 0; i < 16 && m.containsKey("cpu." + i + ".util_pct"); i++) {
            String p = "cpu." + i + ".";
            sb.append(String.format(Locale.ROOT, "  cpu%d: util=%.1f%% (user %.1f%%, sys %.1f%%, irq %.1f%%), %d interrupts%n",
                    i, d(m, p + "util_pct"), d(m, p + "user_pct"), d(m, p + "sys_pct"), d(m, p + "irq_pct"), l(m, p + "interrupts")));
        }
    }

    /** Per-task counters (task.COMM.PID.*), the first 16 tasks. */
    private static void perTask(StringBuilder sb, Map<String, Number> m) {
        java.util.List<String> prefixes = new java.util.ArrayList<>();
        for (String k : m.keySet()) {
            if (k.startsWith("task.") && k.endsWith(".user_ms")) {
                prefixes.add(k.substring(0, k.length() - "user_ms".length()));
            }
        }
        prefixes.sort(java.util.Comparator.comparingLong(p -> Long.parseLong(p.substring(p.lastIndexOf('.', p.length() - 2) + 1,
                p.length() - 1))));
        int shown = 0;
        for (String p : prefixes) {
            if (shown++ == 16) {
                sb.append(String.format(Locale.ROOT, "  ... %d more tasks%n", prefixes.size() - 16));
                break;
            }
            String name = p.substring("task.".length(), p.length() - 1);
            int dot = name.lastIndexOf('.');
            sb.append(String.format(Locale.ROOT,
                    "  task %s[%s]: user %.2f ms, sys %.2f ms; ctx voluntary %d, involuntary %d; mode switches %d, syscalls %d%n",
                    name.substring(0, dot), name.substring(dot + 1), d(m, p + "user_ms"), d(m, p + "sys_ms"),
                    l(m, p + "ctx_voluntary"), l(m, p + "ctx_involuntary"), l(m, p + "mode_switches"), l(m, p + "syscalls")));
        }
    }

    /** The server workload's figures. */
    private static void server(StringBuilder sb, RunResult r) {
        Map<String, Number> m = r.metrics();
        Object cfg = r.config();
        String mode = "?";
        if (cfg instanceof Map<?, ?> root && root.get("workload") instanceof Map<?, ?> w && w.get("server") instanceof Map<?, ?> s
                && s.get("mode") != null) {
            mode = s.get("mode").toString();
        }
        sb.append(String.format(Locale.ROOT, "server: mode=%s, connections=%d, offered %.1f req/s%n", mode,
                l(m, "server.connections"), d(m, "server.offered_rps")));
        sb.append(String.format(Locale.ROOT, "  requests=%d, throughput=%.1f req/s, wait calls/request=%.2f, ready per wait call=%.2f%n",
                l(m, "server.requests"), d(m, "server.throughput_rps"), d(m, "server.wait_calls_per_request"),
                d(m, "server.ready_per_wait_call")));
        sb.append(String.format(Locale.ROOT, "  latency (usec): mean=%.2f, p50=%.2f, p99=%.2f, p99.9=%.2f, max=%.2f%n",
                d(m, "lat.request.mean_us"), d(m, "lat.request.p50_us"), d(m, "lat.request.p99_us"),
                d(m, "lat.request.p99.9_us"), d(m, "lat.request.max_us")));
        sb.append(String.format(Locale.ROOT,
                "  cpu per request (usec): %.2f (user %.2f, sys %.2f, irq %.2f); cost model, each request alone: %.2f%n",
                d(m, "server.cpu_per_request_us"), d(m, "server.cpu_per_request.user_us"), d(m, "server.cpu_per_request.sys_us"),
                d(m, "server.cpu_per_request.irq_us"), d(m, "server.predicted_cpu_per_request_us")));
        sb.append(String.format(Locale.ROOT, "  net: %d packets out, %d in, %d hard IRQs, %d delayed ACKs%n",
                l(m, "net.tx.packets"), l(m, "net.rx.packets"), l(m, "net.hardirqs"), l(m, "net.tcp.delayed_acks")));
    }

    private static double d(Map<String, Number> m, String k) {
        Number n = m.get(k);
        return n == null ? 0 : n.doubleValue();
    }

    private static long l(Map<String, Number> m, String k) {
        Number n = m.get(k);
        return n == null ? 0 : n.longValue();
    }

    private static String us(long ns) {
        double u = ns / 1e3;
        return u >= 100 ? Long.toString(Math.round(u)) : String.format(Locale.ROOT, "%.2f", u);
    }

    /** fio's IOPS style: 9876, 12.3k, 1.23M. */
    static String human(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String decimalRate(double bytesPerSec) {
        if (bytesPerSec >= 1e9) {
            return String.format(Locale.ROOT, "%.2fGB/s", bytesPerSec / 1e9);
        }
        if (bytesPerSec >= 1e6) {
            return String.format(Locale.ROOT, "%.1fMB/s", bytesPerSec / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fkB/s", bytesPerSec / 1e3);
    }
}
