package io.stacksim.devices.hdd;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk drive in the manner of DiskSim's validated disk model (Ganger, Worthington, Patt;
 * DiskSim 4.0 src/disksim_diskctlr.c and disksim_diskcache.c): zoned geometry, mechanics with
 * the platter angle following simulated time, and the drive firmware's controller and buffer
 * cache, whose rules decide when the arm moves, when the drive connects to the bus and what the
 * buffer already holds.
 *
 * <p>How a command is served. It arrives over the bus (the drive holds the bus while it takes
 * the command), pays the command overhead, and either stays connected to move data at once (a
 * cache hit, or a write the drive can take now) or disconnects. The actuator ("HDA") serves one
 * command at a time, chosen by the drive's scheduler among the queued ones: it seeks (after the
 * command overhead), waits for the first sector to come round, and moves sector by sector
 * between media and a buffer segment. The drive reconnects to the host when enough data is
 * buffered (the high/low water marks), streams it at the bus rate, and sends completion after
 * the completion overhead. After a read the drive keeps reading ahead into the segment until
 * the prefetch limit, the segment's end or a new command stops it; later reads that find their
 * data in a segment are hits. Writes complete when their data reaches the media, or, with
 * write-back ({@code fastWrites}), once it is in the buffer; FLUSH waits for the media, and a
 * write with FUA always goes to the media first.
 *
 * <p>The host side of DiskSim's validation setup (driver, pass-through controller, bus messages)
 * takes no time, so the bus handshakes here are immediate; a data transfer takes the number of
 * sectors times the per-sector transfer time.
 *
 * <p>Not modelled (the DiskSim reader rejects specs that need them): preseeking, sneaky and
 * intermediate read hits, "read any free blocks", segment recycling, limited
 * (append-only) write-back and prepending writes to a dirty segment.
 */
public final class HddModel implements BlockDevice {
    // Segment states (media side) and bus-side states, as in DiskSim's buffer.
    private static final int EMPTY = 1;
    private static final int CLEAN = 2;
    private static final int DIRTY = 3;
    private static final int READING = 4;
    private static final int WRITING = 5;
    private static final int OUT_PREEMPT = 6;
    private static final int OUT_IDLE = 7;
    private static final int OUT_CONTACTING = 8;
    private static final int OUT_TRANSFERING = 9;

    // Cache match types.
    private static final int HIT_COLLISION = -1;
    private static final int HIT_NOMATCH = 0;
    private static final int HIT_WHOLE = 1;
    private static final int HIT_PARTIAL = 2;
    private static final int HIT_APPEND = 4;

    // Media access in progress on a segment.
    private static final int ACC_NONE = 0;
    private static final int ACC_SEEK = 1;
    private static final int ACC_SECTOR = 2;

    // Drive's bus interface state.
    private static final int DISK_IDLE = 1;
    private static final int DISK_TRANSFERING = 2;
    private static final int DISK_WAIT = 3;

    // Messages to the host.
    private static final int MSG_READY = 1;
    private static final int MSG_RECONNECT = 2;
    private static final int MSG_DISCONNECT = 3;
    private static final int MSG_COMPLETION = 4;

    private static final int PREFETCH_NONE = 0;
    private static final int PREFETCH_TRACK_END = 1;
    private static final int PREFETCH_CYL_END = 2;
    private static final int PREFETCH_DEC = 4;

    /** A command inside the drive (DiskSim's diskreq). */
    private final class Command {
        final Request rq;
        final long lbn;
        final int count;
        final long end;
        final boolean read;
        final boolean fua;
        final long seq;
        final long arrived;
        boolean live = true;
        boolean segOwned;
        boolean hdaOwned;
        boolean extraWriteDisconnect;
        boolean completionSent;
        boolean completionReceived;
        boolean started;
        boolean inQueue;
        long outLbn;
        long inLbn;
        Segment seg;
        int hit;
        int watermark;
        long overheadDone;
        long hdaAt = -1;
        long transferNs;

        Command(Request rq, long seq, long now) {
            this.rq = rq;
            this.lbn = rq.sector;
            this.count = rq.nrSectors;
            this.end = lbn + count;
            this.read = rq.op == Op.READ;
            this.fua = rq.has(Bio.FUA);
            this.seq = seq;
            this.arrived = now;
            this.outLbn = lbn;
            this.inLbn = lbn;
        }

        boolean writeBack() {
            return !read && cache.fastWrites() != 0 && !fua;
        }
    }

    /** A buffer segment and the media access that fills or drains it. */
    private static final class Segment {
        final int size;
        int state = EMPTY;
        int outState = OUT_IDLE;
        long start;
        long end;
        int outCount;
        long minRa = -1;
        long maxRa = -1;
        final ArrayList<Command> reqs = new ArrayList<>(2);
        boolean hasAccess;
        int accType = ACC_NONE;
        long accLbn;
        boolean accRead;
        boolean accBackground;
        long accTime;
        int accBcount;
        int accSector;
        Timer accTimer;
        long time;

        Segment(int size) {
            this.size = size;
        }
    }

    private final String name;
    private final DeviceLimits limits;
    private final HddParams params;
    private final Layout layout;
    private final Mechanics mech;
    private final HddParams.Cache cache;
    private final HddParams.Firmware fw;
    private final HddParams.Bus bus;

    private DeviceHost host;
    private Simulator sim;

    private final List<Segment> segments = new ArrayList<>();
    private final Segment dedicatedWriteSeg;
    private final ArrayList<Command> queue = new ArrayList<>();
    private final ArrayDeque<Command> hostQueue = new ArrayDeque<>();
    private final ArrayList<Command> pendXfer = new ArrayList<>();
    private final ArrayList<Request> flushes = new ArrayList<>();
    private long nextSeq;

    private int outState = DISK_IDLE;
    private boolean busOwned;
    private boolean busWait;
    private Command outWait;
    private boolean lastRead = true;
    private Command currentHda;
    private Command effectiveHda;
    private Command currentBus;
    private Command effectiveBus;
    private Command extradiscCmd;
    private int numDirty;
    private long seekStopTime;
    private long startTrans;
    private int blksDone;
    private boolean immed;
    private long immedStart;
    private long immedEnd;

    // Arm position and the current track's sector map.
    private int curCyl;
    private int curHead;
    private int trackCyl = -1;
    private int trackHead = -1;
    private int trackSpt;
    private long trackFirst;
    private long trackLast;
    private final long[] trackLbn;
    private long passedLbn = Layout.NO_LBN;
    private int progressGuard;

    // Statistics.
    private long commands;
    private long readHitsWhole;
    private long readHitsPartial;
    private long readMisses;
    private long writes;
    private long seeks;
    private long seekDistanceSum;
    private long seekNsSum;
    private long mediaSectors;
    private long sectorsWritten;
    private long busSectors;
    private long statSeekNs;
    private long statLatencyStart = -1;

    public HddModel(String name, DeviceLimits limits, HddParams params) {
        this.name = name;
        this.params = params;
        this.layout = params.layout();
        this.mech = params.mech();
        this.cache = params.cache();
        this.fw = params.firmware();
        this.bus = params.bus();
        if (limits.capacitySectors() > layout.capacity()) {
            // The host may see less than the geometry holds (a datasheet capacity), never more.
            throw new IllegalArgumentException("limits capacity " + limits.capacitySectors() + " exceeds the geometry's " + layout.capacity());
        }
        if (limits.queueDepth() > params.queueDepth()) {
            throw new IllegalArgumentException("queue depth exceeds the drive's");
        }
        this.limits = limits;
        for (int i = 0; i < cache.segments(); i++) {
            segments.add(new Segment(cache.segmentSize()));
        }
        this.dedicatedWriteSeg = cache.dedicatedWriteSegment() ? segments.get(0) : null;
        this.trackLbn = new long[layout.maxSectorsPerTrack()];
    }

    /** The drive's parameters. */
    public HddParams params() {
        return params;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceLimits limits() {
        return limits;
    }

    @Override
    public void attach(DeviceHost host) {
        this.host = host;
        this.sim = host.sim();
    }

    // ================================================================ host interface

    @Override
    public void submit(Request rq) {
        commands++;
        if (rq.op == Op.FLUSH) {
            flushArrive(rq);
            return;
        }
        if (rq.op == Op.DISCARD) {
            // Disks have no TRIM: acknowledge without touching the media.
            rq.devQueueNs = 0;
            sim.after(fw.writeComplete(), () -> host.complete(rq));
            return;
        }
        if (rq.nrSectors <= 0 || rq.endSector() > layout.capacity()) {
            throw new IllegalArgumentException("request outside the disk: " + rq);
        }
        Command c = new Command(rq, nextSeq++, sim.now());
        if (busFree()) {
            arrive(c);
        } else {
            hostQueue.addLast(c);
        }
    }

    private boolean busFree() {
        return !busOwned && !busWait;
    }

    /** Delivers commands that waited for the bus, now that the drive let it go. */
    private void deliverWaitingCommands() {
        while (busFree() && !hostQueue.isEmpty()) {
            arrive(hostQueue.pollFirst());
        }
    }

    /** Sends a message up to the host after {@code delay}; the host answers at once. */
    private void sendUp(Command c, int msg, long delay) {
        busWait = true;
        busOwned = true;
        sim.after(Math.max(0, delay), () -> {
            busWait = false;
            switch (msg) {
                case MSG_READY, MSG_RECONNECT -> sim.after(0, () -> transferDone(c));
                case MSG_DISCONNECT -> sim.after(0, () -> disconnected(c));
                case MSG_COMPLETION -> {
                    finishRequest(c);
                    sim.after(0, () -> completionAcked(c));
                }
                default -> throw new IllegalStateException();
            }
        });
    }

    private void finishRequest(Command c) {
        Request rq = c.rq;
        long now = sim.now();
        long hda = c.hdaAt < 0 ? now : c.hdaAt;
        rq.devQueueNs = Math.max(0, hda - rq.tDispatched);
        rq.devTransferNs = c.transferNs;
        rq.devMediaNs = Math.max(0, now - hda - c.transferNs);
        if (!c.read) {
            writes++;
        }
        host.complete(rq);
    }

    // ================================================================ command arrival

    private void arrive(Command c) {
        if (fw.perRequest() > 0) {
            busOwned = true;
            sim.after(fw.perRequest(), () -> requestArrive(c));
        } else {
            requestArrive(c);
        }
    }

    private void requestArrive(Command c) {
        busOwned = true;
        outState = DISK_WAIT;
        effectiveBus = c;
        queue.add(c);
        c.inQueue = true;
        selectSegment(c, true);
        if (c.read) {
            switch (c.hit) {
                case HIT_WHOLE -> readHitsWhole++;
                case HIT_PARTIAL -> readHitsPartial++;
                default -> readMisses++;
            }
            readArrive(c);
        } else {
            writeArrive(c);
        }
    }

    private long readMissOverhead() {
        return lastRead ? fw.readMissAfterRead() : fw.readMissAfterWrite();
    }

    private long readHitOverhead() {
        return lastRead ? fw.readHitAfterRead() : fw.readHitAfterWrite();
    }

    private long writeOverhead(Command c) {
        if (c.writeBack()) {
            return lastRead ? fw.writeHitAfterRead() : fw.writeHitAfterWrite();
        }
        return lastRead ? fw.writeMissAfterRead() : fw.writeMissAfterWrite();
    }

    private int water(Segment seg, int count, double fraction) {
        if (cache.waterByRequest()) {
            return Math.max(1, (int) (Math.min(seg.size, count) * fraction));
        }
        return (int) (seg.size * fraction + 0.9999999999);
    }

    private void readArrive(Command c) {
        long now = sim.now();
        c.overheadDone = now + readMissOverhead();
        Segment seg = c.seg;
        boolean enough = true;
        if (c.hit == HIT_PARTIAL) {
            if (!cache.immedTransPartialHit()) {
                int readwater = water(seg, c.count, cache.readWater());
                if (seg.end <= c.lbn || seg.end - c.lbn < Math.min(readwater, c.count)) {
                    enough = false;
                }
            }
        } else if (c.hit != HIT_WHOLE) {
            enough = false;
        }
        if (fw.neverDisconnect() || (enough && currentBus == null
                && pendXfer.isEmpty() && (effectiveHda == null || stoppable(c)))) {
            currentBus = c;
            if (seg != null) {
                setSegment(c);
                seg.outState = OUT_CONTACTING;
            }
            long delay = (c.hit == HIT_NOMATCH ? readMissOverhead() : readHitOverhead()) + fw.dataPrep();
            sendUp(c, MSG_READY, delay);
            activateRead(c, false, true);
        } else {
            long delay = readMissOverhead() + (lastRead ? fw.disconnectReadAfterRead() : fw.disconnectReadAfterWrite());
            sendUp(c, MSG_DISCONNECT, delay);
            activateRead(c, true, true);
        }
    }

    private void writeArrive(Command c) {
        long now = sim.now();
        c.overheadDone = now + writeOverhead(c);
        Segment seg = c.seg;
        if (fw.neverDisconnect() || (seg != null && currentBus == null && (cache.prebufferWrites()
                || (pendXfer.isEmpty() && (effectiveHda == null || stoppable(c)))))) {
            long delay;
            int msg;
            if (c.extraWriteDisconnect) {
                // The drive disconnects before taking any data (observed on the HP C2247A).
                c.overheadDone = now + fw.extradiscCommand() + fw.extradiscSeekDelta();
                extradiscCmd = c;
                msg = MSG_DISCONNECT;
                delay = fw.extradiscCommand() + fw.extradiscDisconnect1();
                if (seg != null) {
                    seg.outState = OUT_IDLE;
                }
            } else {
                msg = MSG_READY;
                delay = writeOverhead(c) + fw.dataPrep();
                if (seg != null) {
                    seg.outState = OUT_CONTACTING;
                }
            }
            currentBus = c;
            if (seg != null) {
                setSegment(c);
            }
            sendUp(c, msg, delay);
            activateWrite(c, false, true);
        } else {
            c.extraWriteDisconnect = false;
            sendUp(c, MSG_DISCONNECT, writeOverhead(c) + fw.disconnectWrite());
            activateWrite(c, true, true);
        }
    }

    // ================================================================ flush

    private void flushArrive(Request rq) {
        rq.deviceData = nextSeq++;
        flushes.add(rq);
        checkFlushes();
    }

    /** Completes every FLUSH whose earlier writes have all reached the media. */
    private void checkFlushes() {
        for (int i = 0; i < flushes.size(); i++) {
            Request f = flushes.get(i);
            long seq = (Long) f.deviceData;
            boolean pending = false;
            for (Command c : queue) {
                if (!c.read && c.seq < seq) {
                    pending = true;
                    break;
                }
            }
            if (!pending) {
                flushes.remove(i--);
                f.deviceData = null;
                f.devQueueNs = Math.max(0, sim.now() - f.tDispatched);
                sim.after(fw.writeComplete(), () -> host.complete(f));
            }
        }
    }

    // ================================================================ activation and the actuator

    private void activateRead(Command c, boolean setseg, boolean okToCheckBus) {
        if (!c.hdaOwned && effectiveHda != null && effectiveHda != c && c.hit != HIT_COLLISION
                && (c.seg == null || c.seg.state != DIRTY) && stoppable(c)) {
            if (c.seg != effectiveHda.seg || c.hit == HIT_NOMATCH) {
                stopAccess();
            } else {
                attemptAccessSwap(c);
            }
        }
        if (c.seg != null && setseg) {
            if (effectiveHda != null) {
                c.seg = null;
                c.hit = HIT_NOMATCH;
            } else {
                setSegment(c);
            }
        }
        if (c.seg != null && !c.segOwned) {
            attemptSegOwnership(c);
        }
        if (!c.hdaOwned && c.hit != HIT_COLLISION) {
            checkHda(c, okToCheckBus);
        }
    }

    private void activateWrite(Command c, boolean setseg, boolean okToCheckBus) {
        boolean joins = false;
        if (!c.hdaOwned && effectiveHda != null && effectiveHda != c && stoppable(c)) {
            if (c.seg != effectiveHda.seg || c.hit != HIT_APPEND) {
                stopAccess();
            } else if (!effectiveHda.read) {
                joins = true;
            }
        }
        if (c.seg != null && setseg) {
            if (effectiveHda != null) {
                c.seg = null;
                c.hit = HIT_NOMATCH;
                joins = false;
            } else {
                setSegment(c);
            }
        }
        if (joins) {
            // Appended behind the write in progress: its blocks reach the media in the same sweep,
            // so it does not compete for the actuator (see appendedWritesProgress). A write that
            // lost its segment above is not appended and stays a candidate of its own.
            c.started = true;
        }
        if (c.seg != null && !c.segOwned) {
            attemptSegOwnership(c);
        }
        if (!c.hdaOwned && c.hit != HIT_COLLISION) {
            checkHda(c, okToCheckBus);
        }
    }

    /** Gives the actuator to {@code c} (or the scheduler's choice) if it is free, and starts its media access. */
    private void checkHda(Command c, boolean okToCheckBus) {
        if (effectiveHda != null) {
            return;
        }
        getEffectiveHda(c);
        Command next = effectiveHda;
        if (next == null) {
            return;
        }
        Segment seg = next.seg;
        boolean initiateSeek = false;
        boolean immediateRelease = false;
        long mintime = 0;
        if (next.live) {
            if (next.read) {
                if (seg.accType == ACC_NONE) {
                    seg.accLbn = seg.end;
                }
                seg.accRead = true;
                seg.accBackground = false;
                seg.minRa = Math.max(seg.minRa, Math.min(next.end + cache.minReadahead(), layout.capacity()));
                seg.maxRa = Math.max(seg.maxRa, Math.min(maxReadahead(seg, next), layout.capacity()));
                immed = cache.zeroLatencyRead();
                seg.state = READING;
                if (seg.end < next.end || seg.start > next.outLbn) {
                    initiateSeek = true;
                } else if (seg.end < Math.max(seg.maxRa, maxReadahead(seg, next))) {
                    seg.accBackground = true;
                    if (cache.readaheadOnIdleHit()) {
                        initiateSeek = true;
                    }
                } else {
                    immediateRelease = true;
                }
                if (seg.accType != ACC_NONE) {
                    initiateSeek = false;
                    immediateRelease = false;
                }
            } else {
                seg.accRead = false;
                // A non-sequential write waits at least the minimum seek delay before touching the media.
                if (next.hit != HIT_APPEND || seg.accLbn != next.lbn || seg.accBcount != 1 || seg.accTime != sim.now()) {
                    mintime = fw.minimumSeekDelay();
                }
                seg.accBackground = next.completionReceived;
                seg.accLbn = next.inLbn;
                immed = cache.zeroLatencyWrite();
                if (seg.state != WRITING && seg.state != DIRTY) {
                    numDirty++;
                }
                seg.state = WRITING;
                if (next.inLbn < next.end) {
                    initiateSeek = true;
                } else {
                    immediateRelease = true;
                }
            }
            if (okToCheckBus && extradiscCmd != next) {
                checkBus(next);
            }
        } else {
            // Pure prefetch: keep reading ahead until the limit.
            seg.state = READING;
            if (seg.end < seg.maxRa) {
                if (seg.accType == ACC_NONE) {
                    seg.accLbn = seg.end;
                }
                seg.accRead = true;
                seg.accBackground = true;
                immed = cache.zeroLatencyRead();
                if (seg.accType == ACC_NONE) {
                    initiateSeek = true;
                }
            } else {
                immediateRelease = true;
            }
        }
        if (initiateSeek) {
            long now = sim.now();
            long delay = 0;
            if (next.overheadDone > now) {
                delay += next.overheadDone - now;
            }
            if (seekStopTime > now) {
                delay += seekStopTime - now;
            }
            if (!initiateSeek(seg, true, delay, mintime)) {
                releaseHda(next);
            }
        } else if (immediateRelease) {
            releaseHda(next);
        }
        if (!immediateRelease && seg.state == READING && seg.accBackground && effectiveHda == next) {
            checkPrefetchSwap();
        }
    }

    private void getEffectiveHda(Command c) {
        if (currentHda != null) {
            effectiveHda = currentHda;
            return;
        }
        Command next = c;
        if (next != null && next.live && !enabled(next)) {
            next = null;
        }
        if (next == null) {
            next = peekNext();
        }
        if (next == null) {
            return;
        }
        if (next.hdaOwned) {
            throw new IllegalStateException("command already owns the actuator");
        }
        if (next.seg != null && !next.segOwned) {
            attemptSegOwnership(next);
        }
        if (next.seg == null) {
            selectSegment(next, false);
            if (next.seg == null) {
                throw new IllegalStateException("no buffer segment for an enabled command");
            }
            setSegment(next);
            attemptSegOwnership(next);
        }
        next.started = true;
        next.hdaAt = sim.now();
        currentHda = effectiveHda = next;
        next.hdaOwned = true;
    }

    /** The drive's scheduler: the next queued command that may take the actuator, or null. */
    private Command peekNext() {
        Command aged = agedCommand();
        if (aged != null) {
            return aged;
        }
        // Host commands that waited out the destage yield go before write-back data.
        if (overdueHostCommand()) {
            Command host = sptf(true);
            if (host != null) {
                return host;
            }
        }
        Segment room = roomSegment(null);
        Command tail = room == null ? null : firstDirty(room);
        if (tail != null && !tail.hdaOwned && tail.inQueue) {
            return tail;
        }
        return sptf(false);
    }

    /** SPTF (or FCFS) over the queued commands that may run now; only those the host waits on if {@code hostOnly}. */
    private Command sptf(boolean hostOnly) {
        Command best = null;
        long bestCost = Long.MAX_VALUE;
        for (int i = 0; i < queue.size(); i++) {
            Command c = queue.get(i);
            if (c.started || !c.live || (hostOnly && c.completionSent) || notRingTail(c) || !enabled(c)) {
                continue;
            }
            if (params.scheduler() == HddParams.Scheduler.FCFS) {
                return c;
            }
            long cost = positioningEstimate(c);
            if (cost < bestCost) {
                bestCost = cost;
                best = c;
            }
        }
        return best;
    }

    /**
     * Command aging: the oldest command the host has waited on for longer than the aging limit
     * goes next, whatever its positioning cost; returns the command to give the actuator, or
     * null. A write-back write whose status went back is no longer a command the host waits on:
     * its data is the drive's to destage. An aged write that waits for buffer room is served by
     * destaging the segment whose room it needs (its own ring, or the one that frees soonest).
     */
    private Command agedCommand() {
        if (params.agingNs() <= 0) {
            return null;
        }
        Command oldest = null;
        Command job = null;
        long limit = sim.now() - params.agingNs();
        for (int i = 0; i < queue.size(); i++) {
            Command c = queue.get(i);
            if (c.started || !c.live || c.completionSent || c.arrived > limit
                    || (oldest != null && c.arrived >= oldest.arrived)) {
                continue;
            }
            Command j = enabled(c) ? c : roomFor(c);
            if (j != null) {
                oldest = c;
                job = j;
            }
        }
        return job;
    }

    /**
     * A command the host waits on, able to run now, has waited at least the destage yield: the
     * write-back data yields to it. Firmware destages in bounded runs between host commands (a
     * flush "does not exceed a predetermined maximum duration", WD US 9,141,531 B1; write threads
     * and purges of a preselected time, Seagate US 6,789,163 B2); the bound is not published.
     */
    private boolean overdueHostCommand() {
        if (params.destageYieldNs() <= 0 || cache.fastWrites() == 0) {
            return false;
        }
        long limit = sim.now() - params.destageYieldNs();
        for (int i = 0; i < queue.size(); i++) {
            Command c = queue.get(i);
            if (!c.started && c.live && !c.completionSent && c.arrived <= limit && !notRingTail(c) && enabled(c)) {
                return true;
            }
        }
        return false;
    }

    /** The destage that makes buffer room for a write that cannot take its data, or null. */
    private Command roomFor(Command c) {
        if (c.read || cache.fastWrites() == 0) {
            return null;
        }
        Segment s = roomSegmentFor(c, null);
        Command tail = s == null ? null : firstDirty(s);
        return tail == null || tail == c || tail.hdaOwned || !tail.inQueue ? null : tail;
    }

    /**
     * At a command boundary of a write-back destage: carry on into the next cached write (a
     * zero-cost continuation, which SPTF would pick anyway) unless an aged command waits, a host
     * command has waited out the destage yield, or a write waits for room that this segment,
     * still being filled by the host, would never free. The drive schedules its write-back data
     * command by command, so a stream the host keeps appending to cannot hold the actuator for good.
     */
    private boolean continueDestage(Segment seg) {
        Command aged = agedCommand();
        if ((aged != null && aged.seg != seg) || overdueHostCommand()) {
            return false;
        }
        Segment room = roomSegment(seg);
        // A segment the host no longer fills frees when drained: finish it first.
        return room == null || room == seg || firstDirty(room) == null || !filling(seg);
    }

    /**
     * A write waits to move (more of) its data into {@code seg}: one already in it, or one that
     * appends to its ring and now fits there ({@link #selectWriteSegment}'s append rule). Writes
     * waiting for a whole segment are looked at when a destage frees one ({@link #releaseHda}):
     * asking the bus on every destaged sector for them costs a segment search per waiting write.
     */
    private boolean waitsForRoomIn(Segment seg) {
        Command owner = null;
        for (int i = 0; i < pendXfer.size(); i++) {
            Command t = pendXfer.get(i);
            if (t.read) {
                continue;
            }
            if (t.seg == seg) {
                return true;
            }
            if (t.seg == null && t.lbn == seg.end) {
                if (owner == null) {
                    owner = segOwner(seg, false);
                }
                if (owner == null || seg.size > t.lbn - owner.inLbn) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The host is still appending to the segment: some write's data has yet to arrive. */
    private static boolean filling(Segment s) {
        for (Command t : s.reqs) {
            if (!t.read && t.live && t.outLbn < t.end) {
                return true;
            }
        }
        return false;
    }

    /**
     * With the write cache full, the oldest host write waiting for buffer room (for a segment,
     * or for room in the ring it appends to) needs a destage before anything else the drive does
     * for the host's writes: the segment to destage for it ({@code current} being the one under
     * the heads), or null when no write waits for room.
     */
    private Segment roomSegment(Segment current) {
        if (cache.fastWrites() == 0) {
            return null;
        }
        Command w = null;
        for (int i = 0; i < queue.size(); i++) {
            Command c = queue.get(i);
            if (!c.read && c.live && !c.started && !c.completionSent && (w == null || c.arrived < w.arrived)
                    && !enabled(c)) {
                w = c;
            }
        }
        return w == null ? null : roomSegmentFor(w, current);
    }

    /**
     * The segment to destage so that write {@code w} can take its data: its own ring, or the
     * ring it would append to were that not full, or else the dirty segment that frees soonest.
     */
    private Segment roomSegmentFor(Command w, Segment current) {
        if (w.seg != null) {
            return w.seg;
        }
        for (Segment s : segments) {
            if ((s.state == DIRTY || s.state == WRITING) && s.end == w.lbn && firstDirty(s) != null) {
                return s;
            }
        }
        return segmentToFree(current);
    }

    /**
     * The dirty segment that frees soonest (positioning to its first unwritten block plus
     * writing what it holds; {@code current}, the segment under the heads, needs no
     * positioning), or null. Without this SPTF would keep extending the stream the host appends
     * to, whose segment never frees, while segments held by a few unwritten blocks wait for good
     * (WD's DiskSim fork, 2.01.015 change log, likewise flushes on a cache-full condition the
     * dirty segment that RPO finds best).
     */
    private Segment segmentToFree(Segment current) {
        Segment best = null;
        long bestCost = Long.MAX_VALUE;
        for (Segment s : segments) {
            if (s.state != DIRTY && s.state != WRITING) {
                continue;
            }
            Command first = firstDirty(s);
            if (first == null || (s != current && (first.hdaOwned || !first.inQueue))) {
                continue;
            }
            if (filling(s)) {
                // The host is still appending to it: it would not free.
                continue;
            }
            long remaining = 0;
            for (Command t : s.reqs) {
                if (!t.read && t.live && t.inLbn < t.end) {
                    remaining += t.end - t.inLbn;
                }
            }
            int cyl = Layout.cyl(layout.ltop(first.inLbn));
            long cost = remaining * mech.periodNs() / layout.sectorsPerTrack(cyl)
                    + (s == current ? 0 : positioningEstimate(first));
            if (cost < bestCost) {
                bestCost = cost;
                best = s;
            }
        }
        return best;
    }

    /**
     * A write-back segment is a ring (the drive "does not overwrite data that has not yet been
     * written to the medium", Seagate product manuals, "Caching write data"): its room comes back
     * only as its oldest blocks reach the media, so its data is destaged from the first unwritten
     * write on. Another write of the segment is not a candidate of its own.
     */
    private boolean notRingTail(Command c) {
        return !c.read && c.seg != null && cache.fastWrites() != 0 && firstDirty(c.seg) != c;
    }

    /** The lowest unwritten write of a segment, or null. */
    private static Command firstDirty(Segment s) {
        Command first = null;
        for (Command t : s.reqs) {
            if (!t.read && t.live && t.inLbn < t.end && (first == null || t.lbn < first.lbn)) {
                first = t;
            }
        }
        return first;
    }

    /** Estimated time until the heads reach {@code c}'s first sector (0 for a cache hit). */
    private long positioningEstimate(Command c) {
        if (c.read) {
            for (Segment s : segments) {
                if (s != dedicatedWriteSeg && s.state != EMPTY && c.lbn >= s.start && c.lbn < s.end && cache.enableCache()) {
                    return s.end >= c.end ? 0 : 1;
                }
            }
        }
        long pbn = layout.ltop(c.lbn);
        int cyl = Layout.cyl(pbn);
        int head = Layout.head(pbn);
        long seek = mech.positionNs(curCyl, curHead, cyl, head, c.read);
        if (!c.read && seek < fw.minimumSeekDelay()) {
            seek = fw.minimumSeekDelay();
        }
        long now = sim.now();
        long ready = Math.max(now, c.overheadDone);
        double pos = layout.sectorPosition(cyl, head, Layout.sector(pbn));
        return ready - now + seek + mech.latencyNs(ready + seek, pos, layout.sectorsPerTrack(cyl));
    }

    /** DiskSim's enablement rule: a command may take the actuator only if a buffer segment can serve it. */
    private boolean enabled(Command c) {
        if (c.read) {
            if (c.seg != null) {
                return !((c.seg.state == WRITING || c.seg.state == DIRTY) && !reusable(c.seg));
            }
            selectSegment(c, false);
            if (c.seg == null) {
                return false;
            }
            boolean ok = !((c.seg.state == WRITING || c.seg.state == DIRTY) && !reusable(c.seg));
            c.hit = HIT_NOMATCH;
            c.seg = null;
            return ok;
        }
        if (c.seg != null) {
            if (!c.segOwned) {
                Command owner = segOwner(c.seg, false);
                if (owner == null) {
                    for (Command t : c.seg.reqs) {
                        if (!t.read) {
                            owner = t;
                            break;
                        }
                    }
                }
                if (owner != null && owner != c && c.end - owner.inLbn > c.seg.size && owner.inLbn != c.lbn) {
                    return false;
                }
            }
            return true;
        }
        selectSegment(c, false);
        if (c.seg == null) {
            return false;
        }
        boolean ok = true;
        if (c.hit == HIT_APPEND) {
            Command owner = segOwner(c.seg, false);
            if (owner != null && c.end - owner.inLbn > c.seg.size && owner.inLbn != c.lbn) {
                ok = false;
            }
        }
        c.hit = HIT_NOMATCH;
        c.seg = null;
        return ok;
    }

    /**
     * Can the current actuator activity be stopped (or merged with) for {@code c}? A prefetch
     * may be cut short once its minimum is read and its request completed; a read hit on the
     * prefetching segment joins it; an appending write joins an ongoing write.
     */
    private boolean stoppable(Command c) {
        Command eff = effectiveHda;
        Segment seg = eff.seg;
        if (seg.state == READING) {
            if (eff.live && seg.end < seg.minRa
                    && (!c.read || c.seg != seg || c.lbn < seg.start || c.lbn > seg.end)) {
                return false;
            }
            if (!c.read && cache.writeHitStopPrefetch() && overlap(seg, c)) {
                seg.maxRa = seg.minRa = seg.end;
            }
            if (c.read && cache.enableCache() && c.seg == seg && c.lbn >= seg.start
                    && (c.lbn < seg.end || (cache.almostReadHits() && c.lbn == seg.end))) {
                Command best = peekNext();
                return best == null || best == c;
            }
            // Without preseeking the arm is free only after the host acknowledged the completion.
            if (!eff.completionReceived) {
                return false;
            }
            if (seg.end < seg.minRa) {
                seg.maxRa = seg.minRa;
                return false;
            }
            if (seg.accType == ACC_NONE) {
                return true;
            }
            if (!cache.disconnectWriteIfSeek() && (seg.accType == ACC_SEEK || !cache.stopPrefetchInSector())) {
                cancelAccess(seg);
                if (seg.accType == ACC_SEEK) {
                    // The arm completes the seek it started; the next one starts from there.
                    long pbn = layout.ltop(seg.accLbn);
                    int cyl = Layout.cyl(pbn);
                    int head = Layout.head(pbn);
                    long t = mech.positionNs(curCyl, curHead, cyl, head, seg.accRead);
                    curCyl = cyl;
                    curHead = head;
                    seg.accTime = seg.time + t;
                }
                seekStopTime = seg.accTime;
                seg.accType = ACC_NONE;
                return true;
            }
            if (seg.accType == ACC_SEEK || !cache.stopPrefetchInSector()) {
                seg.outState = OUT_PREEMPT;
                return false;
            }
            return true;
        }
        if (seg.state == WRITING) {
            if (c.hit == HIT_APPEND && c.seg == seg && seg.end == c.lbn) {
                Command best = peekNext();
                return best == null || best == c;
            }
        }
        return false;
    }

    private void cancelAccess(Segment seg) {
        if (seg.accTimer != null) {
            seg.accTimer.cancel();
            seg.accTimer = null;
        }
    }

    /** Aborts the prefetch in progress. */
    private void stopAccess() {
        Command eff = effectiveHda;
        Segment seg = eff.seg;
        if (seg.accType != ACC_NONE) {
            cancelAccess(seg);
            seg.accType = ACC_NONE;
        }
        seg.state = (!eff.completionReceived || cache.enableCache() || seg.reqs.size() > 1) ? CLEAN : EMPTY;
        if (eff.completionReceived) {
            removeFromSeg(eff);
            if (!seg.reqs.isEmpty()) {
                findNewSegOwner(seg);
            }
        }
        effectiveHda = currentHda = null;
    }

    /** A read hit on the prefetching segment takes over the ongoing media access. */
    private boolean attemptAccessSwap(Command c) {
        Command eff = effectiveHda;
        Segment seg = eff.seg;
        if (eff == currentHda && seg.accBackground && (!eff.live || eff.lbn < c.lbn)) {
            if (eff.completionReceived) {
                removeFromSeg(eff);
            } else {
                seg.accRead = c.read;
                seg.accBackground = false;
                seg.minRa = Math.max(seg.minRa, Math.min(c.end + cache.minReadahead(), layout.capacity()));
                seg.maxRa = Math.max(seg.maxRa, Math.min(maxReadahead(seg, c), layout.capacity()));
                if (seg.end >= c.end && seg.end < seg.maxRa) {
                    seg.accBackground = true;
                }
            }
            effectiveHda = currentHda = null;
            return true;
        }
        return false;
    }

    /** A prefetch is running in the background: let the scheduler's next command have a go. */
    private void checkPrefetchSwap() {
        Command next = peekNext();
        if (next == null) {
            return;
        }
        boolean setseg = false;
        if (next.seg == null) {
            setseg = true;
            selectSegment(next, false);
        }
        if (next.read) {
            activateRead(next, setseg, true);
        } else {
            activateWrite(next, setseg, true);
        }
    }

    /** Gives up the actuator after {@code c}'s media access (DiskSim's disk_release_hda). */
    private void releaseHda(Command c) {
        Segment seg = c.seg;
        boolean release = false;
        boolean free = false;
        Command next = null;
        if (!c.live) {
            release = true;
            free = true;
            seg.state = (cache.enableCache() || seg.reqs.size() > 1) ? CLEAN : EMPTY;
        } else if (!c.read && c.completionReceived) {
            release = true;
            free = true;
            Command dirty = null;
            for (Command t : seg.reqs) {
                if (t != c && !t.read && t.inLbn < t.end) {
                    dirty = t;
                    break;
                }
            }
            if (dirty != null) {
                seg.state = DIRTY;
                // Appended writes the sweep did not finish need the actuator themselves.
                for (Command t : seg.reqs) {
                    if (t != c && !t.read && t.inLbn < t.end && !t.hdaOwned) {
                        t.started = false;
                    }
                }
            } else {
                if (seg.reqs.size() > 1) {
                    seg.state = CLEAN;
                } else {
                    seg.state = cache.enableCache() && cache.readHitsOnWriteData() ? CLEAN : EMPTY;
                }
                numDirty--;
            }
        }
        if (free) {
            c.live = false;
            removeFromSeg(c);
            if (!seg.reqs.isEmpty()) {
                findNewSegOwner(seg);
            }
        }
        if (release) {
            if (currentHda == effectiveHda) {
                currentHda = null;
            }
            effectiveHda = null;
            checkHda(next, true);
        }
        if (free && !c.read && cache.prebufferWrites() && !busOwned && !busWait && !pendXfer.isEmpty()) {
            // Destage may have freed a segment: a write waiting for one can take its data now.
            checkBus(null);
        }
    }

    // ================================================================ seeking and the sector loop

    /** Starts repositioning to {@code seg.accLbn}; false when a bounded prefetch must not leave the track. */
    private boolean initiateSeek(Segment seg, boolean firstSeek, long delay, long mintime) {
        seg.accType = ACC_NONE;
        long now = sim.now();
        seg.time = now + delay;
        long pbn = layout.ltop(seg.accLbn);
        int cyl = Layout.cyl(pbn);
        int head = Layout.head(pbn);
        int dist = Math.abs(curCyl - cyl);
        long seekNs = mech.positionNs(curCyl, curHead, cyl, head, seg.accRead);
        if (seekNs < mintime) {
            seg.time += mintime - seekNs;
        }
        long arrive = seg.time + seekNs;
        if (seg.accBackground && seg.accRead) {
            if (cache.contRead() == PREFETCH_CYL_END && dist != 0) {
                return false;
            }
            if (cache.contRead() == PREFETCH_TRACK_END && (dist != 0 || curHead != head)) {
                return false;
            }
        }
        if (firstSeek) {
            seeks++;
            seekDistanceSum += dist;
            seekNsSum += seekNs;
            statSeekNs = seekNs;
            statLatencyStart = -1;
        }
        seg.accType = ACC_SEEK;
        seg.accSector = Layout.sector(pbn);
        seg.accTime = arrive;
        seg.accTimer = sim.scheduleTimer(arrive, () -> seekDone(seg));
        return true;
    }

    private void loadTrack(int cyl, int head) {
        if (cyl == trackCyl && head == trackHead) {
            return;
        }
        trackSpt = layout.trackMap(cyl, head, trackLbn);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int s = 0; s < trackSpt; s++) {
            long l = trackLbn[s];
            if (l >= 0) {
                first = Math.min(first, l);
                last = Math.max(last, l);
            }
        }
        trackFirst = first;
        trackLast = last;
        trackCyl = cyl;
        trackHead = head;
    }

    private double position(int sector) {
        return layout.sectorPosition(trackCyl, trackHead, sector);
    }

    private void seekDone(Segment seg) {
        seg.accTimer = null;
        Command c = effectiveHda;
        long now = sim.now();
        long pbn = layout.ltop(seg.accLbn);
        curCyl = Layout.cyl(pbn);
        curHead = Layout.head(pbn);
        loadTrack(curCyl, curHead);
        if (seg.outState == OUT_PREEMPT) {
            seg.accType = ACC_NONE;
            releaseHda(c);
            return;
        }
        if (statLatencyStart < 0) {
            statLatencyStart = now;
        }
        int target = Layout.sector(pbn);
        int start = target;
        if (immed) {
            // Zero latency: start with whatever sector of the rest of the track comes first.
            int lastSector = target;
            for (int s = 0; s < trackSpt; s++) {
                if (trackLbn[s] == trackLast) {
                    lastSector = s;
                }
            }
            double base = position(0);
            double headPos = (double) mech.phase(now) * trackSpt / mech.periodNs();
            double rel = headPos - base;
            rel -= Math.floor(rel / trackSpt) * trackSpt;
            if (target < lastSector && rel > target && rel < lastSector) {
                int k = (int) Math.ceil(rel);
                start = k >= trackSpt ? 0 : k;
            }
        }
        seg.time = now;
        long latency = mech.latencyNs(now, position(start), trackSpt);
        immedStart = trackLast + 1;
        immedEnd = immedStart;
        seg.accSector = start;
        seg.accLbn = trackLbn[start];
        seg.accBcount = 0;
        passedLbn = Layout.NO_LBN;
        progressGuard = 0;
        scheduleSector(seg, now + latency);
    }

    private void scheduleSector(Segment seg, long at) {
        seg.accType = ACC_SECTOR;
        seg.accTime = at;
        seg.accTimer = sim.scheduleTimer(at, () -> sectorDone(seg));
    }

    /** A sector boundary passed under the head: commit the sector just traversed and set up the next. */
    private void sectorDone(Segment seg) {
        seg.accTimer = null;
        Command c = effectiveHda;
        long now = sim.now();
        long next = trackLast + 1;
        int bcount = seg.accBcount;
        long currLbn = passedLbn;
        if (!cache.readDirectToBuffer() && seg.accRead && bcount == 1 && !blockAvailable(seg, currLbn)) {
            bcount = 2;
        }
        long firstBlk;
        long lastBlk;
        if (seg.state == READING) {
            firstBlk = seg.end;
            lastBlk = seg.accBackground ? Math.min(seg.maxRa, next) : Math.min(c.end, next);
        } else {
            firstBlk = c.inLbn;
            lastBlk = Math.min(seg.end, next);
        }
        boolean moved = false;
        if (bcount == 1) {
            mediaSectors++;
            if (currLbn == firstBlk) {
                firstBlk++;
                if (firstBlk == immedStart) {
                    firstBlk = immedEnd;
                    immedStart = next + 1;
                    immedEnd = immedStart;
                }
                moved = true;
            } else if (immed && immedStart >= next) {
                if (currLbn >= lastBlk) {
                    if (seg.state == READING && cache.contRead() != PREFETCH_NONE && currLbn < c.inLbn) {
                        immedStart = currLbn;
                        immedEnd = currLbn + 1;
                    }
                } else if (currLbn > firstBlk) {
                    immedStart = currLbn;
                    immedEnd = currLbn + 1;
                    moved = true;
                }
            } else if (currLbn == immedEnd && (currLbn < lastBlk || currLbn < c.inLbn)) {
                immedEnd++;
                wrap(seg, immedEnd);
                moved = true;
            } else if (currLbn > immedEnd && currLbn < lastBlk) {
                immedStart = currLbn;
                immedEnd = currLbn + 1;
                moved = true;
            }
        }
        if (seg.outState == OUT_TRANSFERING) {
            updateOutBuffer(seg);
        }
        boolean boundary = false;
        if (seg.state == READING) {
            seg.end = firstBlk;
        } else {
            boundary = c.inLbn < c.end && firstBlk >= c.end;
            sectorsWritten += firstBlk - c.inLbn;
            c.inLbn = firstBlk;
            if (seg.reqs.size() > 1) {
                boundary |= appendedWritesProgress(seg, c, firstBlk);
            }
        }
        wrap(seg, seg.end);
        progressGuard = moved ? 0 : progressGuard + 1;
        if (progressGuard > 64L * trackSpt) {
            throw new IllegalStateException("disk model makes no progress on track " + trackCyl + "/" + trackHead
                    + " (" + c.lbn + "+" + c.count + ", segment " + seg.start + "-" + seg.end + ")");
        }
        seg.accType = ACC_SECTOR;
        if (requestComplete(c)) {
            return;
        }
        if (boundary && seg.accBackground && seg.state == WRITING && !continueDestage(seg)) {
            if (c.inLbn >= c.end) {
                physicalAccessDone(c);
            }
            seg.accType = ACC_NONE;
            releaseHda(c);
            return;
        }
        if (firstBlk >= next) {
            seg.accLbn = next;
            if (!initiateSeek(seg, false, 0, 0)) {
                releaseHda(c);
            }
            return;
        }
        int s = seg.accSector;
        passedLbn = trackLbn[s];
        seg.time = now;
        long dur = mech.sectorNs(position(s), trackSpt);
        int nextSector = s + 1 == trackSpt ? 0 : s + 1;
        seg.accSector = nextSector;
        seg.accLbn = trackLbn[nextSector];
        int bc = 1;
        if (passedLbn < 0 || ((cache.readDirectToBuffer() || !seg.accRead) && !blockAvailable(seg, passedLbn))) {
            bc = 2;
        }
        seg.accBcount = bc;
        scheduleSector(seg, now + dur);
    }

    /**
     * Writes appended to the segment behind the one driving the media access reach the media as
     * that access sweeps over their blocks: advance them, and retire those that are done.
     * Returns whether one was finished (a command boundary).
     */
    private boolean appendedWritesProgress(Segment seg, Command driver, long written) {
        boolean retired = false;
        for (int i = 0; i < seg.reqs.size(); i++) {
            Command t = seg.reqs.get(i);
            if (t == driver || t.read || !t.live || t.inLbn >= t.end || t.lbn >= written || t.lbn < driver.lbn) {
                continue;
            }
            t.inLbn = Math.min(t.end, Math.max(t.inLbn, written));
            if (t.inLbn >= t.end) {
                retired = true;
                physicalAccessDone(t);
                if (t.completionReceived) {
                    t.live = false;
                    removeFromSeg(t);
                    i--;
                }
            }
        }
        return retired;
    }

    /** After each sector: is the media part of the access finished? (DiskSim's disk_buffer_request_complete.) */
    private boolean requestComplete(Command c) {
        Segment seg = c.seg;
        boolean background = seg.accBackground;
        boolean reading = seg.state == READING;
        if (outWait != null) {
            Command w = outWait;
            outWait = null;
            sim.after(0, () -> transferDone(w));
        }
        boolean reqdone = false;
        boolean watermark = false;
        if (reading) {
            if (background) {
                reqdone = seg.end >= seg.maxRa;
            } else {
                watermark = seg.end - c.outLbn >= c.watermark;
                reqdone = seg.end >= c.end;
            }
        } else {
            if (background) {
                reqdone = seg.end == c.inLbn;
            } else {
                watermark = seg.end - c.inLbn <= c.watermark && seg.end < c.end;
                reqdone = c.inLbn >= c.end;
            }
        }
        if ((background && reqdone && reading) || seg.outState == OUT_PREEMPT) {
            seg.accType = ACC_NONE;
            releaseHda(c);
            return true;
        }
        if (!background && seg.outState == OUT_IDLE && (reqdone || watermark)) {
            checkBus(c);
        } else if (!reading && cache.prebufferWrites() && !busOwned && !busWait && waitsForRoomIn(seg)) {
            // Destage frees ring room sector by sector: a write waiting for it takes its data now.
            checkBus(null);
        }
        if (background && reading && seg.end == seg.minRa && c.completionReceived) {
            int hold = seg.accType;
            seg.accType = ACC_NONE;
            checkPrefetchSwap();
            if (seg.outState == OUT_PREEMPT || effectiveHda != c) {
                return true;
            }
            seg.accType = hold;
        } else if ((!background || !reading) && reqdone) {
            if (!reading || cache.contRead() == PREFETCH_NONE || seg.end >= seg.maxRa) {
                seg.accType = ACC_NONE;
            } else {
                seg.accBackground = true;
                reqdone = false;
            }
            if (!reqdone && c.completionReceived) {
                int hold = seg.accType;
                seg.accType = ACC_NONE;
                checkPrefetchSwap();
                if (seg.outState == OUT_PREEMPT || effectiveHda != c) {
                    return true;
                }
                seg.accType = hold;
            }
        }
        if (reqdone) {
            if (!reading) {
                physicalAccessDone(c);
                if (!c.completionSent && seg.outState == OUT_IDLE) {
                    checkBus(c);
                }
            }
            seg.accType = ACC_NONE;
            releaseHda(c);
        }
        return reqdone;
    }

    private void physicalAccessDone(Command c) {
        if (c.inQueue) {
            queue.remove(c);
            c.inQueue = false;
            if (!flushes.isEmpty() && !c.read) {
                checkFlushes();
            }
        }
    }

    // ================================================================ the bus side

    /** Reconnects to the host if a command has data (or status) to move. */
    private void checkBus(Command c) {
        if (busWait) {
            return;
        }
        Command next = c;
        long bcount = -1;
        if (c != null) {
            if (effectiveBus != null) {
                if (effectiveBus != c) {
                    next = null;
                }
            } else if (currentBus != null && currentBus != c) {
                next = null;
            }
            if (next != null) {
                bcount = needsBus(next);
                if (bcount < 0) {
                    next = null;
                }
            }
        } else if (effectiveBus != null) {
            bcount = needsBus(effectiveBus);
            if (bcount >= 0) {
                next = effectiveBus;
            }
        } else if (currentBus != null) {
            bcount = needsBus(currentBus);
            if (bcount >= 0) {
                next = currentBus;
            }
        } else {
            // DiskSim's disk_select_bus_request: commands owning the actuator first, then (with
            // write prebuffering) writes whose segment can take data, then writes that can claim one.
            int bestVal = -99;
            boolean bestSetSeg = false;
            for (Command t : pendXfer) {
                int val = -100;
                long bc = -1;
                boolean setSeg = false;
                if (t.hdaOwned) {
                    bc = needsBus(t);
                    if (bc >= 0) {
                        val = t == effectiveHda ? 9 : t == currentHda ? 8 : 10;
                    }
                } else if (bestVal <= 2 && cache.prebufferWrites() && !t.read) {
                    if (t.seg != null) {
                        bc = needsBus(t);
                        if (bc >= 0) {
                            val = effectiveHda != null && effectiveHda.seg == t.seg ? 2
                                    : currentHda != null && currentHda.seg == t.seg ? 1 : 0;
                        }
                    } else if (bestVal <= -1) {
                        selectSegment(t, false);
                        if (t.seg != null) {
                            t.watermark = water(t.seg, t.count, cache.writeWater());
                            bc = needsBus(t);
                            if (bc >= 0) {
                                val = -1;
                                setSeg = true;
                            } else {
                                t.seg = null;
                                t.hit = HIT_NOMATCH;
                            }
                        }
                    }
                }
                if (val >= bestVal) {
                    if (bestSetSeg) {
                        next.seg = null;
                        next.hit = HIT_NOMATCH;
                    }
                    bestVal = val;
                    bestSetSeg = setSeg;
                    next = t;
                    bcount = bc;
                } else if (setSeg) {
                    t.seg = null;
                    t.hit = HIT_NOMATCH;
                }
            }
            if (bestSetSeg) {
                setSegment(next);
            }
        }
        if (next == null) {
            return;
        }
        if (next != currentBus && next != effectiveBus) {
            pendXfer.remove(next);
        }
        currentBus = effectiveBus = next;
        if (next.read) {
            activateRead(next, false, false);
        } else {
            activateWrite(next, false, false);
        }
        long delay;
        if (extradiscCmd == next) {
            extradiscCmd = null;
            delay = fw.reselectFirst();
        } else {
            delay = next.extraWriteDisconnect ? fw.reselectOther() : fw.reselectFirst();
        }
        if (bcount > 0) {
            delay += fw.dataPrep();
        }
        next.seg.outState = OUT_CONTACTING;
        outState = DISK_WAIT;
        sendUp(next, MSG_RECONNECT, delay);
    }

    /** Sectors {@code c} could move over the bus now (0 = status only), or -1 if it has nothing to do there. */
    private long needsBus(Command c) {
        if (outState != DISK_IDLE) {
            return -1;
        }
        Segment seg = c.seg;
        if (seg == null || !c.live || c.completionSent) {
            return -1;
        }
        if (c.read) {
            if (seg.end > c.outLbn && seg.start <= c.outLbn
                    && (seg.end >= c.end || seg.end - c.outLbn >= c.watermark)) {
                return Math.min(seg.end, c.end) - c.outLbn;
            }
            return -1;
        }
        Command owner = segOwner(seg, false);
        if (owner == null) {
            owner = c;
        }
        boolean first = c.outLbn == c.lbn && c.hit != HIT_APPEND;
        if (c.inLbn >= c.end || first
                || (seg.end == c.outLbn && seg.end < c.end && seg.end - owner.inLbn < seg.size
                && seg.end - c.inLbn <= c.watermark)) {
            if (first) {
                return Math.min(c.count, seg.size);
            }
            return Math.max(0, Math.min(c.end - c.outLbn, seg.size - seg.end + owner.inLbn));
        }
        return -1;
    }

    /** The host answered a reconnection, or a data transfer ended: move more data, disconnect or complete. */
    private void transferDone(Command msg) {
        Command c = effectiveBus;
        if (c == null) {
            c = effectiveBus = currentBus;
        }
        if (c == null) {
            throw new IllegalStateException("transfer without a connected command");
        }
        effectiveBus = c;
        outState = DISK_TRANSFERING;
        int r = transferSize(c);
        if (r == -2) {
            outWait = c;
        } else if (r == -1) {
            long delay = c.read ? (lastRead ? fw.disconnectReadAfterRead() : fw.disconnectReadAfterWrite())
                    : (c.extraWriteDisconnect ? fw.extradiscDisconnect2() : fw.disconnectWrite());
            sendUp(c, MSG_DISCONNECT, delay);
            outState = DISK_WAIT;
        } else if (r == 0) {
            requestCompleteBus(c);
        } else {
            startTrans = sim.now();
            blksDone = 0;
            long dur = r * (c.read ? bus.readSectorNs() : bus.writeSectorNs());
            c.transferNs += dur;
            busSectors += r;
            host.countDma(c.rq, (long) r << 9);
            Command cc = c;
            sim.after(dur, () -> transferDone(cc));
        }
    }

    /** Sectors to transfer next: >0 a count, 0 done, -1 disconnect, -2 hold the bus and wait. */
    private int transferSize(Command c) {
        Segment seg = c.seg;
        if (seg == null) {
            return -2;
        }
        if (c.read) {
            if (seg.outState == OUT_TRANSFERING) {
                c.outLbn += seg.outCount;
            }
            if (c.outLbn >= c.end) {
                seg.outState = OUT_IDLE;
                return 0;
            }
            if (seg.end > c.outLbn) {
                seg.outState = OUT_TRANSFERING;
                seg.outCount = (int) (Math.min(seg.end, c.end) - c.outLbn);
                return seg.outCount;
            }
            if (fw.holdBusRead() || fw.neverDisconnect()) {
                seg.outState = OUT_TRANSFERING;
                seg.outCount = 0;
                return -2;
            }
            seg.outState = OUT_IDLE;
            return -1;
        }
        if (c.outLbn == c.end && c.inLbn >= c.outLbn) {
            seg.outState = OUT_IDLE;
            return 0;
        }
        Command owner = segOwner(seg, false);
        if (owner == null) {
            owner = c;
        }
        if (seg.outState == OUT_TRANSFERING) {
            c.outLbn += seg.outCount;
            if (c.lbn < seg.start) {
                seg.start = c.lbn;
            }
            if (c.outLbn > seg.end) {
                seg.end = c.outLbn;
            }
            wrap(seg, seg.end);
            if (c.outLbn >= c.end) {
                seg.outState = OUT_IDLE;
                return c.writeBack() ? 0 : -1;
            }
        }
        seg.outState = OUT_TRANSFERING;
        seg.outCount = (int) Math.min(seg.size - (c.outLbn - owner.inLbn), c.end - c.outLbn);
        if ((!c.segOwned && seg.end < c.outLbn) || seg.outCount <= 0) {
            if (fw.holdBusWrite() || fw.neverDisconnect()) {
                seg.outState = OUT_TRANSFERING;
                seg.outCount = 0;
                return -2;
            }
            seg.outState = OUT_IDLE;
            return -1;
        }
        return seg.outCount;
    }

    /** While data streams over the bus, account the sectors already moved (sector-granular). */
    private void updateOutBuffer(Segment seg) {
        Command c = effectiveBus;
        if (c == null || c.seg != seg || outWait != null) {
            return;
        }
        long per = c.read ? bus.readSectorNs() : bus.writeSectorNs();
        long blks = per == 0 ? seg.outCount : (sim.now() - startTrans) / per;
        int moved = (int) Math.min(seg.outCount, blks - blksDone);
        if (moved <= 0) {
            return;
        }
        blksDone += moved;
        c.outLbn += moved;
        seg.outCount -= moved;
        if (c.outLbn > seg.end) {
            seg.end = c.outLbn;
        }
        wrap(seg, seg.end);
    }

    /** All data moved: send completion after the completion overhead (DiskSim's disk_request_complete). */
    private void requestCompleteBus(Command c) {
        lastRead = c.read;
        c.completionSent = true;
        Segment seg = c.seg;
        if (c.read) {
            physicalAccessDone(c);
            if (cache.keepRequestData() == -1 && seg.reqs.size() == 1 && c.outLbn <= seg.end) {
                seg.start = c.outLbn;
            }
            if ((c == effectiveHda || c == currentHda) && seg.accType == ACC_NONE) {
                releaseHda(c);
            }
        } else if ((c == effectiveHda || c == currentHda) && seg.accType == ACC_NONE) {
            releaseHda(c);
        }
        sendUp(c, MSG_COMPLETION, c.read ? fw.readComplete() : fw.writeComplete());
        outState = DISK_WAIT;
    }

    /** The host took a disconnect: free the bus and look for other bus work. */
    private void disconnected(Command msg) {
        Command c = effectiveBus;
        effectiveBus = null;
        busOwned = false;
        outState = busWait ? DISK_WAIT : DISK_IDLE;
        if (c == currentBus) {
            if (c.extraWriteDisconnect && extradiscCmd == c) {
                // Reconnect for the data after the inter-disconnect delay.
                sim.after(fw.extradiscInterDisconnect(), () -> checkBus(c));
            } else {
                currentBus = null;
                pendXfer.add(0, c);
                checkBus(null);
            }
        } else {
            pendXfer.add(0, c);
            checkBus(null);
        }
        deliverWaitingCommands();
    }

    /** The host acknowledged completion: the command's bus work is over (DiskSim's disk_completion). */
    private void completionAcked(Command msg) {
        Command c = effectiveBus;
        Segment seg = c.seg;
        c.completionReceived = true;
        effectiveBus = null;
        if (c == currentBus) {
            currentBus = null;
        }
        busOwned = false;
        outState = DISK_IDLE;
        if (c.read) {
            c.live = false;
            if (c == effectiveHda || c == currentHda) {
                if (seg.accType == ACC_NONE) {
                    releaseHda(c);
                } else {
                    checkPrefetchSwap();
                }
            } else {
                removeFromSeg(c);
                if (!seg.reqs.isEmpty()) {
                    findNewSegOwner(seg);
                } else if (!cache.enableCache()) {
                    seg.state = EMPTY;
                }
            }
        } else if (c.inLbn >= c.end) {
            if (c == effectiveHda || c == currentHda) {
                releaseHda(c);
            } else {
                c.live = false;
                removeFromSeg(c);
                if (!seg.reqs.isEmpty()) {
                    findNewSegOwner(seg);
                }
            }
        } else if (c.segOwned) {
            // Write-back: the media write carries on in the background.
            seg.accBackground = true;
        }
        checkHda(null, true);
        checkBus(null);
        deliverWaitingCommands();
    }

    // ================================================================ the buffer cache

    private void selectSegment(Command c, boolean setExtradisc) {
        Segment seg = c.read ? selectReadSegment(c) : selectWriteSegment(c);
        if (setExtradisc && fw.extraWriteDisconnect() && !fw.neverDisconnect() && extradiscCmd == null && !c.read
                && seg != null && segments.get(segments.size() - 1) == seg && seg.hasAccess && !seg.accRead
                && c.lbn != seg.end) {
            // A write after a non-sequential write disconnects before its data (HP C2247A).
            c.extraWriteDisconnect = true;
        }
    }

    /** Picks the read's segment by DiskSim's preference table (hits on fresh data first, then empty, then clean). */
    private Segment selectReadSegment(Command c) {
        c.seg = null;
        c.hit = HIT_NOMATCH;
        int best = 0;
        for (Segment seg : segments) {
            int val = -1;
            int hit = HIT_NOMATCH;
            if (c.hit == HIT_COLLISION) {
                continue;
            }
            if (seg == dedicatedWriteSeg) {
                if ((seg.state == DIRTY || seg.state == WRITING) && overlap(seg, c) && !reusable(seg)) {
                    c.hit = HIT_COLLISION;
                    c.seg = null;
                }
            } else if (seg.state == EMPTY) {
                val = 3;
            } else if (c.lbn < seg.start || c.lbn >= seg.end) {
                if (seg.state == CLEAN && seg.reqs.isEmpty()) {
                    val = 2;
                } else if (seg.state == READING) {
                    if (seg.end == c.lbn && cache.almostReadHits()) {
                        hit = HIT_PARTIAL;
                        val = 5;
                    } else if (!seg.reqs.isEmpty() && !seg.reqs.get(0).live) {
                        val = 1;
                    }
                } else if (c.lbn < seg.start && (seg.state == DIRTY || seg.state == WRITING)) {
                    if (overlap(seg, c) && !reusable(seg)) {
                        c.hit = HIT_COLLISION;
                        c.seg = null;
                    }
                }
            } else {
                switch (seg.state) {
                    case DIRTY, WRITING -> {
                        if (cache.enableCache()) {
                            if (cache.readHitsOnWriteData() && best < 10) {
                                val = seg.state == DIRTY ? 11 : 10; // dirty data ranks above data being written
                            } else if (!reusable(seg)) {
                                c.hit = HIT_COLLISION;
                                c.seg = null;
                            }
                        }
                    }
                    case READING -> {
                        if (cache.enableCache()) {
                            val = 9;
                        }
                    }
                    case CLEAN -> {
                        if (cache.readHitsOnWriteData() || (seg.hasAccess && seg.accRead)) {
                            val = 8;
                        }
                    }
                    default -> throw new IllegalStateException("segment state " + seg.state);
                }
                if (seg.end >= c.end) {
                    hit = HIT_WHOLE;
                } else {
                    hit = HIT_PARTIAL;
                    val -= 4;
                }
            }
            if (val > best && c.hit != HIT_COLLISION) {
                c.seg = seg;
                c.hit = hit;
                best = val;
            }
        }
        if (best == 1 && c.hit != HIT_COLLISION && !stoppable(c)) {
            c.seg = null;
            c.hit = HIT_NOMATCH;
        }
        if (c.seg == null && c.hit != HIT_COLLISION) {
            c.hit = HIT_NOMATCH;
        }
        return c.seg;
    }

    /** Picks the write's segment: append to a writing stream, an empty one, then a clean one. */
    private Segment selectWriteSegment(Command c) {
        c.seg = null;
        c.hit = HIT_NOMATCH;
        int best = 0;
        boolean roomForDirty = numDirty < cache.writeSegments();
        for (Segment seg : segments) {
            int val = -1;
            int hit = HIT_NOMATCH;
            if (c.hit == HIT_COLLISION) {
                continue;
            }
            if (dedicatedWriteSeg != null && seg != dedicatedWriteSeg) {
                if ((seg.state == CLEAN && !seg.reqs.isEmpty())
                        || (seg.state == READING && (seg.reqs.get(0).live || seg.reqs.size() > 1 || !stoppable(c)))) {
                    if (overlap(seg, c) && !reusable(seg)) {
                        c.hit = HIT_COLLISION;
                    }
                }
            } else if (seg.state == EMPTY) {
                if (roomForDirty) {
                    val = 3;
                }
            } else if (seg.state == READING) {
                if (!seg.reqs.get(0).live && seg.reqs.size() == 1) {
                    if (roomForDirty) {
                        val = 1;
                    }
                } else if (overlap(seg, c) && !reusable(seg)) {
                    c.hit = HIT_COLLISION;
                }
            } else if (seg.state == CLEAN) {
                if (seg.reqs.isEmpty()) {
                    if (roomForDirty) {
                        val = overlap(seg, c) ? 4 : 2;
                    }
                } else if (overlap(seg, c) && !reusable(seg)) {
                    c.hit = HIT_COLLISION;
                }
            } else if (!cache.combineSeqWrites() || seg.outState == OUT_TRANSFERING) {
                if (overlap(seg, c) && !reusable(seg)) {
                    c.hit = HIT_COLLISION;
                }
            } else {
                Command lastWrite = seg.reqs.isEmpty() ? null : seg.reqs.get(0);
                for (int i = 1; i < seg.reqs.size(); i++) {
                    if (!seg.reqs.get(i).read) {
                        lastWrite = seg.reqs.get(i);
                    }
                }
                Command owner = segOwner(seg, false);
                long ownerIn = owner == null ? c.lbn : owner.inLbn;
                if (lastWrite != null && c.lbn == lastWrite.end && c.lbn == seg.end && seg.size > c.lbn - ownerIn) {
                    hit = HIT_APPEND;
                    val = seg.state == WRITING ? 7 : 6;
                } else if (overlap(seg, c) && !reusable(seg)) {
                    c.hit = HIT_COLLISION;
                }
            }
            if (val > best && c.hit != HIT_COLLISION) {
                c.seg = seg;
                c.hit = hit;
                best = val;
            }
        }
        if (c.hit == HIT_COLLISION) {
            c.seg = null;
            return null;
        }
        if (best == 1 && !stoppable(c)) {
            if (overlap(c.seg, c) && !reusable(c.seg)) {
                c.hit = HIT_COLLISION;
            }
            c.seg = null;
        }
        return c.seg;
    }

    /** Attaches {@code c} to its segment: LRU order, clears stale overlapping copies for writes, sets the water mark. */
    private void setSegment(Command c) {
        Segment seg = c.seg;
        segments.remove(seg);
        segments.add(seg);
        if (!c.read) {
            for (Segment t : segments) {
                if (t != seg && t.state != EMPTY && overlap(t, c) && t.state == CLEAN && t.reqs.isEmpty()) {
                    t.state = EMPTY;
                }
            }
        }
        if (seg.reqs.isEmpty()) {
            if (!seg.hasAccess) {
                seg.hasAccess = true;
                seg.accType = ACC_NONE;
                seg.accLbn = c.lbn;
                seg.accRead = c.read;
                seg.accBackground = false;
                seg.accBcount = c.count;
                seg.accTime = c.arrived;
            }
            seg.reqs.add(c);
        } else {
            int at = seg.reqs.size();
            for (int i = 0; i < seg.reqs.size(); i++) {
                Command t = seg.reqs.get(i);
                if (t.live && c.lbn < t.lbn) {
                    at = i;
                    break;
                }
            }
            seg.reqs.add(at, c);
        }
        c.watermark = water(seg, c.count, c.read ? cache.readWater() : cache.writeWater());
    }

    private boolean attemptSegOwnership(Command c) {
        Segment seg = c.seg;
        for (Command t : seg.reqs) {
            if (t.segOwned) {
                return false;
            }
        }
        c.segOwned = true;
        if (c.live && (effectiveHda == null || effectiveHda == c || effectiveHda.seg != seg)) {
            seg.accRead = c.read;
            seg.accBackground = false;
        }
        if (!c.live || c.read) {
            if (c.hit == HIT_NOMATCH) {
                seg.state = CLEAN;
                seg.accLbn = c.outLbn;
                seg.start = seg.end = c.outLbn;
                seg.minRa = seg.maxRa = -1;
            }
            if (c.live) {
                seg.minRa = Math.max(seg.minRa, Math.min(c.end + cache.minReadahead(), layout.capacity()));
                seg.maxRa = Math.max(seg.maxRa, Math.min(maxReadahead(seg, c), layout.capacity()));
                if (seg.end >= c.end && effectiveHda == c) {
                    seg.accBackground = true;
                }
            }
        } else {
            if (effectiveHda == null || effectiveHda == c || effectiveHda.seg != seg) {
                if (seg.accType == ACC_NONE) {
                    seg.accLbn = c.inLbn;
                }
                if (c.completionReceived) {
                    seg.accBackground = true;
                }
            }
            if (c.hit == HIT_NOMATCH) {
                seg.minRa = seg.maxRa = -1;
                seg.start = seg.end = c.inLbn;
                seg.state = DIRTY;
                numDirty++;
            }
        }
        return true;
    }

    private void findNewSegOwner(Segment seg) {
        for (Command t : seg.reqs) {
            if (t.segOwned) {
                return;
            }
        }
        Command best = null;
        for (Command t : seg.reqs) {
            if (t != effectiveHda && t.hdaOwned && t.live && t.read) {
                best = t;
                break;
            }
        }
        if (best == null) {
            for (Command t : seg.reqs) {
                if (t.hit == HIT_APPEND) {
                    best = t;
                    break;
                }
            }
        }
        if (best != null) {
            attemptSegOwnership(best);
        } else if (effectiveHda != null && effectiveHda.seg == seg) {
            attemptSegOwnership(effectiveHda);
        }
    }

    /** The segment's owner; the "effective" owner of a read segment is the reader furthest behind. */
    private Command segOwner(Segment seg, boolean effective) {
        Command owner = null;
        for (Command t : seg.reqs) {
            if (t.segOwned) {
                owner = t;
                break;
            }
        }
        if (effective && seg.hasAccess && seg.accRead) {
            for (Command t : seg.reqs) {
                if (!t.live || t.read) {
                    if (owner == null || t.outLbn < owner.outLbn) {
                        owner = t;
                    }
                }
            }
        }
        return owner;
    }

    /** A segment whose single command needs nothing more from it but the bus. */
    private boolean reusable(Segment seg) {
        if (seg.reqs.size() != 1) {
            return false;
        }
        Command t = seg.reqs.get(0);
        if (!t.live || t.completionReceived) {
            return false;
        }
        boolean ok = t.read
                ? t.outLbn >= seg.start && t.outLbn < seg.end && t.end > seg.start && t.end <= seg.end
                : t.inLbn >= t.end;
        if (ok && !t.segOwned) {
            attemptSegOwnership(t);
        }
        return ok;
    }

    /** May sector {@code lbn} move between media and the segment now? */
    private boolean blockAvailable(Segment seg, long lbn) {
        if (lbn < 0) {
            return false;
        }
        if (seg.state == READING) {
            if (lbn < seg.end && lbn >= seg.start) {
                return false;
            }
            if (lbn < seg.start) {
                return false;
            }
            Command owner = segOwner(seg, true);
            return !(owner != null && !owner.completionSent && lbn - owner.outLbn >= seg.size);
        }
        if (seg.state == WRITING) {
            Command eff = effectiveHda;
            if (lbn < eff.inLbn || lbn >= seg.end) {
                return false;
            }
            if (eff.live && fw.extraWriteDisconnect()) {
                long have = seg.end - seg.start;
                if (eff.count < 45 ? have < Math.min(eff.count, 10) : have < 15) {
                    return false;
                }
            }
            return true;
        }
        throw new IllegalStateException("media access on an idle segment");
    }

    private int maxReadahead(Segment seg, Command c) {
        long endreq = c.end;
        int contRead = cache.contRead();
        if (contRead == PREFETCH_NONE) {
            return (int) endreq;
        }
        if (contRead == PREFETCH_DEC) {
            long pbn = layout.ltop(Math.min(endreq, layout.capacity() - 1));
            int cyl = Layout.cyl(pbn);
            int head = Layout.head(pbn);
            long[] map = new long[layout.sectorsPerTrack(cyl)];
            layout.trackMap(cyl, head, map);
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (long l : map) {
                if (l >= 0) {
                    lo = Math.min(lo, l);
                    hi = Math.max(hi, l);
                }
            }
            long endlbn = hi + 1;
            if (seg.start < lo) {
                return (int) (endlbn + layout.sectorsPerTrack(Layout.cyl(layout.ltop(c.lbn))));
            }
            return (int) endlbn;
        }
        if (cache.maxReadahead() > 0) {
            return (int) (endreq + cache.maxReadahead());
        }
        if (cache.keepRequestData() > 0) {
            if (c.count >= seg.size || seg.size - c.count < cache.minReadahead()) {
                return (int) (endreq + cache.minReadahead());
            }
            return (int) (c.lbn + seg.size);
        }
        return (int) (endreq + seg.size);
    }

    private static boolean overlap(Segment seg, Command c) {
        if (c.lbn >= seg.start && c.lbn < seg.end) {
            return true;
        }
        if (c.end > seg.start && c.end <= seg.end) {
            return true;
        }
        return c.lbn <= seg.start && c.end >= seg.end;
    }

    private static void wrap(Segment seg, long end) {
        seg.start = Math.max(seg.start, end - seg.size);
    }

    private static void removeFromSeg(Command c) {
        if (c.seg != null) {
            c.seg.reqs.remove(c);
            c.seg = null;
        }
    }

    // ================================================================ statistics

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> commands);
        stats.counter(prefix + "hdd.read_hits_full", () -> readHitsWhole);
        stats.counter(prefix + "hdd.read_hits_partial", () -> readHitsPartial);
        stats.counter(prefix + "hdd.read_misses", () -> readMisses);
        stats.counter(prefix + "hdd.writes", () -> writes);
        stats.counter(prefix + "hdd.seeks", () -> seeks);
        stats.gauge(prefix + "hdd.seek_distance_mean", () -> seeks == 0 ? 0 : (double) seekDistanceSum / seeks);
        stats.gauge(prefix + "hdd.seek_time_mean_ms", () -> seeks == 0 ? 0 : seekNsSum / 1e6 / seeks);
        stats.counter(prefix + "hdd.media_sectors", () -> mediaSectors);
        stats.counter(prefix + "hdd.sectors_written", () -> sectorsWritten);
        stats.counter(prefix + "hdd.bus_sectors", () -> busSectors);
    }

    /** Sectors written to the media so far. */
    public long sectorsWritten() {
        return sectorsWritten;
    }

    /** Read commands that found all their data in the buffer. */
    public long readHitsWhole() {
        return readHitsWhole;
    }

    public long readHitsPartial() {
        return readHitsPartial;
    }

    /** Mean seek distance (cylinders) and time (ms) of the repositionings that started an access. */
    public double meanSeekDistance() {
        return seeks == 0 ? 0 : (double) seekDistanceSum / seeks;
    }

    public double meanSeekMs() {
        return seeks == 0 ? 0 : seekNsSum / 1e6 / seeks;
    }
}
