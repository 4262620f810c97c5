package io.stacksim.experiment.sweep;

import io.stacksim.engine.Estimate;
import io.stacksim.experiment.run.LatencyHistograms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A sweep with its stored runs: per-point replications, estimates across them, and latency
 * histograms pooled over them. What the charts and the report read; safe to read from several
 * threads (charts are drawn in parallel).
 */
public final class SweepResults {
    private final Sweep sweep;
    private final Map<SweepRun, RunRecord> rows;

    public SweepResults(Sweep sweep, Map<SweepRun, RunRecord> rows) {
        this.sweep = sweep;
        this.rows = rows;
    }

    public Sweep sweep() {
        return sweep;
    }

    public SweepSpec spec() {
        return sweep.spec();
    }

    /** The stored runs in sweep order. */
    public Map<SweepRun, RunRecord> rows() {
        return rows;
    }

    /** True when every run of the sweep is stored. */
    public boolean complete() {
        return rows.size() == sweep.runs().size();
    }

    /** The stored replications of point {@code p}. */
    public List<RunRecord> replications(SweepPoint p) {
        List<RunRecord> out = new ArrayList<>();
        for (SweepRun r : sweep.runsOf(p)) {
            RunRecord rec = rows.get(r);
            if (rec != null) {
                out.add(rec);
            }
        }
        return out;
    }

    /** Mean and 95% CI of {@code metric} at {@code p}. */
    public Estimate estimate(SweepPoint p, String metric) {
        return ResultTables.estimate(replications(p), metric);
    }

    /** The per-replication values of a derived quantity at {@code p}, as an estimate. */
    public Estimate estimate(SweepPoint p, java.util.function.ToDoubleFunction<RunRecord> f) {
        List<RunRecord> reps = replications(p);
        double[] v = new double[reps.size()];
        int n = 0;
        for (RunRecord r : reps) {
            double x = f.applyAsDouble(r);
            if (!Double.isNaN(x)) {
                v[n++] = x;
            }
        }
        return Estimate.of(java.util.Arrays.copyOf(v, n), ResultTables.LEVEL);
    }

    /** Every metric name of the stored runs, sorted. */
    public List<String> metricNames() {
        return ResultTables.metricNames(rows.values());
    }

    /**
     * The latency histogram of {@code direction} at {@code p}, all replications added; null
     * when the runs kept none (the sweep did not ask for histograms, or there was no such I/O).
     * Decoded on each call and not kept, so memory does not grow with the number of points.
     */
    public Histogram histogram(SweepPoint p, String direction) {
        Histogram h = null;
        for (RunRecord r : replications(p)) {
            String enc = r.latency().get(direction);
            if (enc == null) {
                continue;
            }
            Histogram one = LatencyHistograms.decode(enc);
            if (h == null) {
                h = one;
            } else {
                h.add(one);
            }
        }
        return h;
    }
}
