package io.stacksim.report;

import io.stacksim.experiment.run.RunResult;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run arranged the way fio reports it (stat.c __show_run_stats): clones are summed into
 * "thread stats" - one per clone, or one per group of consecutive jobs with group_reporting -
 * and each reporting group gets its run statistics (min/max run time and bandwidth, aggregate
 * bandwidth). The JSON, normal and terse writers all read this one model.
 *
 * @param threads       the reported jobs, in order
 * @param groups        run statistics by group id
 * @param globalOptions the job file's [global] options as fio prints them
 * @param result        the run
 * @param warnings      options ignored with --lenient
 */
public record FioReport(List<Thread> threads, Map<Integer, Group> groups, Map<String, String> globalOptions,
                        RunResult result, List<String> warnings) {

    /** What fio 3.33 calls itself in its output; StackSim's JSON names itself beside it. */
    public static final String FIO_VERSION = "fio-3.33";

    /**
     * One reported job (fio's struct thread_stat).
     *
     * @param name    the first member's job name
     * @param groupId its reporting group
     * @param spec    the last member's job (fio takes options and percentiles from it)
     * @param stats   the members' figures, summed as sum_thread_stats does
     */
    public record Thread(String name, int groupId, JobSpec spec, JobStats stats) {
    }

    /**
     * A reporting group's run statistics (struct group_run_stats), per direction.
     *
     * @param minRun  shortest run time, ms
     * @param maxRun  longest run time, ms
     * @param minBw   lowest job bandwidth, bytes/s
     * @param maxBw   highest job bandwidth, bytes/s
     * @param ioBytes bytes moved by all jobs
     * @param agg     aggregate bandwidth, bytes/s: ioBytes x 1000 / maxRun
     * @param kbBase  1024 or 1000
     * @param sigFigs significant figures
     */
    public record Group(int id, long[] minRun, long[] maxRun, long[] minBw, long[] maxBw, long[] ioBytes, long[] agg,
                        int kbBase, int sigFigs, int unitBase) {
    }

    /** Builds the report of {@code r}. */
    public static FioReport of(RunResult r, Map<String, String> globalOptions, List<String> warnings) {
        List<Thread> threads = new ArrayList<>();
        JobStats cur = null;
        String name = null;
        int group = -1;
        JobSpec spec = null;
        int last = -1;
        int idx = 0;
        for (RunResult.CloneRun c : r.clones()) {
            if (!c.spec().reporting().stats()) {
                continue;
            }
            boolean gr = c.spec().reporting().groupReporting();
            if (idx > 0 && (!gr || last != c.groupId())) {
                threads.add(new Thread(name, group, spec, cur));
                idx = 0;
            }
            last = c.groupId();
            if (idx == 0) {
                cur = JobStats.empty();
                cur.pid = c.stats().pid;
                name = c.spec().name();
                group = c.groupId();
            }
            spec = c.spec();
            cur.add(c.stats());
            idx++;
        }
        if (idx > 0) {
            threads.add(new Thread(name, group, spec, cur));
        }
        Map<Integer, Group> groups = new LinkedHashMap<>();
        for (Thread t : threads) {
            Group g = groups.computeIfAbsent(t.groupId(), id -> new Group(id, new long[3], new long[3],
                    new long[] {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE}, new long[3], new long[3], new long[3],
                    t.spec().reporting().kbBase(), t.spec().reporting().sigFigs(), t.spec().reporting().unitBase()));
            for (int d = 0; d < JobStats.DIRS; d++) {
                long run = t.stats().runtimeMs[d];
                if (run == 0) {
                    continue;
                }
                if (g.minRun()[d] == 0 || run < g.minRun()[d]) {
                    g.minRun()[d] = run;
                }
                g.maxRun()[d] = Math.max(g.maxRun()[d], run);
                long bw = t.stats().bytes[d] * 1000 / run;
                g.minBw()[d] = Math.min(g.minBw()[d], bw);
                g.maxBw()[d] = Math.max(g.maxBw()[d], bw);
                g.ioBytes()[d] += t.stats().bytes[d];
            }
        }
        for (Group g : groups.values()) {
            for (int d = 0; d < JobStats.DIRS; d++) {
                if (g.maxRun()[d] > 0) {
                    g.agg()[d] = g.ioBytes()[d] * 1000 / g.maxRun()[d];
                }
                if (g.minBw()[d] == Long.MAX_VALUE) {
                    g.minBw()[d] = 0;
                }
            }
        }
        return new FioReport(threads, groups, globalOptions, r, List.copyOf(warnings));
    }

    /** fio's elapsed: whole seconds since the run began, rounded up. */
    public long elapsedSeconds() {
        double s = metric("run.sim_time_s");
        long ms = (long) Math.ceil(s * 1000);
        return (ms + 999) / 1000;
    }

    /**
     * The devices the reported device is stacked on (its /sys/block/NAME/slaves), for fio's
     * aggregated disk_util of an md or dm device; empty for a disk.
     */
    public List<String> slaves() {
        List<String> out = new java.util.ArrayList<>();
        String dev = result().device();
        for (String k : result().metrics().keySet()) {
            for (String kind : new String[] {"md.", "dm."}) {
                String p = kind + dev + ".member.";
                if (k.startsWith(p)) {
                    out.add(k.substring(p.length()));
                }
            }
        }
        return out;
    }

    public double metric(String key) {
        Number n = result.metrics().get(key);
        return n == null ? 0 : n.doubleValue();
    }

    public long count(String key) {
        Number n = result.metrics().get(key);
        return n == null ? 0 : n.longValue();
    }

    /** True when disk utilisation should be shown (every job has disk_util on). */
    public boolean diskUtil() {
        for (Thread t : threads) {
            if (!t.spec().reporting().diskUtil()) {
                return false;
            }
        }
        return true;
    }

    /** Distribution of a depth/submit map in percent (stat_calc_dist: at least 0.1 when non-zero). */
    static double[] dist(long[] map, long total) {
        double[] out = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            if (total > 0) {
                out[i] = 100.0 * map[i] / total;
                if (out[i] < 0.1 && map[i] > 0) {
                    out[i] = 0.1;
                }
            }
        }
        return out;
    }

    /** Latency buckets in percent of reads + writes (stat_calc_lat: at least 0.01 when non-zero). */
    static double[] latDist(long[] buckets, long total) {
        double[] out = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            if (total > 0) {
                out[i] = 100.0 * buckets[i] / total;
                if (out[i] < 0.01 && buckets[i] > 0) {
                    out[i] = 0.01;
                }
            }
        }
        return out;
    }

    /** bw_agg: a job's mean bandwidth as a share of its group's aggregate (convert_agg_kbytes_percent). */
    double aggPercent(Group g, int ddir, double mean) {
        double p = 100.0;
        if (g != null && g.agg()[ddir] > 1024) {
            p = (long) mean * 100.0 / (g.agg()[ddir] / 1024.0);
            if (p > 100.0) {
                p = 100.0;
            }
        }
        return p;
    }

    public List<Thread> threadsView() {
        return Collections.unmodifiableList(threads);
    }
}
