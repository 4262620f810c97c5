package io.stacksim.experiment.sweep;

/**
 * One run of a sweep: a point, a replication and the seed that makes it reproducible.
 *
 * @param index       position in sweep order (point-major, then replication)
 * @param point       the point
 * @param replication 0-based replication number
 * @param seed        the run's master seed ({@code run.seed})
 * @param id          content hash of the run's complete config (seed included): names its
 *                    result file, so --resume finds exactly the runs already done
 */
public record SweepRun(int index, SweepPoint point, int replication, long seed, String id) {
}
