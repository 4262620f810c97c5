package io.stacksim.devices.ssd;

import io.stacksim.block.Op;
import io.stacksim.devices.dma.DmaLink;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;

/**
 * The inside of an SSD behind its host interface: the controller's firmware cores, the DRAM
 * write buffer, the FTL and the NAND array's dies and channels, with their timing.
 *
 * <p><b>Reads.</b> Each mapping unit is looked up; units on the same physical page form one
 * transaction: the die (or the plane, with independent plane reads) senses the page (tR), then
 * the data crosses the channel (bytes incl. spare share / channel rate) and the host link (the
 * host interface's DMA). Units in the write buffer, or never written, need no NAND.
 *
 * <p><b>Writes</b> land in the DRAM write buffer and complete (the buffer is either
 * power-protected or a volatile cache that FLUSH and FUA drain). The buffer drains in program
 * units of one page per plane to the next idle die in channel-first round-robin order
 * (striping); a program moves the data over the channel, then the die is busy for tPROG. When
 * the buffer is full, writes wait: sustained write speed is the NAND's, garbage collection
 * included.
 *
 * <p><b>Garbage collection</b> is decided by the FTL when a program needs a new block; its NAND
 * work becomes the die's GC debt, paid as page-sized steps (tR + channel out, channel in +
 * tPROG, tBERS) before the die's next program. <b>Die scheduling:</b> host reads go first; when
 * a program or GC step is waiting, the reads already started finish, no new ones start, and
 * the die operation runs; then reads get their turn again (read priority with preemptible GC
 * at step granularity, as Lee et al., "Preemptible I/O scheduling of garbage collection for
 * SSDs", IEEE TCAD 2013). Channels serve transfers first come, first served.
 */
public final class FlashBackend {
    /** What the host interface provides to the back end. */
    public interface HostInterface {
        /** The back end has finished with {@code c}: data transferred, or write buffered/durable. */
        void backendDone(SsdCommand c);
    }

    private final Simulator sim;
    private final SsdConfig cfg;
    private final FlashGeometry g;
    private final NandTiming t;
    private final PageMappedFtl ftl;
    private final DmaLink link;
    private final HostInterface host;
    private final Die[] dies;
    private final Channel[] channels;
    private final ArrayDeque<FlashTxn> txnPool = new ArrayDeque<>();
    private final long[] coreFreeAt;

    // write buffer: a ring of logical units in arrival order
    private final int bufferCapacity;
    private final int[] ring;
    private long head;
    private long tail;
    private long used;
    private final ArrayDeque<SsdCommand> waitingForSpace = new ArrayDeque<>();
    private final ArrayDeque<SsdCommand> waitingDurable = new ArrayDeque<>();
    private final long[] programSeq;
    private int rrDie;

    private long hostReadUnits;
    private long hostWriteUnits;
    private long bufferHits;
    private long unmappedReads;
    private long pageReads;
    private long programs;
    private long gcSteps;

    public FlashBackend(Simulator sim, SsdConfig cfg, PageMappedFtl ftl, DmaLink link, HostInterface host) {
        this.sim = sim;
        this.cfg = cfg;
        this.g = cfg.geometry();
        this.t = cfg.timing();
        this.ftl = ftl;
        this.link = link;
        this.host = host;
        this.channels = new Channel[g.channels()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = new Channel();
        }
        this.dies = new Die[g.dies()];
        for (int i = 0; i < dies.length; i++) {
            dies[i] = new Die(i, channels[g.channelOf(i)], cfg.independentPlaneReads() ? g.planesPerDie() : 1);
        }
        this.coreFreeAt = new long[cfg.controllerCores()];
        this.bufferCapacity = Math.max(cfg.writeBufferUnits(), g.unitsPerProgram() + cfg.maxCommandUnits());
        this.ring = new int[bufferCapacity + cfg.maxCommandUnits()];
        this.programSeq = new long[dies.length];
        java.util.Arrays.fill(programSeq, -1);
    }

    public PageMappedFtl ftl() {
        return ftl;
    }

    public SsdConfig config() {
        return cfg;
    }

    /**
     * Firmware: the command occupies one of the controller's cores for {@code command_overhead},
     * first come first served. Returns the time the firmware is done with a command that
     * arrives at {@code arrival} (not before now).
     */
    public long firmware(long arrival) {
        int best = 0;
        for (int i = 1; i < coreFreeAt.length; i++) {
            if (coreFreeAt[i] < coreFreeAt[best]) {
                best = i;
            }
        }
        long start = Math.max(arrival, coreFreeAt[best]);
        coreFreeAt[best] = start + cfg.commandOverheadNs();
        return coreFreeAt[best];
    }

    /** Starts the back-end work of a command whose firmware processing has just finished. */
    public void start(SsdCommand c) {
        c.tBackend = sim.now();
        Op op = c.rq.op;
        switch (op) {
            case READ -> read(c);
            case WRITE -> write(c);
            case FLUSH -> flush(c);
            case DISCARD -> discard(c);
        }
    }

    // ------------------------------------------------------------------ reads

    private void read(SsdCommand c) {
        hostReadUnits += c.units;
        // First count the chunks, so an early finisher cannot complete the command.
        int chunks = 0;
        long prevKey = Long.MIN_VALUE;
        for (int i = 0; i < c.units; i++) {
            long key = chunkKey(ftl.lookup(c.lpn + i));
            if (key != prevKey) {
                chunks++;
                prevKey = key;
            }
        }
        c.pending = chunks;
        int runStart = 0;
        long runKey = chunkKey(ftl.lookup(c.lpn));
        long runPpn = ftl.lookup(c.lpn);
        for (int i = 1; i <= c.units; i++) {
            long ppn = i < c.units ? ftl.lookup(c.lpn + i) : 0;
            long key = i < c.units ? chunkKey(ppn) : Long.MAX_VALUE;
            if (key != runKey) {
                issueRead(c, runPpn, i - runStart);
                runStart = i;
                runKey = key;
                runPpn = ppn;
            }
        }
    }

    /** Units sharing a key are served by one transaction: the same physical page, or no NAND at all. */
    private long chunkKey(long ppn) {
        return ppn >= 0 ? ftl.pageOf(ppn) : -1;
    }

    private void issueRead(SsdCommand c, long ppn, int units) {
        FlashTxn x = txn();
        x.cmd = c;
        x.units = units;
        x.tQueued = sim.now();
        if (ppn < 0) {
            if (ppn == PageMappedFtl.NOT_MAPPED) {
                unmappedReads += units;
            } else {
                bufferHits += units;
            }
            x.kind = FlashTxn.Kind.IMMEDIATE;
            x.mediaNs = 0;
            x.tStart = x.tChannel = x.tSensed = x.tQueued;
            toHost(x);
            return;
        }
        x.kind = FlashTxn.Kind.READ;
        x.die = ftl.dieOf(ppn);
        Die d = dies[x.die];
        x.readUnit = d.readUnits == 1 ? 0 : ftl.planeOf(ppn) % g.planesPerDie();
        d.readQ[x.readUnit].addLast(x);
        dispatch(d);
    }

    private void toHost(FlashTxn x) {
        x.stage = FlashTxn.LINKED;
        x.dma.set((long) x.units * g.mappingUnit(), true);
        link.start(x.dma);
    }

    // ------------------------------------------------------------------ writes, flush, trim

    private void write(SsdCommand c) {
        hostWriteUnits += c.units;
        if (waitingForSpace.isEmpty() && fits(c.units)) {
            admit(c);
        } else {
            waitingForSpace.addLast(c);
        }
    }

    private boolean fits(int units) {
        return used + units <= bufferCapacity || used == 0;
    }

    private void admit(SsdCommand c) {
        for (int i = 0; i < c.units; i++) {
            int slot = (int) (tail % ring.length);
            ring[slot] = c.lpn + i;
            ftl.buffer(c.lpn + i, slot);
            tail++;
            used++;
        }
        c.mediaNs = 0;
        c.queueNs = sim.now() - c.tBackend;
        if (cfg.volatileCache() && c.rq.has(io.stacksim.block.Bio.FUA)) {
            c.durableSeq = tail;
            waitingDurable.addLast(c);
        } else {
            host.backendDone(c);
        }
        drain();
    }

    private void flush(SsdCommand c) {
        if (!cfg.volatileCache() || durableSeq() >= tail) {
            host.backendDone(c);
            return;
        }
        c.durableSeq = tail;
        waitingDurable.addLast(c);
        drain();
    }

    private void discard(SsdCommand c) {
        for (int i = 0; i < c.units; i++) {
            ftl.trim(c.lpn + i);
        }
        host.backendDone(c);
    }

    /** Everything before this write-buffer position is on NAND. */
    private long durableSeq() {
        long d = head;
        for (long s : programSeq) {
            if (s >= 0 && s < d) {
                d = s;
            }
        }
        return d;
    }

    /** Moves buffered units to idle dies, a program unit at a time (partial ones only when a flush waits). */
    private void drain() {
        int perProgram = g.unitsPerProgram();
        while (tail > head && (tail - head >= perProgram || !waitingDurable.isEmpty())) {
            int die = nextIdleDie();
            if (die < 0) {
                return;
            }
            long start = head;
            int count = 0;
            while (count < perProgram && head < tail) {
                int slot = (int) (head % ring.length);
                int lpn = ring[slot];
                head++;
                if (ftl.isBufferedIn(lpn, slot)) {
                    ftl.program(lpn, die * g.planesPerDie() + count / g.unitsPerPage());
                    count++;
                } else {
                    used--; // overwritten or trimmed while buffered: never reaches NAND
                }
            }
            if (count == 0) {
                continue;
            }
            FlashTxn x = txn();
            x.kind = FlashTxn.Kind.PROGRAM;
            x.die = die;
            x.units = count;
            x.seqStart = start;
            x.tQueued = sim.now();
            programSeq[die] = start;
            dies[die].programQ.addLast(x);
            dispatch(dies[die]);
        }
        releaseDurable();
    }

    private int nextIdleDie() {
        for (int k = 0; k < dies.length; k++) {
            int d = (rrDie + k) % dies.length;
            if (programSeq[d] < 0) {
                rrDie = (d + 1) % dies.length;
                return d;
            }
        }
        return -1;
    }

    private void programDone(FlashTxn x) {
        programs++;
        used -= x.units;
        programSeq[x.die] = -1;
        while (!waitingForSpace.isEmpty() && fits(waitingForSpace.peekFirst().units)) {
            admit(waitingForSpace.pollFirst());
        }
        drain();
    }

    private void releaseDurable() {
        if (waitingDurable.isEmpty()) {
            return;
        }
        long d = durableSeq();
        while (!waitingDurable.isEmpty() && waitingDurable.peekFirst().durableSeq <= d) {
            SsdCommand c = waitingDurable.pollFirst();
            c.mediaNs = sim.now() - c.tBackend - c.queueNs;
            host.backendDone(c);
        }
    }

    // ------------------------------------------------------------------ die and channel scheduling

    private void dispatch(Die d) {
        if (d.dieOp) {
            return;
        }
        pullDebt(d);
        boolean opWaiting = !d.programQ.isEmpty() || d.hasGcWork();
        if (!opWaiting || d.readsTurn) {
            boolean started = false;
            for (int u = 0; u < d.readUnits; u++) {
                if (!d.readBusy[u] && !d.readQ[u].isEmpty()) {
                    startRead(d, u, d.readQ[u].pollFirst());
                    started = true;
                }
            }
            if (opWaiting && started) {
                d.readsTurn = false;
            }
        }
        if (opWaiting && d.busyReads == 0) {
            d.dieOp = true;
            d.readsTurn = true;
            if (d.hasGcWork()) {
                startGcStep(d);
            } else {
                startProgram(d, d.programQ.pollFirst());
            }
        }
    }

    private void pullDebt(Die d) {
        int i = d.id;
        if (ftl.debtErases[i] != 0 || ftl.debtReadPages[i] != 0) {
            d.gcReads += ftl.debtReadPages[i];
            d.gcOut += ftl.debtUnits[i];
            d.gcIn += ftl.debtUnits[i];
            d.gcPrograms += ftl.debtProgramPages[i];
            d.gcErases += ftl.debtErases[i];
            ftl.debtReadPages[i] = 0;
            ftl.debtUnits[i] = 0;
            ftl.debtProgramPages[i] = 0;
            ftl.debtErases[i] = 0;
        }
    }

    private void startRead(Die d, int u, FlashTxn x) {
        d.readBusy[u] = true;
        d.busyReads++;
        x.tStart = sim.now();
        x.stage = FlashTxn.SENSED;
        pageReads++;
        sim.after(t.commandNs() + t.readNs(), x);
    }

    private void startProgram(Die d, FlashTxn x) {
        x.tStart = sim.now();
        acquireChannel(d.channel, x);
    }

    private void startGcStep(Die d) {
        FlashTxn x = txn();
        x.die = d.id;
        x.tQueued = x.tStart = sim.now();
        gcSteps++;
        if (d.gcReads > 0) {
            x.kind = FlashTxn.Kind.GC_READ;
            x.units = (int) ((d.gcOut + d.gcReads - 1) / d.gcReads);
            d.gcOut -= x.units;
            d.gcReads--;
            x.stage = FlashTxn.SENSED;
            sim.after(t.commandNs() + t.readNs(), x);
        } else if (d.gcPrograms > 0) {
            x.kind = FlashTxn.Kind.GC_PROGRAM;
            x.units = (int) ((d.gcIn + d.gcPrograms - 1) / d.gcPrograms);
            d.gcIn -= x.units;
            d.gcPrograms--;
            if (cfg.gcCopyback()) {
                x.stage = FlashTxn.PROGRAMMED;
                sim.after(t.commandNs() + t.programNs(), x);
            } else {
                acquireChannel(d.channel, x);
            }
        } else {
            x.kind = FlashTxn.Kind.ERASE;
            d.gcErases--;
            x.stage = FlashTxn.ERASED;
            sim.after(t.commandNs() + t.eraseNs(), x);
        }
    }

    private void acquireChannel(Channel ch, FlashTxn x) {
        x.tSensed = x.tSensed == 0 ? sim.now() : x.tSensed;
        if (ch.busy) {
            ch.waiting.addLast(x);
        } else {
            ch.busy = true;
            channelGranted(x);
        }
    }

    private void channelGranted(FlashTxn x) {
        x.tChannel = sim.now();
        x.stage = FlashTxn.XFERRED;
        long cmd = x.kind == FlashTxn.Kind.READ || x.kind == FlashTxn.Kind.GC_READ ? 0 : t.commandNs();
        sim.after(cmd + t.channelNs(g.channelBytes(x.units)), x);
    }

    private void releaseChannel(Channel ch) {
        FlashTxn next = ch.waiting.pollFirst();
        if (next != null) {
            channelGranted(next);
        } else {
            ch.busy = false;
        }
    }

    /** A transaction's stage ended. */
    void advance(FlashTxn x) {
        Die d = x.kind == FlashTxn.Kind.IMMEDIATE ? null : dies[x.die];
        switch (x.stage) {
            case FlashTxn.SENSED -> {
                x.tSensed = sim.now();
                if (x.kind == FlashTxn.Kind.GC_READ && cfg.gcCopyback()) {
                    endDieOp(d, x);
                } else {
                    acquireChannel(d.channel, x);
                }
            }
            case FlashTxn.XFERRED -> {
                releaseChannel(d.channel);
                switch (x.kind) {
                    case READ -> {
                        d.readBusy[x.readUnit] = false;
                        d.busyReads--;
                        x.mediaNs = (x.tSensed - x.tStart) + (sim.now() - x.tChannel);
                        dispatch(d);
                        toHost(x);
                    }
                    case GC_READ -> endDieOp(d, x);
                    case PROGRAM, GC_PROGRAM -> {
                        x.stage = FlashTxn.PROGRAMMED;
                        sim.after(t.programNs(), x);
                    }
                    default -> throw new IllegalStateException("channel transfer for " + x.kind);
                }
            }
            case FlashTxn.PROGRAMMED -> {
                if (x.kind == FlashTxn.Kind.PROGRAM) {
                    d.dieOp = false;
                    FlashTxn done = x;
                    dispatch(d);
                    programDone(done);
                    recycle(done);
                } else {
                    endDieOp(d, x);
                }
            }
            case FlashTxn.ERASED -> endDieOp(d, x);
            case FlashTxn.LINKED -> chunkDone(x);
            default -> throw new IllegalStateException("transaction in stage " + x.stage);
        }
    }

    private void endDieOp(Die d, FlashTxn x) {
        d.dieOp = false;
        recycle(x);
        dispatch(d);
    }

    private void chunkDone(FlashTxn x) {
        SsdCommand c = x.cmd;
        c.mediaNs = x.mediaNs;
        c.queueNs = (x.tStart - x.tQueued) + (x.tChannel - x.tSensed) + x.dma.queuedNs;
        c.transferNs = x.dma.durationNs() - x.dma.queuedNs;
        recycle(x);
        if (--c.pending == 0) {
            host.backendDone(c);
        }
    }

    private FlashTxn txn() {
        FlashTxn x = txnPool.pollFirst();
        if (x == null) {
            x = new FlashTxn(this);
        }
        x.tSensed = 0;
        x.tChannel = 0;
        x.cmd = null;
        return x;
    }

    private void recycle(FlashTxn x) {
        x.cmd = null;
        txnPool.addFirst(x);
    }

    // ------------------------------------------------------------------ statistics

    /** Registers the SSD's statistics under {@code prefix} (e.g. "device.ssd."). */
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "host_read_units", () -> hostReadUnits);
        stats.counter(prefix + "host_write_units", () -> hostWriteUnits);
        stats.counter(prefix + "buffer_hits", () -> bufferHits);
        stats.counter(prefix + "unmapped_reads", () -> unmappedReads);
        stats.counter(prefix + "page_reads", () -> pageReads);
        stats.counter(prefix + "programs", () -> programs);
        stats.counter(prefix + "gc_steps", () -> gcSteps);
        stats.counter(prefix + "ftl.host_units", ftl::hostUnits);
        stats.counter(prefix + "ftl.gc_units", ftl::gcUnits);
        stats.counter(prefix + "ftl.erases", ftl::erases);
        stats.counter(prefix + "ftl.trims", ftl::trims);
        stats.gauge(prefix + "ftl.write_amplification", ftl::writeAmplification);
        stats.gauge(prefix + "ftl.over_provisioning", ftl::overProvisioning);
    }

    /** Resets the counters (end of warm-up). */
    public void resetStats() {
        hostReadUnits = hostWriteUnits = bufferHits = unmappedReads = pageReads = programs = gcSteps = 0;
        ftl.resetCounters();
    }

    /** A die (LUN): its read units (the die, or each plane), queues and GC debt. */
    static final class Die {
        final int id;
        final Channel channel;
        final int readUnits;
        final ArrayDeque<FlashTxn>[] readQ;
        final boolean[] readBusy;
        final ArrayDeque<FlashTxn> programQ = new ArrayDeque<>();
        int busyReads;
        boolean dieOp;
        boolean readsTurn = true;
        long gcReads;
        long gcOut;
        long gcIn;
        long gcPrograms;
        long gcErases;

        @SuppressWarnings("unchecked")
        Die(int id, Channel channel, int readUnits) {
            this.id = id;
            this.channel = channel;
            this.readUnits = readUnits;
            this.readQ = new ArrayDeque[readUnits];
            for (int i = 0; i < readUnits; i++) {
                readQ[i] = new ArrayDeque<>();
            }
            this.readBusy = new boolean[readUnits];
        }

        boolean hasGcWork() {
            return gcReads > 0 || gcPrograms > 0 || gcErases > 0;
        }
    }

    /** A flash channel: one transfer at a time, first come first served. */
    static final class Channel {
        boolean busy;
        final ArrayDeque<FlashTxn> waiting = new ArrayDeque<>();
    }
}
