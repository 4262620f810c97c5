package io.stacksim.workload;

import io.stacksim.engine.Simulator;
import io.stacksim.engine.Timer;
import java.util.function.BooleanSupplier;

/**
 * A job's bandwidth and IOPS samples (stat.c add_bw_samples / add_iops_samples): every
 * bwavgtime (the first window min(bwavgtime, iopsavgtime)) from the end of ramp_time while the
 * job runs, per direction with I/O in the window, KiB/s = bytes x 1000 / ms / 1024 and
 * IOPS = I/Os x 1000 / ms, into {@link JobStats#bwStat} and {@link JobStats#iopsStat}.
 */
final class JobSamples {
    private final Simulator sim;
    private final JobSpec spec;
    private final JobStats stats;
    /** The job's completed bytes and I/Os per direction (fio's io_bytes, io_blocks). */
    private final long[] ioBytes;
    private final long[] ioBlocks;
    /** False once the job stops running (its loop ended, it exited, or its runtime is over). */
    private final BooleanSupplier running;
    private final long[] sampleBytes = new long[3];
    private final long[] sampleIos = new long[3];
    private long sampleNs;
    private Timer timer;

    JobSamples(Simulator sim, JobSpec spec, JobStats stats, long[] ioBytes, long[] ioBlocks, BooleanSupplier running) {
        this.sim = sim;
        this.spec = spec;
        this.stats = stats;
        this.ioBytes = ioBytes;
        this.ioBlocks = ioBlocks;
        this.running = running;
    }

    /** The first window starts now. */
    void start() {
        sampleNs = sim.now();
        sampleBytes[0] = ioBytes[0];
        sampleBytes[1] = ioBytes[1];
        sampleIos[0] = ioBlocks[0];
        sampleIos[1] = ioBlocks[1];
        long avg = Math.min(spec.reporting().bwAvgNs(), spec.reporting().iopsAvgNs());
        schedule(avg);
    }

    private void schedule(long avg) {
        timer = sim.scheduleTimer(sim.now() + avg, this::sample);
    }

    private void sample() {
        if (!running.getAsBoolean()) {
            return;
        }
        long spentMs = (sim.now() - sampleNs) / 1_000_000;
        for (int d = 0; d < 3; d++) {
            long db = ioBytes[d] - sampleBytes[d];
            if (db > 0 && spentMs > 0) {
                stats.bwStat[d].add(db * 1000 / spentMs / 1024);
            }
            long di = ioBlocks[d] - sampleIos[d];
            if (di > 0 && spentMs > 0) {
                stats.iopsStat[d].add(di * 1000 / spentMs);
            }
            sampleBytes[d] = ioBytes[d];
            sampleIos[d] = ioBlocks[d];
        }
        sampleNs = sim.now();
        schedule(spec.reporting().bwAvgNs());
    }

    /** The job ended: no more windows. */
    void stop() {
        if (timer != null) {
            timer.cancel();
        }
    }
}
