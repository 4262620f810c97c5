package io.stacksim.block;

import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.device.InterruptController;
import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's request queue and its blk-mq core (block/blk-core.c, blk-mq.c, blk-merge.c).
 *
 * <p>{@link #submitBio} is submit_bio: trace {@code Q}, then __submit_bio's own plug when the
 * submitter holds none (Linux 6.5+), then blk_mq_submit_bio: split to the queue limits
 * ({@code X}), try the plug merge and the scheduler's bio merge ({@code M}/{@code F}), else
 * allocate a request ({@code G}) from the scheduler's nr_requests tags (an elevator) or the
 * driver tags ({@code none}); a submitter that finds none free waits in FIFO order and the wait
 * is measured. The request goes to the plug ({@code P}), or is inserted ({@code I}) into the
 * scheduler, or (without an elevator) is issued directly. Dispatch ({@code D}) takes a driver
 * tag and a unit of the device's dispatch budget: its queue depth, which is the tag depth unless
 * the device reports fewer (a SCSI device whose queue_depth is below its host's can_queue, as a
 * SATA disk without NCQ behind a 32-tag AHCI port); requests beyond it wait in the block layer.
 * Completions arrive as interrupts on the submitting CPU (rq_affinity=1) and run the end of the
 * request ({@code C}): diskstats, tags, bios, waiters, and a queue run from kblockd.
 *
 * <p>Requests that carry PREFLUSH or FUA go through {@link FlushMachine} (block/blk-flush.c).
 */
public final class BlockQueue implements DeviceHost, BlockTarget {
    static final int NO_MERGE = 0;
    static final int BACK_MERGE = 1;
    static final int FRONT_MERGE = 2;
    /** A flush request running on the driver tag of the request it flushes for. */
    static final int BORROWED_TAG = -2;
    /** UINT_MAX >> SECTOR_SHIFT: the kernel's cap on a discard when the device sets none. */
    private static final int MAX_DISCARD_SECTORS = (int) (0xffffffffL >>> 9);

    private final Simulator sim;
    private final RandomStreams random;
    private final BlockDevice device;
    private final InterruptController irq;
    private final IoScheduler scheduler;
    private final boolean elevator;
    private final DiskStats diskStats = new DiskStats();
    private final QueueSettings settings;
    private final FlushMachine flush;
    /** The kblockd worker that runs the queue asynchronously (blk_mq_run_hw_queue async). */
    final Submitter kblockd = new Submitter(44, "kworker/0:1H", 0);

    private final QueueLimits limits;
    private final int maxSectors;
    private final int maxSegments;
    private final int logicalBlockSectors;
    private final int physicalBlockSectors;
    private final int queueDepth;
    /** Requests the device takes at a time (its queue_depth: the dispatch budget). */
    private final int budget;
    /** Requests issued to the device and not yet ended. */
    private int inDevice;
    private final int nrRequests;

    private final int[] freeTags;
    private int freeTagCount;
    /** Requests allocated from nr_requests (scheduler tags, or driver tags for none). */
    private int allocated;

    /** hctx->dispatch: requests that bypass the scheduler (flush sequences), served first. */
    private Request dispatchHead;
    private Request dispatchTail;

    /** Bios waiting for a request (blk_mq_get_tag sleeping), FIFO. */
    private Bio waitHead;
    private Bio waitTail;
    private boolean draining;
    private final List<TagWaiter> tagWaiters = new ArrayList<>(2);
    /** Bios waiting per submitter (only while some wait): who is asleep in blk_mq_get_tag. */
    private final java.util.IdentityHashMap<IoOwner, int[]> waitingPerOwner = new java.util.IdentityHashMap<>();
    private final LatencyRecorder requestWait = new LatencyRecorder();
    private long requestWaits;
    private long dmaTransfers;
    private long dmaBytes;
    private long splits;
    private long plugFlushes;
    private long plugMerges;
    private long schedMerges;
    private long requestMergeCount;

    private BlockTrace trace;

    private record TagWaiter(IoOwner owner, Runnable then) {
    }

    public BlockQueue(Simulator sim, RandomStreams random, BlockDevice device, InterruptController irq,
                      QueueSettings settings, IoScheduler scheduler) {
        this.sim = sim;
        this.random = random;
        this.device = device;
        this.irq = irq;
        this.settings = settings;
        this.scheduler = scheduler;
        this.elevator = scheduler.isElevator();
        DeviceLimits lim = device.limits();
        this.limits = QueueLimits.of(lim, settings);
        this.logicalBlockSectors = limits.logicalBlockSize() >> 9;
        this.physicalBlockSectors = limits.physicalBlockSize() >> 9;
        this.maxSectors = limits.maxSectors();
        this.maxSegments = limits.maxSegments();
        this.queueDepth = lim.tagDepth() * lim.hwQueues();
        // A SCSI device takes queue_depth commands at a time; requests beyond it hold their tags
        // and wait (scsi_mq_get_budget, scsi_dev_queue_ready).
        this.budget = lim.queueDepth() * lim.hwQueues();
        // blk-mq-sched.c blk_mq_init_sched: 2 x min(tag set depth, BLKDEV_DEFAULT_RQ = 128) with
        // an elevator; without one the requests are the driver tags themselves.
        // Without one, nr_requests resizes the driver tags themselves and cannot exceed them
        // (blk_mq_update_nr_requests).
        int nr = elevator ? (settings.nrRequests() > 0 ? settings.nrRequests()
                : 2 * Math.min(lim.tagDepth(), 128) * lim.hwQueues())
                : settings.nrRequests() > 0 ? Math.min(settings.nrRequests(), queueDepth) : queueDepth;
        this.nrRequests = nr;
        int tags = elevator ? queueDepth : nr;
        this.freeTags = new int[tags];
        for (int i = 0; i < tags; i++) {
            freeTags[i] = tags - 1 - i;
        }
        this.freeTagCount = tags;
        this.flush = new FlushMachine(this, lim.volatileWriteCache(), lim.fua());
        scheduler.init(this);
        device.attach(this);
    }

    // ------------------------------------------------------------------ accessors

    @Override
    public Simulator sim() {
        return sim;
    }

    @Override
    public RandomStreams random() {
        return random;
    }

    /** The device the queue drives (for the machine's composition and its statistics). */
    public BlockDevice device() {
        return device;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public long capacitySectors() {
        return device.limits().capacitySectors();
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    @Override
    public int readAheadPages() {
        return settings.readAheadKb() / 4;
    }

    public IoScheduler scheduler() {
        return scheduler;
    }

    public QueueSettings settings() {
        return settings;
    }

    public DiskStats diskStats() {
        return diskStats;
    }

    /** Effective nr_requests. */
    public int nrRequests() {
        return nrRequests;
    }

    /** Driver tags: the device's total queue depth. */
    public int queueDepth() {
        return queueDepth;
    }

    public int requestsInFlightOnDevice() {
        return freeTags.length - freeTagCount;
    }

    /** Requests allocated and not yet freed. */
    public int requestsAllocated() {
        return allocated;
    }

    /** Sends block trace events to {@code t} from now on (null: no tracing). */
    public void setTrace(BlockTrace t) {
        this.trace = t;
    }

    public BlockTrace trace() {
        return trace;
    }

    void trace(char action, IoOwner who, Op op, int flags, long sector, int sectors, long extra) {
        int cpu = who == null ? 0 : who.cpu();
        trace.event(action, sim.now(), cpu, who, op, flags, sector, sectors, extra);
    }

    void traceRq(char action, IoOwner who, Request rq) {
        if (trace != null) {
            trace.event(action, sim.now(), who == null ? rq.cpu : who.cpu(), who, rq.op, rq.flags, rq.sector,
                    rq.nrSectors, 0);
        }
    }

    private Plug activePlug(IoOwner owner) {
        return owner == null || !settings.plugging() ? null : owner.plug();
    }

    // ------------------------------------------------------------------ submission

    /** submit_bio: the entry point of the block layer. */
    @Override
    public void submitBio(Bio bio) {
        bio.tQueued = sim.now();
        if (bio.endSector() > device.limits().capacitySectors()) {
            throw new IllegalArgumentException("bio beyond end of device: " + bio);
        }
        if (bio.op.hasData() && (bio.sector % logicalBlockSectors != 0 || bio.nrSectors % logicalBlockSectors != 0)) {
            throw new IllegalArgumentException("bio not aligned to the logical block size: " + bio);
        }
        IoOwner owner = bio.owner;
        if (trace != null) {
            trace('Q', owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        // __submit_bio (block/blk-core.c) plugs every submission made without a plug.
        Plug own = settings.plugging() ? Plug.start(owner) : null;
        splitAndSubmit(bio);
        if (own != null) {
            Plug.finish(owner, own);
        }
    }

    /**
     * bio_split_to_limits: a data bio larger than the queue allows is cut at get_max_io_size
     * (max_sectors, aligned to the physical block) or max_segments pages; each piece goes on
     * alone, the remainder is resubmitted (blktrace {@code X}).
     */
    private void splitAndSubmit(Bio bio) {
        if (!bio.op.hasData() || (bio.nrSectors <= maxSectors && Request.segmentsOf(bio) <= maxSegments)) {
            mqSubmit(bio);
            return;
        }
        BioChain chain = new BioChain(bio);
        long start = bio.sector;
        long end = bio.endSector();
        while (start < end) {
            int piece = maxIoSectors(start);
            int len = (int) Math.min(piece, end - start);
            if (start + len < end) {
                splits++;
                if (trace != null) {
                    trace('X', bio.owner, bio.op, bio.flags, start, len, start + len);
                }
            }
            chain.remaining++;
            Bio child = new Bio(start, len, bio.op, bio.flags, bio.priority, bio.owner, chain);
            child.tQueued = bio.tQueued;
            mqSubmit(child);
            start += len;
        }
        chain.armed = true;
        chain.maybeDone();
    }

    /** get_max_io_size (block/blk-merge.c), also bounded by max_segments pages of 8 sectors. */
    private int maxIoSectors(long sector) {
        int max = Math.min(maxSectors, maxSegments * 8);
        long startInPbs = sector & (physicalBlockSectors - 1);
        long endAligned = (startInPbs + max) & ~((long) physicalBlockSectors - 1);
        if (endAligned > startInPbs) {
            return (int) (endAligned - startInPbs);
        }
        return max - max % logicalBlockSectors;
    }

    /** Completes the parent of split bios when the last piece ends (bio_chain). */
    private static final class BioChain implements BioEndIo {
        private final Bio parent;
        int remaining;
        boolean armed;
        private int done;

        BioChain(Bio parent) {
            this.parent = parent;
        }

        @Override
        public void endIo(Bio child) {
            if (child.error != 0) {
                parent.error = child.error;
            }
            if (child.tCompleted >= parent.tCompleted) {
                parent.tDispatched = child.tDispatched;
                parent.tCompleted = child.tCompleted;
                parent.devQueueNs = child.devQueueNs;
                parent.devMediaNs = child.devMediaNs;
                parent.devTransferNs = child.devTransferNs;
            }
            done++;
            maybeDone();
        }

        void maybeDone() {
            if (armed && done == remaining) {
                armed = false;
                parent.endIo.endIo(parent);
            }
        }
    }

    /** blk_mq_submit_bio for one bio within the limits. */
    private void mqSubmit(Bio bio) {
        IoOwner owner = bio.owner;
        if (waitHead != null && hasWaitingBio(owner)) {
            // The submitter sleeps in blk_mq_get_tag: this bio is only submitted after it wakes.
            bio.mergeTried = false;
            enqueueWaiter(bio);
            return;
        }
        bio.mergeTried = true;
        Plug plug = activePlug(owner);
        if (tryMerges(bio, plug)) {
            return;
        }
        if (waitHead != null || !tagAvailable(bio)) {
            requestWaits++;
            enqueueWaiter(bio);
            return;
        }
        allocateAndQueue(bio, plug);
    }

    /** blk_mq_attempt_bio_merge: the plug merge, then the scheduler's (or software queue's) merge. */
    private boolean tryMerges(Bio bio, Plug plug) {
        if (settings.nomerges() == 2 || !bio.mergeable()) {
            return false;
        }
        if (plug != null && plug.tail != null && plugMerge(plug, bio)) {
            plugMerges++;
            return true;
        }
        if (scheduler.bioMerge(bio)) {
            schedMerges++;
            return true;
        }
        return false;
    }

    /** blk_attempt_plug_merge: only the newest request of the plug (one queue per plug here). */
    private boolean plugMerge(Plug plug, Bio bio) {
        return attemptBioMerge(plug.tail, bio) == MergeResult.OK;
    }

    /** The outcome of blk_attempt_bio_merge. */
    enum MergeResult { NONE, OK, FAILED }

    /** blk_attempt_bio_merge: eligibility, then a back or front merge under the limits. */
    MergeResult attemptBioMerge(Request rq, Bio bio) {
        if (!bioMergeOk(rq, bio)) {
            return MergeResult.NONE;
        }
        return switch (tryMerge(rq, bio)) {
            case BACK_MERGE -> bioAttemptBackMerge(rq, bio) ? MergeResult.OK : MergeResult.FAILED;
            case FRONT_MERGE -> bioAttemptFrontMerge(rq, bio) ? MergeResult.OK : MergeResult.FAILED;
            default -> MergeResult.NONE;
        };
    }

    private boolean tagAvailable(Bio bio) {
        if (elevator) {
            return allocated < nrRequests && allocated < scheduler.depthLimit(bio);
        }
        return freeTagCount > 0;
    }

    private void allocateAndQueue(Bio bio, Plug plug) {
        long now = sim.now();
        IoOwner owner = bio.owner;
        Request rq = new Request(bio, owner == null ? 0 : owner.cpu(), now);
        rq.queue = this;
        allocated++;
        if (elevator) {
            rq.schedTag = true;
            scheduler.prepareRequest(rq); // blk_mq_rq_ctx_init
        } else {
            rq.tag = freeTags[--freeTagCount];
        }
        if (trace != null) {
            trace('G', owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        diskStats.start(now);
        if (FlushMachine.isFlush(rq) && flush.insert(rq, owner)) {
            return;
        }
        if (plug != null) {
            addToPlug(plug, rq);
            return;
        }
        if (elevator) {
            insert(rq, owner, false);
            runHwQueue(owner);
        } else {
            issueDirectly(rq, owner);
        }
    }

    /**
     * blk_mq_try_issue_directly: the request already holds its tag. Without dispatch budget (the
     * device's queue depth used up, or requests already waiting for it: hctx->dispatch_busy) it
     * is inserted behind the waiting ones instead, and leaves in arrival order.
     */
    private void issueDirectly(Request rq, IoOwner owner) {
        if (budget < queueDepth && (inDevice >= budget || dispatchHead != null || scheduler.hasWork())) {
            insert(rq, owner, false);
            runHwQueue(owner);
            return;
        }
        issue(rq, owner);
    }

    /** blk_add_rq_to_plug. */
    private void addToPlug(Plug plug, Request rq) {
        IoOwner owner = plug.owner();
        if (plug.rqCount == 0) {
            if (trace != null) {
                trace('P', owner, null, 0, 0, 0, 0);
            }
        } else if (plug.rqCount >= Plug.MAX_REQUEST_COUNT
                || (settings.nomerges() != 2 && plug.head.bytes() >= Plug.FLUSH_SIZE)) {
            flushPlug(plug, false);
            if (trace != null) {
                trace('P', owner, null, 0, 0, 0, 0);
            }
        }
        plug.add(rq);
    }

    /**
     * blk_mq_flush_plug_list: without an elevator and not from the scheduler, the requests are
     * issued directly; otherwise they are inserted (into the elevator or the software queue)
     * and the queue is run, from kblockd when the task is going to sleep.
     */
    void flushPlug(Plug plug, boolean fromSchedule) {
        IoOwner owner = plug.owner();
        int depth = plug.rqCount;
        boolean viaScheduler = plug.hasElevator || fromSchedule;
        Request rq = plug.takeAll();
        plugFlushes++;
        if (trace != null) {
            trace(fromSchedule ? 'T' : 'U', owner, null, 0, 0, 0, depth);
        }
        while (rq != null) {
            Request next = rq.listNext;
            rq.listNext = null;
            if (viaScheduler) {
                insert(rq, owner, false);
            } else {
                issueDirectly(rq, owner);
            }
            rq = next;
        }
        if (viaScheduler) {
            runHwQueue(fromSchedule ? kblockd : owner);
        }
    }

    /** Inserts into the scheduler; traces {@code I} unless it merged away (insert merge). */
    private void insert(Request rq, IoOwner who, boolean atHead) {
        rq.tInserted = sim.now();
        if (scheduler.insert(rq, atHead)) {
            traceRq('I', who, rq);
        }
    }

    /** blk_mq_request_bypass_insert: to the hardware dispatch list, ahead of the scheduler. */
    void bypassInsert(Request rq, boolean atHead) {
        rq.tInserted = sim.now();
        rq.listNext = null;
        if (dispatchHead == null) {
            dispatchHead = rq;
            dispatchTail = rq;
        } else if (atHead) {
            rq.listNext = dispatchHead;
            dispatchHead = rq;
        } else {
            dispatchTail.listNext = rq;
            dispatchTail = rq;
        }
    }

    /**
     * blk_mq_run_hw_queue: serves hctx->dispatch first, then the scheduler, while the device
     * has dispatch budget and a free driver tag. {@code who} is the context that runs it (for traces).
     */
    void runHwQueue(IoOwner who) {
        while (inDevice < budget) {
            Request rq;
            if (dispatchHead != null) {
                if (dispatchHead.tag == -1 && freeTagCount == 0) {
                    return;
                }
                rq = dispatchHead;
                dispatchHead = rq.listNext;
                if (dispatchHead == null) {
                    dispatchTail = null;
                }
                rq.listNext = null;
            } else if (scheduler.hasWork()) {
                if (elevator && freeTagCount == 0) {
                    return;
                }
                rq = scheduler.dispatch();
                if (rq == null) {
                    return;
                }
            } else {
                return;
            }
            issue(rq, who);
        }
    }

    /** blk_mq_start_request + queue_rq: takes a driver tag if needed and hands over to the device. */
    private void issue(Request rq, IoOwner who) {
        if (rq.tag == -1) {
            rq.tag = freeTags[--freeTagCount];
        }
        rq.started = true;
        rq.tDispatched = sim.now();
        inDevice++;
        traceRq('D', who, rq);
        device.submit(rq);
    }

    // ------------------------------------------------------------------ tag waiting

    private void enqueueWaiter(Bio bio) {
        waitingPerOwner.computeIfAbsent(bio.owner, o -> new int[1])[0]++;
        bio.tWaitStart = sim.now();
        bio.waitNext = null;
        if (waitTail == null) {
            waitHead = bio;
        } else {
            waitTail.waitNext = bio;
        }
        waitTail = bio;
    }

    private boolean hasWaitingBio(IoOwner owner) {
        return waitingPerOwner.containsKey(owner);
    }

    /**
     * When some of {@code owner}'s bios wait for a request, runs {@code then} once they all have
     * one and returns true (the submitter sleeps in blk_mq_get_tag meanwhile); else returns false.
     */
    @Override
    public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
        if (waitHead == null || !hasWaitingBio(owner)) {
            return false;
        }
        tagWaiters.add(new TagWaiter(owner, then));
        return true;
    }

    /** Gives freed tags to waiting bios in arrival order; a bio queued behind its sleeping submitter first tries to merge. */
    private void drainWaiters() {
        if (draining || waitHead == null) {
            return;
        }
        draining = true;
        try {
            while (waitHead != null) {
                Bio b = waitHead;
                if (!b.mergeTried) {
                    b.mergeTried = true;
                    if (tryMerges(b, null)) {
                        popWaiter();
                        continue;
                    }
                }
                if (!tagAvailable(b)) {
                    break;
                }
                popWaiter();
                requestWait.record(sim.now() - b.tWaitStart);
                // The woken submitter continues unplugged: its plug was flushed when it slept.
                allocateAndQueue(b, null);
            }
        } finally {
            draining = false;
        }
        if (!tagWaiters.isEmpty()) {
            for (int i = 0; i < tagWaiters.size(); i++) {
                TagWaiter w = tagWaiters.get(i);
                if (!hasWaitingBio(w.owner())) {
                    tagWaiters.remove(i--);
                    w.then().run();
                }
            }
        }
    }

    private void popWaiter() {
        Bio b = waitHead;
        waitHead = b.waitNext;
        if (waitHead == null) {
            waitTail = null;
        }
        b.waitNext = null;
        int[] n = waitingPerOwner.get(b.owner);
        if (--n[0] == 0) {
            waitingPerOwner.remove(b.owner);
        }
    }

    // ------------------------------------------------------------------ merging (blk-merge.c)

    /** blk_rq_merge_ok: both mergeable, same operation and same I/O priority. */
    boolean bioMergeOk(Request rq, Bio bio) {
        return rq.mergeable() && bio.mergeable() && rq.op == bio.op && rq.priority == bio.priority;
    }

    /** blk_try_merge: back if the bio starts where the request ends, front if it ends where the request starts. */
    static int tryMerge(Request rq, Bio bio) {
        if (rq.endSector() == bio.sector) {
            return BACK_MERGE;
        }
        if (rq.sector - bio.nrSectors == bio.sector) {
            return FRONT_MERGE;
        }
        return NO_MERGE;
    }

    /** blk_rq_get_max_sectors (no chunk boundaries modelled). */
    private int maxSectorsFor(Request rq) {
        return rq.op == Op.DISCARD ? MAX_DISCARD_SECTORS : maxSectors;
    }

    /** ll_back/front_merge_fn + ll_new_hw_segment: the size and segment limits. */
    private boolean fits(Request rq, Bio bio) {
        if (rq.nrSectors + bio.nrSectors > maxSectorsFor(rq)
                || (rq.op != Op.DISCARD && rq.nrSegments + Request.segmentsOf(bio) > maxSegments)) {
            // req_set_nomerge: the request is full; never try it again.
            rq.noMerge = true;
            scheduler.noMerge(rq);
            return false;
        }
        return true;
    }

    /** bio_attempt_back_merge: true when merged. */
    boolean bioAttemptBackMerge(Request rq, Bio bio) {
        if (!fits(rq, bio)) {
            return false;
        }
        if (trace != null) {
            trace('M', bio.owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        rq.appendBio(bio);
        diskStats.merged(rq.op);
        return true;
    }

    /** bio_attempt_front_merge: true when merged. */
    boolean bioAttemptFrontMerge(Request rq, Bio bio) {
        if (!fits(rq, bio)) {
            return false;
        }
        if (trace != null) {
            trace('F', bio.owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        rq.prependBio(bio);
        diskStats.merged(rq.op);
        return true;
    }

    /**
     * attempt_merge: merges {@code next} into {@code rq} when it starts where {@code rq} ends,
     * both are mergeable, of the same operation and priority, and the result fits the limits
     * (ll_merge_requests_fn). {@code next} is then freed. Returns true when merged.
     */
    boolean attemptMerge(Request rq, Request next) {
        if (!rq.mergeable() || !next.mergeable() || rq.op != next.op || rq.priority != next.priority
                || rq.endSector() != next.sector) {
            return false;
        }
        if (rq.nrSectors + next.nrSectors > maxSectorsFor(rq)
                || (rq.op != Op.DISCARD && rq.nrSegments + next.nrSegments > maxSegments)) {
            return false;
        }
        if (next.tCreated < rq.tCreated) {
            rq.tCreated = next.tCreated; // the older start_time_ns is kept for accounting
        }
        rq.absorb(next);
        scheduler.requestsMerged(rq, next);
        requestMergeCount++;
        diskStats.requestMerged(next.op, sim.now());
        traceRq('M', next.owner() != null ? next.owner() : rq.owner(), next);
        freeRequest(next);
        return true;
    }

    // ------------------------------------------------------------------ completion

    @Override
    public void complete(Request rq) {
        rq.tCompleted = sim.now();
        irq.raise(rq.cpu, () -> endRequest(rq));
    }

    /** One interrupt for the whole batch (coalesced completions), on the first request's CPU. */
    @Override
    public void completeAll(java.util.List<Request> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Request[] rqs = batch.toArray(new Request[0]);
        for (Request rq : rqs) {
            rq.tCompleted = sim.now();
        }
        irq.raise(rqs[0].cpu, () -> {
            for (Request rq : rqs) {
                endRequest(rq);
            }
        });
    }

    @Override
    public void countDma(Request rq, long bytes) {
        dmaTransfers++;
        dmaBytes += bytes;
        IoOwner owner = rq.owner();
        if (owner != null) {
            owner.countDma(bytes);
        }
    }

    /** blk_mq_end_request: accounting, the bios, the tags, waiters, and a queue run. */
    private void endRequest(Request rq) {
        long now = sim.now();
        inDevice--;
        if (trace != null) {
            trace.event('C', now, rq.cpu, null, rq.op, rq.flags, rq.sector, rq.nrSectors, 0);
        }
        if (rq.flushSeq != 0 || rq.flushOrig != null) {
            flush.completed(rq);
            return;
        }
        diskStats.done(rq, now);
        endBios(rq);
        freeRequest(rq);
        runHwQueue(kblockd);
    }

    /** Ends every bio of {@code rq} with the request's timing (blk_update_request). */
    void endBios(Request rq) {
        for (Bio b = rq.bioHead; b != null; ) {
            Bio next = b.next;
            b.next = null;
            b.tDispatched = rq.tDispatched;
            b.tCompleted = rq.tCompleted;
            b.devQueueNs = rq.devQueueNs;
            b.devMediaNs = rq.devMediaNs;
            b.devTransferNs = rq.devTransferNs;
            b.endIo.endIo(b);
            b = next;
        }
    }

    /** blk_mq_free_request: returns the driver tag and the request's own tag. */
    void freeRequest(Request rq) {
        if (rq.tag >= 0) {
            freeTags[freeTagCount++] = rq.tag;
        }
        rq.tag = -1;
        if (rq.queue == this) {
            allocated--;
            rq.queue = null;
            if (rq.schedTag) {
                scheduler.completed(rq);
            }
        }
        drainWaiters();
    }

    /** With an elevator, a flush sequence's data request gives its driver tag back at once. */
    void freeDriverTag(Request rq) {
        if (elevator && rq.tag >= 0) {
            freeTags[freeTagCount++] = rq.tag;
            rq.tag = -1;
        }
    }

    /** blk_mq_insert_request(rq, BLK_MQ_INSERT_AT_HEAD) from the requeue work, then a queue run. */
    void insertAtHead(Request rq) {
        insert(rq, kblockd, true);
        runHwQueue(kblockd);
    }

    /** Ends a request that needed no device work (an empty flush on a device without a cache). */
    void endWithoutIo(Request rq) {
        rq.tDispatched = sim.now();
        rq.tCompleted = sim.now();
        traceRq('C', null, rq);
        diskStats.done(rq, sim.now());
        endBios(rq);
        freeRequest(rq);
    }

    DiskStats stats() {
        return diskStats;
    }

    /** Registers the queue's statistics, the scheduler's and the device's. */
    public void registerStats(Stats stats) {
        diskStats.register(stats, sim::now);
        stats.counter("block.scheduler." + scheduler.name(), () -> 1);
        stats.counter("block.request_waits", () -> requestWaits);
        stats.latency("block.request_wait", requestWait);
        stats.counter("block.splits", () -> splits);
        stats.counter("block.plug_flushes", () -> plugFlushes);
        stats.counter("block.merges.plug", () -> plugMerges);
        stats.counter("block.merges.sched", () -> schedMerges);
        stats.counter("block.merges.requests", () -> requestMergeCount);
        stats.counter("block.max_sectors", () -> maxSectors);
        stats.counter("block.nr_requests", () -> nrRequests);
        stats.counter("device.dma.transfers", () -> dmaTransfers);
        stats.counter("device.dma.bytes", () -> dmaBytes);
        flush.registerStats(stats);
        scheduler.registerStats(stats, "block.sched.");
        device.registerStats(stats, "device.");
    }
}
