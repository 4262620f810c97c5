package io.stacksim.block;

/**
 * A block request ({@code struct request}): one or more contiguous bios of the same operation,
 * the unit the scheduler orders and the device serves.
 *
 * <p>Timestamps follow the blktrace actions: {@link #tCreated} (G, request allocated; also the
 * kernel's {@code start_time_ns} used by diskstats), {@link #tInserted} (I, into the scheduler),
 * {@link #tDispatched} (D, to the driver) and {@link #tCompleted} (C). The device reports how it
 * spent [D, C]: waiting in its own queue, on the media, and moving data over the host link; the
 * rest is command overhead.
 *
 * <p>The links and marks below the data fields are the kernel's intrusive list heads and flags
 * ({@code queuelist}, {@code hash}, {@code rb_node}, {@code RQF_*}); the block layer and the
 * schedulers of this package own them, so a request lives on those lists without allocation.
 */
public final class Request {
    public long sector;
    public int nrSectors;
    public Op op;
    /** REQ_* flags of the request (cmd_flags), from its first bio. */
    public int flags;
    public IoPriority priority;
    /** rq->ioprio: the whole priority value of its first bio (blk_rq_merge_ok compares it). */
    public int ioprio;
    /** rq->wbt_flags: what blk-wbt tracks of this request ({@link Wbt}). */
    int wbtFlags;
    /** Physical segments (scatter-gather entries) of the data. */
    public int nrSegments;
    /** CPU the request was submitted from; its completion interrupt goes there. */
    public int cpu;

    Bio bioHead;
    Bio bioTail;
    int nrBios;

    /** Driver tag while it holds one (always from allocation on with {@code none}), else -1. */
    public int tag = -1;
    /** Holds one of the scheduler's nr_requests tags (RQF_SCHED_TAGS). */
    boolean schedTag;

    public long tCreated;
    public long tInserted;
    public long tDispatched;
    public long tCompleted;

    /** Time the device held the request in its internal queue before working on it. */
    public long devQueueNs;
    /** Positioning and media time (seek + rotation + media transfer, or NAND time). */
    public long devMediaNs;
    /** Host-link (DMA) transfer time. */
    public long devTransferNs;

    /** The scheduler's queue links ({@code queuelist}) and the list the request is on. */
    public Request schedPrev;
    public Request schedNext;
    public Object schedData;
    /**
     * The elevator's own per-request state ({@code rq->elv.priv}): set by the scheduler's
     * {@link IoScheduler#prepareRequest} when the request takes a scheduler tag, cleared when it
     * is freed. Only the scheduler that set it reads it.
     */
    public Object elvPriv;
    /** Back-merge hash chain (elevator.c rqhash, keyed by end sector). */
    Request hashNext;
    boolean hashed;
    long hashKey;
    /** RQF_STARTED: handed to the driver; never merges again. */
    boolean started;
    /** REQ_NOMERGE set by a refused merge (req_set_nomerge). */
    boolean noMerge;
    /** Next request in a plug list or in the hardware dispatch list. */
    Request listNext;
    /** The queue the request belongs to. */
    BlockQueue queue;
    /** Flush sequence state (blk-flush.c) for requests that carry PREFLUSH or FUA. */
    int flushSeq;
    Request flushOrig;

    /** The device's status: 0 or a negative errno (blk_status_to_errno), given to every bio. */
    public int error;
    /** A native zone append's result: the sector the device wrote its data at. */
    public long writtenSector = -1;
    /** RQF_ZONE_WRITE_PLUGGING: its completion releases its zone's write plug. */
    boolean zoneWritePlugging;
    /** Dispatches and completions, counted only under --check (BlockChecks). */
    int checkDispatches;
    int checkCompletions;

    /** Device-private state while the device holds the request. */
    public Object deviceData;

    /** A passthrough request's command (rq->cmd: the CDB, the nvme_command); null otherwise. */
    public io.stacksim.device.DeviceCommand command;
    /**
     * Bytes the host link moves for this request when that is not its whole range: the media
     * work of a passthrough command's step that transfers less (VERIFY, WRITE SAME); -1 = all.
     */
    public long hostBytes = -1;
    /** The device's failure of a passthrough command (sense or NVMe status), or null. */
    public String sense;
    /** For a passthrough command's media step: the request it is a step of. */
    Request passthroughOf;
    /** A passthrough request's progress through its steps ({@link Passthrough}). */
    Object passthroughState;
    /** RQF_IO_STAT: diskstats counts this request (always, except passthrough ones: blk_account_io_start). */
    boolean ioStat = true;

    public Request(Bio bio, int cpu, long now) {
        reinit(bio, cpu, now);
    }

    /**
     * blk_mq_rq_ctx_init on a free static request (block/blk-mq.c: the tag set's requests are
     * allocated once, blk_mq_alloc_rqs, and initialised again for each use): every field as a new
     * request for {@code bio} has it; the constructor is this call on a fresh object. A field
     * added to this class must be reset here too (ReusedRequestAndBioTest compares a reused
     * request with a new one field by field).
     */
    void reinit(Bio bio, int cpu, long now) {
        this.sector = bio.sector;
        this.nrSectors = bio.op == Op.FLUSH ? 0 : bio.nrSectors;
        this.op = bio.op;
        this.flags = bio.flags;
        this.priority = bio.priority;
        this.ioprio = bio.ioprio;
        this.wbtFlags = 0;
        this.nrSegments = segmentsOf(bio);
        this.cpu = cpu;
        this.bioHead = bio;
        this.bioTail = bio;
        this.nrBios = 1;
        this.tag = -1;
        this.schedTag = false;
        this.tCreated = now;
        this.tInserted = 0;
        this.tDispatched = 0;
        this.tCompleted = 0;
        this.devQueueNs = 0;
        this.devMediaNs = 0;
        this.devTransferNs = 0;
        this.schedPrev = null;
        this.schedNext = null;
        this.schedData = null;
        this.elvPriv = null;
        this.hashNext = null;
        this.hashed = false;
        this.hashKey = 0;
        this.started = false;
        this.noMerge = false;
        this.listNext = null;
        this.queue = null;
        this.flushSeq = 0;
        this.flushOrig = null;
        this.error = 0;
        this.writtenSector = -1;
        this.zoneWritePlugging = false;
        this.checkDispatches = 0;
        this.checkCompletions = 0;
        this.deviceData = null;
        this.command = null;
        this.hostBytes = -1;
        this.sense = null;
        this.passthroughOf = null;
        this.passthroughState = null;
        this.ioStat = true;
    }

    /** A freed request drops what it pointed to (its bios, the scheduler's and device's state) while it waits for reuse. */
    void release() {
        bioHead = null;
        bioTail = null;
        schedPrev = null;
        schedNext = null;
        schedData = null;
        elvPriv = null;
        hashNext = null;
        listNext = null;
        queue = null;
        flushOrig = null;
        deviceData = null;
        command = null;
        passthroughOf = null;
        passthroughState = null;
    }

    /** A request with no bio: the flush machinery's own flush request (blk-flush.c flush_rq). */
    Request(Op op, int flags, IoPriority priority, int cpu, long now) {
        this.sector = 0;
        this.nrSectors = 0;
        this.op = op;
        this.flags = flags;
        this.priority = priority;
        this.ioprio = priority == IoPriority.NONE ? 0 : IoPriority.value(priority, 0);
        this.cpu = cpu;
        this.tCreated = now;
    }

    /**
     * Physical segments of a bio's data: as its submitter counted them ({@link Bio#segments}:
     * per folio), else one per 4 KiB page it spans (buffers are page-aligned).
     */
    public static int segmentsOf(Bio bio) {
        if (bio.segments > 0 && bio.op.hasData()) {
            return bio.segments;
        }
        return bio.op.hasData() ? (int) ((bio.bytes() + 4095) >>> 12) : bio.op == Op.DISCARD ? 1 : 0;
    }

    /** Bytes the device moves over its host link for this request. */
    public long hostBytes() {
        return hostBytes < 0 ? bytes() : hostBytes;
    }

    public long endSector() {
        return sector + nrSectors;
    }

    public long bytes() {
        return (long) nrSectors << 9;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean isWrite() {
        return op.isWrite();
    }

    /** First bio (the one that created the request or front-merged last). */
    public Bio firstBio() {
        return bioHead;
    }

    public int nrBios() {
        return nrBios;
    }

    /**
     * rq_mergeable (include/linux/blkdev.h): not passthrough (blk_rq_is_passthrough), not a flush, no REQ_NOMERGE/PREFLUSH/FUA, not yet
     * started and not marked unmergeable by a refused merge.
     */
    public boolean mergeable() {
        return op != Op.FLUSH && !op.isPassthrough() && !started && !noMerge && (flags & (Bio.NOMERGE | Bio.PREFLUSH | Bio.FUA)) == 0
                && flushSeq == 0;
    }

    /**
     * Appends {@code bio} at the back: the caller has checked contiguity and limits. A
     * discard adds no segment (ll_new_hw_segment); a multi-range merge sets its count itself.
     */
    public void appendBio(Bio bio) {
        bioTail.next = bio;
        bioTail = bio;
        nrBios++;
        nrSectors += bio.nrSectors;
        nrSegments += op == Op.DISCARD ? 0 : segmentsOf(bio);
    }

    /** Prepends {@code bio} at the front: the caller has checked contiguity and limits. */
    public void prependBio(Bio bio) {
        bio.next = bioHead;
        bioHead = bio;
        nrBios++;
        sector = bio.sector;
        nrSectors += bio.nrSectors;
        nrSegments += op == Op.DISCARD ? 0 : segmentsOf(bio);
    }

    /** Receives one range of a request: its start and length in sectors. */
    @FunctionalInterface
    public interface RangeSink {
        void range(long sector, int nrSectors);
    }

    /**
     * The sector ranges the request covers, one per bio, merged where contiguous: one range
     * for a read or write; for a multi-range discard (max_discard_segments > 1) each range the
     * driver puts in its command (nvme_setup_discard's __rq_for_each_bio), in bio order.
     */
    public void forEachRange(RangeSink sink) {
        if (bioHead == null || op != Op.DISCARD) {
            sink.range(sector, nrSectors);
            return;
        }
        long start = bioHead.sector;
        long end = bioHead.endSector();
        for (Bio b = bioHead.next; b != null; b = b.next) {
            if (b.sector == end) {
                end = b.endSector();
            } else {
                sink.range(start, (int) (end - start));
                start = b.sector;
                end = b.endSector();
            }
        }
        sink.range(start, (int) (end - start));
    }

    /** Appends all bios of {@code other} (request-to-request back merge). */
    public void absorb(Request other) {
        bioTail.next = other.bioHead;
        bioTail = other.bioTail;
        nrBios += other.nrBios;
        nrSectors += other.nrSectors;
        nrSegments += other.nrSegments;
        other.bioHead = null;
        other.bioTail = null;
        other.nrBios = 0;
    }

    /** The owner of the first bio (for accounting and traces), or null. */
    public IoOwner owner() {
        return bioHead == null ? null : bioHead.owner;
    }

    /** Device-side service time not spent queued, on the media or transferring. */
    public long devOverheadNs() {
        return (tCompleted - tDispatched) - devQueueNs - devMediaNs - devTransferNs;
    }

    @Override
    public String toString() {
        return op + " " + sector + " + " + nrSectors;
    }
}
