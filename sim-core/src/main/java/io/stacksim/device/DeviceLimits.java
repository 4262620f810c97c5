package io.stacksim.device;

/**
 * What a device tells the block layer about itself (queue/ in sysfs).
 *
 * @param capacitySectors    capacity in 512-byte sectors
 * @param logicalBlockSize   logical_block_size in bytes (O_DIRECT alignment)
 * @param physicalBlockSize  physical_block_size in bytes
 * @param queueDepth         the device's queue depth per hardware queue: commands it takes at a
 *                           time (a SCSI device's queue_depth, the block layer's dispatch budget)
 * @param hwQueues           number of hardware queues (NVMe queue pairs; 1 for AHCI)
 * @param maxHwSectors       max_hw_sectors_kb x 2: largest request the device accepts
 * @param maxSegments        max_segments: scatter-gather entries per request
 * @param maxSegmentSize     max_segment_size in bytes
 * @param rotational         queue/rotational
 * @param volatileWriteCache a write-back cache that flushes must empty (queue/write_cache)
 * @param fua                the device honours FUA writes
 * @param tagDepth           driver tags per hardware queue (the tag set's depth: a SCSI host's
 *                           can_queue), at least {@code queueDepth}; requests holding a tag beyond
 *                           the device's queue depth wait in the block layer for dispatch budget
 */
public record DeviceLimits(long capacitySectors, int logicalBlockSize, int physicalBlockSize,
                           int queueDepth, int hwQueues, int maxHwSectors, int maxSegments,
                           int maxSegmentSize, boolean rotational, boolean volatileWriteCache,
                           boolean fua, int tagDepth) {
    public DeviceLimits {
        if (capacitySectors <= 0 || logicalBlockSize < 512 || Integer.bitCount(logicalBlockSize) != 1
                || queueDepth < 1 || hwQueues < 1 || maxHwSectors < 1 || maxSegments < 1 || maxSegmentSize < 512
                || tagDepth < queueDepth) {
            throw new IllegalArgumentException("impossible device limits: " + this);
        }
    }

    /** Limits whose tag depth is the device's queue depth (every tag can be dispatched). */
    public DeviceLimits(long capacitySectors, int logicalBlockSize, int physicalBlockSize,
                        int queueDepth, int hwQueues, int maxHwSectors, int maxSegments,
                        int maxSegmentSize, boolean rotational, boolean volatileWriteCache, boolean fua) {
        this(capacitySectors, logicalBlockSize, physicalBlockSize, queueDepth, hwQueues, maxHwSectors, maxSegments,
                maxSegmentSize, rotational, volatileWriteCache, fua, queueDepth);
    }

    public long capacityBytes() {
        return capacitySectors << 9;
    }
}
