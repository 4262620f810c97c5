package io.stacksim.report;

import io.stacksim.workload.FioHistogram;
import io.stacksim.workload.FioStat;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.List;
import java.util.Locale;

/**
 * fio's normal (human) output (stat.c show_thread_status_normal, show_ddir_status,
 * show_clat_percentiles, show_latencies, show_group_stats, print_disk_util), line for line, with
 * fio's number formatting (num2str), followed by a short "StackSim:" section that fio does not
 * have: where the time went and the simulation's own counters.
 */
public final class FioNormalWriter {
    private final FioReport report;
    private final StringBuilder out = new StringBuilder();

    public FioNormalWriter(FioReport report) {
        this.report = report;
    }

    private void p(String fmt, Object... args) {
        out.append(String.format(Locale.ROOT, fmt, args));
    }

    /** The whole report. */
    public String write() {
        header();
        for (FioReport.Thread t : report.threads()) {
            thread(t);
        }
        for (FioReport.Group g : report.groups().values()) {
            group(g);
        }
        if (report.diskUtil()) {
            p("\nDisk stats (read/write):\n");
            List<String> slaves = report.slaves();
            p("%s  %s: ios=%d/%d, merge=%d/%d, ticks=%d/%d, in_queue=%d, util=%3.2f%%", slaves.isEmpty() ? "" : "  ",
                    report.result().device(),
                    report.count("diskstats.read.ios"), report.count("diskstats.write.ios"),
                    report.count("diskstats.read.merges"), report.count("diskstats.write.merges"),
                    report.count("diskstats.read.ticks_ms"), report.count("diskstats.write.ticks_ms"),
                    report.count("diskstats.time_in_queue_ms"), Math.min(100.0, report.metric("iostat.util_pct")));
            if (!slaves.isEmpty()) {
                // fio's print_disk_util: the slaves' sums over their count, and the busiest one's util.
                long n = slaves.size();
                p(", aggrios=%d/%d, aggrmerge=%d/%d, aggrticks=%d/%d, aggrin_queue=%d, aggrutil=%3.2f%%",
                        sum(slaves, "read.ios") / n, sum(slaves, "write.ios") / n, sum(slaves, "read.merges") / n,
                        sum(slaves, "write.merges") / n, sum(slaves, "read.ticks_ms") / n,
                        sum(slaves, "write.ticks_ms") / n, sum(slaves, "time_in_queue_ms") / n, maxUtil(slaves));
            }
            p("\n");
            for (String d : slaves) {
                String k = "diskstats." + d + ".";
                p("  %s: ios=%d/%d, merge=%d/%d, ticks=%d/%d, in_queue=%d, util=%3.2f%%\n", d,
                        report.count(k + "read.ios"), report.count(k + "write.ios"), report.count(k + "read.merges"),
                        report.count(k + "write.merges"), report.count(k + "read.ticks_ms"),
                        report.count(k + "write.ticks_ms"), report.count(k + "time_in_queue_ms"),
                        Math.min(100.0, report.metric("iostat." + d + ".util_pct")));
            }
        }
        stacksim();
        return out.toString();
    }

    private long sum(List<String> devices, String field) {
        long t = 0;
        for (String d : devices) {
            t += report.count("diskstats." + d + "." + field);
        }
        return t;
    }

    private double maxUtil(List<String> devices) {
        double u = 0;
        for (String d : devices) {
            u = Math.max(u, Math.min(100.0, report.metric("iostat." + d + ".util_pct")));
        }
        return u;
    }

    /** The job lines fio prints before starting, then its version and the process count. */
    private void header() {
        String last = null;
        int processes = 0;
        for (io.stacksim.experiment.run.RunResult.CloneRun c : report.result().clones()) {
            processes++;
            JobSpec s = c.spec();
            if (c.cloneIndex() > 0) {
                if (c.cloneIndex() == 1) {
                    p("...\n");
                }
                continue;
            }
            if (s.name().equals(last)) {
                continue;
            }
            last = s.name();
            String[] r = sizes(s.access().bs().read());
            String[] w = sizes(s.access().bs().write());
            String[] tr = sizes(s.access().bs().trim());
            p("%s: (g=%d): rw=%s, bs=(R) %s-%s, (W) %s-%s, (T) %s-%s, ioengine=%s, iodepth=%d\n", s.name(), c.groupId(),
                    s.rw().fioName(), r[0], r[1], w[0], w[1], tr[0], tr[1], s.ioengine(), s.iodepth());
        }
        p("%s\n", FioReport.FIO_VERSION + " (simulated by StackSim " + Version.get() + ")");
        p("Starting %d process%s\n", processes, processes == 1 ? "" : "es");
        for (String w : report.warnings()) {
            p("stacksim: warning: %s\n", w);
        }
        // engines/net.c fio_netio_accept's log_info, and the backend's note of a job killed by a signal
        for (io.stacksim.experiment.run.RunResult.CloneRun c : report.result().clones()) {
            java.util.Map<String, String> eo = c.spec().control().engineOptions();
            if (c.spec().ioengine().startsWith("net") && eo.containsKey("listen")) {
                p("fio: waiting for connection\n");
            }
        }
        for (io.stacksim.experiment.run.RunResult.CloneRun c : report.result().clones()) {
            if (c.stats().extra.signal != 0) {
                p("fio: pid=%d, got signal=%d\n", c.stats().pid, c.stats().extra.signal);
            }
        }
        p("\n");
    }

    private static String[] sizes(JobSpec.BlockSize b) {
        return new String[] {Num2Str.format(b.min(), 4, 1, true, Num2Str.Unit.BYTE),
            Num2Str.format(b.max(), 4, 1, true, Num2Str.Unit.BYTE)};
    }

    private void thread(FioReport.Thread t) {
        JobStats s = t.stats();
        if (s.bytes[0] + s.bytes[1] + s.bytes[2] == 0 && s.totalIos[0] + s.totalIos[1] + s.totalIos[2] == 0) {
            return;
        }
        p("%s: (groupid=%d, jobs=%d): %s: pid=%d: %s\n", t.name(), t.groupId(), s.members,
                FioExtrasReport.errorField(t.spec(), s), s.pid,
                FioJsonWriter.ctime(0));
        JobSpec.Reporting rep = t.spec().reporting();
        if (!rep.description().isEmpty()) {
            p("  Description  : [%s]\n", rep.description());
        }
        FioReport.Group g = report.groups().get(t.groupId());
        for (int d = 0; d < JobStats.DIRS; d++) {
            if (s.bytes[d] > 0) {
                ddir(t, g, d);
            }
        }
        latencies(s);
        if (s.syncStat.samples() > 0) {
            p("  %s:\n", "fsync/fdatasync/sync_file_range");
            displayLat("sync", s.syncStat);
            percentiles(s.syncHistogram(), s.syncStat.samples(), rep, "sync");
        }
        long runt = s.totalRunTimeMs;
        double usr = runt > 0 ? s.userNs / 1e6 * 100 / runt : 0;
        double sys = runt > 0 ? s.sysNs / 1e6 * 100 / runt : 0;
        p("  cpu          : usr=%3.2f%%, sys=%3.2f%%, ctx=%d, majf=%d, minf=%d\n", usr, sys, s.ctx, s.majf, s.minf);
        long rw = s.totalIos[0] + s.totalIos[1] + s.totalIos[2];
        double[] d = FioReport.dist(s.depthMap, rw);
        p("  IO depths    : 1=%3.1f%%, 2=%3.1f%%, 4=%3.1f%%, 8=%3.1f%%, 16=%3.1f%%, 32=%3.1f%%, >=64=%3.1f%%\n",
                d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
        d = FioReport.dist(s.submitMap, s.totalSubmit);
        p("     submit    : 0=%3.1f%%, 4=%3.1f%%, 8=%3.1f%%, 16=%3.1f%%, 32=%3.1f%%, 64=%3.1f%%, >=64=%3.1f%%\n",
                d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
        d = FioReport.dist(s.completeMap, s.totalComplete);
        p("     complete  : 0=%3.1f%%, 4=%3.1f%%, 8=%3.1f%%, 16=%3.1f%%, 32=%3.1f%%, 64=%3.1f%%, >=64=%3.1f%%\n",
                d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
        p("     issued rwts: total=%d,%d,%d,%d short=%d,%d,%d,0 dropped=%d,%d,%d,0\n", s.totalIos[0], s.totalIos[1],
                s.totalIos[JobStats.TRIM], s.totalIos[JobStats.SYNC], s.printedShort(0), s.printedShort(1),
                s.printedShort(2), s.dropIos[0], s.dropIos[1], s.dropIos[2]);
        if (t.spec().extras().errors().on()) {
            p("     errors    : total=%d, first_error=%d/<%s>\n", s.extra.totalErrors, s.extra.firstError,
                    io.stacksim.workload.FioErrors.text(s.extra.firstError));
        }
        var lt = t.spec().extras().latency();
        p("     latency   : target=%d, window=%d, percentile=%.2f%%, depth=%d\n", lt == null ? 0 : lt.targetNs(),
                lt == null ? 0 : lt.windowUs(), lt == null ? 100.0 : lt.percentile(), FioExtrasReport.depth(t.spec(), s));
        String ss = FioExtrasReport.steadyStateLine(s.extra.steadyState, rep);
        if (ss != null) {
            p("%s", ss);
        }
    }

    private void ddir(FioReport.Thread t, FioReport.Group g, int d) {
        JobStats s = t.stats();
        JobSpec.Reporting rep = t.spec().reporting();
        long runt = s.runtimeMs[d];
        if (runt == 0) {
            return;
        }
        boolean i2p = rep.kbBase() == 1024;
        int sig = rep.sigFigs();
        long bw = 1000 * s.bytes[d] / runt;
        long iops = 1000 * s.totalIos[d] / runt;
        // stat.c show_ddir_status: a write line ends with zbd_write_status's "; N zone resets", whatever the zonemode.
        // unit_base: bit/s for an engine with FIO_BIT_BASED (net), else B/s
        Num2Str.Unit bwUnit = rep.unitBase() == 1 ? Num2Str.Unit.BITPERSEC : Num2Str.Unit.BYTEPERSEC;
        p("  %s: IOPS=%s, BW=%s (%s)(%s/%dmsec)%s\n", d == 0 ? "read" : d == 1 ? "write" : "trim",
                Num2Str.format(iops, sig, 1, false, Num2Str.Unit.NONE),
                Num2Str.format(bw, sig, 1, i2p, bwUnit),
                Num2Str.format(bw, sig, 1, !i2p, bwUnit),
                Num2Str.format(s.bytes[d], sig, 1, i2p, Num2Str.Unit.BYTE), runt,
                d == JobStats.WRITE ? "; " + s.zoneResets + " zone resets" : "");
        if (s.slatStat[d].samples() > 0) {
            displayLat("slat", s.slatStat[d]);
        }
        if (s.clatStat[d].samples() > 0) {
            displayLat("clat", s.clatStat[d]);
        }
        if (s.latStat[d].samples() > 0) {
            displayLat(" lat", s.latStat[d]);
        }
        if (rep.slatPercentiles() && s.slatStat[d].samples() > 0) {
            percentiles(s.slatHistogram(d), s.slatStat[d].samples(), rep, "slat");
        }
        if (rep.clatPercentiles() && s.clatStat[d].samples() > 0) {
            percentiles(s.clatHistogram(d), s.clatStat[d].samples(), rep, "clat");
        }
        if (rep.latPercentiles() && s.latStat[d].samples() > 0) {
            percentiles(s.latHistogram(d), s.latStat[d].samples(), rep, "lat");
        }
        FioStat bws = s.bwStat[d];
        if (bws.samples() > 0) {
            double min = bws.min();
            double max = bws.max();
            double mean = bws.mean();
            double dev = bws.stddev();
            double per = report.aggPercent(g, d, mean);
            String unit = i2p ? "KiB" : "kB";
            double kb = rep.kbBase();
            if (mean > kb * kb) {
                min /= kb;
                max /= kb;
                mean /= kb;
                dev /= kb;
                unit = "MiB";
            }
            p("   bw (%5s/s): min=%5d, max=%5d, per=%3.2f%%, avg=%5.02f, stdev=%5.02f, samples=%d\n", unit, (long) min,
                    (long) max, per, mean, dev, bws.samples());
        }
        FioStat is = s.iopsStat[d];
        if (is.samples() > 0) {
            p("   iops        : min=%5d, max=%5d, avg=%5.02f, stdev=%5.02f, samples=%d\n", is.min(), is.max(), is.mean(),
                    is.stddev(), is.samples());
        }
    }

    /** display_lat: nsec, or usec/msec when the values are large enough (nsec_to_usec/msec). */
    private void displayLat(String name, FioStat st) {
        long min = st.min();
        long max = st.max();
        double mean = st.mean();
        double dev = st.stddev();
        String base = "(nsec)";
        if (min > 2_000_000 && max > 99_999_999L && dev > 1_000_000.0) {
            min /= 1_000_000;
            max /= 1_000_000;
            mean /= 1e6;
            dev /= 1e6;
            base = "(msec)";
        } else if (min > 2000 && max > 99_999 && dev > 1000.0) {
            min /= 1000;
            max /= 1000;
            mean /= 1000;
            dev /= 1000;
            base = "(usec)";
        }
        p("    %s %s: min=%s, max=%s, avg=%5.02f, stdev=%5.02f\n", name, base,
                Num2Str.format(min, 6, 1, false, Num2Str.Unit.NONE), Num2Str.format(max, 6, 1, false, Num2Str.Unit.NONE),
                mean, dev);
    }

    /** show_clat_percentiles. */
    private void percentiles(FioHistogram h, long n, JobSpec.Reporting rep, String pre) {
        List<Double> plist = rep.percentiles();
        if (plist.isEmpty()) {
            return;
        }
        long[] v = h.percentiles(plist, n);
        long minv = Long.MAX_VALUE;
        long maxv = 0;
        for (long x : v) {
            minv = Math.min(minv, x);
            maxv = Math.max(maxv, x);
        }
        int scale;
        long divisor;
        if (minv > 2_000_000 && maxv > 99_999_999L) {
            scale = 2;
            divisor = 1_000_000;
            p("    %s percentiles (msec):\n     |", pre);
        } else if (minv > 2000 && maxv > 99_999) {
            scale = 1;
            divisor = 1000;
            p("    %s percentiles (usec):\n     |", pre);
        } else {
            scale = 0;
            divisor = 1;
            p("    %s percentiles (nsec):\n     |", pre);
        }
        int precision = 2;
        int width = Math.max(5, (int) (Math.log10(Math.max(1, maxv / divisor)) + 1));
        String fmt = " %" + (precision + 3) + "." + precision + "fth=[%" + width + "d]%c";
        int perLine = (80 - 7) / (precision + 10 + width);
        for (int j = 0; j < v.length; j++) {
            if (j != 0 && j % perLine == 0) {
                p("     |");
            }
            boolean last = j == v.length - 1;
            long val = v[j];
            for (int i = 0; i < scale; i++) {
                val = (val + 999) / 1000;
            }
            p(fmt, plist.get(j), val, last ? '\n' : ',');
            if (last) {
                break;
            }
            if (j % perLine == perLine - 1) {
                p("\n");
            }
        }
    }

    /** show_latencies: the clat buckets, five per line. */
    private void latencies(JobStats s) {
        long total = s.totalIos[0] + s.totalIos[1];
        String[] r10 = {"2=", "4=", "10=", "20=", "50=", "100=", "250=", "500=", "750=", "1000="};
        String[] r12 = {"2=", "4=", "10=", "20=", "50=", "100=", "250=", "500=", "750=", "1000=", "2000=", ">=2000="};
        showLat(FioReport.latDist(s.latN, total), r10, "nsec");
        showLat(FioReport.latDist(s.latU, total), r10, "usec");
        showLat(FioReport.latDist(s.latM, total), r12, "msec");
    }

    private void showLat(double[] v, String[] ranges, String msg) {
        boolean newLine = true;
        boolean shown = false;
        int line = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] <= 0.0) {
                continue;
            }
            shown = true;
            if (newLine) {
                if (line != 0) {
                    p("\n");
                }
                p("  lat (%s)   : ", msg);
                newLine = false;
                line = 0;
            }
            if (line != 0) {
                p(", ");
            }
            p("%s%3.2f%%", ranges[i], v[i]);
            line++;
            if (line == 5) {
                newLine = true;
            }
        }
        if (shown) {
            p("\n");
        }
    }

    /** show_group_stats. */
    private void group(FioReport.Group g) {
        p("\nRun status group %d (all jobs):\n", g.id());
        String[] names = {"   READ", "  WRITE", "   TRIM"};
        boolean i2p = g.kbBase() == 1024;
        int sig = g.sigFigs();
        Num2Str.Unit u = g.unitBase() == 1 ? Num2Str.Unit.BITPERSEC : Num2Str.Unit.BYTEPERSEC;
        for (int d = 0; d < JobStats.DIRS; d++) {
            if (g.maxRun()[d] == 0) {
                continue;
            }
            p("%s: bw=%s (%s), %s-%s (%s-%s), io=%s (%s), run=%d-%dmsec\n", names[d],
                    Num2Str.format(g.agg()[d], sig, 1, i2p, u),
                    Num2Str.format(g.agg()[d], sig, 1, !i2p, u),
                    Num2Str.format(g.minBw()[d], sig, 1, i2p, u),
                    Num2Str.format(g.maxBw()[d], sig, 1, i2p, u),
                    Num2Str.format(g.minBw()[d], sig, 1, !i2p, u),
                    Num2Str.format(g.maxBw()[d], sig, 1, !i2p, u),
                    Num2Str.format(g.ioBytes()[d], sig, 1, i2p, Num2Str.Unit.BYTE),
                    Num2Str.format(g.ioBytes()[d], sig, 1, !i2p, Num2Str.Unit.BYTE), g.minRun()[d], g.maxRun()[d]);
        }
    }

    /** StackSim's own figures, after fio's report. */
    private void stacksim() {
        p("\nStackSim (simulated, seed %d, %.3f s simulated):\n", report.result().seed(), report.metric("run.sim_time_s"));
        for (FioReport.Thread t : report.threads()) {
            JobStats s = t.stats();
            if (s.layerSamples == 0) {
                continue;
            }
            double n = s.layerSamples * 1e3;
            double[] l = s.layers;
            double total = 0;
            for (double v : l) {
                total += v;
            }
            p("  %s: where the time went (usec per I/O): cpu %.2f + queue %.2f + device %.2f (device queue %.2f,"
                    + " media %.2f, transfer %.2f, overhead %.2f) + completion %.2f = %.2f\n", t.name(), l[0] / n, l[1] / n,
                    (l[2] + l[3] + l[4] + l[5]) / n, l[2] / n, l[3] / n, l[4] / n, l[5] / n, l[6] / n, total / n);
        }
        p("  os: syscalls=%d, mode switches=%d, context switches=%d/%d (voluntary/involuntary), cpu copies=%d (%s),"
                        + " dma=%d (%s)\n", report.count("os.syscalls.total"), report.count("os.mode_switches"),
                report.count("os.context_switches.voluntary"), report.count("os.context_switches.involuntary"),
                report.count("os.cpu_copies"), io.stacksim.config.Units.formatSize(report.count("os.cpu_copy_bytes")),
                report.count("os.dma_transfers"), io.stacksim.config.Units.formatSize(report.count("os.dma_bytes")));
        p("  page cache: hits=%d, misses=%d, readahead pages=%d, written back pages=%d\n", report.count("cache.hits"),
                report.count("cache.misses"), report.count("readahead.pages"), report.count("cache.pages_written"));
    }
}
