package io.stacksim.workload;

/**
 * fio's latency_target queue-depth search (io_u.c lat_target_init, lat_target_check,
 * lat_target_success, __lat_target_failed, lat_target_failed): the job starts at depth 1 and
 * after each latency_window checks what share of that window's I/Os completed within the
 * target. At least latency_percentile % succeeded: the depth doubles (until a failure has set
 * an upper bound, then bisects towards it; three successes in a row just below the bound raise
 * it by one); else it bisects down towards the last good depth and the queue is quiesced. When
 * a success leaves the depth where it was, fio quiesces, resets the statistics and runs one
 * more window at that depth, then ends the job (unless latency_run). With latency_percentile
 * 100 a single late I/O is a failure at once, and at depth 1 it is fatal (lat_fatal).
 */
final class LatencyTarget {
    private final JobExtras.LatencyTarget spec;
    private final int iodepth;
    int qd;
    private int qdHigh;
    private int qdLow;
    private int stableCount;
    private long cycleStartNs;
    private long cycleIos;
    private long failed;
    private boolean endRun;
    /** The loop must quiesce before the next I/O (a ramp down, or the final run's start). */
    boolean quiesce;
    /** The final run at this depth: reset the statistics after quiescing. */
    boolean resetStats;
    /** td->done: the search is over. */
    boolean done;

    LatencyTarget(JobExtras.LatencyTarget spec, int iodepth) {
        this.spec = spec;
        this.iodepth = iodepth;
    }

    /** lat_target_init at the job's start ({@code ios}: reads and writes completed so far). */
    void init(long nowNs, long ios) {
        endRun = false;
        qd = 1;
        qdHigh = iodepth;
        qdLow = 1;
        cycleStartNs = nowNs;
        cycleIos = ios;
        failed = 0;
    }

    private void newCycle(long nowNs, long ios) {
        cycleStartNs = nowNs;
        cycleIos = ios;
        failed = 0;
    }

    /**
     * A completion whose total latency exceeded the target (io_completed): counted, or with
     * percentile 100 a ramp down at once; true when that is fatal (already at depth 1).
     */
    boolean late(long nowNs, long ios) {
        if (spec.percentile() == 100.0) {
            return failedStep(nowNs, ios);
        }
        failed++;
        return false;
    }

    /** Whether a completion of {@code latNs} was late. */
    boolean isLate(long latNs) {
        return latNs > spec.targetNs();
    }

    /** lat_target_check, once per turn of the loop. */
    void check(long nowNs, long ios) {
        if ((nowNs - cycleStartNs) / 1000 < spec.windowUs()) {
            return;
        }
        long n = ios - cycleIos;
        double success = 100.0 * (n - failed) / (double) n;
        if (success >= spec.percentile()) {
            success(nowNs, ios);
        } else {
            failedStep(nowNs, ios);
        }
    }

    private boolean failedStep(long nowNs, long ios) {
        if (qd == 1) {
            return true;
        }
        qdHigh = qd;
        if (qd == qdLow) {
            qdLow--;
        }
        qd = (qd + qdLow) / 2;
        stableCount = 0;
        // io_u_quiesce, then lat_new_cycle: the runner starts the cycle once the queue is empty,
        // so the late completions of the deeper queue count in none.
        quiesce = true;
        return false;
    }

    private void success(long nowNs, long ios) {
        int prev = qd;
        qdLow = qd;
        if (qd + 1 == qdHigh && ++stableCount >= 3) {
            qdHigh++;
            stableCount = 0;
        }
        if (qdHigh != iodepth) {
            qd = (qd + qdHigh) / 2;
        } else {
            qd *= 2;
        }
        qd = Math.min(qd, iodepth);
        if (!spec.run() && qd == prev) {
            if (endRun) {
                done = true;
            } else {
                quiesce = true;
                resetStats = true;
                endRun = true;
                return;
            }
        }
        newCycle(nowNs, ios);
    }

    /** After a quiesce (and the final run's statistics reset): the next window counts from here. */
    void restartCycle(long nowNs, long ios) {
        newCycle(nowNs, ios);
    }

    long targetNs() {
        return spec.targetNs();
    }
}
