package io.stacksim.devices.stacked;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.DiskStats;
import io.stacksim.block.IoOwner;
import io.stacksim.block.Op;
import io.stacksim.block.QueueLimits;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.List;

/**
 * A bio-based block device stacked on other block targets, as md and device-mapper are: it has
 * no request queue of its own (no plug, merge, scheduler or tags; its {@code submit_bio} runs in
 * the submitter's context), and remaps each bio onto its members' targets, whose own queues do
 * the rest. This class does what md_submit_bio and dm_submit_bio share: the range checks, the
 * split of a bio at the device's boundaries (chunks, targets; and for md the queue limits,
 * bio_split_to_limits), the accounting of each piece in the device's own diskstats
 * (md_account_bio, dm_start_io_acct), REQ_PREFLUSH sent to every member
 * (md_flush_request; dm's __send_empty_flush), and the end of a bio once all its member bios
 * have ended ({@link BioChain}). A driver supplies {@link #boundary} and {@link #map}.
 */
public abstract class BioBasedDevice implements BlockTarget {
    /** VM_READAHEAD_PAGES: 128 KiB, the least readahead a stacked device gets (blk_apply_bdi_limits). */
    static final int VM_READAHEAD_PAGES = 32;

    protected final Simulator sim;
    private final String name;
    /** The member devices, in the order the driver numbers them (raid_disk, table order). */
    protected final List<BlockTarget> members;
    private final long capacitySectors;
    private final QueueLimits limits;
    private final int readAheadPages;
    private final boolean splitToLimits;
    private final boolean flushBeforeData;
    /** The device's own /proc/diskstats line. */
    protected final DiskStats diskStats = new DiskStats();
    private long splits;

    /**
     * @param splitToLimits   bio_split_to_limits on entry (md_submit_bio); dm splits at its targets' max_io_len only
     * @param flushBeforeData a REQ_PREFLUSH bio's data waits for the members' flushes (dm); md sends both at once
     * @param ioOptBytes      io_opt, whose double is the readahead window if above 128 KiB (blk_apply_bdi_limits)
     */
    protected BioBasedDevice(Simulator sim, String name, List<BlockTarget> members, long capacitySectors,
                             QueueLimits limits, long ioOptBytes, boolean splitToLimits, boolean flushBeforeData) {
        this.sim = sim;
        this.name = name;
        this.members = List.copyOf(members);
        this.capacitySectors = capacitySectors;
        this.limits = limits;
        this.readAheadPages = (int) Math.max(VM_READAHEAD_PAGES, ioOptBytes * 2 / 4096);
        this.splitToLimits = splitToLimits;
        this.flushBeforeData = flushBeforeData;
    }

    /**
     * blk_stack_limits over {@code members}: the largest block sizes, the smallest transfer
     * limits (max_hw_sectors further capped at {@code maxHwSectors}, 0 for none), and a volatile
     * cache, FUA or rotation if any member has it (BLK_FEAT_INHERIT_MASK).
     */
    protected static QueueLimits stackLimits(List<BlockTarget> members, int maxHwSectors) {
        int lbs = 512;
        int pbs = 512;
        int maxSectors = Integer.MAX_VALUE;
        int maxHw = maxHwSectors > 0 ? maxHwSectors : Integer.MAX_VALUE;
        int segs = Integer.MAX_VALUE;
        int segSize = Integer.MAX_VALUE;
        boolean wc = false;
        boolean fua = false;
        boolean rot = false;
        for (BlockTarget m : members) {
            QueueLimits l = m.limits();
            lbs = Math.max(lbs, l.logicalBlockSize());
            pbs = Math.max(pbs, l.physicalBlockSize());
            maxSectors = Math.min(maxSectors, l.maxSectors());
            maxHw = Math.min(maxHw, l.maxHwSectors());
            segs = Math.min(segs, l.maxSegments());
            segSize = Math.min(segSize, l.maxSegmentSize());
            wc |= l.volatileWriteCache();
            fua |= l.fua();
            rot |= l.rotational();
        }
        maxSectors = Math.min(maxSectors, maxHw);
        int lbsSectors = lbs >> 9;
        maxSectors = Math.max(lbsSectors, maxSectors - maxSectors % lbsSectors);
        // Discards: the smallest max_discard_sectors and max_discard_segments, the largest
        // granularity (blk_stack_limits), and none unless every member takes them
        // (dm_table_supports_discards; md likewise here).
        long maxDiscard = Long.MAX_VALUE;
        int gran = lbs;
        int discardSegs = Integer.MAX_VALUE;
        for (BlockTarget m : members) {
            QueueLimits l = m.limits();
            maxDiscard = Math.min(maxDiscard, l.maxDiscardSectors());
            gran = Math.max(gran, l.discardGranularity());
            discardSegs = Math.min(discardSegs, l.maxDiscardSegments());
        }
        if (members.isEmpty() || maxDiscard == Long.MAX_VALUE) {
            maxDiscard = 0;
        }
        return new QueueLimits(lbs, pbs, maxSectors, maxHw, segs, segSize, wc, fua, rot, maxDiscard,
                maxDiscard > 0 ? gran : lbs, discardSegs == Integer.MAX_VALUE ? 1 : discardSegs);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long capacitySectors() {
        return capacitySectors;
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    @Override
    public int readAheadPages() {
        return readAheadPages;
    }

    /** The member devices. */
    public List<BlockTarget> members() {
        return members;
    }

    /** The device's own diskstats (one I/O per piece it maps). */
    public DiskStats diskStats() {
        return diskStats;
    }

    /**
     * Sectors from {@code sector} to the next point a bio must be split at (a chunk or target
     * boundary), for a bio of {@code op}; {@code Long.MAX_VALUE} when there is none.
     */
    protected abstract long boundary(long sector, Op op);

    /**
     * Maps the piece [{@code sector}, +{@code nrSectors}) of {@code bio} (which lies within one
     * boundary) onto members: each member bio is made with {@code part.child(...)} and submitted
     * to its member's target.
     */
    protected abstract void map(Bio bio, long sector, int nrSectors, int flags, BioChain part);

    @Override
    public final void submitBio(Bio bio) {
        bio.tQueued = sim.now();
        if (bio.endSector() > capacitySectors) {
            throw new IllegalArgumentException("bio beyond end of device " + name + ": " + bio);
        }
        int lbs = limits.logicalBlockSize() >> 9;
        if (bio.op.hasData() && (bio.sector % lbs != 0 || bio.nrSectors % lbs != 0)) {
            throw new IllegalArgumentException("bio not aligned to the logical block size of " + name + ": " + bio);
        }
        if (bio.op == Op.DISCARD && !limits.discardSupported()) {
            // submit_bio_noacct: no max_discard_sectors -> BLK_STS_NOTSUPP, before any accounting.
            bio.error = -95; // EOPNOTSUPP
            bio.tCompleted = sim.now();
            bio.endIo.endIo(bio);
            return;
        }
        BioChain top = BioChain.of(sim, bio);
        int flags = bio.flags;
        if (bio.has(Bio.PREFLUSH)) {
            flags &= ~Bio.PREFLUSH;
            if (bio.nrSectors > 0 && flushBeforeData) {
                // dm: __send_empty_flush, then dm_io_complete requeues the data without PREFLUSH.
                BioChain flushes = BioChain.of(sim, new Bio(0, 0, Op.WRITE, Bio.SYNC | Bio.PREFLUSH, bio.priority,
                        bio.owner, b -> mapData(bio, bio.flags & ~Bio.PREFLUSH, top)));
                flushMembers(bio, flushes);
                flushes.put();
                return;
            }
            flushMembers(bio, top);
            if (bio.nrSectors == 0) {
                top.put();
                return;
            }
        }
        mapData(bio, flags, top);
    }

    /** md_flush_request: an empty REQ_PREFLUSH bio to every member, chained to {@code chain}. */
    private void flushMembers(Bio bio, BioChain chain) {
        for (BlockTarget m : members) {
            m.submitBio(chain.child(0, 0, Op.WRITE, Bio.SYNC | Bio.PREFLUSH, bio));
        }
    }

    /** The data of {@code bio} in pieces within the boundaries (and the limits), each accounted and mapped. */
    private void mapData(Bio bio, int flags, BioChain top) {
        long s = bio.sector;
        long end = bio.endSector();
        while (s < end) {
            long n = Math.min(end - s, boundary(s, bio.op));
            if (splitToLimits) {
                // bio_split_to_limits: a discard at max_discard_sectors (bio_split_discard), data at max_sectors.
                n = Math.min(n, bio.op == Op.DISCARD ? discardSplit() : limits.maxSectors());
            }
            if (s + n < end) {
                splits++;
            }
            BioChain part = top.part(diskStats, bio.op, (int) n, s);
            map(bio, s, (int) n, flags, part);
            part.put();
            s += n;
        }
        top.put();
    }

    /** bio_split_discard's cut: max_discard_sectors within UINT_MAX bytes, in whole granules. */
    private long discardSplit() {
        long max = Math.min(limits.maxDiscardSectors(), 0xffffffffL >>> 9);
        long gran = Math.max(limits.discardGranularity() >> 9, 1);
        return Math.max(gran, max - max % gran);
    }

    /**
     * Where a write of the 4 KiB block at {@code sector} lands: each member copy as (member
     * index, member sector), the same mapping {@link #map} applies, for --check's
     * {@link #stableVersion}.
     */
    protected abstract void writeCopies(long sector, CopySink sink);

    /** One copy of a block on a member. */
    @FunctionalInterface
    protected interface CopySink {
        void copy(int member, long memberSector);
    }

    /** The oldest stable version over every member copy of the block (md_flush_request must reach them all). */
    @Override
    public long stableVersion(long sector) {
        long[] oldest = {Long.MAX_VALUE};
        writeCopies(sector, (m, s) -> oldest[0] = Math.min(oldest[0], members.get(m).stableVersion(s)));
        return oldest[0] == Long.MAX_VALUE ? io.stacksim.block.DataShadow.UNKNOWN : oldest[0];
    }

    @Override
    public String unstableCopies(long sector, long version) {
        StringBuilder sb = new StringBuilder();
        writeCopies(sector, (m, s) -> {
            String c = members.get(m).unstableCopies(s, version);
            if (!c.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : "; ").append(c);
            }
        });
        return sb.toString();
    }

    @Override
    public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
        return BlockTarget.whenAllAllocated(members, 0, owner, then);
    }

    /**
     * Registers the device's diskstats and iostat columns under its name
     * ({@code diskstats.md0.read.ios}) and its own counters.
     */
    public void registerStats(Stats stats) {
        Stats mine = stats.under(name);
        diskStats.register(mine, sim::now);
        mine.counter(kind() + ".splits", () -> splits);
        for (BlockTarget m : members) {
            if (!(m instanceof MissingMember)) {
                mine.counter(kind() + ".member." + m.name(), () -> 1); // /sys/block/NAME/slaves, for fio's disk_util
            }
        }
        registerOwnStats(mine, kind() + ".");
    }

    /** "md" or "dm": the prefix of the driver's own statistics. */
    protected abstract String kind();

    /** The driver's own counters, named after {@code prefix} (e.g. "md."). */
    protected void registerOwnStats(Stats stats, String prefix) {
    }

    /** Forgets the statistics so far (end of warm-up). */
    public void resetStats() {
        diskStats.reset(sim.now());
        splits = 0;
    }
}
