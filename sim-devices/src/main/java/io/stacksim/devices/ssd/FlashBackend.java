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
 * work becomes the die's GC debt, paid as steps (a page read: tR + channel out; a multi-plane
 * program of up to a page per plane: channel in + tPROG; an erase: tBERS) before the die's next
 * program. Reads find pages by type (tR of LSB/CSB/MSB/TSB), may need read-retry steps, share
 * sensings through the planes' page registers, and may suspend a program or erase; with
 * {@code die_interleave: false} a chip runs one command at a time (MQSim's rule). <b>Die scheduling:</b> host reads go first; when
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
    private final Suspension susp;
    private final ReadRetry retry;
    private final long retrySalt;
    private final ReadCache readCache;
    private final SequentialDetector prefetch;
    private long readOrder;

    // write buffer: a ring of logical units in arrival order
    private final int bufferCapacity;
    private final int[] ring;
    /** A ring slot whose unit was overwritten or trimmed while buffered. */
    private static final int DEAD = -1;
    private long head;
    private long tail;
    private long used;
    private final ArrayDeque<SsdCommand> waitingForSpace = new ArrayDeque<>();
    private final ArrayDeque<SsdCommand> waitingDurable = new ArrayDeque<>();
    private final long[] programSeq;
    private int rrDie;

    private long hostReadUnits;
    /** Mapping units discarded by the host's TRIM / deallocate commands. */
    private long hostTrimUnits;
    private long hostWriteUnits;
    private long bufferHits;
    private long unmappedReads;
    private long pageReads;
    private long programs;
    private long gcSteps;
    private long registerHits;
    private long multiPlaneReads;
    private long retrySteps;
    private long suspensions;
    private long prefetchReads;
    private long cacheHits;
    private long backgroundCollections;

    public FlashBackend(Simulator sim, SsdConfig cfg, PageMappedFtl ftl, DmaLink link, HostInterface host, long retrySalt) {
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
        Chip[] chips = new Chip[g.channels() * g.chipsPerChannel()];
        for (int i = 0; i < chips.length; i++) {
            chips[i] = new Chip();
            chips[i].dies = new Die[g.diesPerChip()];
        }
        for (int i = 0; i < dies.length; i++) {
            // die k: channel k mod C, way (k / C) mod W, die-in-chip k / (C W)
            int chip = i % chips.length;
            dies[i] = new Die(i, channels[g.channelOf(i)], chips[chip], cfg.independentPlaneReads() ? g.planesPerDie() : 1,
                    g.planesPerDie());
            chips[chip].dies[i / chips.length] = dies[i];
        }
        this.susp = cfg.suspension();
        this.retry = cfg.readRetry();
        this.retrySalt = retrySalt;
        this.readCache = cfg.prefetchUnits() > 0 ? new ReadCache(Math.max(cfg.readCacheUnits(), cfg.prefetchUnits())) : null;
        this.prefetch = cfg.prefetchUnits() > 0 ? new SequentialDetector(cfg.seqDetect(), cfg.prefetchUnits()) : null;
        this.coreFreeAt = new long[cfg.controllerCores()];
        this.bufferCapacity = Math.max(cfg.writeBufferUnits(), g.unitsPerProgram() + cfg.maxCommandUnits());
        this.ring = new int[bufferCapacity + cfg.maxCommandUnits()];
        this.programSeq = new long[dies.length];
        java.util.Arrays.fill(programSeq, -1);
    }

    public PageMappedFtl ftl() {
        return ftl;
    }

    /** --check: the FTL's mapping audited both ways (PageMappedFtl#audit). */
    public void finishChecks(io.stacksim.engine.Invariants inv, String device) {
        io.stacksim.engine.Invariants.Rule rule = inv.rule("ssd.ftl-mapping",
                "every valid FTL mapping points to one valid physical page, and block valid counts match");
        PageMappedFtl.Audit a = ftl.audit(5);
        rule.ok(a.checked() - a.problems().size());
        for (String p : a.problems()) {
            rule.fail(device + ": " + p);
        }
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
            long key = chunkKey(c.lpn + i);
            if (key != prevKey) {
                chunks++;
                prevKey = key;
            }
        }
        c.pending = chunks;
        int runStart = 0;
        long runKey = chunkKey(c.lpn);
        for (int i = 1; i <= c.units; i++) {
            long key = i < c.units ? chunkKey(c.lpn + i) : Long.MAX_VALUE;
            if (key != runKey) {
                issueRead(c, c.lpn + runStart, i - runStart);
                runStart = i;
                runKey = key;
            }
        }
        if (prefetch != null) {
            int from = prefetch.onRead(c.lpn, c.units);
            if (from >= 0) {
                prefetchAhead(from, prefetch.target());
            }
        }
    }

    /**
     * Units sharing a key are served by one transaction: the same physical page, or no NAND at
     * all (write buffer, read cache, never written).
     */
    private long chunkKey(int lpn) {
        if (readCache != null && readCache.holds(lpn)) {
            return -1;
        }
        long ppn = ftl.lookup(lpn);
        return ppn >= 0 ? ftl.pageOf(ppn) : -1;
    }

    /** Reads units {@code [lpn, lpn + units)} for {@code c}, or into the read cache when {@code c} is null. */
    private void issueRead(SsdCommand c, int lpn, int units) {
        FlashTxn x = txn();
        x.cmd = c;
        x.units = units;
        x.lpn = lpn;
        x.tQueued = sim.now();
        long ppn = ftl.lookup(lpn);
        if (c != null && (ppn < 0 || (readCache != null && readCache.holds(lpn)))) {
            if (readCache != null && readCache.holds(lpn)) {
                cacheHits += units;
            } else if (ppn == PageMappedFtl.NOT_MAPPED) {
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
        x.kind = c != null ? FlashTxn.Kind.READ : FlashTxn.Kind.PREFETCH;
        x.ppn = ppn;
        x.die = ftl.dieOf(ppn);
        x.plane = ftl.planeOf(ppn) % g.planesPerDie();
        x.page = ftl.pageOf(ppn);
        x.pageInBlock = (int) (x.page % g.pagesPerBlock());
        x.order = ++readOrder;
        Die d = dies[x.die];
        x.readUnit = d.units.length == 1 ? 0 : x.plane;
        ReadUnit u = d.units[x.readUnit];
        if (u.busy && (u.planes & (1 << x.plane)) != 0 && d.regPage[x.plane] == x.page) {
            // the page is being sensed into (or already sits in) the plane's page register for
            // another read: this one shares that array read and only crosses the channel
            registerHits++;
            x.tStart = sim.now();
            u.left++;
            if (u.sensed) {
                acquireChannel(d.channel, x);
            } else {
                x.next = u.waiting;
                u.waiting = x;
            }
            return;
        }
        u.q.addLast(x);
        dispatch(d);
    }

    /** Reads the mapped units of {@code [from, to)} a page at a time into the controller's read cache. */
    private void prefetchAhead(int from, int to) {
        to = Math.min(to, ftl.logicalUnits());
        int i = from;
        while (i < to) {
            long ppn = ftl.lookup(i);
            if (ppn < 0 || readCache.holds(i)) {
                i++;
                continue;
            }
            long page = ftl.pageOf(ppn);
            int n = 1;
            while (i + n < to && ftl.lookup(i + n) >= 0 && ftl.pageOf(ftl.lookup(i + n)) == page) {
                n++;
            }
            prefetchReads++;
            issueRead(null, i, n);
            i += n;
        }
    }

    private void toHost(FlashTxn x) {
        x.stage = FlashTxn.LINKED;
        long bytes = (long) x.units * g.mappingUnit();
        SsdCommand c = x.cmd;
        if (c != null) {
            bytes = Math.min(bytes, c.hostLeft);
            c.hostLeft -= bytes;
        }
        x.dma.set(bytes, true);
        if (bytes == 0) {
            // A media read that moves no data to the host (a VERIFY): done once sensed.
            x.dma.tStart = x.dma.tEnd = sim.now();
            x.dma.queuedNs = 0;
            sim.after(0, () -> chunkDone(x));
            return;
        }
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
            int dead = ftl.buffer(c.lpn + i, slot);
            if (dead >= 0) {
                ring[dead] = DEAD; // overwritten while buffered: drain skips it
            }
            if (readCache != null) {
                readCache.drop(c.lpn + i);
            }
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

    /**
     * A TRIM or Dataset Management deallocate: every mapping unit a range of the command covers
     * whole is unmapped (its physical unit invalid, so garbage collection no longer moves it),
     * a unit covered in part keeps its data; then the firmware's time for the mappings it
     * dropped ({@code trim_per_gib}) before the command ends.
     */
    private void discard(SsdCommand c) {
        long unitSectors = g.mappingUnit() >> 9;
        long[] units = {0};
        c.rq.forEachRange((sector, n) -> {
            long first = (sector + unitSectors - 1) / unitSectors;
            long end = Math.min((sector + n) / unitSectors, ftl.logicalUnits());
            for (long u = first; u < end; u++) {
                int dead = ftl.trim((int) u);
                if (dead >= 0) {
                    ring[dead] = DEAD;
                }
                if (readCache != null) {
                    readCache.drop((int) u);
                }
            }
            units[0] += Math.max(0, end - first);
        });
        hostTrimUnits += units[0];
        long ns = (long) ((double) cfg.trimPerGibNs() * units[0] * g.mappingUnit() / (1L << 30));
        c.mediaNs += ns;
        if (ns == 0) {
            host.backendDone(c);
        } else {
            sim.after(ns, () -> host.backendDone(c));
        }
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
            int firstPpn = -1;
            while (count < perProgram && head < tail) {
                int slot = (int) (head % ring.length);
                int lpn = ring[slot];
                head++;
                // A live slot is exactly one the FTL still maps the unit to (isBufferedIn), known
                // here without reading the forward map again, a cache miss per unit at full size.
                if (lpn != DEAD) {
                    assert ftl.isBufferedIn(lpn, slot);
                    int ppn = ftl.program(lpn, die * g.planesPerDie() + count / g.unitsPerPage());
                    if (firstPpn < 0) {
                        firstPpn = ppn;
                    }
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
            x.pageInBlock = (int) (ftl.pageOf(firstPpn) % g.pagesPerBlock());
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

    /**
     * Starts what die {@code d} can start now: a suspension of its array operation for waiting
     * reads, read groups on its idle read units, or its next program or GC step.
     */
    private void dispatch(Die d) {
        if (d.suspending) {
            return;
        }
        if (d.dieOp) {
            maybeSuspend(d);
            return;
        }
        if (!cfg.dieInterleave() && d.chip.busy > 0) {
            return;
        }
        pullDebt(d);
        boolean opWaiting = d.suspended != null || !d.programQ.isEmpty() || d.hasGcWork();
        if (!opWaiting || d.readsTurn) {
            boolean started = false;
            for (ReadUnit u : d.units) {
                if (!u.busy && !u.q.isEmpty()) {
                    startRead(d, u);
                    started = true;
                    if (!cfg.dieInterleave()) {
                        return; // the chip runs this one command
                    }
                }
            }
            if (opWaiting && started) {
                d.readsTurn = false;
            }
        }
        if (opWaiting && d.busyReads == 0) {
            d.readsTurn = true;
            if (d.suspended != null) {
                resume(d);
            } else if (d.hasGcWork()) {
                startGcStep(d);
            } else {
                startProgram(d, d.programQ.pollFirst());
            }
        } else if (!opWaiting && d.busyReads == 0 && cfg.bgGcThreshold() > 0 && !readsWaiting(d)) {
            backgroundGc(d);
        }
    }

    /**
     * Background garbage collection: an idle die whose plane is short of free blocks collects a
     * victim ahead of need, in preemptible steps (reads that arrive go first), so that a later
     * burst of writes finds free blocks (Lee et al., IEEE TCAD 2013; MQSim's GC_Exec_Threshold).
     */
    private void backgroundGc(Die d) {
        for (int p = 0; p < g.planesPerDie(); p++) {
            if (ftl.collectInBackground(d.id * g.planesPerDie() + p, cfg.bgGcThreshold())) {
                backgroundCollections++;
                dispatch(d);
                return;
            }
        }
    }

    private boolean readsWaiting(Die d) {
        for (ReadUnit u : d.units) {
            if (!u.q.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Program/erase suspend: a read waits and the operation has enough left to be worth pausing. */
    private void maybeSuspend(Die d) {
        FlashTxn op = d.op;
        if (!d.inArray || op == null || !readsWaiting(d)) {
            return;
        }
        boolean erase = op.kind == FlashTxn.Kind.ERASE;
        long left = d.arrayEndsAt - sim.now();
        if (!susp.allows(erase, d.opSuspends, left)) {
            return;
        }
        d.timer.cancel();
        d.timer = null;
        d.arrayLeft = left;
        d.opSuspends++;
        d.suspending = true;
        suspensions++;
        sim.after(susp.suspendNs(), d.suspendDone);
    }

    /** The suspended operation's die is free for reads. */
    private void suspended(Die d) {
        d.suspending = false;
        d.suspended = d.op;
        d.op = null;
        d.dieOp = false;
        d.inArray = false;
        d.readsTurn = true;
        chipRelease(d);
        dispatch(d);
    }

    private void resume(Die d) {
        FlashTxn x = d.suspended;
        d.suspended = null;
        d.dieOp = true;
        d.op = x;
        chipAcquire(d);
        armArray(d, x, d.arrayLeft + susp.resumeNs(), x.stage);
    }

    /** Starts the array phase (program or erase) of {@code x}: a timer when it may be suspended. */
    private void armArray(Die d, FlashTxn x, long ns, int stage) {
        x.stage = stage;
        d.inArray = true;
        d.arrayEndsAt = sim.now() + ns;
        if (susp.program() || susp.erase()) {
            d.timer = sim.timerAfter(ns, x);
        } else {
            sim.after(ns, x);
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

    /**
     * Starts a read group on unit {@code u}: the oldest waiting read, every other waiting read of
     * the same page (one sensing serves them all), and, on a die without independent plane reads,
     * one read per other plane at the same page offset (a multi-plane read: ONFI requires the same
     * page address in each plane; MQSim's issue rule). Pages already in their planes' page
     * registers need no sensing, only the channel (ONFI Change Read Column).
     */
    private void startRead(Die d, ReadUnit u) {
        FlashTxn lead = u.q.pollFirst();
        u.busy = true;
        u.sensed = false;
        u.planes = 1 << lead.plane;
        u.left = 1;
        u.waiting = null;
        d.busyReads++;
        chipAcquire(d);
        lead.next = null;
        FlashTxn tail = lead;
        boolean cached = d.regPage[lead.plane] == lead.page;
        int steps = cached ? 0 : retry.steps(lead.page, retrySalt);
        d.regPage[lead.plane] = lead.page;
        int planesUsed = 1;
        // scan the queue once, in order, without an iterator: members leave it, the rest go back
        for (int k = u.q.size(); k > 0; k--) {
            FlashTxn x = u.q.pollFirst();
            boolean samePage = x.page == lead.page;
            boolean otherPlane = cfg.multiPlaneReads() && (u.planes & (1 << x.plane)) == 0
                    && x.pageInBlock == lead.pageInBlock;
            if (!samePage && !otherPlane) {
                u.q.addLast(x);
                continue;
            }
            if (samePage) {
                registerHits++;
            } else {
                planesUsed++;
                u.planes |= 1 << x.plane;
                boolean hit = d.regPage[x.plane] == x.page;
                cached &= hit;
                if (!hit) {
                    steps = Math.max(steps, retry.steps(x.page, retrySalt));
                }
                d.regPage[x.plane] = x.page;
            }
            u.left++;
            x.next = null;
            tail.next = x;
            tail = x;
        }
        if (planesUsed > 1) {
            multiPlaneReads++;
        }
        u.waiting = lead;
        long now = sim.now();
        for (FlashTxn x = lead; x != null; x = x.next) {
            x.tStart = now;
        }
        lead.stage = FlashTxn.SENSED;
        if (cached) {
            registerHits++;
            sim.after(0, lead);
            return;
        }
        pageReads++;
        retrySteps += steps;
        lead.mediaNs = steps; // the sensing's retry steps, until the sensing starts
        if (t.commandNs() > 0) {
            // the read command and address cycles cross the shared channel before the die senses
            lead.stage = FlashTxn.COMMANDED;
            acquireChannel(d.channel, lead);
            lead.tSensed = 0;
        } else {
            sense(lead);
        }
    }

    /** The die senses the group leader's page: tR of its type, plus the read-retry steps. */
    private void sense(FlashTxn lead) {
        int steps = (int) lead.mediaNs;
        long tR = t.readNs(lead.pageInBlock);
        lead.stage = FlashTxn.SENSED;
        sim.after(tR + steps * (tR + retry.stepOverheadNs()), lead);
    }

    /** Opens a die operation: the page registers of the die's planes are overwritten by it. */
    private void openDieOp(Die d, FlashTxn x) {
        d.dieOp = true;
        d.op = x;
        d.opSuspends = 0;
        java.util.Arrays.fill(d.regPage, -1);
        chipAcquire(d);
    }

    private void startProgram(Die d, FlashTxn x) {
        openDieOp(d, x);
        x.tStart = sim.now();
        acquireChannel(d.channel, x);
    }

    private void startGcStep(Die d) {
        FlashTxn x = txn();
        x.die = d.id;
        x.tQueued = x.tStart = sim.now();
        openDieOp(d, x);
        gcSteps++;
        int page = d.gcPage++ % g.pagesPerBlock();
        if (d.gcReads > 0) {
            x.kind = FlashTxn.Kind.GC_READ;
            x.units = (int) ((d.gcOut + d.gcReads - 1) / d.gcReads);
            d.gcOut -= x.units;
            d.gcReads--;
            x.stage = FlashTxn.SENSED;
            sim.after(t.commandNs() + t.readNs(page), x);
        } else if (d.gcPrograms > 0) {
            // the planes' frontiers advance together (writes stripe over them), so their GC
            // pages go out as one multi-plane program, as the host's do
            x.kind = FlashTxn.Kind.GC_PROGRAM;
            x.pageInBlock = page;
            long pages = Math.min(g.planesPerDie(), d.gcPrograms);
            x.units = (int) ((d.gcIn * pages + d.gcPrograms - 1) / d.gcPrograms);
            d.gcIn -= x.units;
            d.gcPrograms -= pages;
            if (cfg.gcCopyback()) {
                armArray(d, x, t.commandNs() + t.programNs(page), FlashTxn.PROGRAMMED);
            } else {
                acquireChannel(d.channel, x);
            }
        } else {
            x.kind = FlashTxn.Kind.ERASE;
            d.gcErases--;
            armArray(d, x, t.commandNs() + t.eraseNs(), FlashTxn.ERASED);
        }
    }

    /** MQSim's chip rule (die_interleave: false): a chip takes a new command only when idle. */
    private void chipAcquire(Die d) {
        d.chip.busy++;
    }

    private void chipRelease(Die d) {
        Chip c = d.chip;
        if (--c.busy == 0 && !cfg.dieInterleave()) {
            // first come first served across the chip's dies: the die holding the oldest read
            Die best = null;
            long oldest = Long.MAX_VALUE;
            for (Die o : c.dies) {
                for (ReadUnit u : o.units) {
                    FlashTxn h = u.q.peekFirst();
                    if (h != null && h.order < oldest) {
                        oldest = h.order;
                        best = o;
                    }
                }
            }
            if (best != null) {
                dispatch(best);
            }
            for (int k = 0; k < c.dies.length && c.busy == 0; k++) {
                dispatch(c.dies[(c.rr + k) % c.dies.length]);
            }
            c.rr = (c.rr + 1) % c.dies.length;
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
        if (x.stage == FlashTxn.COMMANDED) {
            sim.after(t.commandNs(), x);
            return;
        }
        x.tChannel = sim.now();
        x.stage = FlashTxn.XFERRED;
        boolean read = x.kind == FlashTxn.Kind.READ || x.kind == FlashTxn.Kind.PREFETCH || x.kind == FlashTxn.Kind.GC_READ;
        long cmd = read ? 0 : t.commandNs();
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
                if (x.kind == FlashTxn.Kind.GC_READ) {
                    x.tSensed = sim.now();
                    if (cfg.gcCopyback()) {
                        endDieOp(d, x);
                    } else {
                        acquireChannel(d.channel, x);
                    }
                } else {
                    // the read group's sensing is done: every member crosses the channel
                    ReadUnit u = d.units[x.readUnit];
                    u.sensed = true;
                    FlashTxn m = u.waiting;
                    u.waiting = null;
                    while (m != null) {
                        FlashTxn nx = m.next;
                        m.next = null;
                        m.tSensed = sim.now();
                        acquireChannel(d.channel, m);
                        m = nx;
                    }
                }
            }
            case FlashTxn.XFERRED -> {
                releaseChannel(d.channel);
                switch (x.kind) {
                    case READ, PREFETCH -> {
                        ReadUnit u = d.units[x.readUnit];
                        x.mediaNs = (x.tSensed - x.tStart) + (sim.now() - x.tChannel);
                        if (--u.left == 0) {
                            u.busy = false;
                            u.sensed = false;
                            u.planes = 0;
                            d.busyReads--;
                            chipRelease(d);
                            dispatch(d);
                        }
                        if (x.kind == FlashTxn.Kind.READ) {
                            toHost(x);
                        } else {
                            prefetched(x);
                        }
                    }
                    case GC_READ -> endDieOp(d, x);
                    case PROGRAM -> armArray(d, x, t.programNs(x.pageInBlock), FlashTxn.PROGRAMMED);
                    case GC_PROGRAM -> armArray(d, x, t.programNs(x.pageInBlock), FlashTxn.PROGRAMMED);
                    default -> throw new IllegalStateException("channel transfer for " + x.kind);
                }
            }
            case FlashTxn.PROGRAMMED -> {
                d.inArray = false;
                d.timer = null;
                if (x.kind == FlashTxn.Kind.PROGRAM) {
                    d.dieOp = false;
                    d.op = null;
                    chipRelease(d);
                    FlashTxn done = x;
                    dispatch(d);
                    programDone(done);
                    recycle(done);
                } else {
                    endDieOp(d, x);
                }
            }
            case FlashTxn.ERASED -> {
                d.inArray = false;
                d.timer = null;
                endDieOp(d, x);
            }
            case FlashTxn.COMMANDED -> {
                releaseChannel(d.channel);
                sense(x);
            }
            case FlashTxn.LINKED -> chunkDone(x);
            default -> throw new IllegalStateException("transaction in stage " + x.stage);
        }
    }

    /** A prefetch read reached the controller's DRAM: its units are cached if still current. */
    private void prefetched(FlashTxn x) {
        for (int i = 0; i < x.units; i++) {
            long now = ftl.lookup(x.lpn + i);
            if (now >= 0 && ftl.pageOf(now) == x.page) {
                readCache.put(x.lpn + i);
            }
        }
        recycle(x);
    }

    private void endDieOp(Die d, FlashTxn x) {
        d.dieOp = false;
        d.op = null;
        recycle(x);
        chipRelease(d);
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
        x.next = null;
        return x;
    }

    private void recycle(FlashTxn x) {
        x.cmd = null;
        x.next = null;
        txnPool.addFirst(x);
    }

    // ------------------------------------------------------------------ statistics

    /** Registers the SSD's statistics under {@code prefix} (e.g. "device.ssd."). */
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "host_read_units", () -> hostReadUnits);
        stats.counter(prefix + "host_trim_units", () -> hostTrimUnits);
        stats.counter(prefix + "host_write_units", () -> hostWriteUnits);
        stats.counter(prefix + "buffer_hits", () -> bufferHits);
        stats.counter(prefix + "unmapped_reads", () -> unmappedReads);
        stats.counter(prefix + "page_reads", () -> pageReads);
        stats.counter(prefix + "programs", () -> programs);
        stats.counter(prefix + "gc_steps", () -> gcSteps);
        stats.counter(prefix + "register_hits", () -> registerHits);
        stats.counter(prefix + "multi_plane_reads", () -> multiPlaneReads);
        stats.counter(prefix + "read_retry_steps", () -> retrySteps);
        stats.counter(prefix + "suspensions", () -> suspensions);
        stats.counter(prefix + "prefetch_reads", () -> prefetchReads);
        stats.counter(prefix + "read_cache_hits", () -> cacheHits);
        stats.counter(prefix + "background_collections", () -> backgroundCollections);
        stats.counter(prefix + "ftl.host_units", ftl::hostUnits);
        stats.counter(prefix + "ftl.gc_units", ftl::gcUnits);
        stats.counter(prefix + "ftl.erases", ftl::erases);
        stats.counter(prefix + "ftl.trims", ftl::trims);
        stats.gauge(prefix + "ftl.write_amplification", ftl::writeAmplification);
        stats.gauge(prefix + "ftl.over_provisioning", ftl::overProvisioning);
        stats.gauge(prefix + "ftl.analytical_write_amplification", () -> WriteAmplificationModel.of(cfg.gcPolicy(),
                g.unitsPerBlock(), ftl.overProvisioning()).orElse(Double.NaN));
    }

    /** Resets the counters (end of warm-up). */
    public void resetStats() {
        hostReadUnits = hostTrimUnits = hostWriteUnits = bufferHits = unmappedReads = pageReads = programs = gcSteps = 0;
        registerHits = multiPlaneReads = retrySteps = suspensions = prefetchReads = cacheHits = backgroundCollections = 0;
        ftl.resetCounters();
    }

    /** A read unit: the die, or each plane when planes read independently; its queue and current read group. */
    static final class ReadUnit {
        final ArrayDeque<FlashTxn> q = new ArrayDeque<>();
        boolean busy;
        boolean sensed;
        /** Planes whose page registers the current group fills. */
        int planes;
        /** Group members still to cross the channel. */
        int left;
        /** Group members waiting for the sensing. */
        FlashTxn waiting;
    }

    /** A die (LUN): its read units, page registers, program queue, array operation and GC debt. */
    final class Die {
        final int id;
        final Channel channel;
        final Chip chip;
        final ReadUnit[] units;
        /** Page each plane's page register holds (-1: none, or overwritten by a program or erase). */
        final long[] regPage;
        final ArrayDeque<FlashTxn> programQ = new ArrayDeque<>();
        final io.stacksim.engine.Event suspendDone = () -> suspended(this);
        int busyReads;
        boolean dieOp;
        FlashTxn op;
        boolean inArray;
        long arrayEndsAt;
        long arrayLeft;
        io.stacksim.engine.Timer timer;
        boolean suspending;
        FlashTxn suspended;
        int opSuspends;
        boolean readsTurn = true;
        int gcPage;
        long gcReads;
        long gcOut;
        long gcIn;
        long gcPrograms;
        long gcErases;

        Die(int id, Channel channel, Chip chip, int readUnits, int planes) {
            this.id = id;
            this.channel = channel;
            this.chip = chip;
            this.units = new ReadUnit[readUnits];
            for (int i = 0; i < readUnits; i++) {
                units[i] = new ReadUnit();
            }
            this.regPage = new long[planes];
            java.util.Arrays.fill(regPage, -1);
        }

        boolean hasGcWork() {
            return gcReads > 0 || gcPrograms > 0 || gcErases > 0;
        }
    }

    /** A flash package: its dies share chip enable; with die_interleave false it runs one command at a time. */
    static final class Chip {
        int busy;
        int rr;
        Die[] dies;
    }

    /** A flash channel: one transfer at a time, first come first served. */
    static final class Channel {
        boolean busy;
        final ArrayDeque<FlashTxn> waiting = new ArrayDeque<>();
    }
}
