package io.stacksim.block;

import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * blk-throttle (block/blk-throttle.c, Linux 6.18): the cgroups' {@link IoMax io.max} limits on
 * one queue, applied to bios before they reach the request queue (submit_bio_noacct calls
 * blk_throtl_bio before submit_bio_noacct_nocheck, so a held bio is not yet traced {@code Q}).
 *
 * <p>Each cgroup with a limit on this device has a throttle group ({@code throtl_grp}); in the
 * cgroup v2 hierarchy a group's bios also pass its ancestors' limits. Per direction a group keeps
 * one slice, [slice_start, slice_end] in jiffies, and what it dispatched in it (bytes_disp,
 * io_disp): a bio fits when bytes_disp + its size is at most limit x (elapsed time rounded up to
 * whole 100 ms slices; the first slice counts whole from its start), and io_disp + 1 likewise
 * (tg_within_bps_limit, tg_within_iops_limit). The bps limit is checked first and charged once
 * for the whole bio, then the iops limit, charged once per piece (a bio split to the queue limits
 * comes back for its remaining pieces' iops only: BIO_BPS_THROTTLED). Bios that do not fit wait,
 * in order, in the group's queue: those still due for the bps check in one list, those that
 * passed it in another (blk-throttle's split bps and iops queues), at most one group's head
 * deciding when the group may go next (disptime). Groups wait in their parent's tree by disptime;
 * the parent's timer (pending_timer, at most 8 slices ahead) moves the due ones up in dispatch
 * rounds (throtl_select_dispatch: up to 8 bios a group, 6 reads and 2 writes, 32 a round), and at
 * the top the dispatch work submits them under one plug. After every dispatch the slice is
 * trimmed (throtl_trim_slice): once at least two whole slices have passed, all but the last of
 * them are cut off with what they allowed, so an idle group never banks more than a slice.
 * A new limit carries over what the old one allowed and the waiting bios did not use
 * (tg_update_carryover).
 *
 * <p>Jiffies are those of CONFIG_HZ = 250 ({@link DeadlineScheduler#HZ}); a timer due at a past
 * jiffy fires at the next tick, one 63 or more jiffies ahead at the timer wheel's 8-jiffy bucket
 * boundary after it.
 */
final class BlkThrottle {
    /** THROTL_GRP_QUANTUM: bios one group may move up in one round. */
    static final int GRP_QUANTUM = 8;
    /** THROTL_QUANTUM: bios one round may move up in all. */
    static final int QUANTUM = 32;
    /** DFL_THROTL_SLICE = HZ / 10: the 100 ms throttle slice, in jiffies. */
    static final long SLICE = DeadlineScheduler.HZ / 10;
    private static final long JIFFY_NS = 1_000_000_000L / DeadlineScheduler.HZ;
    private static final int READ = 0;
    private static final int WRITE = 1;

    private final BlockQueue q;
    private final Simulator sim;
    /** td->service_queue: the top, where bios that passed every limit wait for the dispatch work. */
    private final ServiceQueue top = new ServiceQueue(null, null);
    /** The groups by cgroup path; the root cgroup's has no limits (cgroup v2: tg_bps_limit of the root is max). */
    private final Map<String, Group> groups = new HashMap<>();
    /** Groups with limits of their own, in configuration order (their statistics). */
    private final List<Group> limited = new ArrayList<>();
    /** Whether any group of this queue has a limit (blk_throtl_activated). */
    private boolean active;
    /** Ties in a parent's tree go in insertion order, as rb-tree inserts equal keys to the right. */
    private long seq;

    BlkThrottle(BlockQueue q) {
        this.q = q;
        this.sim = q.sim();
    }

    boolean active() {
        return active;
    }

    private long jiffies() {
        return sim.now() / JIFFY_NS;
    }

    // ------------------------------------------------------------------ groups

    /** A throttle group (struct throtl_grp) of one cgroup on this queue. */
    final class Group implements Comparable<Group> {
        final String path;
        final Group parent;
        final ServiceQueue sq;
        /** qnode_on_self[rw] and qnode_on_parent[rw]. */
        final Qnode[] onSelf = {new Qnode(this), new Qnode(this)};
        final Qnode[] onParent = {new Qnode(this), new Qnode(this)};
        IoMax max = IoMax.NONE;
        final boolean[] hasRulesBps = new boolean[2];
        final boolean[] hasRulesIops = new boolean[2];
        final long[] bytesDisp = new long[2];
        final long[] ioDisp = new long[2];
        final long[] sliceStart = new long[2];
        final long[] sliceEnd = new long[2];
        long disptime;
        long order;
        boolean pending;
        boolean wasEmpty;
        boolean iopsWasEmpty;
        // statistics
        final long[] bytes = new long[2];
        final long[] ios = new long[2];
        final long[] throttled = new long[2];
        final LatencyRecorder wait = new LatencyRecorder();

        Group(String path, Group parent) {
            this.path = path;
            this.parent = parent;
            this.sq = new ServiceQueue(this, parent == null ? top : parent.sq);
        }

        /** tg_bps_limit: the root group has none (cgroup v2). */
        long bpsLimit(int rw) {
            return parent == null ? IoMax.MAX : max.bps(rw == WRITE);
        }

        /** tg_iops_limit. */
        long iopsLimit(int rw) {
            return parent == null ? IoMax.MAX : max.iops(rw == WRITE);
        }

        @Override
        public int compareTo(Group o) {
            int c = Long.compare(disptime, o.disptime);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** struct throtl_qnode: one source's bios in a service queue, bps-due ones apart from iops-due ones. */
    static final class Qnode {
        final Group tg;
        final ArrayDeque<Bio> bps = new ArrayDeque<>();
        final ArrayDeque<Bio> iops = new ArrayDeque<>();
        boolean listed;

        Qnode(Group tg) {
            this.tg = tg;
        }
    }

    /** struct throtl_service_queue: a group's (or the top's) queued bios and its pending children. */
    final class ServiceQueue {
        final Group tg;
        final ServiceQueue parent;
        @SuppressWarnings("unchecked")
        final ArrayDeque<Qnode>[] queued = new ArrayDeque[] {new ArrayDeque<Qnode>(), new ArrayDeque<Qnode>()};
        final int[] nrQueuedBps = new int[2];
        final int[] nrQueuedIops = new int[2];
        /** pending_tree: children with queued bios, by disptime. */
        final TreeSet<Group> pendingTree = new TreeSet<>();
        Timer pendingTimer;

        ServiceQueue(Group tg, ServiceQueue parent) {
            this.tg = tg;
            this.parent = parent;
        }

        int queued(int rw) {
            return nrQueuedBps[rw] + nrQueuedIops[rw];
        }
    }

    /** blkg_lookup_create: the group of {@code path}, with its ancestors, created on first use. */
    Group group(String path) {
        Group g = groups.get(path);
        if (g != null) {
            return g;
        }
        if (path.equals("/")) {
            g = new Group("/", null);
        } else {
            int cut = path.lastIndexOf('/');
            g = new Group(path, group(cut <= 0 ? "/" : path.substring(0, cut)));
        }
        groups.put(path, g);
        updateHasRules(g);
        return g;
    }

    /**
     * tg_set_limit for {@code path} (an absolute cgroup path): the old limits' unused allowance
     * carried over (tg_update_carryover), then tg_conf_updated: rules recomputed for the subtree,
     * both slices restarted without clearing what was dispatched, the group rescheduled.
     */
    void setLimits(String path, IoMax max) {
        Group tg = group(path);
        updateCarryover(tg, READ);
        updateCarryover(tg, WRITE);
        tg.max = max;
        if (max.limits() && !limited.contains(tg)) {
            limited.add(tg);
        }
        for (Group g : groups.values()) {
            updateHasRulesAll(g);
        }
        active = false;
        for (Group g : groups.values()) {
            active |= g.parent != null && g.max.limits(); // the root's io.max does not exist (CFTYPE_NOT_ON_ROOT)
        }
        startNewSlice(tg, READ, false);
        startNewSlice(tg, WRITE, false);
        if (tg.pending) {
            updateDisptime(tg);
            scheduleNextDispatch(tg.sq.parent, true);
        }
    }

    private void updateHasRulesAll(Group g) {
        if (g.parent != null) {
            updateHasRulesAll(g.parent);
        }
        updateHasRules(g);
    }

    /** tg_update_has_rules: a limit on the group or on any ancestor. */
    private static void updateHasRules(Group tg) {
        for (int rw = 0; rw < 2; rw++) {
            tg.hasRulesIops[rw] = (tg.parent != null && tg.parent.hasRulesIops[rw]) || tg.iopsLimit(rw) != IoMax.MAX;
            tg.hasRulesBps[rw] = (tg.parent != null && tg.parent.hasRulesBps[rw]) || tg.bpsLimit(rw) != IoMax.MAX;
        }
    }

    /** __tg_update_carryover, before a limit changes. */
    private void updateCarryover(Group tg, int rw) {
        if (tg.sq.queued(rw) == 0) {
            tg.bytesDisp[rw] = 0;
            tg.ioDisp[rw] = 0;
            return;
        }
        long elapsed = jiffies() - tg.sliceStart[rw];
        long bytes = 0;
        long ios = 0;
        if (tg.bpsLimit(rw) != IoMax.MAX) {
            long allowed = bytesAllowed(tg.bpsLimit(rw), elapsed);
            if (allowed != IoMax.MAX) {
                bytes = allowed - tg.bytesDisp[rw];
            }
        }
        if (tg.iopsLimit(rw) != IoMax.MAX) {
            ios = ioAllowed(tg.iopsLimit(rw), elapsed) - tg.ioDisp[rw];
        }
        tg.bytesDisp[rw] = -bytes;
        tg.ioDisp[rw] = -ios;
    }

    // ------------------------------------------------------------------ submission

    private static int dir(Bio bio) {
        return bio.op == Op.READ ? READ : WRITE; // op_is_write: writes, flushes, discards
    }

    /** throtl_bio_data_size: a discard counts 512 bytes. */
    private static long dataSize(Bio bio) {
        return bio.op == Op.DISCARD ? 512 : bio.bytes();
    }

    /**
     * blk_throtl_bio: true if the bio is held (it goes on through {@link BlockQueue#afterBlkThrottle}
     * later), false if it may go on now.
     */
    boolean throttle(Bio bio) {
        Group tg = group(bio.owner == null ? "/" : bio.owner.blkcg().path());
        int rw = dir(bio);
        // blk_should_throtl: the iops limit always counts, the bps one once per bio
        if (!tg.hasRulesIops[rw] && !(tg.hasRulesBps[rw] && !bio.bpsThrottled)) {
            return false;
        }
        return submit(tg, bio, rw);
    }

    /** __blk_throtl_bio: climb the groups while the bio fits, else queue it where it stopped. */
    private boolean submit(Group tg, Bio bio, int rw) {
        Qnode qn = null;
        while (true) {
            if (withinLimit(tg, bio, rw)) {
                chargeIops(tg, bio);
                trimSlice(tg, rw);
            } else if (bio.has(Bio.META)) {
                // bio_issue_as_root_blkg: metadata would invert priorities; it goes, charged
                chargeBps(tg, bio);
                chargeIops(tg, bio);
            } else {
                break;
            }
            qn = tg.onParent[rw];
            tg = tg.parent;
            if (tg == null) {
                bio.bpsThrottled = true;
                return false;
            }
        }
        tg.throttled[rw]++;
        bio.tThrottled = sim.now();
        addBio(bio, qn, tg);
        if (tg.wasEmpty || tg.iopsWasEmpty) {
            updateDisptime(tg);
            scheduleNextDispatch(tg.sq.parent, true);
        }
        return true;
    }

    /** tg_within_limit: FIFO behind queued bios; a queued-behind bio may pass the bps check early. */
    private boolean withinLimit(Group tg, Bio bio, int rw) {
        ServiceQueue sq = tg.sq;
        if (bio.bpsThrottled) {
            return sq.nrQueuedIops[rw] == 0 && dispatchIopsTime(tg, bio) == 0;
        }
        if (sq.queued(rw) > 0) {
            if (sq.nrQueuedBps[rw] == 0 && dispatchBpsTime(tg, bio) == 0) {
                chargeBps(tg, bio);
            }
            return false;
        }
        return dispatchTime(tg, bio) == 0;
    }

    // ------------------------------------------------------------------ slices

    private static long roundup(long x, long y) {
        return (x + y - 1) / y * y;
    }

    /** throtl_start_new_slice. */
    private void startNewSlice(Group tg, int rw, boolean clear) {
        if (clear) {
            tg.bytesDisp[rw] = 0;
            tg.ioDisp[rw] = 0;
        }
        tg.sliceStart[rw] = jiffies();
        tg.sliceEnd[rw] = jiffies() + SLICE;
    }

    /** throtl_start_new_slice_with_credit: the parent's idle time since the child's slice start is credit. */
    private void startNewSliceWithCredit(Group tg, int rw, long start) {
        tg.bytesDisp[rw] = 0;
        tg.ioDisp[rw] = 0;
        if (start > tg.sliceStart[rw]) {
            tg.sliceStart[rw] = start;
        }
        tg.sliceEnd[rw] = jiffies() + SLICE;
    }

    /** throtl_set_slice_end: always a whole number of slices (of absolute jiffies). */
    private static void setSliceEnd(Group tg, int rw, long end) {
        tg.sliceEnd[rw] = roundup(end, SLICE);
    }

    /** throtl_extend_slice: only ever later. */
    private static void extendSlice(Group tg, int rw, long end) {
        if (tg.sliceEnd[rw] < end) {
            setSliceEnd(tg, rw, end);
        }
    }

    /** throtl_slice_used: now outside [slice_start, slice_end]. */
    private boolean sliceUsed(Group tg, int rw) {
        long now = jiffies();
        return now < tg.sliceStart[rw] || now > tg.sliceEnd[rw];
    }

    /** calculate_io_allowed. */
    static long ioAllowed(long iopsLimit, long jiffyElapsed) {
        return iopsLimit * jiffyElapsed / DeadlineScheduler.HZ;
    }

    /** calculate_bytes_allowed (mul_u64_u64_div_u64; max when it would not fit). */
    static long bytesAllowed(long bpsLimit, long jiffyElapsed) {
        if (jiffyElapsed != 0 && bpsLimit > Long.MAX_VALUE / jiffyElapsed) {
            return IoMax.MAX;
        }
        return bpsLimit * jiffyElapsed / DeadlineScheduler.HZ;
    }

    /** throtl_trim_slice: after two whole slices, cut all but the last one off, with what they allowed. */
    private void trimSlice(Group tg, int rw) {
        if (sliceUsed(tg, rw)) {
            return;
        }
        setSliceEnd(tg, rw, jiffies() + SLICE);
        long elapsed = (jiffies() - tg.sliceStart[rw]) / SLICE * SLICE;
        if (elapsed < SLICE * 2) {
            return;
        }
        elapsed -= SLICE; // one slice kept for the deviation of timer wakeups from the computed wait
        long bytesTrim = 0;
        if (tg.bpsLimit(rw) != IoMax.MAX) {
            bytesTrim = bytesAllowed(tg.bpsLimit(rw), elapsed);
            if (bytesTrim <= 0 || bytesTrim == IoMax.MAX || tg.bytesDisp[rw] < bytesTrim) {
                bytesTrim = tg.bytesDisp[rw];
                tg.bytesDisp[rw] = 0;
            } else {
                tg.bytesDisp[rw] -= bytesTrim;
            }
        }
        long ioTrim = 0;
        if (tg.iopsLimit(rw) != IoMax.MAX) {
            ioTrim = ioAllowed(tg.iopsLimit(rw), elapsed);
            if (ioTrim <= 0 || tg.ioDisp[rw] < ioTrim) {
                ioTrim = tg.ioDisp[rw];
                tg.ioDisp[rw] = 0;
            } else {
                tg.ioDisp[rw] -= ioTrim;
            }
        }
        if (bytesTrim == 0 && ioTrim == 0) {
            return;
        }
        tg.sliceStart[rw] += elapsed;
    }

    /** tg_update_slice: a new slice for an idle group whose slice ended, else one at least a slice long. */
    private void updateSlice(Group tg, int rw) {
        if (sliceUsed(tg, rw) && tg.sq.queued(rw) == 0) {
            startNewSlice(tg, rw, true);
        } else {
            extendSlice(tg, rw, jiffies() + SLICE);
        }
    }

    /** tg_within_iops_limit: jiffies to wait, 0 if the bio fits. */
    private long withinIopsLimit(Group tg, int rw, long iopsLimit) {
        long elapsed = jiffies() - tg.sliceStart[rw];
        long elapsedRnd = roundup(elapsed + 1, SLICE);
        long allowed = ioAllowed(iopsLimit, elapsedRnd);
        if (allowed > 0 && tg.ioDisp[rw] + 1 <= allowed) {
            return 0;
        }
        long wait = elapsedRnd - elapsed;
        return Math.max(wait, DeadlineScheduler.HZ / iopsLimit + 1); // at least one I/O's worth
    }

    /** tg_within_bps_limit: jiffies to wait, 0 if the bio fits. */
    private long withinBpsLimit(Group tg, Bio bio, int rw, long bpsLimit) {
        long elapsed = jiffies() - tg.sliceStart[rw];
        long elapsedRnd = elapsed == 0 ? SLICE : elapsed; // a slice just started counts whole
        elapsedRnd = roundup(elapsedRnd, SLICE);
        long allowed = bytesAllowed(bpsLimit, elapsedRnd);
        long size = dataSize(bio);
        if (allowed == IoMax.MAX || (allowed > 0 && tg.bytesDisp[rw] + size <= allowed)) {
            return 0;
        }
        long extra = tg.bytesDisp[rw] + size - allowed;
        long wait = extra * DeadlineScheduler.HZ / bpsLimit;
        if (wait == 0) {
            wait = 1;
        }
        return wait + (elapsedRnd - elapsed);
    }

    /** tg_dispatch_bps_time. */
    private long dispatchBpsTime(Group tg, Bio bio) {
        int rw = dir(bio);
        long limit = tg.bpsLimit(rw);
        if (limit == IoMax.MAX || bio.bpsThrottled || bio.tgBpsThrottled) {
            return 0;
        }
        updateSlice(tg, rw);
        long wait = withinBpsLimit(tg, bio, rw, limit);
        extendSlice(tg, rw, jiffies() + wait);
        return wait;
    }

    /** tg_dispatch_iops_time. */
    private long dispatchIopsTime(Group tg, Bio bio) {
        int rw = dir(bio);
        long limit = tg.iopsLimit(rw);
        if (limit == IoMax.MAX) {
            return 0;
        }
        updateSlice(tg, rw);
        long wait = withinIopsLimit(tg, rw, limit);
        extendSlice(tg, rw, jiffies() + wait);
        return wait;
    }

    /** tg_dispatch_time: bps first (charged as soon as it passes, the bio then waits for iops only). */
    private long dispatchTime(Group tg, Bio bio) {
        long wait = dispatchBpsTime(tg, bio);
        if (wait != 0) {
            return wait;
        }
        chargeBps(tg, bio);
        return dispatchIopsTime(tg, bio);
    }

    /** throtl_charge_bps_bio: once per bio and group. */
    private static void chargeBps(Group tg, Bio bio) {
        if (!bio.bpsThrottled && !bio.tgBpsThrottled) {
            bio.tgBpsThrottled = true;
            tg.bytesDisp[dir(bio)] += dataSize(bio);
        }
    }

    /** throtl_charge_iops_bio, and the group's io_serviced / io_service_bytes. */
    private static void chargeIops(Group tg, Bio bio) {
        bio.tgBpsThrottled = false;
        int rw = dir(bio);
        tg.ioDisp[rw]++;
        tg.ios[rw]++;
        if (!bio.bpsThrottled) {
            tg.bytes[rw] += bio.bytes();
        }
    }

    // ------------------------------------------------------------------ queues

    /** throtl_add_bio_tg (with qnode_on_self when {@code qn} is null). */
    private void addBio(Bio bio, Qnode qn, Group tg) {
        ServiceQueue sq = tg.sq;
        int rw = dir(bio);
        if (qn == null) {
            qn = tg.onSelf[rw];
        }
        if (sq.queued(rw) == 0) {
            tg.wasEmpty = true;
        }
        addToQnode(bio, qn, sq);
        if (bio.bpsThrottled && bio == peek(sq, rw)) {
            tg.iopsWasEmpty = true;
        }
        enqueue(tg);
    }

    /** throtl_qnode_add_bio: a bio that paid its bps goes to the iops list. */
    private static void addToQnode(Bio bio, Qnode qn, ServiceQueue sq) {
        int rw = dir(bio);
        if (bio.tgBpsThrottled || bio.bpsThrottled) {
            qn.iops.addLast(bio);
            sq.nrQueuedIops[rw]++;
        } else {
            qn.bps.addLast(bio);
            sq.nrQueuedBps[rw]++;
        }
        if (!qn.listed) {
            qn.listed = true;
            sq.queued[rw].addLast(qn);
        }
    }

    /** throtl_peek_queued: the first qnode's iops-due bio, else its bps-due one. */
    private static Bio peek(ServiceQueue sq, int rw) {
        Qnode qn = sq.queued[rw].peekFirst();
        if (qn == null) {
            return null;
        }
        Bio b = qn.iops.peekFirst();
        return b != null ? b : qn.bps.peekFirst();
    }

    /** throtl_pop_queued: from the first qnode, which then goes to the back (round robin between sources). */
    private static Bio pop(ServiceQueue sq, int rw) {
        Qnode qn = sq.queued[rw].peekFirst();
        if (qn == null) {
            return null;
        }
        Bio b = qn.iops.pollFirst();
        if (b != null) {
            sq.nrQueuedIops[rw]--;
        } else {
            b = qn.bps.pollFirst();
            sq.nrQueuedBps[rw]--;
        }
        sq.queued[rw].pollFirst();
        if (qn.bps.isEmpty() && qn.iops.isEmpty()) {
            qn.listed = false;
        } else {
            sq.queued[rw].addLast(qn);
        }
        return b;
    }

    /** throtl_enqueue_tg: into the parent's tree. */
    private void enqueue(Group tg) {
        if (!tg.pending) {
            tg.order = seq++;
            tg.sq.parent.pendingTree.add(tg);
            tg.pending = true;
        }
    }

    /** throtl_dequeue_tg. */
    private static void dequeue(Group tg) {
        if (tg.pending) {
            tg.sq.parent.pendingTree.remove(tg);
            tg.pending = false;
        }
    }

    /** tg_update_disptime: when the earlier of the two directions' heads may go. */
    private void updateDisptime(Group tg) {
        ServiceQueue sq = tg.sq;
        long readWait = Long.MAX_VALUE;
        long writeWait = Long.MAX_VALUE;
        Bio b = peek(sq, READ);
        if (b != null) {
            readWait = dispatchTime(tg, b);
        }
        b = peek(sq, WRITE);
        if (b != null) {
            writeWait = dispatchTime(tg, b);
        }
        long minWait = Math.min(readWait, writeWait);
        boolean was = tg.pending;
        if (was) {
            sq.parent.pendingTree.remove(tg);
        }
        tg.disptime = minWait == Long.MAX_VALUE ? Long.MAX_VALUE : jiffies() + minWait;
        tg.order = seq++;
        sq.parent.pendingTree.add(tg);
        tg.pending = true;
        tg.wasEmpty = false;
        tg.iopsWasEmpty = false;
    }

    /**
     * throtl_schedule_next_dispatch: true if nothing is pending or the timer is armed for the
     * first pending group, false if it is due now and the caller should go on dispatching.
     */
    private boolean scheduleNextDispatch(ServiceQueue sq, boolean force) {
        if (sq.pendingTree.isEmpty()) {
            return true;
        }
        long first = sq.pendingTree.first().disptime;
        if (force || first > jiffies()) {
            schedulePendingTimer(sq, first);
            return true;
        }
        return false;
    }

    /** throtl_schedule_pending_timer: at most 8 slices ahead (mod_timer: one timer per queue). */
    private void schedulePendingTimer(ServiceQueue sq, long expires) {
        long now = jiffies();
        long maxExpire = now + 8 * SLICE;
        if (expires > maxExpire) {
            expires = maxExpire;
        }
        long fire = timerWheelExpiry(Math.max(expires, now + 1), now) * JIFFY_NS; // one already due: the next tick
        if (sq.pendingTimer != null) {
            if (sq.pendingTimer.isPending() && sq.pendingTimer.time() == fire) {
                return;
            }
            sq.pendingTimer.cancel();
        }
        sq.pendingTimer = sim.scheduleTimer(fire, () -> pendingTimerFn(sq));
    }

    /**
     * The jiffy a timer due at {@code expires} runs (kernel/time/timer.c calc_wheel_index): up to
     * 62 jiffies ahead at that jiffy (wheel level 0); up to 503 ahead in level 1, whose buckets
     * are 8 jiffies wide and run at the next bucket boundary after the expiry (calc_index rounds
     * up). The throttle's timers are never more than 8 slices (200 jiffies) ahead.
     */
    static long timerWheelExpiry(long expires, long now) {
        long delta = expires - now;
        if (delta < 63) {
            return expires;
        }
        return ((expires >> 3) + 1) << 3;
    }

    // ------------------------------------------------------------------ dispatch

    /** tg_dispatch_one_bio: one bio a level up (or to the top, ready to be issued). */
    private void dispatchOne(Group tg, int rw) {
        ServiceQueue sq = tg.sq;
        Bio bio = pop(sq, rw);
        chargeIops(tg, bio);
        if (tg.parent != null) {
            addBio(bio, tg.onParent[rw], tg.parent);
            if (sliceUsed(tg.parent, rw)) { // start_parent_slice_with_credit
                startNewSliceWithCredit(tg.parent, rw, tg.sliceStart[rw]);
            }
        } else {
            bio.bpsThrottled = true;
            addToQnode(bio, tg.onParent[rw], top);
        }
        trimSlice(tg, rw);
    }

    /** throtl_dispatch_tg: up to 6 reads and 2 writes that are due. */
    private int dispatchGroup(Group tg) {
        ServiceQueue sq = tg.sq;
        int maxReads = GRP_QUANTUM * 3 / 4;
        int maxWrites = GRP_QUANTUM - maxReads;
        int reads = 0;
        int writes = 0;
        Bio bio;
        while ((bio = peek(sq, READ)) != null && dispatchTime(tg, bio) == 0) {
            dispatchOne(tg, READ);
            if (++reads >= maxReads) {
                break;
            }
        }
        while ((bio = peek(sq, WRITE)) != null && dispatchTime(tg, bio) == 0) {
            dispatchOne(tg, WRITE);
            if (++writes >= maxWrites) {
                break;
            }
        }
        return reads + writes;
    }

    /** throtl_select_dispatch: the due children, earliest first, up to 32 bios. */
    private int selectDispatch(ServiceQueue parent) {
        int disp = 0;
        while (!parent.pendingTree.isEmpty()) {
            Group tg = parent.pendingTree.first();
            if (jiffies() < tg.disptime) {
                break;
            }
            disp += dispatchGroup(tg);
            if (tg.sq.queued(READ) > 0 || tg.sq.queued(WRITE) > 0) {
                updateDisptime(tg);
            } else {
                dequeue(tg);
            }
            if (disp >= QUANTUM) {
                break;
            }
        }
        return disp;
    }

    /** throtl_pending_timer_fn: dispatch rounds while due, up the hierarchy, then the dispatch work. */
    private void pendingTimerFn(ServiceQueue start) {
        ServiceQueue sq = start;
        while (true) {
            boolean dispatched = false;
            while (true) {
                if (selectDispatch(sq) > 0) {
                    dispatched = true;
                }
                if (scheduleNextDispatch(sq, false)) {
                    break;
                }
            }
            if (!dispatched) {
                return;
            }
            if (sq.parent != null) {
                Group tg = sq.tg;
                if (tg.wasEmpty || tg.iopsWasEmpty) {
                    updateDisptime(tg);
                    if (!scheduleNextDispatch(sq.parent, false)) {
                        sq = sq.parent;
                        continue;
                    }
                }
                return;
            }
            dispatchWork();
            return;
        }
    }

    /**
     * blk_throtl_dispatch_work_fn: every bio at the top, reads then writes, submitted under a
     * plug (one per issuer here: the bios keep their owners).
     */
    private void dispatchWork() {
        List<Bio> ready = new ArrayList<>();
        for (int rw = 0; rw < 2; rw++) {
            Bio b;
            while ((b = pop(top, rw)) != null) {
                ready.add(b);
            }
        }
        List<IoOwner> owners = new ArrayList<>(2);
        List<Plug> plugs = new ArrayList<>(2);
        if (q.settings().plugging()) {
            for (Bio b : ready) {
                if (b.owner != null && !owners.contains(b.owner)) {
                    Plug p = Plug.start(b.owner);
                    if (p != null) {
                        owners.add(b.owner);
                        plugs.add(p);
                    }
                }
            }
        }
        long now = sim.now();
        for (Bio b : ready) {
            Group g = group(b.owner == null ? "/" : b.owner.blkcg().path());
            g.wait.record(now - b.tThrottled);
            q.afterBlkThrottle(b);
        }
        for (int i = 0; i < owners.size(); i++) {
            Plug.finish(owners.get(i), plugs.get(i));
        }
    }

    // ------------------------------------------------------------------ statistics

    /** Per limited cgroup: {@code block.throttle.CGROUP.{read,write}.{ios,bytes,throttled}} and the wait of held bios. */
    void registerStats(Stats stats) {
        for (Group g : limited) {
            String p = "block.throttle." + (g.path.startsWith("/") ? g.path.substring(1) : g.path).replace('/', '.');
            for (int rw = 0; rw < 2; rw++) {
                String d = rw == READ ? ".read" : ".write";
                int i = rw;
                stats.counter(p + d + ".ios", () -> g.ios[i]);
                stats.counter(p + d + ".bytes", () -> g.bytes[i]);
                stats.counter(p + d + ".throttled", () -> g.throttled[i]);
            }
            stats.latency(p + ".wait", g.wait);
        }
    }

    /** Warm-up ends: the statistics start again (the limits' state does not). */
    void resetStats() {
        for (Group g : groups.values()) {
            for (int rw = 0; rw < 2; rw++) {
                g.ios[rw] = 0;
                g.bytes[rw] = 0;
                g.throttled[rw] = 0;
            }
            g.wait.reset();
        }
    }
}
