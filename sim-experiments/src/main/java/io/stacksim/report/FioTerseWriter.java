package io.stacksim.report;

import io.stacksim.workload.FioHistogram;
import io.stacksim.workload.FioStat;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.List;
import java.util.Locale;

/**
 * fio's terse output, version 3 (fio's default terse_version; stat.c
 * show_thread_status_terse_all, show_ddir_status_terse): one semicolon-separated line per job,
 * latencies in microseconds, with the disk's utilisation at the end.
 */
public final class FioTerseWriter {
    /** FIO_IO_U_LIST_MAX_LEN: terse always prints this many percentile fields. */
    static final int LIST_MAX = 20;

    private final FioReport report;
    private final StringBuilder out = new StringBuilder();

    public FioTerseWriter(FioReport report) {
        this.report = report;
    }

    private void p(String fmt, Object... args) {
        out.append(String.format(Locale.ROOT, fmt, args));
    }

    public String write() {
        for (FioReport.Thread t : report.threads()) {
            JobStats s = t.stats();
            p("3;%s;%s;%d;%d", FioReport.FIO_VERSION, t.name(), t.groupId(), FioExtrasReport.error(t.spec(), s));
            FioReport.Group g = report.groups().get(t.groupId());
            ddir(t, g, 0);
            ddir(t, g, 1);
            long runt = s.totalRunTimeMs;
            double usr = runt > 0 ? s.userNs / 1e6 * 100 / runt : 0;
            double sys = runt > 0 ? s.sysNs / 1e6 * 100 / runt : 0;
            p(";%f%%;%f%%;%d;%d;%d", usr, sys, s.ctx, s.majf, s.minf);
            long total = s.totalIos[0] + s.totalIos[1];
            for (double v : FioReport.dist(s.depthMap, total)) {
                p(";%3.1f%%", v);
            }
            // stat_calc_lat_nu: the nanosecond buckets are added to the first microsecond one.
            double[] u = FioReport.latDist(s.latU, total);
            long ns = 0;
            for (long n : s.latN) {
                ns += n;
            }
            if (total > 0) {
                u[0] += 100.0 * ns / total;
            }
            for (double v : u) {
                p(";%3.2f%%", v);
            }
            for (double v : FioReport.latDist(s.latM, total)) {
                p(";%3.2f%%", v);
            }
            if (report.diskUtil()) {
                p(";%s;%d;%d;%d;%d;%d;%d;%d;%3.2f%%", report.result().device(), report.count("diskstats.read.ios"),
                        report.count("diskstats.write.ios"), report.count("diskstats.read.merges"),
                        report.count("diskstats.write.merges"), report.count("diskstats.read.ticks_ms"),
                        report.count("diskstats.write.ticks_ms"), report.count("diskstats.time_in_queue_ms"),
                        Math.min(100.0, report.metric("iostat.util_pct")));
            }
            if (t.spec().extras().errors().on()) {
                p(";%d;%d", s.extra.totalErrors, s.extra.firstError);
            }
            if (!t.spec().reporting().description().isEmpty()) {
                p(";%s", t.spec().reporting().description());
            }
            p("\n");
        }
        return out.toString();
    }

    private void ddir(FioReport.Thread t, FioReport.Group g, int d) {
        JobStats s = t.stats();
        JobSpec.Reporting rep = t.spec().reporting();
        long runt = s.runtimeMs[d];
        long bw = runt > 0 ? 1000 * s.bytes[d] / runt / 1024 : 0;
        long iops = runt > 0 ? 1000 * s.totalIos[d] / runt : 0;
        p(";%d;%d;%d;%d", s.bytes[d] >> 10, bw, iops, runt);
        lat(s.slatStat[d]);
        lat(s.clatStat[d]);
        List<Double> plist = rep.percentiles();
        FioStat src = rep.latPercentiles() ? s.latStat[d] : s.clatStat[d];
        FioHistogram h = rep.latPercentiles() ? s.latHistogram(d) : s.clatHistogram(d);
        boolean show = (rep.latPercentiles() || rep.clatPercentiles()) && src.samples() > 0;
        long[] v = show ? h.percentiles(plist, src.samples()) : new long[0];
        for (int i = 0; i < LIST_MAX; i++) {
            if (i >= v.length) {
                p(";0%%=0");
            } else {
                p(";%f%%=%d", plist.get(i), v[i] / 1000);
            }
        }
        lat(s.latStat[d]);
        FioStat b = s.bwStat[d];
        if (b.samples() > 0) {
            double agg = 100.0;
            if (g != null && g.agg()[d] > 0) {
                agg = Math.min(100.0, b.mean() * 100 / (double) (g.agg()[d] / 1024));
            }
            p(";%d;%d;%f%%;%f;%f", b.min(), b.max(), agg, b.mean(), b.stddev());
        } else {
            p(";%d;%d;%f%%;%f;%f", 0, 0, 0.0, 0.0, 0.0);
        }
    }

    private void lat(FioStat st) {
        if (st.samples() > 0) {
            p(";%d;%d;%f;%f", st.min() / 1000, st.max() / 1000, st.mean() / 1000, st.stddev() / 1000);
        } else {
            p(";%d;%d;%f;%f", 0, 0, 0.0, 0.0);
        }
    }
}
