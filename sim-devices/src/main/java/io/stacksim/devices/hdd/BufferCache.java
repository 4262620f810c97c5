package io.stacksim.devices.hdd;

import io.stacksim.devices.hdd.BufferSegment.State;
import java.util.ArrayList;
import java.util.List;

/**
 * The drive's buffer cache in the manner of DiskSim 4.0's disksim_diskcache.c: which segment a
 * command uses (hits on fresh data first, then an empty segment, then a clean one), when a
 * command owns its segment, how far read-ahead may go, whether a sector may move between media
 * and segment now, and, with write-back caching, which dirty segment to destage when a write
 * finds no room.
 */
final class BufferCache {
    /** How a command matches the buffer (DiskSim's BUFFER_COLLISION ... BUFFER_APPEND). */
    enum Hit { COLLISION, NOMATCH, WHOLE, PARTIAL, APPEND }

    private final HddParams.Cache rules;
    private final HddParams.Firmware fw;
    private final Layout layout;
    private final Mechanics mech;
    final List<BufferSegment> segments = new ArrayList<>();
    final BufferSegment dedicatedWriteSeg;
    /** Segments holding dirty data (DiskSim's numdirty), bounded by the write-segment count. */
    int numDirty;

    private Actuator hda;
    private BusInterface bus;
    private CommandScheduler sched;

    BufferCache(HddParams params) {
        this.rules = params.cache();
        this.fw = params.firmware();
        this.layout = params.layout();
        this.mech = params.mech();
        for (int i = 0; i < rules.segments(); i++) {
            segments.add(new BufferSegment(rules.segmentSize()));
        }
        this.dedicatedWriteSeg = rules.dedicatedWriteSegment() ? segments.get(0) : null;
    }

    void connect(Actuator hda, BusInterface bus, CommandScheduler sched) {
        this.hda = hda;
        this.bus = bus;
        this.sched = sched;
    }

    /** A water mark in blocks: a fraction of the request (or of the segment). */
    int water(BufferSegment seg, int count, double fraction) {
        if (rules.waterByRequest()) {
            return Math.max(1, (int) (Math.min(seg.size, count) * fraction));
        }
        return (int) (seg.size * fraction + 0.9999999999);
    }

    // ---------------------------------------------------------------- segment selection

    /** Picks {@code c}'s segment and hit type (disk_buffer_select_segment). */
    void select(DriveCommand c, boolean setExtradisc) {
        BufferSegment seg = c.read ? selectRead(c) : selectWrite(c);
        if (setExtradisc && fw.extraWriteDisconnect() && !fw.neverDisconnect() && bus.extradiscCmd == null && !c.read
                && seg != null && segments.get(segments.size() - 1) == seg && seg.hasAccess && !seg.accRead
                && c.lbn != seg.end) {
            // A write after a non-sequential write disconnects before its data (HP C2247A).
            c.extraWriteDisconnect = true;
        }
    }

    /** Picks the read's segment by DiskSim's preference table (hits on fresh data first, then empty, then clean). */
    private BufferSegment selectRead(DriveCommand c) {
        c.seg = null;
        c.hit = Hit.NOMATCH;
        int best = 0;
        for (BufferSegment seg : segments) {
            int val = -1;
            Hit hit = Hit.NOMATCH;
            if (c.hit == Hit.COLLISION) {
                continue;
            }
            if (seg == dedicatedWriteSeg) {
                if (seg.dirtyOrWriting() && seg.overlaps(c) && !reusable(seg)) {
                    c.hit = Hit.COLLISION;
                    c.seg = null;
                }
            } else if (seg.state == State.EMPTY) {
                val = 3;
            } else if (c.lbn < seg.start || c.lbn >= seg.end) {
                if (seg.state == State.CLEAN && seg.reqs.isEmpty()) {
                    val = 2;
                } else if (seg.state == State.READING) {
                    if (seg.end == c.lbn && rules.almostReadHits()) {
                        hit = Hit.PARTIAL;
                        val = 5;
                    } else if (!seg.reqs.isEmpty() && !seg.reqs.get(0).live) {
                        val = 1;
                    }
                } else if (c.lbn < seg.start && seg.dirtyOrWriting()) {
                    if (seg.overlaps(c) && !reusable(seg)) {
                        c.hit = Hit.COLLISION;
                        c.seg = null;
                    }
                }
            } else {
                switch (seg.state) {
                    case DIRTY, WRITING -> {
                        if (rules.enableCache()) {
                            if (rules.readHitsOnWriteData() && best < 10) {
                                val = seg.state == State.DIRTY ? 11 : 10; // dirty data ranks above data being written
                            } else if (!reusable(seg)) {
                                c.hit = Hit.COLLISION;
                                c.seg = null;
                            }
                        }
                    }
                    case READING -> {
                        if (rules.enableCache()) {
                            val = 9;
                        }
                    }
                    case CLEAN -> {
                        if (rules.readHitsOnWriteData() || (seg.hasAccess && seg.accRead)) {
                            val = 8;
                        }
                    }
                    default -> throw new IllegalStateException("segment state " + seg.state);
                }
                if (seg.end >= c.end) {
                    hit = Hit.WHOLE;
                } else {
                    hit = Hit.PARTIAL;
                    val -= 4;
                }
            }
            if (val > best && c.hit != Hit.COLLISION) {
                c.seg = seg;
                c.hit = hit;
                best = val;
            }
        }
        if (best == 1 && c.hit != Hit.COLLISION && !hda.stoppable(c)) {
            c.seg = null;
            c.hit = Hit.NOMATCH;
        }
        if (c.seg == null && c.hit != Hit.COLLISION) {
            c.hit = Hit.NOMATCH;
        }
        return c.seg;
    }

    /** Picks the write's segment: append to a writing stream, an empty one, then a clean one. */
    private BufferSegment selectWrite(DriveCommand c) {
        c.seg = null;
        c.hit = Hit.NOMATCH;
        int best = 0;
        boolean roomForDirty = numDirty < rules.writeSegments();
        for (BufferSegment seg : segments) {
            int val = -1;
            Hit hit = Hit.NOMATCH;
            if (c.hit == Hit.COLLISION) {
                continue;
            }
            if (dedicatedWriteSeg != null && seg != dedicatedWriteSeg) {
                if ((seg.state == State.CLEAN && !seg.reqs.isEmpty())
                        || (seg.state == State.READING && (seg.reqs.get(0).live || seg.reqs.size() > 1 || !hda.stoppable(c)))) {
                    if (seg.overlaps(c) && !reusable(seg)) {
                        c.hit = Hit.COLLISION;
                    }
                }
            } else if (seg.state == State.EMPTY) {
                if (roomForDirty) {
                    val = 3;
                }
            } else if (seg.state == State.READING) {
                if (!seg.reqs.get(0).live && seg.reqs.size() == 1) {
                    if (roomForDirty) {
                        val = 1;
                    }
                } else if (seg.overlaps(c) && !reusable(seg)) {
                    c.hit = Hit.COLLISION;
                }
            } else if (seg.state == State.CLEAN) {
                if (seg.reqs.isEmpty()) {
                    if (roomForDirty) {
                        val = seg.overlaps(c) ? 4 : 2;
                    }
                } else if (seg.overlaps(c) && !reusable(seg)) {
                    c.hit = Hit.COLLISION;
                }
            } else if (!rules.combineSeqWrites() || seg.outState == BufferSegment.BusState.TRANSFERRING) {
                if (seg.overlaps(c) && !reusable(seg)) {
                    c.hit = Hit.COLLISION;
                }
            } else {
                DriveCommand lastWrite = seg.reqs.isEmpty() ? null : seg.reqs.get(0);
                for (int i = 1; i < seg.reqs.size(); i++) {
                    if (!seg.reqs.get(i).read) {
                        lastWrite = seg.reqs.get(i);
                    }
                }
                DriveCommand owner = owner(seg, false);
                long ownerIn = owner == null ? c.lbn : owner.inLbn;
                if (lastWrite != null && c.lbn == lastWrite.end && c.lbn == seg.end && seg.size > c.lbn - ownerIn) {
                    hit = Hit.APPEND;
                    val = seg.state == State.WRITING ? 7 : 6;
                } else if (seg.overlaps(c) && !reusable(seg)) {
                    c.hit = Hit.COLLISION;
                }
            }
            if (val > best && c.hit != Hit.COLLISION) {
                c.seg = seg;
                c.hit = hit;
                best = val;
            }
        }
        if (c.hit == Hit.COLLISION) {
            c.seg = null;
            return null;
        }
        if (best == 1 && !hda.stoppable(c)) {
            if (c.seg.overlaps(c) && !reusable(c.seg)) {
                c.hit = Hit.COLLISION;
            }
            c.seg = null;
        }
        return c.seg;
    }

    /** Attaches {@code c} to its segment: LRU order, clears stale overlapping copies for writes, sets the water mark. */
    void setSegment(DriveCommand c) {
        BufferSegment seg = c.seg;
        segments.remove(seg);
        segments.add(seg);
        if (!c.read) {
            for (BufferSegment t : segments) {
                if (t != seg && t.state != State.EMPTY && t.overlaps(c) && t.state == State.CLEAN && t.reqs.isEmpty()) {
                    t.state = State.EMPTY;
                }
            }
        }
        if (seg.reqs.isEmpty()) {
            if (!seg.hasAccess) {
                seg.hasAccess = true;
                seg.accType = BufferSegment.Access.NONE;
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
                DriveCommand t = seg.reqs.get(i);
                if (t.live && c.lbn < t.lbn) {
                    at = i;
                    break;
                }
            }
            seg.reqs.add(at, c);
        }
        c.watermark = water(seg, c.count, c.read ? rules.readWater() : rules.writeWater());
    }

    /** Takes ownership of {@code c}'s segment unless another command has it (disk_buffer_attempt_seg_ownership). */
    boolean attemptOwnership(DriveCommand c) {
        BufferSegment seg = c.seg;
        for (DriveCommand t : seg.reqs) {
            if (t.segOwned) {
                return false;
            }
        }
        c.segOwned = true;
        DriveCommand eff = hda.effectiveHda;
        if (c.live && (eff == null || eff == c || eff.seg != seg)) {
            seg.accRead = c.read;
            seg.accBackground = false;
        }
        if (!c.live || c.read) {
            if (c.hit == Hit.NOMATCH) {
                seg.state = State.CLEAN;
                seg.accLbn = c.outLbn;
                seg.start = seg.end = c.outLbn;
                seg.minRa = seg.maxRa = -1;
            }
            if (c.live) {
                seg.minRa = Math.max(seg.minRa, Math.min(c.end + rules.minReadahead(), layout.capacity()));
                seg.maxRa = Math.max(seg.maxRa, Math.min(maxReadahead(seg, c), layout.capacity()));
                if (seg.end >= c.end && eff == c) {
                    seg.accBackground = true;
                }
            }
        } else {
            if (eff == null || eff == c || eff.seg != seg) {
                if (seg.accType == BufferSegment.Access.NONE) {
                    seg.accLbn = c.inLbn;
                }
                if (c.completionReceived) {
                    seg.accBackground = true;
                }
            }
            if (c.hit == Hit.NOMATCH) {
                seg.minRa = seg.maxRa = -1;
                seg.start = seg.end = c.inLbn;
                seg.state = State.DIRTY;
                numDirty++;
            }
        }
        return true;
    }

    /** Hands an unowned segment to the command that should drive it next. */
    void findNewOwner(BufferSegment seg) {
        for (DriveCommand t : seg.reqs) {
            if (t.segOwned) {
                return;
            }
        }
        DriveCommand eff = hda.effectiveHda;
        DriveCommand best = null;
        for (DriveCommand t : seg.reqs) {
            if (t != eff && t.hdaOwned && t.live && t.read) {
                best = t;
                break;
            }
        }
        if (best == null) {
            for (DriveCommand t : seg.reqs) {
                if (t.hit == Hit.APPEND) {
                    best = t;
                    break;
                }
            }
        }
        if (best != null) {
            attemptOwnership(best);
        } else if (eff != null && eff.seg == seg) {
            attemptOwnership(eff);
        }
    }

    /** The segment's owner; the "effective" owner of a read segment is the reader furthest behind. */
    DriveCommand owner(BufferSegment seg, boolean effective) {
        ArrayList<DriveCommand> reqs = seg.reqs;
        DriveCommand owner = null;
        for (int i = 0; i < reqs.size(); i++) {
            DriveCommand t = reqs.get(i);
            if (t.segOwned) {
                owner = t;
                break;
            }
        }
        if (effective && seg.hasAccess && seg.accRead) {
            for (int i = 0; i < reqs.size(); i++) {
                DriveCommand t = reqs.get(i);
                if ((!t.live || t.read) && (owner == null || t.outLbn < owner.outLbn)) {
                    owner = t;
                }
            }
        }
        return owner;
    }

    /** A segment whose single command needs nothing more from it but the bus. */
    boolean reusable(BufferSegment seg) {
        if (seg.reqs.size() != 1) {
            return false;
        }
        DriveCommand t = seg.reqs.get(0);
        if (!t.live || t.completionReceived) {
            return false;
        }
        boolean ok = t.read
                ? t.outLbn >= seg.start && t.outLbn < seg.end && t.end > seg.start && t.end <= seg.end
                : t.inLbn >= t.end;
        if (ok && !t.segOwned) {
            attemptOwnership(t);
        }
        return ok;
    }

    /** May sector {@code lbn} move between media and the segment now? (disk_buffer_block_available) */
    boolean blockAvailable(BufferSegment seg, long lbn) {
        if (lbn < 0) {
            return false;
        }
        if (seg.state == State.READING) {
            if (lbn < seg.end && lbn >= seg.start) {
                return false;
            }
            if (lbn < seg.start && (!rules.readAnyFreeBlocks() || seg.end != seg.start)) {
                return false;
            }
            DriveCommand owner = owner(seg, true);
            return !(owner != null && !owner.completionSent && lbn - owner.outLbn >= seg.size);
        }
        if (seg.state == State.WRITING) {
            DriveCommand eff = hda.effectiveHda;
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

    /** The block at which read-ahead after {@code c} stops (disk_buffer_get_max_readahead). */
    int maxReadahead(BufferSegment seg, DriveCommand c) {
        long endreq = c.end;
        HddParams.Prefetch prefetch = rules.prefetch();
        if (prefetch == HddParams.Prefetch.NONE) {
            return (int) endreq;
        }
        if (prefetch == HddParams.Prefetch.TRACK_AHEAD) {
            long pbn = layout.ltop(Math.min(endreq, layout.capacity() - 1));
            int cyl = Layout.cyl(pbn);
            int head = Layout.head(pbn);
            long endlbn = layout.trackLastLbn(cyl, head) + 1;
            if (seg.start < layout.trackFirstLbn(cyl, head)) {
                return (int) (endlbn + layout.sectorsPerTrackOfLbn(c.lbn));
            }
            return (int) endlbn;
        }
        if (rules.maxReadahead() > 0) {
            return (int) (endreq + rules.maxReadahead());
        }
        if (rules.keepRequestData() > 0) {
            if (c.count >= seg.size || seg.size - c.count < rules.minReadahead()) {
                return (int) (endreq + rules.minReadahead());
            }
            return (int) (c.lbn + seg.size);
        }
        return (int) (endreq + seg.size);
    }

    /** Detaches {@code c} from its segment. */
    static void leave(DriveCommand c) {
        if (c.seg != null) {
            c.seg.reqs.remove(c);
            c.seg = null;
        }
    }

    /** The segment holding the start of read {@code c}: 0 when it holds all of it, 1 when part, -1 when none. */
    int readHitEstimate(DriveCommand c) {
        for (BufferSegment s : segments) {
            if (s != dedicatedWriteSeg && s.state != State.EMPTY && c.lbn >= s.start && c.lbn < s.end && rules.enableCache()) {
                return s.end >= c.end ? 0 : 1;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- write-back destage

    /**
     * A write waits to move (more of) its data into {@code seg}: one already in it, or one that
     * appends to its ring and now fits there ({@link #selectWrite}'s append rule). Writes
     * waiting for a whole segment are looked at when a destage frees one ({@link Actuator#releaseHda}):
     * asking the bus on every destaged sector for them costs a segment search per waiting write.
     */
    boolean waitsForRoomIn(BufferSegment seg) {
        DriveCommand owner = null;
        List<DriveCommand> pend = bus.pendXfer;
        for (int i = 0; i < pend.size(); i++) {
            DriveCommand t = pend.get(i);
            if (t.read) {
                continue;
            }
            if (t.seg == seg) {
                return true;
            }
            if (t.seg == null && t.lbn == seg.end) {
                if (owner == null) {
                    owner = owner(seg, false);
                }
                if (owner == null || seg.size > t.lbn - owner.inLbn) {
                    return true;
                }
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
    BufferSegment roomSegment(BufferSegment current) {
        if (!rules.writeBackEnabled() || rules.destage() != HddParams.Destage.RING) {
            return null;
        }
        DriveCommand w = null;
        List<DriveCommand> queue = sched.queue;
        for (int i = 0; i < queue.size(); i++) {
            DriveCommand c = queue.get(i);
            if (!c.read && c.live && !c.started && !c.completionSent && (w == null || c.arrived < w.arrived)
                    && !sched.enabled(c)) {
                w = c;
            }
        }
        return w == null ? null : roomSegmentFor(w, current);
    }

    /**
     * The segment to destage so that write {@code w} can take its data: its own ring, or the
     * ring it would append to were that not full, or else the dirty segment that frees soonest.
     */
    BufferSegment roomSegmentFor(DriveCommand w, BufferSegment current) {
        if (w.seg != null) {
            return w.seg;
        }
        for (BufferSegment s : segments) {
            if (s.dirtyOrWriting() && s.end == w.lbn && s.firstDirty() != null) {
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
    private BufferSegment segmentToFree(BufferSegment current) {
        BufferSegment best = null;
        long bestCost = Long.MAX_VALUE;
        for (BufferSegment s : segments) {
            if (!s.dirtyOrWriting()) {
                continue;
            }
            DriveCommand first = s.firstDirty();
            if (first == null || (s != current && (first.hdaOwned || !first.inQueue))) {
                continue;
            }
            if (s.filling()) {
                // The host is still appending to it: it would not free.
                continue;
            }
            long remaining = 0;
            for (DriveCommand t : s.reqs) {
                if (!t.read && t.live && t.inLbn < t.end) {
                    remaining += t.end - t.inLbn;
                }
            }
            int cyl = Layout.cyl(layout.ltop(first.inLbn));
            long cost = remaining * mech.periodNs() / layout.sectorsPerTrack(cyl)
                    + (s == current ? 0 : sched.positioningEstimate(first));
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
    boolean notRingTail(DriveCommand c) {
        return !c.read && c.seg != null && rules.writeBackEnabled() && rules.destage() == HddParams.Destage.RING
                && c.seg.firstDirty() != c;
    }
}
