package io.stacksim.devices.hdd;

import io.stacksim.devices.hdd.BufferCache.Hit;
import io.stacksim.devices.hdd.BufferSegment.Access;
import io.stacksim.devices.hdd.BufferSegment.BusState;
import io.stacksim.devices.hdd.BufferSegment.State;
import io.stacksim.engine.Simulator;

/**
 * The head-disk assembly and the firmware that drives it, after DiskSim 4.0's
 * disksim_diskctlr.c (disk_activate_read/write, disk_check_hda, disk_release_hda,
 * disk_initiate_seek, disk_buffer_seekdone, disk_buffer_sector_done,
 * disk_buffer_request_complete): which command owns the actuator, when an ongoing prefetch may
 * be stopped or taken over, the seek, the rotational wait and the sector-by-sector movement of
 * data between the platter and the command's buffer segment. The platter's angle follows
 * simulated time ({@link Mechanics}).
 */
final class Actuator {
    private final HddParams.Cache rules;
    private final HddParams.Firmware fw;
    private final Layout layout;
    private final Mechanics mech;
    private Simulator sim;
    private BufferCache buf;
    private BusInterface bus;
    private CommandScheduler sched;

    /** The command the actuator works for, and the one whose segment it fills (differs during an access swap). */
    DriveCommand currentHda;
    DriveCommand effectiveHda;
    /** When a seek cut short by a new command ends: the next one starts from there. */
    private long seekStopTime;
    private boolean immed;
    private long immedStart;
    private long immedEnd;

    // Arm position and the current track's sector map.
    int curCyl;
    int curHead;
    private int trackCyl = -1;
    private int trackHead = -1;
    private int trackSpt;
    private long trackFirst;
    private long trackLast;
    private final long[] trackLbn;
    private long passedLbn = Layout.NO_LBN;
    private int progressGuard;

    // Statistics.
    long seeks;
    long seekDistanceSum;
    long seekNsSum;
    long mediaSectors;
    long sectorsWritten;

    Actuator(HddParams params) {
        this.rules = params.cache();
        this.fw = params.firmware();
        this.layout = params.layout();
        this.mech = params.mech();
        this.trackLbn = new long[layout.maxSectorsPerTrack()];
    }

    void connect(Simulator sim, BufferCache buf, BusInterface bus, CommandScheduler sched) {
        this.sim = sim;
        this.buf = buf;
        this.bus = bus;
        this.sched = sched;
    }

    // ================================================================ activation

    void activateRead(DriveCommand c, boolean setseg, boolean okToCheckBus) {
        if (!c.hdaOwned && effectiveHda != null && effectiveHda != c && c.hit != Hit.COLLISION
                && (c.seg == null || c.seg.state != State.DIRTY) && stoppable(c)) {
            if (c.seg != effectiveHda.seg || c.hit == Hit.NOMATCH) {
                stopAccess();
            } else {
                attemptAccessSwap(c);
            }
        }
        if (c.seg != null && setseg) {
            if (effectiveHda != null) {
                c.seg = null;
                c.hit = Hit.NOMATCH;
            } else {
                buf.setSegment(c);
            }
        }
        if (c.seg != null && !c.segOwned) {
            buf.attemptOwnership(c);
        }
        if (!c.hdaOwned && c.hit != Hit.COLLISION) {
            checkHda(c, okToCheckBus);
        }
    }

    void activateWrite(DriveCommand c, boolean setseg, boolean okToCheckBus) {
        boolean joins = false;
        if (!c.hdaOwned && effectiveHda != null && effectiveHda != c && stoppable(c)) {
            if (c.seg != effectiveHda.seg || c.hit != Hit.APPEND) {
                stopAccess();
            } else if (!effectiveHda.read) {
                joins = true;
            }
        }
        if (c.seg != null && setseg) {
            if (effectiveHda != null) {
                c.seg = null;
                c.hit = Hit.NOMATCH;
                joins = false;
            } else {
                buf.setSegment(c);
            }
        }
        if (joins) {
            // Appended behind the write in progress: its blocks reach the media in the same sweep,
            // so it does not compete for the actuator (see appendedWritesProgress). A write that
            // lost its segment above is not appended and stays a candidate of its own.
            c.started = true;
        }
        if (c.seg != null && !c.segOwned) {
            buf.attemptOwnership(c);
        }
        if (!c.hdaOwned && c.hit != Hit.COLLISION) {
            checkHda(c, okToCheckBus);
        }
    }

    /** Gives the actuator to {@code c} (or the scheduler's choice) if it is free, and starts its media access. */
    void checkHda(DriveCommand c, boolean okToCheckBus) {
        if (effectiveHda != null) {
            return;
        }
        getEffectiveHda(c);
        DriveCommand next = effectiveHda;
        if (next == null) {
            return;
        }
        BufferSegment seg = next.seg;
        boolean initiateSeek = false;
        boolean immediateRelease = false;
        long mintime = 0;
        if (next.live) {
            if (next.read) {
                if (seg.accType == Access.NONE) {
                    seg.accLbn = seg.end;
                }
                seg.accRead = true;
                seg.accBackground = false;
                seg.minRa = Math.max(seg.minRa, Math.min(next.end + rules.minReadahead(), layout.capacity()));
                seg.maxRa = Math.max(seg.maxRa, Math.min(buf.maxReadahead(seg, next), layout.capacity()));
                immed = rules.zeroLatencyRead();
                seg.state = State.READING;
                if (seg.end < next.end || seg.start > next.outLbn) {
                    initiateSeek = true;
                } else if (seg.end < Math.max(seg.maxRa, buf.maxReadahead(seg, next))) {
                    seg.accBackground = true;
                    if (rules.readaheadOnIdleHit()) {
                        initiateSeek = true;
                    }
                } else {
                    immediateRelease = true;
                }
                if (seg.accType != Access.NONE) {
                    initiateSeek = false;
                    immediateRelease = false;
                }
            } else {
                seg.accRead = false;
                // A non-sequential write waits at least the minimum seek delay before touching the media.
                if (next.hit != Hit.APPEND || seg.accLbn != next.lbn || seg.accBcount != 1 || seg.accTime != sim.now()) {
                    mintime = fw.minimumSeekDelay();
                }
                seg.accBackground = next.completionReceived;
                seg.accLbn = next.inLbn;
                immed = rules.zeroLatencyWrite();
                if (!seg.dirtyOrWriting()) {
                    buf.numDirty++;
                }
                seg.state = State.WRITING;
                if (next.inLbn < next.end) {
                    initiateSeek = true;
                } else {
                    immediateRelease = true;
                }
            }
            if (okToCheckBus && bus.extradiscCmd != next) {
                bus.checkBus(next);
            }
        } else {
            // Pure prefetch: keep reading ahead until the limit.
            seg.state = State.READING;
            if (seg.end < seg.maxRa) {
                if (seg.accType == Access.NONE) {
                    seg.accLbn = seg.end;
                }
                seg.accRead = true;
                seg.accBackground = true;
                immed = rules.zeroLatencyRead();
                if (seg.accType == Access.NONE) {
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
        if (!immediateRelease && seg.state == State.READING && seg.accBackground && effectiveHda == next) {
            checkPrefetchSwap();
        }
    }

    private void getEffectiveHda(DriveCommand c) {
        if (currentHda != null) {
            effectiveHda = currentHda;
            return;
        }
        DriveCommand next = c;
        if (next != null && next.live && !sched.enabled(next)) {
            next = null;
        }
        if (next == null) {
            next = sched.peekNext();
        }
        if (next == null) {
            return;
        }
        if (next.hdaOwned) {
            throw new IllegalStateException("command already owns the actuator");
        }
        if (next.seg != null && !next.segOwned) {
            buf.attemptOwnership(next);
        }
        if (next.seg == null) {
            buf.select(next, false);
            if (next.seg == null) {
                throw new IllegalStateException("no buffer segment for an enabled command");
            }
            buf.setSegment(next);
            buf.attemptOwnership(next);
        }
        next.started = true;
        next.hdaAt = sim.now();
        currentHda = effectiveHda = next;
        next.hdaOwned = true;
    }

    // ================================================================ stopping and swapping accesses

    /**
     * Can the current actuator activity be stopped (or merged with) for {@code c}? A prefetch
     * may be cut short once its minimum is read and its request completed; a read hit on the
     * prefetching segment joins it; an appending write joins an ongoing write.
     */
    boolean stoppable(DriveCommand c) {
        DriveCommand eff = effectiveHda;
        BufferSegment seg = eff.seg;
        if (seg.state == State.READING) {
            if (eff.live && seg.end < seg.minRa
                    && (!c.read || c.seg != seg || c.lbn < seg.start || c.lbn > seg.end)) {
                return false;
            }
            if (!c.read && rules.writeHitStopPrefetch() && seg.overlaps(c)) {
                seg.maxRa = seg.minRa = seg.end;
            }
            if (c.read && rules.enableCache() && c.seg == seg && c.lbn >= seg.start
                    && (c.lbn < seg.end || (rules.almostReadHits() && c.lbn == seg.end))) {
                DriveCommand best = sched.peekNext();
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
            if (seg.accType == Access.NONE) {
                return true;
            }
            if (!rules.disconnectWriteIfSeek() && (seg.accType == Access.SEEK || !rules.stopPrefetchInSector())) {
                cancelAccess(seg);
                if (seg.accType == Access.SEEK) {
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
                seg.accType = Access.NONE;
                return true;
            }
            if (seg.accType == Access.SEEK || !rules.stopPrefetchInSector()) {
                seg.outState = BusState.PREEMPT;
                return false;
            }
            return true;
        }
        if (seg.state == State.WRITING) {
            if (c.hit == Hit.APPEND && c.seg == seg && seg.end == c.lbn) {
                DriveCommand best = sched.peekNext();
                return best == null || best == c;
            }
        }
        return false;
    }

    private void cancelAccess(BufferSegment seg) {
        if (seg.accTimer != null) {
            seg.accTimer.cancel();
            seg.accTimer = null;
        }
    }

    /** Aborts the prefetch in progress. */
    private void stopAccess() {
        DriveCommand eff = effectiveHda;
        BufferSegment seg = eff.seg;
        if (seg.accType != Access.NONE) {
            cancelAccess(seg);
            seg.accType = Access.NONE;
        }
        seg.state = (!eff.completionReceived || rules.enableCache() || seg.reqs.size() > 1) ? State.CLEAN : State.EMPTY;
        if (eff.completionReceived) {
            BufferCache.leave(eff);
            if (!seg.reqs.isEmpty()) {
                buf.findNewOwner(seg);
            }
        }
        effectiveHda = currentHda = null;
    }

    /** A read hit on the prefetching segment takes over the ongoing media access. */
    private boolean attemptAccessSwap(DriveCommand c) {
        DriveCommand eff = effectiveHda;
        BufferSegment seg = eff.seg;
        if (eff == currentHda && seg.accBackground && (!eff.live || eff.lbn < c.lbn)) {
            if (eff.completionReceived) {
                BufferCache.leave(eff);
            } else {
                seg.accRead = c.read;
                seg.accBackground = false;
                seg.minRa = Math.max(seg.minRa, Math.min(c.end + rules.minReadahead(), layout.capacity()));
                seg.maxRa = Math.max(seg.maxRa, Math.min(buf.maxReadahead(seg, c), layout.capacity()));
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
    void checkPrefetchSwap() {
        DriveCommand next = sched.peekNext();
        if (next == null) {
            return;
        }
        boolean setseg = false;
        if (next.seg == null) {
            setseg = true;
            buf.select(next, false);
        }
        if (next.read) {
            activateRead(next, setseg, true);
        } else {
            activateWrite(next, setseg, true);
        }
    }

    /** Gives up the actuator after {@code c}'s media access (DiskSim's disk_release_hda). */
    void releaseHda(DriveCommand c) {
        BufferSegment seg = c.seg;
        boolean release = false;
        boolean free = false;
        DriveCommand next = null;
        if (!c.live) {
            release = true;
            free = true;
            seg.state = (rules.enableCache() || seg.reqs.size() > 1) ? State.CLEAN : State.EMPTY;
        } else if (!c.read && c.completionReceived) {
            release = true;
            free = true;
            DriveCommand dirty = null;
            for (DriveCommand t : seg.reqs) {
                if (t != c && !t.read && t.inLbn < t.end) {
                    dirty = t;
                    break;
                }
            }
            if (dirty != null) {
                seg.state = State.DIRTY;
                // Appended writes the sweep did not finish need the actuator themselves.
                for (DriveCommand t : seg.reqs) {
                    if (t != c && !t.read && t.inLbn < t.end && !t.hdaOwned) {
                        t.started = false;
                    }
                }
            } else {
                if (seg.reqs.size() > 1) {
                    seg.state = State.CLEAN;
                } else {
                    seg.state = rules.enableCache() && rules.readHitsOnWriteData() ? State.CLEAN : State.EMPTY;
                }
                buf.numDirty--;
            }
        }
        if (free) {
            c.live = false;
            BufferCache.leave(c);
            if (!seg.reqs.isEmpty()) {
                buf.findNewOwner(seg);
            }
        }
        if (release) {
            if (currentHda == effectiveHda) {
                currentHda = null;
            }
            effectiveHda = null;
            checkHda(next, true);
        }
        if (free && !c.read && rules.prebufferWrites() && bus.idle() && !bus.pendXfer.isEmpty()) {
            // Destage may have freed a segment: a write waiting for one can take its data now.
            bus.checkBus(null);
        }
    }

    // ================================================================ seeking and the sector loop

    /** Starts repositioning to {@code seg.accLbn}; false when a bounded prefetch must not leave the track. */
    private boolean initiateSeek(BufferSegment seg, boolean firstSeek, long delay, long mintime) {
        seg.accType = Access.NONE;
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
            if (rules.prefetch() == HddParams.Prefetch.TO_CYLINDER_END && dist != 0) {
                return false;
            }
            if (rules.prefetch() == HddParams.Prefetch.TO_TRACK_END && (dist != 0 || curHead != head)) {
                return false;
            }
        }
        if (firstSeek) {
            seeks++;
            seekDistanceSum += dist;
            seekNsSum += seekNs;
        }
        seg.accType = Access.SEEK;
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

    private void seekDone(BufferSegment seg) {
        seg.accTimer = null;
        DriveCommand c = effectiveHda;
        long now = sim.now();
        long pbn = layout.ltop(seg.accLbn);
        curCyl = Layout.cyl(pbn);
        curHead = Layout.head(pbn);
        loadTrack(curCyl, curHead);
        if (seg.outState == BusState.PREEMPT) {
            seg.accType = Access.NONE;
            releaseHda(c);
            return;
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

    private void scheduleSector(BufferSegment seg, long at) {
        seg.accType = Access.SECTOR;
        seg.accTime = at;
        seg.accTimer = sim.scheduleTimer(at, () -> sectorDone(seg));
    }

    /** A sector boundary passed under the head: commit the sector just traversed and set up the next. */
    private void sectorDone(BufferSegment seg) {
        seg.accTimer = null;
        DriveCommand c = effectiveHda;
        long now = sim.now();
        long next = trackLast + 1;
        int bcount = seg.accBcount;
        long currLbn = passedLbn;
        if (!rules.readDirectToBuffer() && seg.accRead && bcount == 1 && !buf.blockAvailable(seg, currLbn)) {
            bcount = 2;
        }
        long firstBlk;
        long lastBlk;
        if (seg.state == State.READING) {
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
                    if (seg.state == State.READING && rules.prefetch() != HddParams.Prefetch.NONE && currLbn < c.inLbn) {
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
                seg.wrap(immedEnd);
                moved = true;
            } else if (currLbn > immedEnd && currLbn < lastBlk) {
                immedStart = currLbn;
                immedEnd = currLbn + 1;
                moved = true;
            }
        }
        if (seg.outState == BusState.TRANSFERRING) {
            bus.updateOutBuffer(seg);
        }
        boolean boundary = false;
        if (seg.state == State.READING) {
            seg.end = firstBlk;
        } else {
            boundary = c.inLbn < c.end && firstBlk >= c.end;
            sectorsWritten += firstBlk - c.inLbn;
            c.inLbn = firstBlk;
            if (seg.reqs.size() > 1) {
                boundary |= appendedWritesProgress(seg, c, firstBlk);
            }
        }
        seg.wrap(seg.end);
        progressGuard = moved ? 0 : progressGuard + 1;
        if (progressGuard > 64L * trackSpt) {
            throw new IllegalStateException("disk model makes no progress on track " + trackCyl + "/" + trackHead
                    + " (" + c.lbn + "+" + c.count + ", segment " + seg.start + "-" + seg.end + ")");
        }
        seg.accType = Access.SECTOR;
        if (requestComplete(c)) {
            return;
        }
        if (boundary && seg.accBackground && seg.state == State.WRITING && !sched.continueDestage(seg)) {
            if (c.inLbn >= c.end) {
                sched.mediaDone(c);
            }
            seg.accType = Access.NONE;
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
        if (passedLbn < 0 || ((rules.readDirectToBuffer() || !seg.accRead) && !buf.blockAvailable(seg, passedLbn))) {
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
    private boolean appendedWritesProgress(BufferSegment seg, DriveCommand driver, long written) {
        boolean retired = false;
        for (int i = 0; i < seg.reqs.size(); i++) {
            DriveCommand t = seg.reqs.get(i);
            if (t == driver || t.read || !t.live || t.inLbn >= t.end || t.lbn >= written || t.lbn < driver.lbn) {
                continue;
            }
            t.inLbn = Math.min(t.end, Math.max(t.inLbn, written));
            if (t.inLbn >= t.end) {
                retired = true;
                sched.mediaDone(t);
                if (t.completionReceived) {
                    t.live = false;
                    BufferCache.leave(t);
                    i--;
                }
            }
        }
        return retired;
    }

    /** After each sector: is the media part of the access finished? (DiskSim's disk_buffer_request_complete.) */
    private boolean requestComplete(DriveCommand c) {
        BufferSegment seg = c.seg;
        boolean background = seg.accBackground;
        boolean reading = seg.state == State.READING;
        bus.pokeWaitingTransfer();
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
        if ((background && reqdone && reading) || seg.outState == BusState.PREEMPT) {
            seg.accType = Access.NONE;
            releaseHda(c);
            return true;
        }
        if (!background && seg.outState == BusState.IDLE && (reqdone || watermark)) {
            bus.checkBus(c);
        } else if (!reading && rules.prebufferWrites() && bus.idle() && buf.waitsForRoomIn(seg)) {
            // Destage frees ring room sector by sector: a write waiting for it takes its data now.
            bus.checkBus(null);
        }
        if (background && reading && seg.end == seg.minRa && c.completionReceived) {
            Access hold = seg.accType;
            seg.accType = Access.NONE;
            checkPrefetchSwap();
            if (seg.outState == BusState.PREEMPT || effectiveHda != c) {
                return true;
            }
            seg.accType = hold;
        } else if ((!background || !reading) && reqdone) {
            if (!reading || rules.prefetch() == HddParams.Prefetch.NONE || seg.end >= seg.maxRa) {
                seg.accType = Access.NONE;
            } else {
                seg.accBackground = true;
                reqdone = false;
            }
            if (!reqdone && c.completionReceived) {
                Access hold = seg.accType;
                seg.accType = Access.NONE;
                checkPrefetchSwap();
                if (seg.outState == BusState.PREEMPT || effectiveHda != c) {
                    return true;
                }
                seg.accType = hold;
            }
        }
        if (reqdone) {
            if (!reading) {
                sched.mediaDone(c);
                if (!c.completionSent && seg.outState == BusState.IDLE) {
                    bus.checkBus(c);
                }
            }
            seg.accType = Access.NONE;
            releaseHda(c);
        }
        return reqdone;
    }
}
