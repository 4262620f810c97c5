package io.stacksim.experiment.validation;

import io.stacksim.config.ConfigNode;
import io.stacksim.engine.Estimate;
import io.stacksim.experiment.run.Simulation;
import io.stacksim.experiment.sweep.RunRecord;
import io.stacksim.experiment.sweep.SweepPoint;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.workload.JobSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Little's law, L = X W (Little 1961; holds for any stable system, whatever the distributions),
 * checked at two places of every sweep point, per replication, then across replications:
 * <ul>
 *   <li>the application: the I/Os a job keeps in flight (fio's iodepth for libaio, one for
 *       the sync engines, times numjobs) against throughput (iops.total) times mean completion
 *       latency. X W is a little below the target, because a slot spends the time between
 *       reaping a completion and submitting the next I/O outside the measured latency;</li>
 *   <li>the block layer: the time-averaged number of requests in flight (iostat's aqu-sz, the
 *       integral of the in-flight count over time) against the request rate times the mean
 *       request time (r/s x r_await + w/s x w_await): two independent measurements that
 *       should agree up to the requests straddling the window's edges.</li>
 * </ul>
 */
public final class LittlesLaw {
    /** Largest relative difference accepted at the block layer. */
    public static final double TOLERANCE = 0.01;

    private LittlesLaw() {
    }

    /**
     * One point's check.
     *
     * @param point       the point
     * @param target      I/Os the jobs keep in flight
     * @param throughput  X, I/Os per second
     * @param latencyUs   W, mean completion latency in µs
     * @param appInFlight X W at the application
     * @param blockInFlight time-averaged requests in flight at the block layer (aqu-sz)
     * @param blockXW     request rate times mean request time at the block layer
     */
    public record Row(SweepPoint point, int target, Estimate throughput, Estimate latencyUs, Estimate appInFlight,
                      Estimate blockInFlight, Estimate blockXW) {
        /** Relative difference of the block layer's two measurements of L. */
        public double blockError() {
            double l = blockInFlight.mean();
            return l == 0 ? 0 : (blockXW.mean() - l) / l;
        }

        /** True when the block-layer measurements agree within {@link #TOLERANCE}. */
        public boolean blockAgrees() {
            return Math.abs(blockError()) <= TOLERANCE;
        }

        /** X W over the target in-flight count. */
        public double appRatio() {
            return target == 0 ? Double.NaN : appInFlight.mean() / target;
        }
    }

    public static List<Row> check(SweepResults results) {
        List<Row> rows = new ArrayList<>();
        for (SweepPoint p : results.sweep().points()) {
            if (results.replications(p).isEmpty()) {
                continue;
            }
            int target = target(results.sweep().config(p));
            Estimate x = results.estimate(p, "iops.total");
            Estimate w = results.estimate(p, LittlesLaw::meanLatencyUs);
            Estimate l = results.estimate(p, r -> r.value("iops.total") * meanLatencyUs(r) / 1e6);
            Estimate lb = results.estimate(p, "iostat.aqu_sz");
            Estimate xw = results.estimate(p, LittlesLaw::blockXW);
            rows.add(new Row(p, target, x, w, l, lb, xw));
        }
        return rows;
    }

    /** The mean completion latency over reads and writes, µs. */
    static double meanLatencyUs(RunRecord r) {
        double nr = r.value("lat.read.count");
        double nw = r.value("lat.write.count");
        double n = nr + nw;
        return n == 0 ? Double.NaN : (r.value("lat.read.mean_us") * nr + r.value("lat.write.mean_us") * nw) / n;
    }

    /** Requests per second times mean request time (s) at the block layer, reads and writes. */
    static double blockXW(RunRecord r) {
        return (r.value("iostat.r_s") * r.value("iostat.r_await_ms") + r.value("iostat.w_s") * r.value("iostat.w_await_ms")) / 1e3;
    }

    /** The I/Os the point's jobs keep in flight: effective depth times clones, summed. */
    static int target(ConfigNode config) {
        ConfigNode c = config.copy();
        int n = 0;
        for (JobSpec s : Simulation.jobSpecs(c.section("workload"))) {
            n += s.effectiveDepth() * s.numjobs();
        }
        return n;
    }
}
