package io.stacksim.workload;

import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * fio's steady-state detection (steadystate.c steadystate_check, run by the helper thread every
 * STEADYSTATE_MSEC = 1000 ms): each second the members' IOPS and bandwidth since their last
 * sample (1000 x delta / ms elapsed, per member, summed over a reporting group) go into a ring
 * of ss_dur samples, from a second after ss_ramp on. Once the ring is full, every sample tests
 * the criterion over the ring - the largest deviation from the mean (steadystate_deviation) or
 * the least-squares slope with equally spaced x (steadystate_slope), as a percentage of the
 * mean with {@code %} - and below the limit the members stop (fio_mark_td_terminate), the
 * report saying attained=yes.
 */
public final class SteadyState {
    private static final long TICK_NS = 1_000_000_000L;

    private final JobExtras.SteadyStateSpec spec;
    private final Simulator sim;
    private final List<JobRunner> members = new ArrayList<>();
    private final List<long[]> prev = new ArrayList<>();
    private final long[] bwData;
    private final long[] iopsData;
    private final int dur;
    private final long sumX;
    private final long sumXSq;
    private int head;
    private int tail;
    private boolean bufferFull;
    private boolean rampOver;
    private boolean attained;
    private long sumY;
    private long sumXy;
    private long oldestY;
    private double slope;
    private double deviation;
    private double criterion;
    private boolean started;

    public SteadyState(JobExtras.SteadyStateSpec spec, Simulator sim) {
        this.spec = spec;
        this.sim = sim;
        this.dur = spec.durS();
        this.bwData = new long[dur];
        this.iopsData = new long[dur];
        this.sumX = (long) dur * (dur - 1) / 2;
        this.sumXSq = (long) (dur - 1) * dur * (2L * dur - 1) / 6;
        this.rampOver = spec.rampUs() == 0;
    }

    /** A clone reporting here (all clones of a group with group_reporting, else one). */
    void add(JobRunner r) {
        members.add(r);
        prev.add(new long[3]);
    }

    /** A member started (its epoch is now): the helper's ticks begin with the first. */
    void started(JobRunner r) {
        long[] p = prev.get(members.indexOf(r));
        p[0] = 0;
        p[1] = 0;
        p[2] = sim.now();
        if (!started) {
            started = true;
            sim.after(TICK_NS, this::tick);
        }
    }

    private void tick() {
        if (attained) {
            return;
        }
        long groupBw = 0;
        long groupIops = 0;
        boolean anyLive = false;
        boolean anyOver = false;
        for (int i = 0; i < members.size(); i++) {
            JobRunner r = members.get(i);
            JobRunner.RunState st = r.runState();
            if (st == JobRunner.RunState.NOT_CREATED || st == JobRunner.RunState.SETTING_UP
                    || st == JobRunner.RunState.REAPED) {
                continue;
            }
            anyLive = true;
            if (!rampOver && r.elapsedNs() / 1000 >= spec.rampUs() + 1_000_000L) {
                rampOver = true;
            }
            long bytes = r.ioBytes(0) + r.ioBytes(1);
            long ios = r.ioBlocks(0) + r.ioBlocks(1);
            long[] p = prev.get(i);
            long rateMs = (sim.now() - p[2]) / 1_000_000;
            p[2] = sim.now();
            if (rampOver && rateMs > 0) {
                groupBw += 1000 * (bytes - p[0]) / rateMs;
                groupIops += 1000 * (ios - p[1]) / rateMs;
                anyOver = true;
            }
            p[0] = bytes;
            p[1] = ios;
        }
        if (anyOver && (spec.slope() ? slope(groupIops, groupBw) : deviation(groupIops, groupBw))) {
            attained = true;
            members.forEach(JobRunner::terminate);
            return;
        }
        boolean pending = members.stream().anyMatch(r -> r.runState() != JobRunner.RunState.REAPED);
        if (anyLive || pending) {
            sim.after(TICK_NS, this::tick);
        }
    }

    private long value(int i) {
        return spec.iops() ? iopsData[i] : bwData[i];
    }

    /** steadystate_slope. */
    private boolean slope(long iops, long bw) {
        bwData[tail] = bw;
        iopsData[tail] = iops;
        long newVal = spec.iops() ? iops : bw;
        if (bufferFull || tail - head == dur - 1) {
            if (!bufferFull) {
                sumY = 0;
                for (int i = 0; i < dur; i++) {
                    sumY += value(i);
                    sumXy += i * value((head + i) % dur);
                }
                bufferFull = true;
            } else {
                sumY -= oldestY;
                sumY += newVal;
                sumXy = sumXy - sumY + dur * newVal;
            }
            oldestY = value(head);
            slope = (sumXy - (double) sumX * sumY / dur) / (sumXSq - (double) sumX * sumX / dur);
            criterion = spec.pct() ? 100.0 * slope / (sumY / dur) : slope;
            if (Math.abs(criterion) < spec.limit()) {
                return true;
            }
        }
        advance();
        return false;
    }

    /** steadystate_deviation. */
    private boolean deviation(long iops, long bw) {
        bwData[tail] = bw;
        iopsData[tail] = iops;
        if (bufferFull || tail - head == dur - 1) {
            if (!bufferFull) {
                sumY = 0;
                for (int i = 0; i < dur; i++) {
                    sumY += value(i);
                }
                bufferFull = true;
            } else {
                sumY -= oldestY;
                sumY += value(tail);
            }
            oldestY = value(head);
            double mean = (double) sumY / dur;
            deviation = 0;
            for (int i = 0; i < dur; i++) {
                deviation = Math.max(deviation, Math.abs(value(i) - mean));
            }
            criterion = spec.pct() ? 100.0 * deviation / mean : deviation;
            if (criterion < spec.limit()) {
                return true;
            }
        }
        advance();
        return false;
    }

    private void advance() {
        tail = (tail + 1) % dur;
        if (tail <= head) {
            head = (head + 1) % dur;
        }
    }

    // ------------------------------------------------------------------ the report (stat.c)

    public JobExtras.SteadyStateSpec spec() {
        return spec;
    }

    public boolean attained() {
        return attained;
    }

    public double criterion() {
        return criterion;
    }

    public double slopeValue() {
        return slope;
    }

    public double deviationValue() {
        return deviation;
    }

    /** steadystate_bw_mean: the ring's mean bandwidth, bytes/s (integer division as fio). */
    public long bwMean() {
        long s = 0;
        for (long v : bwData) {
            s += v;
        }
        return s / dur;
    }

    /** steadystate_iops_mean. */
    public long iopsMean() {
        long s = 0;
        for (long v : iopsData) {
            s += v;
        }
        return s / dur;
    }

    /**
     * The ring oldest first, as stat.c's JSON walks it: from head when attained or not yet
     * full, else from the slot before head.
     */
    public long[][] data() {
        int j = attained || !bufferFull ? head : (head == 0 ? dur - 1 : head - 1);
        long[][] out = new long[2][dur];
        for (int l = 0; l < dur; l++) {
            int k = (j + l) % dur;
            out[0][l] = bwData[k];
            out[1][l] = iopsData[k];
        }
        return out;
    }
}
