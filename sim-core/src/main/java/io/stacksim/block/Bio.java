package io.stacksim.block;

/**
 * A block I/O: a contiguous range of 512-byte sectors, an operation and flags, as
 * {@code struct bio} in the kernel. A bio either becomes a request or merges into one.
 * Bios of one request are chained through {@link #next} (the kernel's {@code bi_next}).
 */
public final class Bio {
    /** REQ_SYNC: the submitter waits for it. */
    public static final int SYNC = 1;
    /** REQ_FUA: force unit access, the write reaches stable media before completion. */
    public static final int FUA = 1 << 1;
    /** REQ_PREFLUSH: flush the device's volatile cache before this write. */
    public static final int PREFLUSH = 1 << 2;
    /** REQ_META: filesystem metadata. */
    public static final int META = 1 << 3;
    /** REQ_RAHEAD: readahead, may fail without harm. */
    public static final int RAHEAD = 1 << 4;
    /** REQ_NOMERGE: never merge this bio. */
    public static final int NOMERGE = 1 << 5;
    /** REQ_IDLE: the submitter has no more I/O to follow soon. */
    public static final int IDLE = 1 << 6;
    /** REQ_BACKGROUND: background (or periodic) writeback (wbc_to_write_flags). */
    public static final int BACKGROUND = 1 << 7;

    /** First sector; an emulated zone append is moved to its zone's write pointer (blk-zoned.c). */
    public long sector;
    public int nrSectors;
    /** The operation; an emulated zone append runs as a WRITE and is a ZONE_APPEND again at its end. */
    public Op op;
    public int flags;
    /** The I/O priority class ({@link IoPriority#classOf} of {@link #ioprio}), as schedulers sort by it. */
    public IoPriority priority;
    /** bi_ioprio: the whole IOPRIO_PRIO_VALUE(class, level) (requests merge only with the same one). */
    public int ioprio;
    /** Who issued it, for per-task accounting (a task or the kernel); may be null. */
    public IoOwner owner;
    /** Called once, in completion context, when the bio's data is done. */
    public BioEndIo endIo;

    /**
     * Physical segments of the data (scatter-gather entries) when the submitter knows them:
     * the page cache's bios have one bio_vec per folio, each up to max_segment_size a
     * segment. 0 = one per 4 KiB page (user buffers, order-0 pages).
     */
    public int segments;

    /** Next bio of the same request. */
    Bio next;
    /** Next bio waiting for a request (the tag wait queue). */
    Bio waitNext;
    /** True once the bio has tried to merge (a bio queued behind a sleeping submitter has not). */
    boolean mergeTried;
    /** --check's stand-in for the bio's data (null when the run is not checked, or nothing is tracked). */
    public DataShadow shadow;
    /** Sectors from the start of {@link #shadow}'s top-level bio to this bio's first sector. */
    public int shadowOffset;
    /** --check's view of the bio: 0 unseen, 1 in flight, 2 ended (BlockChecks). */
    byte checkState;
    /** When it started waiting for a request. */
    long tWaitStart;
    /** BIO_BPS_THROTTLED: passed every blk-throttle bps limit (its split pieces count iops only). */
    boolean bpsThrottled;
    /** BIO_TG_BPS_THROTTLED: charged to the bps limit of the group it waits in. */
    boolean tgBpsThrottled;
    /** A piece of a split bio, resubmitted past the split (blk-throttle releases it there). */
    boolean splitPiece;
    /** When blk-throttle started holding it. */
    long tThrottled;

    /** Time of submit_bio (blktrace Q). */
    public long tQueued;
    /** Time the request carrying it was dispatched to the driver (D). */
    public long tDispatched;
    /** Time the device completed the request (C). */
    public long tCompleted;
    /** Device-side split of [D, C] reported by the device model. */
    public long devQueueNs;
    public long devMediaNs;
    public long devTransferNs;
    /** Error code: 0 or a negative errno. */
    /**
     * For a passthrough bio ({@link Op#isPassthrough}): the command it carries to the device
     * (blk_rq_map_user's bio holds the data; the command is the request's). Null otherwise.
     */
    public io.stacksim.device.DeviceCommand command;
    /** For a passthrough bio: blk_execute_rq's at_head (BLK_MQ_INSERT_AT_HEAD). */
    public boolean atHead;
    /** For a passthrough bio: the device's failure (SCSI sense, NVMe status), or null. */
    public String sense;
    public int error;
    /** A zone append's result: the first sector its data was written at (-1 before it completes). */
    public long writtenSector = -1;
    /** BIO_ZONE_WRITE_PLUGGING: it went through its zone's write plug (blk-zoned.c). */
    boolean zoneWritePlugging;
    /** BIO_EMULATES_ZONE_APPEND: a zone append running as a regular write at the write pointer. */
    boolean emulatesZoneAppend;

    public Bio(long sector, int nrSectors, Op op, int flags, IoPriority priority, IoOwner owner, BioEndIo endIo) {
        this(sector, nrSectors, op, flags, priority == IoPriority.NONE ? 0 : IoPriority.value(priority, 0), owner, endIo);
    }

    /**
     * A bio with a whole I/O priority value, as a kiocb's ki_ioprio gives a direct I/O's bios
     * (an aio iocb with IOCB_FLAG_IOPRIO, an io_uring SQE's ioprio: fio's cmdprio options).
     * Class NONE (0) means the submitter's.
     */
    public Bio(long sector, int nrSectors, Op op, int flags, int ioprio, IoOwner owner, BioEndIo endIo) {
        set(sector, nrSectors, op, flags, ioprio, owner, endIo);
    }

    private void set(long sector, int nrSectors, Op op, int flags, int ioprio, IoOwner owner, BioEndIo endIo) {
        // A data bio has data, except the empty REQ_PREFLUSH write of blkdev_issue_flush.
        if (sector < 0 || nrSectors < 0 || (op.hasData() && nrSectors == 0 && (flags & PREFLUSH) == 0)) {
            throw new IllegalArgumentException("bad bio: sector " + sector + " + " + nrSectors + " " + op);
        }
        this.sector = sector;
        this.nrSectors = nrSectors;
        this.op = op;
        this.flags = flags;
        // bio_set_ioprio (block/blk-mq.c): a bio without a class takes its submitter's
        // io_context ioprio (get_current_ioprio; IOPRIO_DEFAULT, class NONE, when unset)
        this.ioprio = IoPriority.classOf(ioprio) == IoPriority.NONE && owner != null ? owner.ioprio() : ioprio;
        this.priority = IoPriority.classOf(this.ioprio);
        this.owner = owner;
        this.endIo = endIo;
    }

    /**
     * bio_init on a bio its owner keeps for reuse (a bio_set's per-CPU cache, block/bio.c
     * bio_alloc_cache): the bio as {@link #Bio(long, int, Op, int, int, IoOwner, BioEndIo)}
     * makes it. Only its owner may call this, once nothing else holds the bio: it has ended and
     * whoever read its timing (fio reaping the iocb that carried it) is done with it. A field
     * added to this class must be reset here too (ReusedRequestAndBioTest compares with a new bio).
     */
    public void reinit(long sector, int nrSectors, Op op, int flags, int ioprio, IoOwner owner, BioEndIo endIo) {
        set(sector, nrSectors, op, flags, ioprio, owner, endIo);
        segments = 0;
        next = null;
        waitNext = null;
        mergeTried = false;
        shadow = null;
        shadowOffset = 0;
        checkState = 0;
        tWaitStart = 0;
        bpsThrottled = false;
        tgBpsThrottled = false;
        splitPiece = false;
        tThrottled = 0;
        tQueued = 0;
        tDispatched = 0;
        tCompleted = 0;
        devQueueNs = 0;
        devMediaNs = 0;
        devTransferNs = 0;
        command = null;
        atHead = false;
        sense = null;
        error = 0;
        writtenSector = -1;
        zoneWritePlugging = false;
        emulatesZoneAppend = false;
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

    /**
     * bio_mergeable (include/linux/blk_types.h REQ_NOMERGE_FLAGS): a bio carrying REQ_NOMERGE,
     * REQ_PREFLUSH or REQ_FUA never merges, nor does one without data other than a discard, nor a
     * zone append (StackSim keeps one per request so that each learns its own written sector).
     */
    public boolean mergeable() {
        return (flags & (NOMERGE | PREFLUSH | FUA)) == 0 && (op == Op.READ || op == Op.WRITE || op == Op.DISCARD);
    }

    @Override
    public String toString() {
        return op + " " + sector + " + " + nrSectors;
    }
}
