package io.stacksim.devices.md;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.block.Submitter;
import io.stacksim.devices.stacked.BioChain;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * md RAID-5 and RAID-6 (drivers/md/raid5.c). The array's chunks are laid out with rotating
 * parity (raid5_compute_sector: P, and for RAID-6 Q, on a different member in each stripe).
 *
 * <p>Reads take the chunk-aligned path (chunk_aligned_read, raid5_read_one_chunk): split at
 * chunk boundaries and sent straight to the member holding the data. Writes go through the
 * stripe cache: each 4 KiB page of a write joins the stripe_head of its stripe row
 * (raid5_get_active_stripe, add_stripe_bio; R5_OVERWRITE when the page is written whole). The
 * md thread then handles the stripe (handle_stripe -> handle_stripe_dirtying): it counts the
 * member pages it would have to read for a read-modify-write (the pages written and the
 * parity, unless cached) and for a reconstruct-write (the data pages not overwritten, unless
 * cached), reads for the cheaper (a tie goes to reconstruct-write unless rmw_level is 2,
 * PARITY_PREFER_RMW; rmw_level 0 always reconstructs), computes the parity and writes the
 * data pages and P (and Q). The written pages and the parity stay cached (R5_UPTODATE) in the
 * stripe after it is released, so a later write to the same stripe may need no reads. The cache
 * holds stripe_cache_size stripes; when every one is active a writer sleeps until one is
 * released (the submitter, or the flusher, waits as it does for a request tag).
 *
 * <p>A stripe that needs pre-reads waits on the delayed list (STRIPE_DELAYED) until no
 * pre-reading stripe is in flight; then every delayed stripe may pre-read at once
 * (raid5_activate_delayed, IO_THRESHOLD 1), so that writes arriving meanwhile can fill a stripe
 * and spare its reads. Under --check a data page's member write carries the data shadow of the
 * write drained into it ({@link #carryData}), so the no-stale-read and stable-media rules cover
 * the array. Not modelled: stripe batching for full-stripe writes, degraded operation,
 * the journal and PPL; the md thread's CPU time (parity is computed in {@code xor_bandwidth}
 * time, off every task's CPU).
 */
final class Raid5 extends MdDevice {
    /** RAID5_STRIPE_SECTORS with 4 KiB pages. */
    static final int STRIPE_SECTORS = 8;
    /** RAID5_MAX_REQ_STRIPES: the array's max_hw_sectors is this many stripes. */
    static final int MAX_REQ_STRIPES = 256;
    static final int PARITY_DISABLE_RMW = 0;
    static final int PARITY_PREFER_RMW = 2;

    /** The RAID-5/6 layouts (ALGORITHM_* of raid5.h, by mdadm's names). */
    enum Algorithm {
        LEFT_ASYMMETRIC("left-asymmetric"), RIGHT_ASYMMETRIC("right-asymmetric"), LEFT_SYMMETRIC("left-symmetric"),
        RIGHT_SYMMETRIC("right-symmetric"), PARITY_0("parity-first"), PARITY_N("parity-last");

        final String mdadm;

        Algorithm(String mdadm) {
            this.mdadm = mdadm;
        }

        static Algorithm of(String name) {
            for (Algorithm a : values()) {
                if (a.mdadm.equals(name)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** Where an array sector is (raid5_compute_sector): its member, the sector there, P and Q (-1 for RAID-5). */
    record Location(int dd, long memberSector, int pd, int qd) {
    }

    private final int level;
    private final int raidDisks;
    private final int dataDisks;
    private final int chunkSectors;
    private final Algorithm algorithm;
    private final int rmwLevel;
    private final int cacheSize;
    private final double xorBytesPerNs;
    /** The md thread (mdX_raid5 / mdX_raid6) that issues the stripes' member I/O. */
    private final Submitter thread;

    /** A stripe_head: one 4 KiB page on every member, at the same member sector. */
    final class Stripe {
        final long sector;
        final int pd;
        final int qd;
        /** R5_UPTODATE per member page. */
        final boolean[] uptodate;
        /** The sectors of each data page that writes waiting here cover (bit per sector); R5_OVERWRITE is 0xff. */
        final int[] toWrite;
        final List<List<Bio>> waiting;
        /** The pages being written now (R5_Wantdrain) and their writes' tokens. */
        final List<List<Bio>> draining;
        int inflight;
        boolean busy;
        boolean queued;
        /** STRIPE_DELAYED: it needs pre-reads and waits for the pre-reads in flight to end. */
        boolean delayed;
        /** STRIPE_PREREAD_ACTIVE: it may issue its pre-reads. */
        boolean prereadActive;
        Bio lastMemberIo;

        Stripe(long sector, int pd, int qd) {
            this.sector = sector;
            this.pd = pd;
            this.qd = qd;
            this.uptodate = new boolean[raidDisks];
            this.toWrite = new int[raidDisks];
            this.waiting = new ArrayList<>();
            this.draining = new ArrayList<>();
            for (int i = 0; i < raidDisks; i++) {
                waiting.add(new ArrayList<>());
                draining.add(new ArrayList<>());
            }
        }

        boolean hasWrites() {
            for (int m : toWrite) {
                if (m != 0) {
                    return true;
                }
            }
            return false;
        }

        boolean parity(int i) {
            return i == pd || i == qd;
        }
    }

    private final Map<Long, Stripe> cache = new HashMap<>();
    /** Released stripes, least recently released first (the inactive list). */
    private final LinkedHashSet<Stripe> inactive = new LinkedHashSet<>();
    private final ArrayDeque<Stripe> handleList = new ArrayDeque<>();
    /** conf->delayed_list and conf->hold_list. */
    private final java.util.LinkedHashSet<Stripe> delayedList = new java.util.LinkedHashSet<>();
    private final ArrayDeque<Stripe> holdList = new ArrayDeque<>();
    /** conf->preread_active_stripes. */
    private int prereadActiveStripes;
    /** IO_THRESHOLD: delayed stripes are activated when fewer than this many pre-read. */
    static final int IO_THRESHOLD = 1;
    private boolean threadScheduled;

    /** A page write that found no free stripe: it waits, and so does its submitter. */
    private record PageWrite(Bio token, long logical, int mask, int flags) {
    }

    private final ArrayDeque<PageWrite> waitingPages = new ArrayDeque<>();
    private final Map<IoOwner, Integer> waitingByOwner = new HashMap<>();
    private final Map<IoOwner, List<Runnable>> wakeups = new LinkedHashMap<>();

    private long rmwStripes;
    private long rcwStripes;
    private long stripeReads;
    private long stripeWrites;
    private long stripeWaits;
    private long alignedReads;

    Raid5(Simulator sim, String name, List<BlockTarget> members, MdGeometry g, int level, Algorithm algorithm,
          int rmwLevel, int cacheSize, double xorBytesPerSec) {
        super(sim, name, members, g, size(g, members.size() - (level == 6 ? 2 : 1)),
                MAX_REQ_STRIPES * STRIPE_SECTORS, (long) g.chunkSectors() * 512 * (members.size() - (level == 6 ? 2 : 1)),
                false); // raid5_set_limits: no discard unless the module's devices_handle_discard_safely is set
        this.level = level;
        this.raidDisks = members.size();
        this.dataDisks = raidDisks - (level == 6 ? 2 : 1);
        this.chunkSectors = g.chunkSectors();
        this.algorithm = algorithm;
        this.rmwLevel = rmwLevel;
        this.cacheSize = cacheSize;
        this.xorBytesPerNs = xorBytesPerSec / 1e9;
        this.thread = new Submitter(400, name + "_raid" + level, 0);
    }

    /** raid5_size: the smallest member in whole chunks, times the data disks. */
    static long size(MdGeometry g, int dataDisks) {
        return g.smallestMemberSectors() * dataDisks;
    }

    /** raid5_compute_sector for the array's level and algorithm. */
    Location compute(long sector) {
        long chunkOffset = sector % chunkSectors;
        long chunkNumber = sector / chunkSectors;
        long stripe = chunkNumber / dataDisks;
        int dd = (int) (chunkNumber % dataDisks);
        int pd;
        int qd = -1;
        int r = (int) (stripe % raidDisks);
        if (level == 5) {
            switch (algorithm) {
                case LEFT_ASYMMETRIC -> {
                    pd = dataDisks - r;
                    if (dd >= pd) {
                        dd++;
                    }
                }
                case RIGHT_ASYMMETRIC -> {
                    pd = r;
                    if (dd >= pd) {
                        dd++;
                    }
                }
                case LEFT_SYMMETRIC -> {
                    pd = dataDisks - r;
                    dd = (pd + 1 + dd) % raidDisks;
                }
                case RIGHT_SYMMETRIC -> {
                    pd = r;
                    dd = (pd + 1 + dd) % raidDisks;
                }
                case PARITY_0 -> {
                    pd = 0;
                    dd++;
                }
                default -> pd = dataDisks;
            }
        } else {
            switch (algorithm) {
                case LEFT_ASYMMETRIC, RIGHT_ASYMMETRIC -> {
                    pd = algorithm == Algorithm.LEFT_ASYMMETRIC ? raidDisks - 1 - r : r;
                    qd = pd + 1;
                    if (pd == raidDisks - 1) {
                        dd++; // Q D D D P
                        qd = 0;
                    } else if (dd >= pd) {
                        dd += 2; // D D P Q D
                    }
                }
                case LEFT_SYMMETRIC -> {
                    pd = raidDisks - 1 - r;
                    qd = (pd + 1) % raidDisks;
                    dd = (pd + 2 + dd) % raidDisks;
                }
                case RIGHT_SYMMETRIC -> {
                    pd = r;
                    qd = (pd + 1) % raidDisks;
                    dd = (pd + 2 + dd) % raidDisks;
                }
                case PARITY_0 -> {
                    pd = 0;
                    qd = 1;
                    dd += 2;
                }
                default -> {
                    pd = dataDisks;
                    qd = dataDisks + 1;
                }
            }
        }
        return new Location(dd, stripe * chunkSectors + chunkOffset, pd, qd);
    }

    @Override
    protected long boundary(long sector, Op op) {
        // chunk_aligned_read splits reads at chunk boundaries; writes go page by page into stripes.
        return op == Op.READ ? chunkSectors - sector % chunkSectors : Long.MAX_VALUE;
    }

    /**
     * For --check: a block's one copy is its data page on the member raid5_compute_sector names
     * (the parity is no copy of it: it is what a degraded read would reconstruct the page from).
     */
    @Override
    protected void writeCopies(long sector, CopySink sink) {
        Location l = compute(sector);
        sink.copy(l.dd(), l.memberSector() + dataOffset(l.dd()));
    }

    @Override
    protected void map(Bio bio, long sector, int nrSectors, int flags, BioChain part) {
        if (bio.op == Op.READ) {
            // raid5_read_one_chunk: straight to the member holding the chunk.
            Location l = compute(sector);
            alignedReads++;
            members.get(l.dd()).submitBio(part.child(l.memberSector() + dataOffset(l.dd()), nrSectors, Op.READ, flags, bio));
            return;
        }
        long end = sector + nrSectors;
        for (long logical = sector - sector % STRIPE_SECTORS; logical < end; logical += STRIPE_SECTORS) {
            long from = Math.max(logical, sector);
            long to = Math.min(logical + STRIPE_SECTORS, end);
            int mask = 0;
            for (long s = from; s < to; s++) {
                mask |= 1 << (int) (s - logical);
            }
            Bio token = part.child(from, (int) (to - from), Op.WRITE, flags, bio);
            if (token.shadow != null) {
                token.shadowOffset += (int) (from - sector); // the chain puts it at the part's start: this page's
            }
            addPage(new PageWrite(token, logical, mask, flags));
        }
    }

    /** make_stripe_request: the page joins its stripe, or waits for a free one behind its owner's earlier pages. */
    private void addPage(PageWrite w) {
        IoOwner owner = w.token().owner;
        if (owner != null && waitingByOwner.containsKey(owner)) {
            queuePage(w);
            return;
        }
        Location l = compute(w.logical());
        Stripe s = activeStripe(l.memberSector() - l.memberSector() % STRIPE_SECTORS, l);
        if (s == null) {
            stripeWaits++;
            queuePage(w);
            return;
        }
        s.toWrite[l.dd()] |= w.mask();
        s.waiting.get(l.dd()).add(w.token());
        wake(s);
    }

    private void queuePage(PageWrite w) {
        waitingPages.add(w);
        IoOwner owner = w.token().owner;
        if (owner != null) {
            waitingByOwner.merge(owner, 1, Integer::sum);
        }
    }

    /** raid5_get_active_stripe: the cached stripe, a new one, the oldest inactive one reused, or null. */
    private Stripe activeStripe(long sector, Location l) {
        Stripe s = cache.get(sector);
        if (s != null) {
            inactive.remove(s);
            return s;
        }
        if (cache.size() >= cacheSize) {
            if (inactive.isEmpty()) {
                return null;
            }
            Stripe old = inactive.iterator().next();
            inactive.remove(old);
            cache.remove(old.sector);
        }
        s = new Stripe(sector, l.pd(), l.qd());
        cache.put(sector, s);
        return s;
    }

    /** Marks the stripe for handling (STRIPE_HANDLE) and wakes the md thread. */
    private void wake(Stripe s) {
        if (!s.queued) {
            s.queued = true;
            handleList.add(s);
        }
        wakeThread();
    }

    /** md_wakeup_thread. */
    private void wakeThread() {
        if (!threadScheduled) {
            threadScheduled = true;
            sim.after(0, this::raid5d);
        }
    }

    /**
     * raid5d: activates the delayed stripes when no pre-reads are in flight
     * (raid5_activate_delayed), then handles the stripes queued, the handle list before the
     * hold list (__get_priority_stripe), under a plug so that their member I/O merges.
     */
    private void raid5d() {
        threadScheduled = false;
        Plug plug = Plug.start(thread);
        while (true) {
            activateDelayed();
            Stripe s = handleList.poll();
            if (s == null) {
                s = holdList.poll();
                if (s == null) {
                    break;
                }
            }
            s.queued = false;
            handleStripe(s);
        }
        Plug.finish(thread, plug);
    }

    /** raid5_activate_delayed: with no pre-reads in flight, every delayed stripe may pre-read. */
    private void activateDelayed() {
        if (prereadActiveStripes >= IO_THRESHOLD || delayedList.isEmpty()) {
            return;
        }
        for (Stripe d : delayedList) {
            d.delayed = false;
            if (!d.prereadActive) {
                d.prereadActive = true;
                prereadActiveStripes++;
            }
            if (!d.queued) {
                d.queued = true;
                holdList.add(d);
            }
        }
        delayedList.clear();
    }

    /** handle_stripe for a clean, non-degraded array: the dirtying decision, or the stripe's release. */
    private void handleStripe(Stripe s) {
        if (s.busy) {
            return; // it is handled again when its I/O ends
        }
        if (!s.hasWrites()) {
            release(s);
            return;
        }
        boolean[] rmwReads = new boolean[raidDisks];
        boolean[] rcwReads = new boolean[raidDisks];
        int rmw = 0;
        int rcw = 0;
        for (int i = 0; i < raidDisks; i++) {
            // would I have to read this buffer for read-modify-write?
            if ((s.toWrite[i] != 0 || s.parity(i)) && !s.uptodate[i]) {
                rmwReads[i] = true;
                rmw++;
            }
            // would I have to read this buffer for reconstruct-write?
            if (s.toWrite[i] != 0xff && !s.parity(i) && !s.uptodate[i]) {
                rcwReads[i] = true;
                rcw++;
            }
        }
        if (rmwLevel == PARITY_DISABLE_RMW) {
            rmw = rcw + 1; // "make it look like rcw is cheaper"
        }
        boolean[] reads = null;
        if ((rmw < rcw || (rmw == rcw && rmwLevel == PARITY_PREFER_RMW)) && rmw > 0) {
            reads = rmwReads;
        } else if ((rcw < rmw || (rcw == rmw && rmwLevel != PARITY_PREFER_RMW)) && rcw > 0) {
            reads = rcwReads;
        }
        if (reads != null && !s.prereadActive) {
            // handle_stripe_dirtying: without STRIPE_PREREAD_ACTIVE the stripe is delayed, so that more
            // writes may fill it before it reads (STRIPE_DELAYED; do_release_stripe puts it on delayed_list).
            if (!s.delayed) {
                s.delayed = true;
                delayedList.add(s);
            }
            return;
        }
        if (s.delayed) {
            s.delayed = false;
            delayedList.remove(s);
        }
        if (reads != null) {
            if (reads == rmwReads) {
                rmwStripes++;
            } else {
                rcwStripes++;
            }
            s.busy = true;
            for (int i = 0; i < raidDisks; i++) {
                if (reads[i]) {
                    memberIo(s, i, Op.READ, 0);
                }
            }
            return;
        }
        reconstruct(s, rcw == 0);
    }

    /** ops_run_io for one member page. */
    private void memberIo(Stripe s, int i, Op op, int flags) {
        s.inflight++;
        if (op == Op.READ) {
            stripeReads++;
        } else {
            stripeWrites++;
        }
        Bio b = new Bio(s.sector + dataOffset(i), STRIPE_SECTORS, op, flags, IoPriority.NONE, thread, done -> {
            if (op == Op.READ) {
                s.uptodate[i] = true;
            }
            s.lastMemberIo = done;
            if (--s.inflight == 0) {
                ioDone(s, op);
            }
        });
        if (op == Op.WRITE && !s.parity(i)) {
            carryData(b, s.draining.get(i));
        }
        members.get(i).submitBio(b);
    }

    /**
     * For --check: a data page's member write carries what the stripe cache drained into the page
     * (ops_run_biodrain copies the writes in arrival order, so the last one that covers the whole
     * page is what the page holds); the shadow of that write, at its offset, so the member's
     * queue records the version a chunk-aligned read of the same block will look up. A page
     * whose last write covered it only in part holds a mix: its content is not tracked. Without
     * --check no bio has a shadow and nothing is done.
     */
    private static void carryData(Bio memberWrite, List<Bio> drained) {
        if (drained.isEmpty()) {
            return;
        }
        Bio last = drained.get(drained.size() - 1);
        if (last.shadow != null && last.nrSectors == STRIPE_SECTORS) {
            memberWrite.shadow = last.shadow;
            memberWrite.shadowOffset = last.shadowOffset;
        }
    }

    /**
     * schedule_reconstruction: the pages with writes are drained into the stripe, the parity
     * computed (from all data pages for reconstruct-write, from the old and new data and the
     * old parity for read-modify-write) and the new pages and parity written.
     */
    private void reconstruct(Stripe s, boolean rcw) {
        s.busy = true;
        int sources = 0;
        int flags = 0;
        for (int i = 0; i < raidDisks; i++) {
            if (s.toWrite[i] != 0) {
                s.draining.get(i).addAll(s.waiting.get(i));
                s.waiting.get(i).clear();
                for (Bio t : s.draining.get(i)) {
                    flags |= t.flags & (Bio.FUA | Bio.SYNC);
                }
                s.toWrite[i] = 0;
                sources += rcw ? 1 : 2;
            } else if (rcw && !s.parity(i)) {
                sources++;
            }
        }
        if (!rcw) {
            sources += level == 6 ? 2 : 1;
        }
        long xorNs = (long) Math.ceil(sources * 4096.0 * (level == 6 ? 2 : 1) / xorBytesPerNs);
        int wflags = flags;
        sim.after(xorNs, () -> {
            Plug plug = Plug.start(thread);
            for (int i = 0; i < raidDisks; i++) {
                if (!s.draining.get(i).isEmpty() || s.parity(i)) {
                    memberIo(s, i, Op.WRITE, wflags);
                }
            }
            Plug.finish(thread, plug);
        });
    }

    /** The stripe's member I/O ended: writes end their bios (handle_stripe_clean_event); then it is handled again. */
    private void ioDone(Stripe s, Op op) {
        s.busy = false;
        if (op == Op.WRITE && s.prereadActive) {
            s.prereadActive = false;
            if (--prereadActiveStripes < IO_THRESHOLD && !delayedList.isEmpty()) {
                wakeThread();
            }
        }
        if (op == Op.WRITE) {
            Bio last = s.lastMemberIo;
            for (int i = 0; i < raidDisks; i++) {
                List<Bio> written = s.draining.get(i);
                if (!written.isEmpty() || s.parity(i)) {
                    s.uptodate[i] = true;
                }
                for (Bio t : written) {
                    t.tDispatched = last.tDispatched;
                    t.tCompleted = last.tCompleted;
                    t.devQueueNs = last.devQueueNs;
                    t.devMediaNs = last.devMediaNs;
                    t.devTransferNs = last.devTransferNs;
                    t.error = last.error;
                    t.endIo.endIo(t);
                }
                written.clear();
            }
        }
        wake(s);
    }

    /** The stripe goes to the inactive list (its pages stay cached); writers waiting for a stripe go on. */
    private void release(Stripe s) {
        inactive.add(s);
        while (!waitingPages.isEmpty()) {
            PageWrite w = waitingPages.peek();
            Location l = compute(w.logical());
            Stripe t = activeStripe(l.memberSector() - l.memberSector() % STRIPE_SECTORS, l);
            if (t == null) {
                return;
            }
            waitingPages.poll();
            IoOwner owner = w.token().owner;
            t.toWrite[l.dd()] |= w.mask();
            t.waiting.get(l.dd()).add(w.token());
            wake(t);
            if (owner != null && waitingByOwner.merge(owner, -1, Integer::sum) == 0) {
                waitingByOwner.remove(owner);
                List<Runnable> ks = wakeups.remove(owner);
                if (ks != null) {
                    ks.forEach(Runnable::run);
                }
            }
        }
    }

    @Override
    public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
        if (owner != null && waitingByOwner.containsKey(owner)) {
            // asleep in raid5_get_active_stripe; then its member bios may still wait for tags
            wakeups.computeIfAbsent(owner, o -> new ArrayList<>()).add(() -> {
                if (!super.whenRequestsAllocated(owner, then)) {
                    then.run();
                }
            });
            return true;
        }
        return super.whenRequestsAllocated(owner, then);
    }

    @Override
    protected void registerOwnStats(Stats stats, String prefix) {
        stats.counter(prefix + "stripe.rmw", () -> rmwStripes);
        stats.counter(prefix + "stripe.rcw", () -> rcwStripes);
        stats.counter(prefix + "stripe.member_reads", () -> stripeReads);
        stats.counter(prefix + "stripe.member_writes", () -> stripeWrites);
        stats.counter(prefix + "stripe.waits", () -> stripeWaits);
        stats.counter(prefix + "aligned_reads", () -> alignedReads);
    }

    @Override
    public void resetStats() {
        super.resetStats();
        rmwStripes = 0;
        rcwStripes = 0;
        stripeReads = 0;
        stripeWrites = 0;
        stripeWaits = 0;
        alignedReads = 0;
    }
}
