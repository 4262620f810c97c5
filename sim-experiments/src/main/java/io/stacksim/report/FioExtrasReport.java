package io.stacksim.report;

import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import io.stacksim.workload.SteadyState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's parts for {@link io.stacksim.workload.JobExtras}' options, shared by the normal,
 * JSON and terse writers: the job's err= (stat.c sum_thread_stats: with continue_on_error the
 * first error counted), latency_target's depth and the steady-state block (show_ss_normal and
 * the JSON "steadystate" object).
 */
final class FioExtrasReport {
    private FioExtrasReport() {
    }

    /**
     * ts->error: the error that ended the job (td->error, e.g. check_min_rate's EIO), else with
     * continue_on_error the first one it went on after.
     */
    static int error(JobSpec spec, JobStats s) {
        if (s.extra.jobError != 0) {
            return s.extra.jobError;
        }
        return spec.extras().errors().on() ? s.extra.firstError : 0;
    }

    /** show_thread_status_normal: with a job error, "err= N (VERROR)" instead of "err= N". */
    static String errorField(JobSpec spec, JobStats s) {
        String n = String.format(Locale.ROOT, "err=%2d", error(spec, s));
        return s.extra.jobError != 0 ? n + " (" + s.extra.verror + ")" : n;
    }

    /** ts->latency_depth: td->latency_qd, which is iodepth without a latency target. */
    static int depth(JobSpec spec, JobStats s) {
        return spec.extras().latency() == null || s.extra.latencyDepth == 0 ? spec.iodepth() : s.extra.latencyDepth;
    }

    /** show_ss_normal's line, or null without ss. */
    static String steadyStateLine(SteadyState ss, JobSpec.Reporting rep) {
        if (ss == null) {
            return null;
        }
        int kb = rep.kbBase();
        boolean i2p = Integer.bitCount(kb) == 1;
        long bw = ss.bwMean() / kb;
        String p1 = Num2Str.format(bw, rep.sigFigs(), kb, i2p, Num2Str.Unit.BYTEPERSEC);
        String p1alt = Num2Str.format(bw, rep.sigFigs(), kb, !i2p, Num2Str.Unit.BYTEPERSEC);
        String p2 = Num2Str.format(ss.iopsMean(), rep.sigFigs(), 1, false, Num2Str.Unit.NONE);
        var spec = ss.spec();
        return String.format(Locale.ROOT, "  steadystate  : attained=%s, bw=%s (%s), iops=%s, %s%s=%.3f%s\n",
                ss.attained() ? "yes" : "no", p1, p1alt, p2, spec.iops() ? "iops" : "bw",
                spec.slope() ? " slope" : " mean dev", ss.criterion(), spec.pct() ? "%" : "");
    }

    /** stat.c's "steadystate" object. */
    static Map<String, Object> steadyStateJson(SteadyState ss) {
        var spec = ss.spec();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ss", String.format(Locale.ROOT, "%s:%f%s", spec.criterion(), (float) spec.limit(), spec.pct() ? "%" : ""));
        o.put("duration", (long) spec.durS());
        o.put("attained", ss.attained() ? 1L : 0L);
        o.put("criterion", String.format(Locale.ROOT, "%f%s", (float) ss.criterion(), spec.pct() ? "%" : ""));
        o.put("max_deviation", ss.deviationValue());
        o.put("slope", ss.slopeValue());
        Map<String, Object> data = new LinkedHashMap<>();
        long[][] d = ss.data();
        data.put("bw_mean", ss.bwMean());
        data.put("iops_mean", ss.iopsMean());
        data.put("iops", toList(d[1]));
        data.put("bw", toList(d[0]));
        o.put("data", data);
        return o;
    }

    private static List<Long> toList(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
