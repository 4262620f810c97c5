package io.stacksim.block;

import io.stacksim.device.DeviceLimits;

/**
 * The limits a block target imposes on the I/O sent to it, after the queue's settings are
 * applied: the kernel's {@code struct queue_limits}, as a filesystem reads it through the
 * {@code bdev_*} accessors ({@code bdev_logical_block_size}, {@code bdev_max_segments},
 * {@code bdev_write_cache}, {@code bdev_fua}, {@code bdev_nonrot} ...).
 *
 * @param logicalBlockSize   logical_block_size in bytes: the O_DIRECT alignment
 * @param physicalBlockSize  physical_block_size in bytes, at least the logical one
 * @param maxSectors         max_sectors (512-byte sectors): the largest request built, as
 *                           max_sectors_kb or min(max_hw_sectors, 4 MiB) set it
 * @param maxHwSectors       max_hw_sectors: the largest request the device accepts
 * @param maxSegments        max_segments: scatter-gather entries per request
 * @param maxSegmentSize     max_segment_size in bytes
 * @param volatileWriteCache write_cache: a write-back cache that REQ_PREFLUSH must empty
 * @param fua                the device honours REQ_FUA writes
 * @param rotational         queue/rotational
 * @param maxDiscardSectors  max_discard_sectors (queue/discard_max_bytes / 512): 0 when the
 *                           target has no discard, and a discard bio then ends with EOPNOTSUPP
 *                           (submit_bio_noacct)
 * @param discardGranularity discard_granularity in bytes (queue/discard_granularity)
 * @param maxDiscardSegments max_discard_segments: above 1, discards merge without being
 *                           contiguous, one range per bio (bio_attempt_discard_merge)
 */
public record QueueLimits(int logicalBlockSize, int physicalBlockSize, int maxSectors, int maxHwSectors,
                          int maxSegments, int maxSegmentSize, boolean volatileWriteCache, boolean fua,
                          boolean rotational, long maxDiscardSectors, int discardGranularity,
                          int maxDiscardSegments) {

    /** Limits of a target with no discard. */
    public QueueLimits(int logicalBlockSize, int physicalBlockSize, int maxSectors, int maxHwSectors,
                       int maxSegments, int maxSegmentSize, boolean volatileWriteCache, boolean fua,
                       boolean rotational) {
        this(logicalBlockSize, physicalBlockSize, maxSectors, maxHwSectors, maxSegments, maxSegmentSize,
                volatileWriteCache, fua, rotational, 0, logicalBlockSize, 1);
    }

    /** The same limits with the discard limits replaced. */
    public QueueLimits withDiscard(long maxDiscardSectors, int discardGranularity, int maxDiscardSegments) {
        return new QueueLimits(logicalBlockSize, physicalBlockSize, maxSectors, maxHwSectors, maxSegments,
                maxSegmentSize, volatileWriteCache, fua, rotational, maxDiscardSectors, discardGranularity,
                maxDiscardSegments);
    }

    /** bdev_max_discard_sectors != 0: the target takes discards. */
    public boolean discardSupported() {
        return maxDiscardSectors > 0;
    }

    /**
     * The limits of a queue on a device (block/blk-settings.c blk_validate_limits): max_sectors
     * is min(max_hw_sectors, max_sectors_kb x 2, or BLK_DEF_MAX_SECTORS_CAP = 4 MiB since Linux
     * 6.10 when max_sectors_kb is 0), rounded down to whole logical blocks.
     */
    public static QueueLimits of(DeviceLimits lim, QueueSettings settings) {
        int capSectors = settings.maxSectorsKb() > 0 ? settings.maxSectorsKb() * 2 : 8192;
        int logicalSectors = lim.logicalBlockSize() >> 9;
        int ms = Math.min(lim.maxHwSectors(), capSectors);
        int maxSectors = Math.max(logicalSectors, ms - ms % logicalSectors);
        // blk_validate_limits: max_discard_sectors = min(max_hw_discard_sectors, max_user_discard_sectors),
        // the user's (queue/discard_max_bytes) being UINT_MAX unless written.
        return new QueueLimits(lim.logicalBlockSize(), Math.max(lim.logicalBlockSize(), lim.physicalBlockSize()),
                maxSectors, lim.maxHwSectors(), lim.maxSegments(), lim.maxSegmentSize(), lim.volatileWriteCache(),
                lim.fua(), lim.rotational(), lim.maxHwDiscardSectors(), lim.discardGranularity(),
                lim.maxDiscardSegments());
    }

    /** bdi->io_pages: the largest read in pages (max_sectors / 8). */
    public int ioPages() {
        return maxSectors >> 3;
    }
}
