package io.stacksim.block;

import io.stacksim.engine.LongLongMap;

/**
 * --check's record of what one device holds, per 4 KiB block, as its queue hands requests to it
 * and they complete: the version each block was last written with, and whether that write is on
 * stable media. A write is stable at completion on a device without a volatile write cache, or
 * when it carried REQ_FUA to a device that honours FUA; otherwise once a flush the device
 * received after the write completed has itself completed (blk-flush.c's PREFLUSH semantics:
 * a flush covers what completed before it was issued). Until then the block's stable version is
 * the one it had before. What the device has is decided from its own limits, not from what the
 * layers above assumed, so a flush or FUA lost on the way down shows. Blocks are keyed by the
 * device sector where the top-level bio's 4 KiB block starts, so reads and writes through any
 * stack of md and dm devices meet on the same keys.
 */
final class MediaShadow {
    /** A write that was stable when it completed (FUA, or no volatile cache). */
    private static final long STABLE = Long.MIN_VALUE;

    private final boolean volatileCache;
    private final boolean fua;
    private final LongLongMap version = new LongLongMap(1024);
    /** Completion time of each block's latest write, or STABLE. */
    private final LongLongMap completedAt = new LongLongMap(1024);
    /** The stable version of a block whose latest write is still volatile. */
    private final LongLongMap stableBefore = new LongLongMap(64);
    /** Dispatch time of the latest flush the device completed. */
    private long flushedBefore = Long.MIN_VALUE;
    long flushes;

    MediaShadow(boolean volatileCache, boolean fua) {
        this.volatileCache = volatileCache;
        this.fua = volatileCache && fua;
    }

    /** The device completed {@code rq} (blk_mq_end_request, before its bios end). */
    void completed(Request rq) {
        if (rq.op == Op.FLUSH) {
            if (rq.error == 0) {
                flushes++;
                flushedBefore = Math.max(flushedBefore, rq.tDispatched);
            }
            return;
        }
        if (rq.error != 0 || (rq.op != Op.READ && rq.op != Op.WRITE && rq.op != Op.DISCARD)) {
            return;
        }
        boolean write = rq.op == Op.WRITE;
        long stableAt = !volatileCache || (fua && rq.has(Bio.FUA)) ? STABLE : rq.tCompleted;
        if (rq.op == Op.DISCARD) {
            for (Bio b = rq.bioHead; b != null; b = b.next) {
                discarded(b, stableAt);
            }
            return;
        }
        for (Bio b = rq.bioHead; b != null; b = b.next) {
            if (write) {
                written(b, stableAt);
            } else if (b.shadow != null) {
                read(b);
            }
        }
    }

    private void written(Bio b, long stableAt) {
        DataShadow sh = b.shadow;
        if (sh == null) {
            // A bio --check knows nothing of (RAID-5's stripe writes, a replayed trace): its blocks are unknown.
            long first = b.sector - (b.sector & 7);
            for (long s = first; s < b.endSector(); s += DataShadow.BLOCK_SECTORS) {
                put(s, DataShadow.UNKNOWN, stableAt);
            }
            return;
        }
        long top = sh.sector + b.shadowOffset;
        long base = b.sector - (top & 7); // the device sector of the top-level block holding `top`
        int k0 = (int) ((top >> 3) - (sh.sector >> 3));
        long topEnd = top + b.nrSectors;
        for (int k = 0; (top - (top & 7)) + 8L * k < topEnd; k++) {
            long blockStart = top - (top & 7) + 8L * k;
            boolean whole = blockStart >= top && blockStart + 8 <= topEnd;
            put(base + 8L * k, whole ? sh.versions[k0 + k] : DataShadow.UNKNOWN, stableAt);
        }
    }

    /**
     * A discard ended: what a read of the range returns is the device's rule for deallocated
     * blocks. Every device here that takes discards reads them back as zeroes (NVMe DLFEAT
     * 001b, ATA RZAT, brd's freed pages, loop's punched holes), so a 4 KiB block the discard
     * covers whole holds version 0, the zeroes of a block never written; one it covers in part
     * is unknown (part old data, part zeroes).
     */
    private void discarded(Bio b, long stableAt) {
        long first = b.sector - (b.sector & 7);
        for (long s = first; s < b.endSector(); s += DataShadow.BLOCK_SECTORS) {
            boolean whole = s >= b.sector && s + DataShadow.BLOCK_SECTORS <= b.endSector();
            put(s, whole ? 0 : DataShadow.UNKNOWN, stableAt);
        }
    }

    private void put(long key, long v, long stableAt) {
        long before = stableVersion(key);
        version.put(key, v);
        completedAt.put(key, stableAt);
        if (stableAt == STABLE) {
            stableBefore.remove(key, 0);
        } else {
            stableBefore.put(key, before);
        }
    }

    private void read(Bio b) {
        DataShadow sh = b.shadow;
        long top = sh.sector + b.shadowOffset;
        long base = b.sector - (top & 7);
        int k0 = (int) ((top >> 3) - (sh.sector >> 3));
        long topEnd = top + b.nrSectors;
        for (int k = 0; (top - (top & 7)) + 8L * k < topEnd; k++) {
            sh.versions[k0 + k] = version.get(base + 8L * k, 0);
        }
    }

    /** The version of the block at device sector {@code key} that would survive a power loss now. */
    long stableVersion(long key) {
        long v = version.get(key, 0);
        long at = completedAt.get(key, STABLE);
        if (at == STABLE || at <= flushedBefore) {
            return v;
        }
        return stableBefore.get(key, 0);
    }
}
