package io.stacksim.report;

import io.stacksim.workload.FioHistogram;
import io.stacksim.workload.FioStat;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * fio's {@code --output-format=json} and {@code json+} (stat.c show_thread_status_json,
 * add_ddir_status_json, json_array_add_disk_util; json.c for the layout): the same keys, in the
 * same order, with fio's number formats (integers, and {@code %f} for floats), so that fio's
 * own tools (fio_jsonplus_clat2csv, fio-plot) read it. json+ adds each latency's histogram
 * ("bins", keyed by the middle of fio's bucket).
 *
 * <p>What only StackSim knows - the per-layer latency breakdown, copy and context-switch
 * counters, page-cache figures and every other metric - is under one extra top-level key,
 * {@code "stacksim"}.
 *
 * <p>The output is deterministic: "timestamp" is the simulated start, 0 (1970-01-01), unless
 * the caller passes a wall-clock time.
 */
public final class FioJsonWriter {
    private final FioReport report;
    private final boolean plus;
    private final long timestampMs;

    /**
     * @param plus        json+ (histogram bins)
     * @param timestampMs the "timestamp" to print: 0 (the simulated start) unless asked for
     */
    public FioJsonWriter(FioReport report, boolean plus, long timestampMs) {
        this.report = report;
        this.plus = plus;
        this.timestampMs = timestampMs;
    }

    /** The whole document. */
    public String write() {
        return Json.print(tree()) + "\n";
    }

    /** The document as ordered maps, lists and values. */
    public Map<String, Object> tree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("fio version", FioReport.FIO_VERSION);
        root.put("timestamp", timestampMs / 1000);
        root.put("timestamp_ms", timestampMs);
        root.put("time", ctime(timestampMs / 1000));
        if (!report.globalOptions().isEmpty()) {
            root.put("global options", new LinkedHashMap<String, Object>(report.globalOptions()));
        }
        List<Object> jobs = new ArrayList<>();
        for (FioReport.Thread t : report.threads()) {
            jobs.add(job(t));
        }
        root.put("jobs", jobs);
        if (report.diskUtil()) {
            root.put("disk_util", diskUtils());
        }
        root.put("stacksim", extras());
        return root;
    }

    /** The C library's ctime format without the newline, in UTC. */
    static String ctime(long epochSeconds) {
        java.time.ZonedDateTime t = java.time.Instant.ofEpochSecond(epochSeconds).atZone(java.time.ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%s %s %2d %02d:%02d:%02d %d",
                t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT),
                t.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), t.getYear());
    }

    private Map<String, Object> job(FioReport.Thread t) {
        JobStats s = t.stats();
        JobSpec.Reporting rep = t.spec().reporting();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("jobname", t.name());
        j.put("groupid", (long) t.groupId());
        j.put("error", (long) FioExtrasReport.error(t.spec(), s));
        j.put("eta", 0L);
        j.put("elapsed", report.elapsedSeconds());
        if (!rep.options().isEmpty()) {
            j.put("job options", new LinkedHashMap<String, Object>(rep.options()));
        }
        FioReport.Group g = report.groups().get(t.groupId());
        j.put("read", ddir(t, g, 0));
        j.put("write", ddir(t, g, 1));
        j.put("trim", ddir(t, g, 2));
        Map<String, Object> sync = new LinkedHashMap<>();
        // total_io_u[DDIR_SYNC]: fsyncs only (fdatasyncs are in lat_ns.N, not here; end_fsync in neither).
        sync.put("total_ios", s.totalIos[JobStats.SYNC]);
        sync.put("lat_ns", lat(s.syncStat, s.syncHistogram(), rep.latPercentiles() || rep.clatPercentiles(), rep));
        j.put("sync", sync);
        long runtime = s.totalRunTimeMs;
        j.put("job_runtime", runtime);
        j.put("usr_cpu", runtime > 0 ? s.userNs / 1e6 * 100 / runtime : 0.0);
        j.put("sys_cpu", runtime > 0 ? s.sysNs / 1e6 * 100 / runtime : 0.0);
        j.put("ctx", s.ctx);
        j.put("majf", s.majf);
        j.put("minf", s.minf);
        long rw = s.totalIos[0] + s.totalIos[1] + s.totalIos[2];
        j.put("iodepth_level", dist(FioReport.dist(s.depthMap, rw), new String[] {"1", "2", "4", "8", "16", "32", ">=64"}));
        j.put("iodepth_submit", dist(FioReport.dist(s.submitMap, s.totalSubmit),
                new String[] {"0", "4", "8", "16", "32", "64", ">=64"}));
        j.put("iodepth_complete", dist(FioReport.dist(s.completeMap, s.totalComplete),
                new String[] {"0", "4", "8", "16", "32", "64", ">=64"}));
        String[] ranges = {"2", "4", "10", "20", "50", "100", "250", "500", "750", "1000"};
        j.put("latency_ns", dist(FioReport.latDist(s.latN, rw), ranges));
        j.put("latency_us", dist(FioReport.latDist(s.latU, rw), ranges));
        j.put("latency_ms", dist(FioReport.latDist(s.latM, rw),
                new String[] {"2", "4", "10", "20", "50", "100", "250", "500", "750", "1000", "2000", ">=2000"}));
        if (t.spec().extras().errors().on()) {
            j.put("total_err", s.extra.totalErrors);
            j.put("first_error", (long) s.extra.firstError);
        }
        var lt = t.spec().extras().latency();
        j.put("latency_depth", (long) FioExtrasReport.depth(t.spec(), s));
        j.put("latency_target", lt == null ? 0L : lt.targetNs());
        j.put("latency_percentile", lt == null ? 100.0 : lt.percentile());
        j.put("latency_window", lt == null ? 0L : lt.windowUs());
        if (!rep.description().isEmpty()) {
            j.put("desc", rep.description());
        }
        if (s.extra.steadyState != null) {
            j.put("steadystate", FioExtrasReport.steadyStateJson(s.extra.steadyState));
        }
        return j;
    }

    private static Map<String, Object> dist(double[] v, String[] keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            m.put(keys[i], v[i]);
        }
        return m;
    }

    private Map<String, Object> ddir(FioReport.Thread t, FioReport.Group g, int d) {
        JobStats s = t.stats();
        JobSpec.Reporting rep = t.spec().reporting();
        Map<String, Object> m = new LinkedHashMap<>();
        boolean rw = d < JobStats.DIRS;
        long bytes = rw ? s.bytes[d] : 0;
        long runt = rw ? s.runtimeMs[d] : 0;
        long ios = rw ? s.totalIos[d] : 0;
        long bwBytes = runt > 0 ? bytes * 1000 / runt : 0;
        m.put("io_bytes", bytes);
        m.put("io_kbytes", bytes >> 10);
        m.put("bw_bytes", bwBytes);
        m.put("bw", bwBytes / 1024);
        m.put("iops", runt > 0 ? 1000.0 * ios / runt : 0.0);
        m.put("runtime", runt);
        m.put("total_ios", ios);
        m.put("short_ios", rw ? s.printedShort(d) : 0L);
        m.put("drop_ios", rw ? s.dropIos[d] : 0L);
        FioStat empty = new FioStat();
        FioHistogram none = new FioHistogram();
        m.put("slat_ns", rw ? lat(s.slatStat[d], s.slatHistogram(d), rep.slatPercentiles(), rep) : lat(empty, none, false, rep));
        m.put("clat_ns", rw ? lat(s.clatStat[d], s.clatHistogram(d), rep.clatPercentiles(), rep) : lat(empty, none, false, rep));
        m.put("lat_ns", rw ? lat(s.latStat[d], s.latHistogram(d), rep.latPercentiles(), rep) : lat(empty, none, false, rep));
        // show_ddir_status_json: per-priority latencies when at least two priorities have samples
        if (rw && s.prios[d].values().stream().filter(p -> p.stat().samples() > 0).count() >= 2) {
            java.util.List<Object> prios = new java.util.ArrayList<>();
            List<Map.Entry<Integer, JobStats.PrioStat>> order = new ArrayList<>(s.prios[d].entrySet());
            order.sort(java.util.Comparator.comparing(e -> e.getKey() != s.jobIoprio)); // index 0 first, stable
            for (var e : order) {
                if (e.getValue().stat().samples() > 0) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("prioclass", (long) (e.getKey() >> 13));
                    o.put("prio", (long) (e.getKey() & 7));
                    o.put(rep.latPercentiles() ? "lat_ns" : "clat_ns", lat(e.getValue().stat(), e.getValue().hist(),
                            rep.clatPercentiles() || rep.latPercentiles(), rep));
                    prios.add(o);
                }
            }
            m.put("prios", prios);
        }
        FioStat bw = rw ? s.bwStat[d] : empty;
        boolean hasBw = bw.samples() > 0;
        m.put("bw_min", bw.min());
        m.put("bw_max", bw.max());
        m.put("bw_agg", hasBw ? report.aggPercent(g, d, bw.mean()) : 0.0);
        m.put("bw_mean", bw.mean());
        m.put("bw_dev", bw.stddev());
        m.put("bw_samples", bw.samples());
        FioStat iops = rw ? s.iopsStat[d] : empty;
        m.put("iops_min", iops.min());
        m.put("iops_max", iops.max());
        m.put("iops_mean", iops.mean());
        m.put("iops_stddev", iops.stddev());
        m.put("iops_samples", iops.samples());
        return m;
    }

    /** add_ddir_lat_json: the moments, then percentiles (and json+ bins) when asked and non-empty. */
    private Map<String, Object> lat(FioStat st, FioHistogram h, boolean percentiles, JobSpec.Reporting rep) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", st.min());
        m.put("max", st.max());
        m.put("mean", st.mean());
        m.put("stddev", st.stddev());
        m.put("N", st.samples());
        if (percentiles && st.samples() > 0) {
            Map<String, Object> p = new LinkedHashMap<>();
            long[] v = h.percentiles(rep.percentiles(), st.samples());
            for (int i = 0; i < v.length; i++) {
                p.put(String.format(Locale.ROOT, "%f", rep.percentiles().get(i)), v[i]);
            }
            m.put("percentile", p);
            if (plus) {
                Map<String, Object> bins = new LinkedHashMap<>();
                long[] b = h.bins();
                for (int i = 0; i < b.length; i++) {
                    if (b[i] != 0) {
                        bins.put(Long.toString(FioHistogram.value(i)), b[i]);
                    }
                }
                m.put("bins", bins);
            }
        }
        return m;
    }

    /** fio's disk_util: the device, with its slaves' aggregate if it is md or dm (json_object_add_disk_utils), then each slave. */
    private List<Object> diskUtils() {
        List<Object> out = new ArrayList<>();
        List<String> slaves = report.slaves();
        Map<String, Object> top = diskUtil(report.result().device(), "diskstats.", "iostat.");
        if (!slaves.isEmpty()) {
            long n = slaves.size();
            String[][] aggr = {{"aggr_read_ios", "read.ios"}, {"aggr_write_ios", "write.ios"},
                {"aggr_read_merges", "read.merges"}, {"aggr_write_merge", "write.merges"},
                {"aggr_read_ticks", "read.ticks_ms"}, {"aggr_write_ticks", "write.ticks_ms"},
                {"aggr_in_queue", "time_in_queue_ms"}};
            for (String[] a : aggr) {
                long t = 0;
                for (String d : slaves) {
                    t += report.count("diskstats." + d + "." + a[1]);
                }
                top.put(a[0], t / n);
            }
            double u = 0;
            for (String d : slaves) {
                u = Math.max(u, Math.min(100.0, report.metric("iostat." + d + ".util_pct")));
            }
            top.put("aggr_util", u);
        }
        out.add(top);
        for (String d : slaves) {
            out.add(diskUtil(d, "diskstats." + d + ".", "iostat." + d + "."));
        }
        return out;
    }

    private Map<String, Object> diskUtil(String name, String ds, String io) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("read_ios", report.count(ds + "read.ios"));
        m.put("write_ios", report.count(ds + "write.ios"));
        m.put("read_merges", report.count(ds + "read.merges"));
        m.put("write_merges", report.count(ds + "write.merges"));
        m.put("read_ticks", report.count(ds + "read.ticks_ms"));
        m.put("write_ticks", report.count(ds + "write.ticks_ms"));
        m.put("in_queue", report.count(ds + "time_in_queue_ms"));
        m.put("util", Math.min(100.0, report.metric(io + "util_pct")));
        return m;
    }

    /** StackSim's own figures, under the one extra key. */
    private Map<String, Object> extras() {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("version", Version.get());
        x.put("note", "simulated by StackSim, not measured: \"timestamp\" is the simulated start (0 unless"
                + " --wall-clock-timestamp); as in fio 3.33, sync.total_ios counts fsyncs only, sync.lat_ns.N"
                + " fsyncs and fdatasyncs, neither end_fsync");
        x.put("seed", report.result().seed());
        x.put("device", report.result().device());
        x.put("simulated_s", report.metric("run.sim_time_s"));
        x.put("warnings", new ArrayList<Object>(report.warnings()));
        List<Object> jobs = new ArrayList<>();
        for (FioReport.Thread t : report.threads()) {
            JobStats s = t.stats();
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("jobname", t.name());
            j.put("members", (long) s.members);
            Map<String, Object> layers = new LinkedHashMap<>();
            for (JobStats.Layer l : JobStats.Layer.values()) {
                layers.put(l.key, s.layerSamples == 0 ? 0.0 : s.layers[l.ordinal()] / s.layerSamples / 1e3);
            }
            j.put("latency_breakdown_us", layers);
            j.put("sync_calls", s.syncStat.samples());
            j.put("async_inline", s.asyncInline);
            j.put("async_to_workers", s.asyncPunted);
            j.put("worker_threads", s.workerThreads);
            jobs.add(j);
        }
        x.put("jobs", jobs);
        x.put("config", report.result().config());
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, Number> e : report.result().metrics().entrySet()) {
            metrics.put(e.getKey(), e.getValue() instanceof Double ? e.getValue() : (Object) e.getValue().longValue());
        }
        x.put("metrics", metrics);
        return x;
    }

    /** A minimal JSON printer in fio's layout (json.c): 2-space indent, "key" : value, %f floats. */
    static final class Json {
        private Json() {
        }

        static String print(Object v) {
            StringBuilder sb = new StringBuilder();
            value(sb, v, 0);
            return sb.toString();
        }

        private static void value(StringBuilder sb, Object v, int depth) {
            if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    indent(sb, depth + 1);
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(" : ");
                    value(sb, e.getValue(), depth + 1);
                    sb.append(++i < m.size() ? ",\n" : "\n");
                }
                indent(sb, depth);
                sb.append('}');
            } else if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    indent(sb, depth + 1);
                    value(sb, l.get(i), depth + 1);
                    sb.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                indent(sb, depth);
                sb.append(']');
            } else if (v instanceof Double d) {
                sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%f", d) : "0.000000");
            } else if (v instanceof Float f) {
                sb.append(String.format(Locale.ROOT, "%f", f.doubleValue()));
            } else if (v instanceof Number n) {
                sb.append(n.longValue());
            } else if (v instanceof Boolean b) {
                sb.append(b ? "true" : "false");
            } else if (v == null) {
                sb.append("null");
            } else {
                string(sb, v.toString());
            }
        }

        private static void indent(StringBuilder sb, int depth) {
            for (int i = 0; i < depth; i++) {
                sb.append("  ");
            }
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
