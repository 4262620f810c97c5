package io.stacksim.block;

import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.device.InterruptController;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;

/**
 * A device's request queue and its blk-mq core (block/blk-core.c, blk-mq.c).
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
 * <p>Its parts, one kernel file each: {@link MergeRules} (blk-merge.c: splitting and the merge
 * limits), {@link Tags} (blk-mq-tag.c: driver and scheduler tags, and the submitters waiting for
 * them), {@link Plug} (the per-task plug), {@link FlushMachine} (blk-flush.c: requests that
 * carry PREFLUSH or FUA), the scheduler ({@link IoScheduler}) and {@link DiskStats}.
 */
public final class BlockQueue implements DeviceHost, BlockTarget {
    /** A flush request running on the driver tag of the request it flushes for. */
    static final int BORROWED_TAG = -2;

    private final Simulator sim;
    private final RandomStreams random;
    private final BlockDevice device;
    private final InterruptController irq;
    /**
     * blk_mq_complete_request_remote (block/blk-mq.c): a single hardware queue raises
     * BLOCK_SOFTIRQ per completion; with several the request completes in the hard IRQ (the
     * submitting CPU shares its cache with the interrupted one, so no IPI either).
     */
    private final boolean completesInSoftirq;
    private final IoScheduler scheduler;
    private final boolean elevator;
    private final DiskStats diskStats = new DiskStats();
    private final QueueSettings settings;
    private final FlushMachine flush;
    /** blk-wbt.c: buffered writeback throttling (rq_qos). */
    private final Wbt wbt;
    /** blk-throttle.c: the cgroups' io.max limits, before the request queue. */
    private final BlkThrottle throttle;
    /** Submitters asleep until their bios have requests (blk_mq_get_tag or wbt_wait). */
    private final java.util.List<OwnerWaiter> ownerWaiters = new java.util.ArrayList<>(2);

    private record OwnerWaiter(IoOwner owner, Runnable then) {
    }
    /** The kblockd worker that runs the queue asynchronously (blk_mq_run_hw_queue async). */
    final Submitter kblockd = new Submitter(44, "kworker/0:1H", 0);

    /** Per submitting CPU, the completion interrupt raised last, while its handler may take more. */
    private IrqBatch[] pendingIrq = new IrqBatch[4];
    /** Handled batches, for reuse: a completion allocates nothing. */
    private IrqBatch freeBatches;

    private final QueueLimits limits;
    private final int logicalBlockSectors;
    /** blk-merge.c: splitting to the limits and the merge rules. */
    final MergeRules merge;
    /** blk-mq-tag.c: driver and scheduler tags and their waiters. */
    private final Tags tags;
    /** Requests the device takes at a time (its queue_depth: the dispatch budget). */
    private final int budget;
    /** Requests issued to the device and not yet ended. */
    private int inDevice;

    /** hctx->dispatch: requests that bypass the scheduler (flush sequences), served first. */
    private Request dispatchHead;
    private Request dispatchTail;

    private long dmaTransfers;
    private long dmaBytes;
    private long plugFlushes;
    private long plugMerges;
    private long schedMerges;

    private BlockTrace trace;
    /** The zoned device behind the queue, or null. */
    private final io.stacksim.device.ZonedBlockDevice zonedDevice;
    /** blk-zoned.c zone write plugging, for a zoned device; else null. */
    private final ZoneWritePlugs zonePlugs;
    /** --check's rules for this queue; null when the run is not checked. */
    final BlockChecks checks;
    /** --check's record of the device's content and what of it is stable; null when not checked. */
    private final MediaShadow media;
    /** The device end of passthrough requests, for a device that takes them; else null. */
    private final Passthrough passthrough;
    /** A passthrough command has run: ordinary writes now mark what they overwrite as unknown content. */
    private boolean passthroughUsed;
    /**
     * The tag set's static requests (blk_mq_alloc_rqs): a request ended on the plain path goes
     * back here and the next allocation initialises it again instead of allocating one. Only when
     * nothing keeps a request past its end: the device and the scheduler say they do not, and
     * --check (which follows requests) is off.
     */
    private final boolean reuseRequests;
    /** Free static requests, a list through {@code listNext}. */
    private Request freeRequests;

    public BlockQueue(Simulator sim, RandomStreams random, BlockDevice device, InterruptController irq,
                      QueueSettings settings, IoScheduler scheduler) {
        this.sim = sim;
        this.random = random;
        this.device = device;
        this.checks = sim.invariants() == null ? null : new BlockChecks(sim.invariants(), device.name());
        this.irq = irq;
        this.settings = settings;
        this.scheduler = scheduler;
        this.elevator = scheduler.isElevator();
        DeviceLimits lim = device.limits();
        this.completesInSoftirq = lim.hwQueues() == 1;
        this.limits = QueueLimits.of(lim, settings);
        this.logicalBlockSectors = limits.logicalBlockSize() >> 9;
        this.merge = new MergeRules(this, limits);
        this.tags = new Tags(this, scheduler, lim, settings);
        // A SCSI device takes queue_depth commands at a time; requests beyond it hold their tags
        // and wait (scsi_mq_get_budget, scsi_dev_queue_ready).
        this.budget = lim.queueDepth() * lim.hwQueues();
        this.flush = new FlushMachine(this, lim.volatileWriteCache(), lim.fua());
        this.media = checks == null ? null : new MediaShadow(lim.volatileWriteCache(), lim.fua());
        if (device instanceof io.stacksim.device.ZonedBlockDevice zd) {
            // blk_revalidate_disk_zones at probe: a full report sets up the zone resources.
            ZonedLimits z = zd.zoned();
            this.zonedDevice = zd;
            this.zonePlugs = new ZoneWritePlugs(this, z, zd.reportZones(0, z.nrZones()));
        } else {
            this.zonedDevice = null;
            this.zonePlugs = null;
        }
        // wbt_enable_default at blk_register_queue, after the elevator is set up; bfq turns it off.
        this.wbt = new Wbt(this, settings.wbtLatUsec(), lim.rotational(), lim.volatileWriteCache(),
                scheduler.disablesWbt(), tags.nrRequests);
        diskStats.onReset(wbt::resetStats);
        this.throttle = new BlkThrottle(this);
        diskStats.onReset(now -> throttle.resetStats());
        io.stacksim.device.CommandSet cs = io.stacksim.device.CommandSet.of(device.transport());
        this.passthrough = cs == null ? null : new Passthrough(this, device, cs);
        scheduler.init(this);
        device.attach(this);
        this.reuseRequests = checks == null && device.forgetsCompletedRequests() && scheduler.forgetsCompletedRequests();
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
    public ZonedLimits zoned() {
        return zonedDevice == null ? null : zonedDevice.zoned();
    }

    /**
     * blkdev_report_zones: the device's report; a zone write plug that lost track of its
     * write pointer after a write error takes it from the report.
     */
    @Override
    public java.util.List<BlkZone> reportZones(long sector, int nrZones) {
        if (zonedDevice == null) {
            throw new UnsupportedOperationException(name() + " is not a zoned block device");
        }
        java.util.List<BlkZone> zones = zonedDevice.reportZones(sector, nrZones);
        for (BlkZone z : zones) {
            zonePlugs.syncWpOffset(z);
        }
        return zones;
    }

    @Override
    public int readAheadPages() {
        return settings.readAheadKb() / 4;
    }

    public IoScheduler scheduler() {
        return scheduler;
    }

    @Override
    public io.stacksim.device.Transport transport() {
        return device.transport();
    }

    public QueueSettings settings() {
        return settings;
    }

    public DiskStats diskStats() {
        return diskStats;
    }

    /** The queue's blk-wbt. */
    Wbt wbt() {
        return wbt;
    }

    /** Effective nr_requests. */
    public int nrRequests() {
        return tags.nrRequests;
    }

    /** Driver tags: the device's total queue depth. */
    public int queueDepth() {
        return tags.depth;
    }

    /** Requests holding a driver tag. */
    public int requestsInFlightOnDevice() {
        return tags.driverTagsInUse();
    }

    /** Requests allocated and not yet freed. */
    public int requestsAllocated() {
        return tags.allocated();
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

    /**
     * Sets cgroup {@code path}'s io.max limits on this queue (tg_set_limit); {@code path} is
     * absolute ("/limited", "/a/b") and not the root.
     */
    public void setThrottleLimits(String path, IoMax max) {
        if (!path.startsWith("/") || path.equals("/")) {
            throw new IllegalArgumentException("io.max needs a cgroup below the root, got '" + path + "'");
        }
        throttle.setLimits(path, max);
    }

    /** submit_bio: the entry point of the block layer (submit_bio_noacct). */
    @Override
    public void submitBio(Bio bio) {
        if (bio.endSector() > device.limits().capacitySectors()) {
            throw new IllegalArgumentException("bio beyond end of device: " + bio);
        }
        if (bio.op.hasData() && (bio.sector % logicalBlockSectors != 0 || bio.nrSectors % logicalBlockSectors != 0)) {
            throw new IllegalArgumentException("bio not aligned to the logical block size: " + bio);
        }
        if (checks != null) {
            checks.bioSubmitted(bio);
        }
        if (bio.op == Op.DISCARD && !limits.discardSupported()) {
            // submit_bio_noacct: REQ_OP_DISCARD on a queue without max_discard_sectors -> BLK_STS_NOTSUPP.
            bio.error = -ZoneWritePlugs.EOPNOTSUPP;
            bio.tCompleted = sim.now();
            bio.endIo.endIo(bio);
            return;
        }
        // blk_throtl_bio: a bio over its cgroup's io.max waits there, not yet queued (Q).
        if (throttle.active() && throttle.throttle(bio)) {
            return;
        }
        submitNoCheck(bio);
    }

    /** A bio released by blk-throttle's dispatch work: submit_bio_noacct_nocheck, or past the split for a piece. */
    void afterBlkThrottle(Bio bio) {
        if (bio.splitPiece) {
            mqSubmit(bio);
        } else {
            submitNoCheck(bio);
        }
    }

    /**
     * A split bio's piece after the first (bio_split_to_limits resubmits the remainder through
     * submit_bio_noacct): blk-throttle counts its I/O against the iops limits, not its bytes.
     */
    void submitSplitPiece(Bio piece) {
        if (throttle.active()) {
            piece.bpsThrottled = true;
            piece.splitPiece = true;
            if (throttle.throttle(piece)) {
                return;
            }
        }
        mqSubmit(piece);
    }

    /** submit_bio_noacct_nocheck: trace Q, the submitter's plug, the split to the limits. */
    private void submitNoCheck(Bio bio) {
        bio.tQueued = sim.now();
        IoOwner owner = bio.owner;
        if (zonePlugs == null && (bio.op == Op.ZONE_APPEND || bio.op.isZoneManagement())) {
            // submit_bio_noacct: zone operations on a regular disk are not supported.
            bio.error = -ZoneWritePlugs.EOPNOTSUPP;
            bio.tCompleted = sim.now();
            bio.endIo.endIo(bio);
            return;
        }
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

    /** bio_split_to_limits ({@link MergeRules#split}) when the bio exceeds the limits, then blk_mq_submit_bio. */
    private void splitAndSubmit(Bio bio) {
        if (merge.needsSplit(bio)) {
            merge.split(bio);
        } else {
            mqSubmit(bio);
        }
    }

    /** blk_mq_submit_bio for one bio within the limits. */
    void mqSubmit(Bio bio) {
        IoOwner owner = bio.owner;
        if (tags.anyWaiting() && tags.isWaiting(owner)) {
            // The submitter sleeps in blk_mq_get_tag: this bio is only submitted after it wakes.
            bio.mergeTried = false;
            tags.enqueue(bio);
            return;
        }
        if (wbt.isWaiting(owner)) {
            // The submitter sleeps in wbt_wait: likewise.
            bio.mergeTried = false;
            wbt.enqueueBehindOwner(bio);
            return;
        }
        bio.mergeTried = true;
        Plug plug = activePlug(owner);
        if (tryMerges(bio, plug)) {
            return;
        }
        if (zonePlugs != null && zonePlugs.plugBio(bio)) {
            return; // blk_zone_plug_bio: waits in its zone's write plug, or failed
        }
        // rq_qos_throttle: blk-wbt may put the submitter to sleep before it gets a request.
        if (!wbt.throttle(bio)) {
            return;
        }
        getRequest(bio, plug);
    }

    /**
     * A bio released by its zone write plug (blk_zone_wplug_bio_work): straight to a request,
     * from the plug's work, so with no task plug.
     */
    void submitPlugged(Bio bio) {
        bio.mergeTried = true;
        if (!wbt.throttle(bio)) {
            return;
        }
        getRequest(bio, null);
    }

    /** A woken submitter's deferred bio meets its zone write plug: true if the plug took it. */
    boolean zonePlugTakes(Bio bio) {
        return zonePlugs != null && zonePlugs.plugBio(bio);
    }

    /** A bio woken in wbt_wait with its slot: on to a request, the submitter unplugged (it slept). */
    void afterThrottle(Bio bio) {
        getRequest(bio, null);
    }

    /**
     * A bio whose submitter slept in blk_mq_get_tag that still has to pass wbt_wait: false if
     * it sleeps there now (it goes on through {@link #afterThrottle}).
     */
    boolean throttleAfterTagWait(Bio bio) {
        return wbt.throttle(bio);
    }

    /** blk_mq_get_new_requests: a request now, or sleep in blk_mq_get_tag for one. */
    private void getRequest(Bio bio, Plug plug) {
        if (tags.anyWaiting() || !tags.available(bio)) {
            tags.enqueue(bio);
            return;
        }
        allocateAndQueue(bio, plug);
    }

    /** blk_mq_attempt_bio_merge: the plug merge, then the scheduler's (or software queue's) merge. */
    boolean tryMerges(Bio bio, Plug plug) {
        if (settings.nomerges() == 2 || !bio.mergeable()) {
            return false;
        }
        if (plug != null && plug.tail != null && plugMerge(plug, bio)) {
            plugMerges++;
        } else if (scheduler.bioMerge(bio)) {
            schedMerges++;
        } else {
            return false;
        }
        if (zonePlugs != null) {
            zonePlugs.bioMerged(bio);
        }
        return true;
    }

    /**
     * blk_attempt_plug_merge: only the newest request of the plug; when the plug holds requests
     * of several queues (plug->multiple_queues) the newest of this queue's.
     */
    private boolean plugMerge(Plug plug, Bio bio) {
        Request rq = plug.tail;
        if (plug.multipleQueues) {
            rq = null;
            for (Request r = plug.head; r != null; r = r.listNext) {
                if (r.queue == this) {
                    rq = r;
                }
            }
        }
        return rq != null && rq.queue == this && merge.attemptBioMerge(rq, bio) == MergeRules.MergeResult.OK;
    }

    // ------------------------------------------------------------------ passthrough

    /**
     * blk_mq_alloc_request + blk_execute_rq(_nowait) (block/blk-mq.c) for a passthrough bio: a
     * request from the same tags as any other (sleeping in blk_mq_get_tag if none is free; with
     * an elevator a scheduler tag, RQF_SCHED_TAGS, but not RQF_USE_SCHED: the scheduler's
     * limit_depth and prepare_request are skipped), then {@link #executeAllocated}. No
     * bio_split_to_limits, no merge attempt, no zone write plug, no blk-throttle, no rq_qos
     * (blk-wbt neither throttles nor tracks it), no page cache or readahead above it.
     */
    @Override
    public void executePassthrough(Bio bio) {
        if (!bio.op.isPassthrough() || bio.command == null) {
            throw new IllegalArgumentException("not a passthrough bio: " + bio);
        }
        if (passthrough == null) {
            noPassthroughPath(bio);
            return;
        }
        passthroughUsed = true;
        bio.tQueued = sim.now();
        bio.mergeTried = true;
        if (tags.anyWaiting() || !tags.available(bio)) {
            tags.enqueue(bio);
            return;
        }
        executeAllocated(bio);
    }

    private static void noPassthroughPath(Bio bio) {
        bio.error = -25; // ENOTTY: the device has no passthrough path
        bio.endIo.endIo(bio);
    }

    /**
     * blk_execute_rq_nowait with the request allocated: blk_account_io_start (a passthrough
     * request is counted in diskstats only under blk_rq_passthrough_stats: queue/iostats_passthrough
     * set, a bio whose bi_bdev the driver set, which only NVMe's passthrough does, and a length of
     * whole logical blocks); then, when the submitter holds a plug and at_head is not asked, the
     * plug (blk_add_rq_to_plug); else blk_mq_insert_request, whose passthrough branch is
     * blk_mq_request_bypass_insert (hctx->dispatch, at its head for at_head), and a queue run.
     */
    private void executeAllocated(Bio bio) {
        long now = sim.now();
        IoOwner owner = bio.owner;
        Request rq = new Request(bio, owner == null ? 0 : owner.cpu(), now);
        rq.queue = this;
        rq.command = bio.command;
        tags.allocate(rq);
        rq.ioStat = settings.iostatsPassthrough() && device.transport() == io.stacksim.device.Transport.NVME
                && bio.command.dataBytes() > 0 && bio.command.dataBytes() % limits.logicalBlockSize() == 0;
        if (rq.ioStat) {
            diskStats.start(now);
        }
        Plug plug = activePlug(owner);
        if (plug != null && !bio.atHead) {
            addToPlug(plug, rq);
            return;
        }
        bypassInsert(rq, bio.atHead);
        runHwQueue(owner);
    }

    /** The passthrough commands run on this queue and how many failed. */
    public long passthroughCommands() {
        return passthrough == null ? 0 : passthrough.commands();
    }

    /** blk_mq_get_new_requests + blk_mq_rq_ctx_init, then the plug, the scheduler or the driver. */
    void allocateAndQueue(Bio bio, Plug plug) {
        if (bio.op.isPassthrough()) {
            executeAllocated(bio); // a passthrough submitter woken with its tag
            return;
        }
        long now = sim.now();
        IoOwner owner = bio.owner;
        int cpu = owner == null ? 0 : owner.cpu();
        Request rq = freeRequests;
        if (rq != null) {
            freeRequests = rq.listNext;
            rq.reinit(bio, cpu, now);
        } else {
            rq = new Request(bio, cpu, now);
        }
        rq.queue = this;
        tags.allocate(rq);
        wbt.track(rq, bio); // rq_qos_track
        if (elevator) {
            rq.schedTag = true;
            scheduler.prepareRequest(rq); // blk_mq_rq_ctx_init
        }
        if (trace != null) {
            trace('G', owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        if (bio.zoneWritePlugging) {
            zonePlugs.initRequest(rq);
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
        if (budget < tags.depth && (inDevice >= budget || dispatchHead != null || scheduler.hasWork())) {
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
        } else if (plug.rqCount >= plug.maxRequestCount()
                || (settings.nomerges() != 2 && plug.head.bytes() >= Plug.FLUSH_SIZE)) {
            plug.flush(false);
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
        int depth = plug.rqCount;
        boolean viaScheduler = plug.hasElevator || fromSchedule;
        dispatchPlugged(plug.owner(), plug.takeAll(), depth, viaScheduler, fromSchedule);
    }

    /** This queue's {@code depth} plugged requests (a list through listNext) to the driver or the scheduler. */
    void dispatchPlugged(IoOwner owner, Request rq, int depth, boolean viaScheduler, boolean fromSchedule) {
        plugFlushes++;
        if (trace != null) {
            trace(fromSchedule ? 'T' : 'U', owner, null, 0, 0, 0, depth);
        }
        while (rq != null) {
            Request next = rq.listNext;
            rq.listNext = null;
            if (viaScheduler && rq.command != null) {
                bypassInsert(rq, false); // blk_mq_dispatch_list: passthrough never to the scheduler
            } else if (viaScheduler) {
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
                if (dispatchHead.tag == -1 && !tags.hasFreeDriverTag()) {
                    return;
                }
                rq = dispatchHead;
                dispatchHead = rq.listNext;
                if (dispatchHead == null) {
                    dispatchTail = null;
                }
                rq.listNext = null;
            } else if (scheduler.hasWork()) {
                if (elevator && !tags.hasFreeDriverTag()) {
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
            tags.getDriverTag(rq);
        }
        rq.started = true;
        rq.tDispatched = sim.now();
        wbt.issue(rq); // rq_qos_issue
        inDevice++;
        if (rq.command != null) {
            traceRq('D', who, rq);
            passthrough.start(rq);
            return;
        }
        if (checks != null) {
            checks.dispatched(rq, limits);
        }
        traceRq('D', who, rq);
        device.submit(rq);
    }

    /**
     * When some of {@code owner}'s bios wait for a request, runs {@code then} once they all have
     * one and returns true (the submitter sleeps in blk_mq_get_tag meanwhile); else returns false.
     */
    @Override
    public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
        if (!ownerWaits(owner)) {
            return false;
        }
        ownerWaiters.add(new OwnerWaiter(owner, then));
        return true;
    }

    private boolean ownerWaits(IoOwner owner) {
        return (tags.anyWaiting() && tags.isWaiting(owner)) || wbt.isWaiting(owner);
    }

    /** Submitters whose bios all have requests now wake (after a tag or wbt wake-up). */
    void wakeOwners() {
        for (int i = 0; i < ownerWaiters.size(); i++) {
            OwnerWaiter w = ownerWaiters.get(i);
            if (!ownerWaits(w.owner())) {
                ownerWaiters.remove(i--);
                w.then().run();
            }
        }
    }

    @Override
    public void dirtySleep(long now) {
        wbt.dirtySleep(now);
    }

    // ------------------------------------------------------------------ completion

    /**
     * The device posted {@code rq}'s completion and signalled its interrupt. While the interrupt
     * it signalled last on that CPU is still pending, the same handler reaps this one too
     * ({@link InterruptController#joinCompletion}: nvme_irq's loop over its completion queue);
     * else the request raises a new interrupt. The handler ends its batch of requests together
     * at the end of its work (nvme_pci_complete_batch over the io_comp_batch).
     */
    @Override
    public void complete(Request rq) {
        if (rq.passthroughOf != null) {
            passthrough.stepDone(rq); // one step of a passthrough command's media work
            return;
        }
        rq.tCompleted = sim.now();
        int cpu = rq.cpu;
        IrqBatch b = cpu >= 0 && cpu < pendingIrq.length ? pendingIrq[cpu] : null;
        if (b != null) {
            long end = irq.joinCompletion(cpu, completesInSoftirq, b.start);
            if (end >= 0) {
                b.add(rq);
                b.end = end;
                return;
            }
        }
        b = freeBatches;
        if (b != null) {
            freeBatches = b.nextFree;
            b.nextFree = null;
        } else {
            b = new IrqBatch();
        }
        b.cpu = cpu;
        b.add(rq);
        b.end = Long.MIN_VALUE;
        b.start = irq.raiseCompletion(cpu, completesInSoftirq, b);
        if (cpu >= 0) {
            if (cpu >= pendingIrq.length) {
                pendingIrq = java.util.Arrays.copyOf(pendingIrq, Math.max(cpu + 1, pendingIrq.length * 2));
            }
            pendingIrq[cpu] = b;
        }
    }

    /**
     * The requests one completion interrupt's handler ends, and its reusable handler event:
     * when requests joined it after it was raised it fires once at its first end and once more
     * at the end of the work they added.
     */
    private final class IrqBatch implements io.stacksim.engine.Event {
        Request[] rqs = new Request[4];
        int n;
        int cpu;
        /** When the handler starts; joins are possible until then. */
        long start;
        /** The end of its work after the last join; MIN_VALUE while none joined. */
        long end;
        IrqBatch nextFree;

        void add(Request rq) {
            if (n == rqs.length) {
                rqs = java.util.Arrays.copyOf(rqs, n * 2);
            }
            rqs[n++] = rq;
        }

        @Override
        public void fire() {
            if (end > sim.now()) {
                sim.schedule(end, this);
                return;
            }
            if (cpu >= 0 && cpu < pendingIrq.length && pendingIrq[cpu] == this) {
                pendingIrq[cpu] = null;
            }
            for (int i = 0; i < n; i++) {
                Request rq = rqs[i];
                rqs[i] = null;
                endRequest(rq);
            }
            n = 0;
            nextFree = freeBatches;
            freeBatches = this;
        }
    }

    /** One interrupt for the whole batch (coalesced completions), on the first request's CPU. */
    @Override
    public void completeAll(java.util.List<Request> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (passthroughUsed) {
            java.util.List<Request> own = new java.util.ArrayList<>(batch.size());
            for (Request rq : batch) {
                if (rq.passthroughOf != null) {
                    passthrough.stepDone(rq);
                } else {
                    own.add(rq);
                }
            }
            if (own.size() < batch.size()) {
                completeAll(own);
                return;
            }
        }
        Request[] rqs = batch.toArray(new Request[0]);
        for (Request rq : rqs) {
            rq.tCompleted = sim.now();
        }
        irq.raiseCompletion(rqs[0].cpu, completesInSoftirq, () -> {
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
        if (rq.command != null) {
            endPassthrough(rq, now);
            return;
        }
        if (checks != null) {
            checks.completed(rq);
            media.completed(rq);
        }
        if (trace != null) {
            trace.event('C', now, rq.cpu, null, rq.op, rq.flags, rq.sector, rq.nrSectors, 0);
        }
        diskStats.completedSinceIssue(rq.op, rq.tDispatched, now);
        if (passthroughUsed && rq.op == Op.WRITE) {
            passthrough.commandSet().content().unknown(rq.sector, rq.endSector());
        }
        wbt.completed(rq, now); // blk_stat_add
        wbt.done(rq); // rq_qos_done, also for a flush sequence's data step (its end_io)
        if (rq.flushSeq != 0 || rq.flushOrig != null) {
            flush.completed(rq);
            return;
        }
        diskStats.done(rq, now);
        endBios(rq);
        freeRequest(rq);
        if (rq.zoneWritePlugging) {
            zonePlugs.finishRequest(rq);
        }
        runHwQueue(kblockd);
        if (reuseRequests && !passthroughUsed) {
            rq.release();
            rq.listNext = freeRequests;
            freeRequests = rq;
        }
    }

    /**
     * blk_mq_end_request for a passthrough request: no blk_stat_add (blk_mq_start_request sets
     * RQF_STATS only for requests that are not passthrough), diskstats only under RQF_IO_STAT,
     * then its bio's end_io (the ioctl's or uring_cmd's wait) and the tags.
     */
    private void endPassthrough(Request rq, long now) {
        if (trace != null) {
            trace.event('C', now, rq.cpu, null, rq.op, rq.flags, rq.sector, rq.nrSectors, rq.error);
        }
        if (rq.ioStat) {
            diskStats.done(rq, now);
        }
        Bio b = rq.bioHead;
        if (b != null) {
            b.sense = rq.sense;
        }
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
            if (rq.error != 0) {
                b.error = rq.error;
            }
            if (b.op == Op.ZONE_APPEND) {
                b.writtenSector = rq.writtenSector;
            }
            if (b.zoneWritePlugging) {
                zonePlugs.bioEnded(b);
            }
            if (checks != null) {
                checks.bioEnded(b);
            }
            b.endIo.endIo(b);
            b = next;
        }
    }

    /** blk_mq_free_request: returns the driver tag and the request's own tag. */
    void freeRequest(Request rq) {
        wbt.done(rq); // blk_mq_free_request: rq_qos_done (a no-op once done at the end)
        if (rq.tag >= 0) {
            tags.putDriverTag(rq.tag);
        }
        rq.tag = -1;
        if (rq.queue == this) {
            tags.release();
            rq.queue = null;
            if (rq.schedTag) {
                scheduler.completed(rq);
            }
        }
        tags.wakeWaiters();
    }

    /** With an elevator, a flush sequence's data request gives its driver tag back at once. */
    void freeDriverTag(Request rq) {
        if (elevator && rq.tag >= 0) {
            tags.putDriverTag(rq.tag);
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

    @Override
    public long durableBeforeNs() {
        return flush.durableBeforeNs();
    }

    @Override
    public long stableVersion(long sector) {
        return media == null ? DataShadow.UNKNOWN : media.stableVersion(sector);
    }

    @Override
    public String unstableCopies(long sector, long version) {
        long v = stableVersion(sector);
        return v == DataShadow.UNKNOWN || v >= version ? "" : name() + " sector " + sector + " stable at version " + v;
    }

    /** Bios --check saw submitted and not yet ended (0 when the run is not checked). */
    public long checkedBiosInFlight() {
        return checks == null ? 0 : checks.biosInFlight();
    }

    /** --check at the end of the run (after the final sync): no bio may be left in flight. */
    public void finishChecks() {
        if (checks != null) {
            checks.finish();
        }
    }

    /** Registers the queue's statistics, the scheduler's and the device's. */
    public void registerStats(Stats stats) {
        diskStats.register(stats, sim::now);
        stats.counter("block.scheduler." + scheduler.name(), () -> 1);
        // One population for the count and the mean: every bio that slept for a request and got one.
        stats.counter("block.request_waits", tags.requestWait::count);
        stats.latency("block.request_wait", tags.requestWait);
        stats.counter("block.splits", () -> merge.splits);
        stats.counter("block.plug_flushes", () -> plugFlushes);
        stats.counter("block.merges.plug", () -> plugMerges);
        stats.counter("block.merges.sched", () -> schedMerges);
        stats.counter("block.merges.requests", () -> merge.requestMerges);
        stats.counter("block.max_sectors", () -> limits.maxSectors());
        if (passthrough != null) {
            stats.counter("block.passthrough.commands", passthrough::commands);
            stats.counter("block.passthrough.failed", passthrough::failed);
        }
        stats.counter("block.nr_requests", () -> tags.nrRequests);
        stats.counter("device.dma.transfers", () -> dmaTransfers);
        stats.counter("device.dma.bytes", () -> dmaBytes);
        flush.registerStats(stats);
        wbt.registerStats(stats);
        if (zonePlugs != null) {
            zonePlugs.registerStats(stats);
        }
        throttle.registerStats(stats);
        scheduler.registerStats(stats, "block.sched.");
        device.registerStats(stats, "device.");
    }
}
