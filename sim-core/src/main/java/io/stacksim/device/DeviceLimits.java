package io.stacksim.device;

/**
 * What a device tells the block layer about itself (queue/ in sysfs).
 *
 * @param capacitySectors    capacity in 512-byte sectors
 * @param logicalBlockSize   logical_block_size in bytes (O_DIRECT alignment)
 * @param physicalBlockSize  physical_block_size in bytes
 * @param queueDepth         hardware queue depth: driver tags per hardware queue
 * @param hwQueues           number of hardware queues (NVMe queue pairs; 1 for AHCI)
 * @param maxHwSectors       max_hw_sectors_kb x 2: largest request the device accepts
 * @param maxSegments        max_segments: scatter-gather entries per request
 * @param maxSegmentSize     max_segment_size in bytes
 * @param rotational         queue/rotational
 * @param volatileWriteCache a write-back cache that flushes must empty (queue/write_cache)
 * @param fua                the device honours FUA writes
 */
public record DeviceLimits(long capacitySectors, int logicalBlockSize, int physicalBlockSize,
                           int queueDepth, int hwQueues, int maxHwSectors, int maxSegments,
                           int maxSegmentSize, boolean rotational, boolean volatileWriteCache,
                           boolean fua) {
    public DeviceLimits {
        if (capacitySectors <= 0 || logicalBlockSize < 512 || Integer.bitCount(logicalBlockSize) != 1
                || queueDepth < 1 || hwQueues < 1 || maxHwSectors < 1 || maxSegments < 1 || maxSegmentSize < 512) {
            throw new IllegalArgumentException("impossible device limits: " + this);
        }
    }

    public long capacityBytes() {
        return capacitySectors << 9;
    }
}
