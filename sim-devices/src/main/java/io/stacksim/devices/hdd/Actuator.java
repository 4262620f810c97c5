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

    // Arm position and the track under the heads: its first and last logical block, and where
    // each block sits (a regular track holds them in consecutive sectors from trackSector0).
    int curCyl;
    int curHead;
    private int trackCyl = -1;
    private int trackHead = -1;
    private int trackSpt;
    private long trackFirst;
    private long trackLast;
    private boolean trackRegular;
    private int trackSector0;
    /** Angle of sector 0 in sectors, when every sector's angle is it plus the sector number (whole-sector skews), else NaN. */
    private double trackBase;
    private int[] trackSectorOf = new int[0];
    // Regular tracks visited lately, by (cyl * 31 + head) mod the cache size.
    private static final int TRACK_CACHE = 64;
    private final int[] cachedCyl = filled(TRACK_CACHE);
    private final int[] cachedHead = new int[TRACK_CACHE];
    private final int[] cachedSpt = new int[TRACK_CACHE];
    private final long[] cachedFirst = new long[TRACK_CACHE];
    private final long[] cachedLast = new long[TRACK_CACHE];
    private final int[] cachedSector0 = new int[TRACK_CACHE];
    private final double[] cachedBase = new double[TRACK_CACHE];
    private boolean[] trackRelocated = new boolean[0];
    private int progressGuard;

    // Statistics.
    long seeks;
    long seekDistanceSum;
    long seekNsSum;
    long mediaSectors;
    long sectorsWritten;

    private static int[] filled(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    Actuator(HddParams params) {
        this.rules = params.cache();
        this.fw = params.firmware();
        this.layout = params.layout();
        this.mech = params.mech();
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
        if (joins && rules.destage() == HddParams.Destage.RING) {
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
        if (next.transferEndsAt > next.hdaAt) {
            // a transfer still under way (a write's data arriving while the arm starts): only its part
            // so far was before the media access, so the breakdown's parts stay disjoint
            next.transferBeforeHdaNs -= next.transferEndsAt - next.hdaAt;
        }
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
            // With write-back for appending writes only (level 1) an append joins the write in
            // progress only when nothing else waits.
            if (c.hit == Hit.APPEND && c.seg == seg && seg.end == c.lbn
                    && (rules.writeBack() != HddParams.WriteBack.APPENDING || sched.pendingCount() == 1)) {
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
                if (rules.writeBack() == HddParams.WriteBack.APPENDING && dirty.hit == Hit.APPEND && dirty.lbn == c.end) {
                    // The append that follows on goes next (LIMITED_FASTWRITE).
                    next = dirty;
                }
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
        seg.accSector = Layout.sector(pbn);
        if (Layout.relocated(pbn)) {
            // The block sits in a spare: go there at once (DiskSim charges from now, not after the delay).
            getRemappedSector(seg);
            return true;
        }
        seg.accType = Access.SEEK;
        seg.accTime = arrive;
        seg.accTimer = sim.scheduleTimer(arrive, () -> seekDone(seg));
        return true;
    }

    /** Makes (cyl, head) the track under the heads: its block range as DiskSim's dm_get_track_boundaries gives it. */
    private void loadTrack(int cyl, int head) {
        if (cyl == trackCyl && head == trackHead) {
            return;
        }
        trackCyl = cyl;
        trackHead = head;
        int slot = ((cyl * 31) + head) & (TRACK_CACHE - 1);
        if (cachedCyl[slot] == cyl && cachedHead[slot] == head) {
            // A regular track seen before (their description is a function of the layout alone).
            trackSpt = cachedSpt[slot];
            trackFirst = cachedFirst[slot];
            trackLast = cachedLast[slot];
            trackSector0 = cachedSector0[slot];
            trackBase = cachedBase[slot];
            trackRegular = true;
            return;
        }
        trackSpt = layout.sectorsPerTrack(cyl);
        trackFirst = layout.trackFirstLbn(cyl, head);
        trackLast = layout.trackLastLbn(cyl, head);
        if (trackFirst < 0 || trackLast < trackFirst) {
            throw new IllegalStateException("no logical blocks on track " + cyl + "/" + head);
        }
        long p0 = layout.ltop(trackFirst);
        long p1 = layout.ltop(trackLast);
        int n = (int) (trackLast - trackFirst + 1);
        trackSector0 = Layout.sector(p0);
        double base = layout.sectorPosition(cyl, head, 0);
        trackBase = base == Math.rint(base) && layout.sectorPosition(cyl, head, trackSpt - 1) == (base + trackSpt - 1) % trackSpt
                ? base : Double.NaN;
        trackRegular = !Layout.relocated(p0) && !Layout.relocated(p1)
                && Layout.cyl(p0) == cyl && Layout.head(p0) == head && Layout.cyl(p1) == cyl && Layout.head(p1) == head
                && Layout.sector(p1) - trackSector0 == n - 1
                && layout.ptol(cyl, head, trackSector0) == trackFirst && layout.ptol(cyl, head, Layout.sector(p1)) == trackLast
                && !layout.defectOnTrack(cyl, head);
        if (trackRegular) {
            cachedCyl[slot] = cyl;
            cachedHead[slot] = head;
            cachedSpt[slot] = trackSpt;
            cachedFirst[slot] = trackFirst;
            cachedLast[slot] = trackLast;
            cachedSector0[slot] = trackSector0;
            cachedBase[slot] = trackBase;
        } else {
            if (trackSectorOf.length < n) {
                trackSectorOf = new int[n];
                trackRelocated = new boolean[n];
            }
            for (int i = 0; i < n; i++) {
                long p = layout.ltop(trackFirst + i);
                trackSectorOf[i] = Layout.sector(p);
                trackRelocated[i] = Layout.relocated(p);
            }
        }
    }

    /** The physical sector of block {@code lbn} of the current track (of its spare, if remapped: DiskSim's curr->cause). */
    private int sectorOf(long lbn) {
        return trackRegular ? trackSector0 + (int) (lbn - trackFirst) : trackSectorOf[(int) (lbn - trackFirst)];
    }

    /** Whether a defect entry sent block {@code lbn} of the current track to a spare. */
    private boolean relocatedOnTrack(long lbn) {
        return !trackRegular && lbn >= trackFirst && lbn <= trackLast && trackRelocated[(int) (lbn - trackFirst)];
    }

    /** ptol of a sector of the current track, flag included. */
    private long ptolOnTrack(int sector) {
        if (trackRegular && sector >= trackSector0 && sector - trackSector0 <= trackLast - trackFirst) {
            return trackFirst + sector - trackSector0;
        }
        return layout.ptol(trackCyl, trackHead, sector);
    }

    private double position(int sector) {
        if (trackBase == trackBase) { // not NaN: whole-sector angles, exact in double
            double p = trackBase + sector;
            return p >= trackSpt ? p - trackSpt : p;
        }
        return layout.sectorPosition(trackCyl, trackHead, sector);
    }

    /**
     * The heads are on track (DiskSim's disk_buffer_seekdone): wait for the target's sector.
     * DiskSim starts with the target's own sector even for zero-latency ("Immediate buffer")
     * accesses and with "Read any free blocks": in 4.0 its dm_access_block treats the DM_OK (-3)
     * that dm_convert_atop returns as an error and falls back to the requested sector, and the
     * read-any-free-blocks start at the track's first block is overwritten by the translation of
     * that unchanged start sector. Zero latency acts only inside the sector loop.
     */
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
        int start = seg.accSector;
        seg.time = now;
        long latency = mech.latencyNs(now, position(start), trackSpt);
        immedStart = trackLast + 1;
        immedEnd = immedStart;
        long at = Layout.lbnOf(ptolOnTrack(start));
        if (at < trackFirst || at > trackLast) {
            throw new IllegalStateException("block " + seg.accLbn + " does not start on its track " + curCyl + "/" + curHead);
        }
        seg.accLbn = at;
        seg.accBcount = 0;
        progressGuard = 0;
        scheduleStep(seg, now + latency);
    }

    private void scheduleSector(BufferSegment seg, long at) {
        seg.accType = Access.SECTOR;
        seg.accTime = at;
        seg.accTimer = sim.scheduleTimer(at, () -> sectorDone(seg));
    }

    /**
     * A sector boundary passed under the head (DiskSim's disk_buffer_sector_done): commit the
     * block just traversed and set up the next. As in DiskSim the loop steps through the track's
     * logical blocks, first to last and round again, one sector time per block, so a track's spare
     * and slipped sectors take no time in it.
     */
    private void sectorDone(BufferSegment seg) {
        seg.accTimer = null;
        DriveCommand c = effectiveHda;
        long now = sim.now();
        long first = trackFirst;
        long last = trackLast;
        long next = last + 1;
        long blk = seg.accLbn;
        long currLbn = blk > first ? blk - 1 : last;
        // DiskSim's remapsector accumulates over the translations of one call.
        boolean remapped = relocatedOnTrack(currLbn);
        int bcount = seg.accBcount;
        if (remapped) {
            currLbn = Layout.NO_LBN;
            if (bcount != 0) {
                bcount = 2;
            }
        }
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
            } else if (currLbn < seg.start && seg.state == State.READING && rules.readAnyFreeBlocks()) {
                // Reading before the requested blocks: the segment takes them too.
                seg.start = currLbn;
                firstBlk = currLbn + 1;
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
            bus.updateOutBuffer(seg, now);
        }
        boolean boundary = false;
        if (seg.state == State.READING) {
            seg.end = firstBlk;
        } else {
            boundary = c.inLbn < c.end && firstBlk >= c.end;
            sectorsWritten += firstBlk - c.inLbn;
            c.inLbn = firstBlk;
            if (seg.reqs.size() > 1) {
                if (rules.destage() == HddParams.Destage.RING) {
                    boundary |= appendedWritesProgress(seg, c, firstBlk);
                }
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
        long nextBlk = blk < last ? blk + 1 : first;
        remapped |= relocatedOnTrack(nextBlk);
        int sector = seg.accSector;
        seg.accSector = sectorOf(nextBlk);
        seg.accLbn = nextBlk;
        seg.time = now;
        long dur = mech.sectorNs(position(sector), trackSpt);
        // sic: the block availability is asked of the sector starting now, translated back.
        long cause = ptolOnTrack(sector);
        remapped |= Layout.relocated(cause);
        cause = remapped ? Layout.NO_LBN : Layout.lbnOf(cause);
        if (cause == Layout.REMAPPED && seg.state == State.READING && rules.readAnyFreeBlocks() && currLbn >= 0
                && currLbn == seg.end - 1 && seg.end < c.lbn && seg.accSector > 0) {
            seg.start = c.lbn;
            seg.end = seg.start;
            cause = Layout.NO_LBN;
        }
        if (cause == Layout.REMAPPED && currLbn >= 0 && currLbn == firstBlk - 1) {
            // The next wanted block sits in a spare elsewhere: fetch it from there.
            seg.accLbn = seg.accSector == 0 ? next : blk;
            getRemappedSector(seg);
            return;
        }
        int bc = 1;
        if (((rules.readDirectToBuffer() || !seg.accRead) && !buf.blockAvailable(seg, cause)) || cause < 0) {
            bc = 2;
        }
        seg.accBcount = bc;
        scheduleStep(seg, now + dur);
    }

    /**
     * Schedules the sector step due at {@code at}, taking first the steps that change nothing
     * but the media cursor: until the next event of anyone else, the blocks that merely pass
     * under the head are computed here rather than each given an event of its own.
     */
    private void scheduleStep(BufferSegment seg, long at) {
        long horizon = sim.horizon();
        while (at < horizon) {
            long following = quietStep(seg, at);
            if (following < 0) {
                break;
            }
            at = following;
        }
        scheduleSector(seg, at);
    }

    /**
     * The sector step due at {@code t}, taken now if it changes nothing but the media cursor: a
     * block of a regular track that joins the segment (or the media) in order, or passes without
     * moving, with no water mark, request end, read-ahead limit, destage boundary, track end or
     * waiting bus among its consequences (the conditions of {@link #sectorDone} and
     * {@link #requestComplete} that would act). Returns the time of the step after it, or -1,
     * leaving the state as it was, when the step must run as an event of its own.
     */
    private long quietStep(BufferSegment seg, long t) {
        DriveCommand c = effectiveHda;
        if (bus.holdsBusWaiting() || seg.outState == BusState.PREEMPT) {
            return -1;
        }
        if (trackRegular && seg.accBcount == 1
                && (rules.readDirectToBuffer() || !seg.accRead) && immedStart == trackLast + 1) {
            long run = inOrderRun(seg, c, t);
            if (run >= 0) {
                return run;
            }
        }
        boolean reading = seg.state == State.READING;
        boolean background = seg.accBackground;
        if (!reading && seg.reqs.size() > 1) {
            return -1;
        }
        long first = trackFirst;
        long last = trackLast;
        long next = last + 1;
        long blk = seg.accLbn;
        long currLbn = blk > first ? blk - 1 : last;
        long nextBlk = blk < last ? blk + 1 : first;
        if (relocatedOnTrack(currLbn) || relocatedOnTrack(nextBlk)) {
            return -1;
        }
        // The block availability of the next step is asked of the sector starting now, translated back.
        long cause = ptolOnTrack(seg.accSector);
        if (cause < 0 || Layout.relocated(cause)) {
            return -1;
        }
        int bcount = seg.accBcount;
        if (!rules.readDirectToBuffer() && seg.accRead && bcount == 1 && !buf.blockAvailable(seg, currLbn)) {
            bcount = 2;
        }
        long firstBlk = reading ? seg.end : c.inLbn;
        boolean moved = false;
        if (bcount == 1) {
            if (currLbn != firstBlk || firstBlk + 1 == immedStart) {
                return -1;
            }
            firstBlk++;
            moved = true;
        }
        if (firstBlk >= next || (!moved && progressGuard + 1 > 64L * trackSpt)) {
            return -1;
        }
        if (seg.outState == BusState.TRANSFERRING) {
            bus.updateOutBuffer(seg, t); // the event at t would do the same first
        }
        long saveEnd = seg.end;
        long saveStart = seg.start;
        long saveIn = c.inLbn;
        if (reading) {
            seg.end = firstBlk;
        } else {
            if (c.inLbn < c.end && firstBlk >= c.end) {
                return -1; // a command boundary
            }
            c.inLbn = firstBlk;
        }
        seg.wrap(seg.end);
        boolean quiet;
        if (reading) {
            quiet = background
                    ? seg.end < seg.maxRa && !(seg.end == seg.minRa && c.completionReceived)
                    : seg.end < c.end && !(seg.outState == BusState.IDLE && seg.end - c.outLbn >= c.watermark && bus.wouldReconnect(c));
        } else {
            boolean reqdone = background ? seg.end == c.inLbn : c.inLbn >= c.end;
            boolean watermark = !background && seg.end - c.inLbn <= c.watermark && seg.end < c.end;
            quiet = !reqdone
                    && !(!background && seg.outState == BusState.IDLE && watermark && bus.wouldReconnect(c))
                    && !(rules.prebufferWrites() && bus.idle() && buf.waitsForRoomIn(seg));
        }
        if (!quiet) {
            seg.end = saveEnd;
            seg.start = saveStart;
            c.inLbn = saveIn;
            return -1;
        }
        if (moved) {
            mediaSectors++;
            if (!reading) {
                sectorsWritten++;
            }
        }
        progressGuard = moved ? 0 : progressGuard + 1;
        int sector = seg.accSector;
        seg.accSector = sectorOf(nextBlk);
        seg.accLbn = nextBlk;
        seg.time = t;
        seg.accBcount = (rules.readDirectToBuffer() || !seg.accRead) && !buf.blockAvailable(seg, cause) ? 2 : 1;
        return t + mech.sectorNs(position(sector), trackSpt);
    }

    /**
     * Goes to the spare holding remapped block {@code seg.accLbn} (DiskSim's
     * disk_get_remapped_sector): seek, rotate to the spare and pass over it. DiskSim 4.0's
     * dm_acctime_g1 walks the blocks from the spare's track for this, and its
     * disk_got_remapped_sector asserts on reads; StackSim charges the seek, the rotation and one
     * sector, and reads a remapped block as it writes one.
     */
    private void getRemappedSector(BufferSegment seg) {
        long now = sim.now();
        long pbn = layout.ltop(seg.accLbn);
        int cyl = Layout.cyl(pbn);
        int head = Layout.head(pbn);
        int sector = Layout.sector(pbn);
        int spt = layout.sectorsPerTrack(cyl);
        double pos = layout.sectorPosition(cyl, head, sector);
        long seek = mech.positionNs(curCyl, curHead, cyl, head, seg.accRead);
        long acc = seek + mech.latencyNs(now + seek, pos, spt) + mech.sectorNs(pos, spt);
        curCyl = cyl;
        curHead = head;
        seg.accSector = sector;
        seg.time = now;
        boolean got = buf.blockAvailable(seg, seg.accLbn) || (seg.accRead && !rules.readDirectToBuffer());
        seg.accType = Access.SECTOR;
        seg.accTime = now + acc;
        seg.accTimer = sim.scheduleTimer(now + acc, got ? () -> gotRemappedSector(seg) : () -> gotoRemappedSector(seg));
    }

    /** Waiting at the spare for the block's data (disk_goto_remapped_sector): a revolution per try. */
    private void gotoRemappedSector(BufferSegment seg) {
        seg.accTimer = null;
        if (seg.outState == BusState.PREEMPT) {
            seg.accType = Access.NONE;
            releaseHda(effectiveHda);
            return;
        }
        long at = sim.now();
        if (buf.blockAvailable(seg, seg.accLbn)) {
            seg.accTimer = sim.scheduleTimer(at, () -> gotRemappedSector(seg));
        } else {
            seg.time += mech.periodNs();
            seg.accTime = at + mech.periodNs();
            seg.accTimer = sim.scheduleTimer(seg.accTime, () -> gotoRemappedSector(seg));
        }
    }

    /** The spare passed under the head (disk_got_remapped_sector): commit its block, then go back. */
    private void gotRemappedSector(BufferSegment seg) {
        seg.accTimer = null;
        DriveCommand c = effectiveHda;
        if (seg.outState == BusState.PREEMPT) {
            seg.accType = Access.NONE;
            releaseHda(c);
            return;
        }
        if (!buf.blockAvailable(seg, seg.accLbn)) {
            seg.time += mech.periodNs();
            seg.accTime = sim.now() + mech.periodNs();
            seg.accTimer = sim.scheduleTimer(seg.accTime, () -> gotRemappedSector(seg));
            return;
        }
        mediaSectors++;
        if (seg.state == State.READING) {
            if (seg.accLbn != seg.end) {
                throw new IllegalStateException("remapped block " + seg.accLbn + " is not the next to read (" + seg.end + ")");
            }
            seg.end++;
            seg.wrap(seg.end);
        } else {
            if (seg.accLbn != c.inLbn) {
                throw new IllegalStateException("remapped block " + seg.accLbn + " is not the next to write (" + c.inLbn + ")");
            }
            c.inLbn++;
            sectorsWritten++;
        }
        if (!requestComplete(c)) {
            seg.accLbn++;
            if (!initiateSeek(seg, false, 0, 0)) {
                releaseHda(c);
            }
        }
    }

    /**
     * A run of quiet steps from the one due at {@code t} in which every block joins the segment
     * (or reaches the media) in order, taken at once: the limits {@link #quietStep} would find
     * step by step, the block counts added up, the sector times summed. Returns the time of the
     * first step after the run, or -1 when the step at {@code t} is not of this kind.
     */
    private long inOrderRun(BufferSegment seg, DriveCommand c, long t) {
        boolean reading = seg.state == State.READING;
        long blk = seg.accLbn;
        long firstBlk = reading ? seg.end : c.inLbn;
        if (blk <= trackFirst || blk - 1 != firstBlk || (!reading && seg.reqs.size() > 1)) {
            return -1;
        }
        boolean background = seg.accBackground;
        // The run commits firstBlk, firstBlk + 1, ...; after step k the segment (or media) has
        // reached firstBlk + k + 1, which must stay below every limit (a step reaching one acts).
        long limit = trackLast + 1;
        long avail; // blocks below this are available to the next step
        if (reading) {
            limit = Math.min(limit, background ? seg.maxRa : c.end);
            if (background && c.completionReceived && seg.end < seg.minRa) {
                limit = Math.min(limit, seg.minRa);
            }
            if (!background && seg.outState == BusState.IDLE) {
                limit = Math.min(limit, c.outLbn + c.watermark);
            }
            DriveCommand owner = buf.owner(seg, true);
            avail = owner != null && !owner.completionSent ? owner.outLbn + seg.size : Long.MAX_VALUE;
        } else {
            if (rules.prebufferWrites() || fw.extraWriteDisconnect()) {
                return -1;
            }
            // The write's own end is a command boundary; a background destage ends where the data does.
            limit = Math.min(limit, background ? Math.min(seg.end, c.end) : c.end);
            if (!background && seg.outState == BusState.IDLE && seg.end < c.end) {
                limit = Math.min(limit, seg.end - c.watermark);
            }
            avail = seg.end;
        }
        // Step k is due at t_k and commits firstBlk + k; it may run here while its successor's
        // block (firstBlk + k + 1) is available, to keep the run in order, and t_k is before the horizon.
        long horizon = sim.horizon();
        int sector = seg.accSector;
        long n = Math.min(limit, avail) - 1 - firstBlk; // steps the limits allow
        if (n <= 0 || t >= horizon) {
            return -1;
        }
        long at;
        if (trackBase == trackBase) {
            // Whole-sector angles: the sector times of consecutive sectors add up to a phase difference.
            long p = (long) (trackBase + sector) % trackSpt;
            long phase0 = sectorPhase(p);
            // Step k is due at t + phase(p + k) - phase0 and must be due before the horizon.
            long budget = horizon - 1 - t;
            long k = budget >= Long.MAX_VALUE / trackSpt ? n - 1 : Math.min(n - 1, budget * trackSpt / mech.periodNs() + 1);
            while (k > 0 && t + sectorPhase(p + k) - phase0 >= horizon) {
                k--;
            }
            n = Math.min(n, k + 1);
            at = t + sectorPhase(p + n) - phase0;
        } else {
            at = t;
            long k = 0;
            while (k < n && at < horizon) {
                at += mech.sectorNs(position(sector + (int) k), trackSpt);
                k++;
            }
            n = k;
        }
        long reached = firstBlk + n;
        sector += (int) n;
        long lastStep = at - mech.sectorNs(position(sector - 1), trackSpt);
        if (seg.outState == BusState.TRANSFERRING) {
            // The bus moved on meanwhile: where each step would have found it, the last one finds it.
            // (Its progress only widens the limits taken from the run's start.)
            bus.updateOutBuffer(seg, lastStep);
        }
        mediaSectors += n;
        if (reading) {
            seg.end = reached;
        } else {
            c.inLbn = reached;
            sectorsWritten += n;
        }
        seg.wrap(seg.end);
        progressGuard = 0;
        // Step n-1 set up the step after the run: its block, and the availability of the block
        // whose sector started with step n-1 (= reached).
        long nextBlk = blk + n;
        seg.accLbn = nextBlk;
        seg.accSector = sectorOf(nextBlk);
        seg.time = lastStep;
        seg.accBcount = buf.blockAvailable(seg, reached) ? 1 : 2;
        return at;
    }

    /**
     * The time from angle 0 of the current track until its whole-sector position {@code pos}
     * (counting on past one revolution) passes: the running sum of {@link Mechanics#sectorNs}.
     */
    private long sectorPhase(long pos) {
        return pos / trackSpt * mech.periodNs() + mech.phaseOf(pos % trackSpt, trackSpt);
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

    /**
     * The read-ahead running for {@code c} goes on in the background: the scheduler's next
     * command may have the actuator. True when it took it (or the access is to stop).
     */
    private boolean offerActuator(BufferSegment seg, DriveCommand c) {
        Access hold = seg.accType;
        seg.accType = Access.NONE;
        checkPrefetchSwap();
        if (seg.outState == BusState.PREEMPT || effectiveHda != c) {
            return true;
        }
        seg.accType = hold;
        return false;
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
            if (offerActuator(seg, c)) {
                return true;
            }
        } else if ((!background || !reading) && reqdone) {
            if (!reading || rules.prefetch() == HddParams.Prefetch.NONE || seg.end >= seg.maxRa) {
                seg.accType = Access.NONE;
            } else {
                seg.accBackground = true;
                reqdone = false;
            }
            if (!reqdone && c.completionReceived && offerActuator(seg, c)) {
                return true;
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
