package io.stacksim.workload;

import io.stacksim.config.ConfigException;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.block.Submitter;
import io.stacksim.engine.Simulator;
import io.stacksim.workload.trace.TraceReader;
import io.stacksim.workload.trace.TraceRecord;
import java.util.HashMap;
import java.util.Map;

/**
 * Feeds a block trace straight into the block layer, with no system calls: each record becomes
 * a bio submitted as its process would call submit_bio. Open loop ({@code trace} timing) submits
 * each record at its trace time divided by {@code speed}; closed loop keeps {@code depth} bios
 * outstanding and submits the next as one completes. Only one record is read ahead, so memory
 * stays flat however long the trace is.
 *
 * <p>When the trace shows where its processes plugged (a blkparse trace's P and U events), each
 * process holds a plug from its first bio until the trace says it unplugged, so bios merge in
 * the plug as they did when traced (open loop only); otherwise every bio is plugged alone, as
 * __submit_bio does.
 *
 * <p>The replay is onto one device: a record beyond its end is an error naming its line, unless
 * the replay wraps ({@code --wrap}: around modulo the capacity, counted in {@code replay.wrapped});
 * sectors are aligned to its logical block size.
 */
public final class ReplayRunner implements BioEndIo {
    /** How records are timed. */
    public enum Timing { TRACE, CLOSED }

    private final Simulator sim;
    private final BlockTarget queue;
    private final TraceReader reader;
    private final Timing timing;
    private final int depth;
    private final double speed;
    /** The latest instant a record may be replayed at: a quarter of the clock's range (73 years), so later events still fit. */
    static final long MAX_REPLAY_NS = Long.MAX_VALUE / 4;
    private final Runnable onDone;
    private final long capacity;
    private final int lbs;
    public final JobStats stats = new JobStats();
    private final Map<Integer, Submitter> submitters = new HashMap<>();
    private Submitter lastSubmitter;

    private TraceRecord pending;
    private long traceStart = -1;
    private long simStart;
    private int outstanding;
    private boolean exhausted;
    private boolean finished;
    private long records;
    private long wrapped;
    private final Runnable submitNextClosed = this::fillClosed;

    private boolean wrap;

    public ReplayRunner(Simulator sim, BlockTarget queue, TraceReader reader, Timing timing, int depth, double speed,
                        Runnable onDone) {
        if (depth < 1 || !(speed > 0)) {
            throw new IllegalArgumentException("depth must be >= 1 and speed > 0");
        }
        this.sim = sim;
        this.queue = queue;
        this.reader = reader;
        this.timing = timing;
        this.depth = depth;
        this.speed = speed;
        this.onDone = onDone;
        this.capacity = queue.capacitySectors();
        this.lbs = queue.limits().logicalBlockSize() >> 9;
    }

    /** Wraps records beyond the device's end around its capacity instead of refusing them. */
    public ReplayRunner wrap(boolean on) {
        this.wrap = on;
        return this;
    }

    public long records() {
        return records;
    }

    /** Records moved because they lay beyond the simulated device. */
    public long wrapped() {
        return wrapped;
    }

    public void start() {
        simStart = sim.now();
        stats.startNs = simStart;
        if (timing == Timing.CLOSED) {
            fillClosed();
        } else {
            scheduleNext();
        }
    }

    private TraceRecord read() {
        TraceRecord r = reader.next();
        if (r == null) {
            exhausted = true;
        }
        return r;
    }

    private void scheduleNext() {
        pending = read();
        if (pending == null) {
            maybeDone();
            return;
        }
        if (traceStart < 0) {
            traceStart = pending.timeNs();
        }
        double scaled = Math.max(0, pending.timeNs() - traceStart) / speed;
        if (scaled > MAX_REPLAY_NS - simStart) {
            throw new io.stacksim.config.ConfigException(String.format(java.util.Locale.ROOT,
                    "--speed %s: the record %.9f s into the trace would replay %.3g s after the start, beyond the"
                            + " simulated clock's %d years; expected a speed of at least %.3g",
                    speed, (pending.timeNs() - traceStart) / 1e9, scaled / 1e9, MAX_REPLAY_NS / 31_557_600_000_000_000L,
                    (pending.timeNs() - traceStart) / (double) (MAX_REPLAY_NS - simStart)));
        }
        long at = simStart + Math.round(scaled);
        sim.schedule(Math.max(at, sim.now()), () -> {
            TraceRecord r = pending;
            submit(r);
            scheduleNext();
        });
    }

    private void fillClosed() {
        if (finished) {
            return;
        }
        while (!exhausted && outstanding < depth) {
            TraceRecord r = read();
            if (r == null) {
                break;
            }
            submit(r);
        }
        maybeDone();
    }

    private Submitter owner(TraceRecord r) {
        if (lastSubmitter != null && lastSubmitter.pid() == r.pid()) {
            return lastSubmitter;
        }
        lastSubmitter = submitters.computeIfAbsent(r.pid(), pid -> new Submitter(pid == 0 ? 1000 : pid,
                r.comm() != null ? r.comm() : "replay", 0));
        return lastSubmitter;
    }

    private void submit(TraceRecord r) {
        if (r.isUnplug()) {
            Submitter s = submitters.get(r.pid());
            if (s != null && s.plug() != null) {
                Plug.finish(s, s.plug());
            }
            return;
        }
        records++;
        long sector = r.sector() - r.sector() % lbs;
        int sectors = r.sectors() == 0 ? 0 : (int) ((r.sectors() + lbs - 1) / lbs * lbs);
        if (r.op() != Op.WRITE || r.sectors() != 0) {
            if (r.sectors() <= 0 || r.sector() < 0) {
                throw new ConfigException(reader.where() + ": an I/O of " + r.sectors() + " sectors at sector "
                        + r.sector() + "; expected a sector >= 0 and a size > 0");
            }
            if (r.sectors() > capacity) {
                throw new ConfigException(reader.where() + ": an I/O of " + r.sectors() + " sectors, larger than the device ("
                        + capacity + " sectors)");
            }
        }
        if (sector + sectors > capacity) {
            if (!wrap) {
                throw new ConfigException(reader.where() + ": sector " + r.sector() + " + " + r.sectors()
                        + " is beyond the end of the device (" + capacity + " sectors); give a device with"
                        + " --set device.capacity=..., or --wrap to wrap such records around the capacity");
            }
            wrapped++;
            sector = sector % Math.max(lbs, capacity - sectors);
            sector -= sector % lbs;
        }
        outstanding++;
        Submitter who = owner(r);
        if (timing == Timing.TRACE && reader.plugScopes() && who.plug() == null) {
            Plug.start(who);
        }
        Bio bio = new Bio(sector, sectors, r.op(), r.flags(), IoPriority.NONE, who, this);
        queue.submitBio(bio);
    }

    @Override
    public void endIo(Bio bio) {
        outstanding--;
        if (bio.op == Op.READ || bio.op == Op.WRITE || (bio.op == Op.DISCARD && bio.error == 0)) {
            int dir = bio.op == Op.READ ? JobStats.READ : bio.op == Op.WRITE ? JobStats.WRITE : JobStats.TRIM;
            stats.record(dir, bio.tQueued, sim.now(), bio.bytes(), bio);
        }
        stats.endNs = sim.now();
        if (timing == Timing.CLOSED) {
            sim.after(0, submitNextClosed::run); // the process submits again once woken
        } else {
            maybeDone();
        }
    }

    private void maybeDone() {
        if (exhausted && !finished) {
            for (Submitter s : submitters.values()) {
                if (s.plug() != null) {
                    Plug.finish(s, s.plug()); // the trace ended inside a plug
                }
            }
        }
        if (!finished && exhausted && outstanding == 0 && (timing == Timing.CLOSED || pending == null)) {
            finished = true;
            stats.endNs = Math.max(stats.endNs, sim.now());
            reader.close();
            onDone.run();
        }
    }
}
