package io.stacksim.devices.md;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.DataShadow;
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
        /** Reads of pages of a failed member, served once the page is computed from the others (R5_Wantcompute). */
        final List<List<Bio>> reading;
        /**
         * --check: what each cached page holds (a data page its write's version, a parity page the id
         * of the parity computed into it), meaningful while the page is R5_UPTODATE; null unchecked.
         */
        long[] ver;
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
            this.reading = new ArrayList<>();
            for (int i = 0; i < raidDisks; i++) {
                waiting.add(new ArrayList<>());
                draining.add(new ArrayList<>());
                reading.add(new ArrayList<>());
            }
        }

        boolean hasReads() {
            for (List<Bio> r : reading) {
                if (!r.isEmpty()) {
                    return true;
                }
            }
            return false;
        }

        /** Starts --check's record of the pages (all unknown) when the first shadowed bio joins. */
        void track(Bio token) {
            if (ver == null && token.shadow != null) {
                ver = new long[raidDisks];
                java.util.Arrays.fill(ver, DataShadow.UNKNOWN);
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

    /** A page write (or a degraded page read) that found no free stripe: it waits, and so does its submitter. */
    private record PageWrite(Bio token, long logical, int mask, int flags) {
    }

    /** Members that are not there (mdadm's missing): their pages are computed from the others. */
    private final boolean[] failed;
    private final int failedCount;
    /**
     * --check: per stripe (its member sector), the content of the latest parity computed for it:
     * the version of each data page it was computed from, and its id (the last entry). Parity
     * ids count down from -2, so they never meet a data version or {@link DataShadow#UNKNOWN}.
     */
    private final Map<Long, long[]> parityOf = new HashMap<>();
    private long nextParityId = -2;

    private final ArrayDeque<PageWrite> waitingPages = new ArrayDeque<>();
    private final Map<IoOwner, Integer> waitingByOwner = new HashMap<>();
    private final Map<IoOwner, List<Runnable>> wakeups = new LinkedHashMap<>();

    private long rmwStripes;
    private long rcwStripes;
    private long stripeReads;
    private long stripeWrites;
    private long stripeWaits;
    private long alignedReads;
    private long degradedReads;
    private long computes;

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
        this.failed = new boolean[raidDisks];
        int f = 0;
        for (int i = 0; i < raidDisks; i++) {
            failed[i] = members.get(i) instanceof io.stacksim.devices.stacked.MissingMember;
            f += failed[i] ? 1 : 0;
        }
        this.failedCount = f;
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
            Location l = compute(sector);
            if (!failed[l.dd()]) {
                // raid5_read_one_chunk: straight to the member holding the chunk.
                alignedReads++;
                members.get(l.dd()).submitBio(part.child(l.memberSector() + dataOffset(l.dd()), nrSectors, Op.READ, flags, bio));
                return;
            }
            // raid5_read_one_chunk refuses a Faulty rdev: the read goes through the stripe cache
            // (add_stripe_bio toread), where the page is computed from the other members.
            degradedReads++;
        }
        long end = sector + nrSectors;
        for (long logical = sector - sector % STRIPE_SECTORS; logical < end; logical += STRIPE_SECTORS) {
            long from = Math.max(logical, sector);
            long to = Math.min(logical + STRIPE_SECTORS, end);
            int mask = 0;
            for (long s = from; s < to; s++) {
                mask |= 1 << (int) (s - logical);
            }
            Bio token = part.child(from, (int) (to - from), bio.op, flags, bio);
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
        join(s, l.dd(), w);
    }

    /** add_stripe_bio: a write's page waits to be drained, a degraded read's to be computed. */
    private void join(Stripe s, int dd, PageWrite w) {
        s.track(w.token());
        if (w.token().op == Op.READ) {
            s.reading.get(dd).add(w.token());
        } else {
            s.toWrite[dd] |= w.mask();
            s.waiting.get(dd).add(w.token());
        }
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

    /**
     * handle_stripe: degraded reads first (handle_stripe_fill), then the dirtying decision, or
     * the stripe's release. A page of a failed member cannot be read: for the costs it counts
     * as 2 x disks (handle_stripe_dirtying), and when the cheaper way still needs it, it is
     * computed from all the others first (fetch_block, R5_Wantcompute).
     */
    private void handleStripe(Stripe s) {
        if (s.busy) {
            return; // it is handled again when its I/O ends
        }
        if (s.hasReads() && !serveReads(s)) {
            return;
        }
        if (!s.hasWrites()) {
            release(s);
            return;
        }
        int cannotRead = 2 * raidDisks;
        boolean[] rmwReads = new boolean[raidDisks];
        boolean[] rcwReads = new boolean[raidDisks];
        int rmw = 0;
        int rcw = 0;
        for (int i = 0; i < raidDisks; i++) {
            // would I have to read this buffer for read-modify-write?
            if ((s.toWrite[i] != 0 || s.parity(i)) && !s.uptodate[i]) {
                if (failed[i]) {
                    rmw += cannotRead;
                } else {
                    rmwReads[i] = true;
                    rmw++;
                }
            }
            // would I have to read this buffer for reconstruct-write?
            if (s.toWrite[i] != 0xff && !s.parity(i) && !s.uptodate[i]) {
                if (failed[i]) {
                    rcw += cannotRead;
                } else {
                    rcwReads[i] = true;
                    rcw++;
                }
            }
        }
        if (rmwLevel == PARITY_DISABLE_RMW) {
            rmw = rcw + 1; // "make it look like rcw is cheaper"
        }
        boolean[] reads = null;
        int cost = 0;
        if ((rmw < rcw || (rmw == rcw && rmwLevel == PARITY_PREFER_RMW)) && rmw > 0) {
            reads = rmwReads;
            cost = rmw;
        } else if ((rcw < rmw || (rcw == rmw && rmwLevel != PARITY_PREFER_RMW)) && rcw > 0) {
            reads = rcwReads;
            cost = rcw;
        }
        if (reads != null && cost >= cannotRead) {
            // the page of a failed member is computed first, from every other page of the stripe
            reads = computeReads(s);
            if (!any(reads)) {
                computeFailed(s);
                return;
            }
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
            } else if (reads == rcwReads) {
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

    /**
     * Reads of pages of a failed member: once every such page wanted is computed they are
     * served from the stripe cache (true); until then the other pages are read or the compute
     * runs (false, the stripe is busy).
     */
    private boolean serveReads(Stripe s) {
        boolean uncomputed = false;
        for (int i = 0; i < raidDisks; i++) {
            uncomputed |= !s.reading.get(i).isEmpty() && !s.uptodate[i];
        }
        if (uncomputed) {
            boolean[] reads = computeReads(s);
            if (!any(reads)) {
                computeFailed(s);
                return false;
            }
            s.busy = true;
            for (int i = 0; i < raidDisks; i++) {
                if (reads[i]) {
                    memberIo(s, i, Op.READ, 0);
                }
            }
            return false;
        }
        Bio last = s.lastMemberIo;
        for (int i = 0; i < raidDisks; i++) {
            for (Bio t : s.reading.get(i)) {
                fill(t, s.ver == null ? DataShadow.UNKNOWN : s.ver[i]);
                t.tDispatched = last != null ? last.tDispatched : sim.now();
                t.tCompleted = sim.now();
                t.devQueueNs = last != null ? last.devQueueNs : 0;
                t.devMediaNs = last != null ? last.devMediaNs : 0;
                t.devTransferNs = last != null ? last.devTransferNs : 0;
                t.error = last != null ? last.error : 0;
                t.endIo.endIo(t);
            }
            s.reading.get(i).clear();
        }
        return true;
    }

    /** The pages of present members not in the cache: what computing a failed member's page needs read. */
    private boolean[] computeReads(Stripe s) {
        boolean[] r = new boolean[raidDisks];
        for (int i = 0; i < raidDisks; i++) {
            r[i] = !failed[i] && !s.uptodate[i];
        }
        return r;
    }

    private static boolean any(boolean[] b) {
        for (boolean x : b) {
            if (x) {
                return true;
            }
        }
        return false;
    }

    /**
     * ops_run_compute5 / ops_run_compute6_*: the failed members' pages computed from all the
     * others (xor for one, the RAID-6 syndrome for two), in {@code xor_bandwidth} time.
     */
    private void computeFailed(Stripe s) {
        s.busy = true;
        computes++;
        long ns = (long) Math.ceil((raidDisks - failedCount) * 4096.0 * (level == 6 ? 2 : 1) / xorBytesPerNs);
        sim.after(ns, () -> {
            for (int i = 0; i < raidDisks; i++) {
                if (failed[i] && !s.uptodate[i]) {
                    s.uptodate[i] = true;
                    if (s.ver != null) {
                        s.ver[i] = s.parity(i) ? DataShadow.UNKNOWN : reconstructed(s, i);
                    }
                }
            }
            s.busy = false;
            wake(s);
        });
    }

    /**
     * --check: what computing data page {@code f} from the others gives. A parity holds, for each
     * data page, the version it was computed from; the result is the parity's version of f when
     * the other data pages read are the ones it was computed from, and no write's data (version 0)
     * when they are not (a parity or data write lost: the reconstruction is garbage). A parity
     * never written is that of the clean array's zeros.
     */
    private long reconstructed(Stripe s, int f) {
        int src = !failed[s.pd] ? s.pd : s.qd >= 0 && !failed[s.qd] ? s.qd : -1;
        if (src < 0 || s.ver[src] == DataShadow.UNKNOWN) {
            return DataShadow.UNKNOWN;
        }
        long[] content = parityContent(s.sector, s.ver[src]);
        if (content == null) {
            return 0;
        }
        int failedData = 0;
        for (int j = 0; j < raidDisks; j++) {
            failedData += failed[j] && !s.parity(j) ? 1 : 0;
        }
        if (failedData == 2 && !failed[s.qd]) {
            // two data pages come from P and Q together (ops_run_compute6_2): both must be the same stripe's
            long[] q = parityContent(s.sector, s.ver[s.qd]);
            if (q == null || !java.util.Arrays.equals(q, 0, raidDisks, content, 0, raidDisks)) {
                return s.ver[s.qd] == DataShadow.UNKNOWN ? DataShadow.UNKNOWN : 0;
            }
        }
        for (int j = 0; j < raidDisks; j++) {
            if (j == f || s.parity(j) || failed[j]) {
                continue;
            }
            if (s.ver[j] == DataShadow.UNKNOWN || content[j] == DataShadow.UNKNOWN) {
                return DataShadow.UNKNOWN;
            }
            if (s.ver[j] != content[j]) {
                return 0;
            }
        }
        return content[f];
    }

    /** The data versions parity {@code id} of the stripe at {@code sector} was computed from, or null if unknown. */
    private long[] parityContent(long sector, long id) {
        if (id == 0) {
            return new long[raidDisks + 1]; // never written: the parity of the clean array's zeros
        }
        long[] c = parityOf.get(sector);
        return c != null && c[raidDisks] == id ? c : null;
    }

    /** A degraded read's page token gets the version of the page it was served from (--check). */
    private static void fill(Bio token, long version) {
        DataShadow sh = token.shadow;
        if (sh == null) {
            return;
        }
        long top = sh.sector + token.shadowOffset;
        if (top % STRIPE_SECTORS == 0 && token.nrSectors == STRIPE_SECTORS) {
            sh.versions[(int) ((top >> 3) - (sh.sector >> 3))] = version;
        }
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
                if (s.ver != null && done.shadow != null) {
                    s.ver[i] = done.error == 0 ? done.shadow.version(0) : DataShadow.UNKNOWN;
                }
            }
            s.lastMemberIo = done;
            if (--s.inflight == 0) {
                ioDone(s, op);
            }
        });
        if (s.ver != null && (op == Op.READ || s.parity(i))) {
            // --check: a pre-read learns what the member holds; a parity write carries its id
            DataShadow.write(b.sector, new long[] {op == Op.READ ? DataShadow.UNKNOWN : s.ver[i]}).attach(b);
        } else if (op == Op.WRITE) {
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
        if (s.ver != null) {
            parityComputed(s);
        }
        long xorNs = (long) Math.ceil(sources * 4096.0 * (level == 6 ? 2 : 1) / xorBytesPerNs);
        int wflags = flags;
        sim.after(xorNs, () -> {
            Plug plug = Plug.start(thread);
            for (int i = 0; i < raidDisks; i++) {
                if (!failed[i] && (!s.draining.get(i).isEmpty() || s.parity(i))) {
                    memberIo(s, i, Op.WRITE, wflags);
                }
            }
            Plug.finish(thread, plug);
            if (s.inflight == 0) {
                ioDone(s, Op.WRITE); // every page written is on a failed member: only the cache holds it
            }
        });
    }

    /**
     * --check: the drained pages now hold their last write's version, and the parity computed
     * from them (and, for read-modify-write, from the old parity for the pages not read) gets a
     * new id with that content.
     */
    private void parityComputed(Stripe s) {
        int src = !failed[s.pd] ? s.pd : s.qd >= 0 && !failed[s.qd] ? s.qd : s.pd;
        long[] old = s.uptodate[src] && s.ver[src] != DataShadow.UNKNOWN ? parityContent(s.sector, s.ver[src]) : null;
        long[] content = new long[raidDisks + 1];
        for (int j = 0; j < raidDisks; j++) {
            List<Bio> d = s.draining.get(j);
            if (!d.isEmpty()) {
                s.ver[j] = tokenVersion(d.get(d.size() - 1));
            }
            if (s.parity(j)) {
                content[j] = 0;
            } else if (!d.isEmpty() || s.uptodate[j]) {
                content[j] = s.ver[j];
            } else {
                content[j] = old != null ? old[j] : DataShadow.UNKNOWN;
            }
        }
        long id = nextParityId--;
        content[raidDisks] = id;
        parityOf.put(s.sector, content);
        s.ver[s.pd] = id;
        if (s.qd >= 0) {
            s.ver[s.qd] = id;
        }
    }

    /** The version a page holds after write {@code t} was drained into it (UNKNOWN unless t covers it whole). */
    private static long tokenVersion(Bio t) {
        DataShadow sh = t.shadow;
        if (sh == null || t.nrSectors != STRIPE_SECTORS) {
            return DataShadow.UNKNOWN;
        }
        long top = sh.sector + t.shadowOffset;
        return top % STRIPE_SECTORS == 0 ? sh.versions[(int) ((top >> 3) - (sh.sector >> 3))] : DataShadow.UNKNOWN;
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
            if (last == null) {
                last = new Bio(s.sector, 0, Op.WRITE, 0, IoPriority.NONE, thread, b -> {
                });
                last.tDispatched = sim.now();
                last.tCompleted = sim.now();
            }
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
            join(t, l.dd(), w);
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
        if (failedCount > 0) {
            stats.counter(prefix + "degraded_reads", () -> degradedReads);
            stats.counter(prefix + "stripe.computes", () -> computes);
        }
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
        degradedReads = 0;
        computes = 0;
    }
}
