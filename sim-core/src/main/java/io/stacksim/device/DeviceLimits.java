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
 * @param maxHwDiscardSectors max_hw_discard_sectors (queue/discard_max_hw_bytes / 512): the
 *                           largest discard the device takes; 0 when it has no discard (TRIM,
 *                           Deallocate) at all, and the block layer then fails discards with
 *                           EOPNOTSUPP
 * @param discardGranularity discard_granularity in bytes: the unit the device frees in
 * @param maxDiscardSegments max_discard_segments: ranges one discard command carries (NVMe's
 *                           Dataset Management takes up to 256; SCSI UNMAP via sd, 1)
 */
public record DeviceLimits(long capacitySectors, int logicalBlockSize, int physicalBlockSize,
                           int queueDepth, int hwQueues, int maxHwSectors, int maxSegments,
                           int maxSegmentSize, boolean rotational, boolean volatileWriteCache,
                           boolean fua, int tagDepth, long maxHwDiscardSectors, int discardGranularity,
                           int maxDiscardSegments) {
    /** UINT_MAX: the largest max_hw_discard_sectors a driver states (nvme_config_discard with DSM). */
    public static final long UINT_MAX = 0xffffffffL;

    public DeviceLimits {
        if (capacitySectors <= 0 || logicalBlockSize < 512 || Integer.bitCount(logicalBlockSize) != 1
                || queueDepth < 1 || hwQueues < 1 || maxHwSectors < 1 || maxSegments < 1 || maxSegmentSize < 512
                || tagDepth < queueDepth || maxHwDiscardSectors < 0 || maxHwDiscardSectors > UINT_MAX
                || maxDiscardSegments < 1 || maxDiscardSegments > 65535
                || (maxHwDiscardSectors > 0 && (discardGranularity < logicalBlockSize
                        || discardGranularity % logicalBlockSize != 0))) {
            throw new IllegalArgumentException("impossible device limits: " + this);
        }
    }

    /** Limits of a device with no discard (max_hw_discard_sectors 0). */
    public DeviceLimits(long capacitySectors, int logicalBlockSize, int physicalBlockSize,
                        int queueDepth, int hwQueues, int maxHwSectors, int maxSegments,
                        int maxSegmentSize, boolean rotational, boolean volatileWriteCache,
                        boolean fua, int tagDepth) {
        this(capacitySectors, logicalBlockSize, physicalBlockSize, queueDepth, hwQueues, maxHwSectors, maxSegments,
                maxSegmentSize, rotational, volatileWriteCache, fua, tagDepth, 0, logicalBlockSize, 1);
    }

    /** The same limits with the discard limits replaced ({@code maxHwDiscardSectors} 0: no discard). */
    public DeviceLimits withDiscard(long maxHwDiscardSectors, int discardGranularity, int maxDiscardSegments) {
        return new DeviceLimits(capacitySectors, logicalBlockSize, physicalBlockSize, queueDepth, hwQueues,
                maxHwSectors, maxSegments, maxSegmentSize, rotational, volatileWriteCache, fua, tagDepth,
                maxHwDiscardSectors, discardGranularity, maxDiscardSegments);
    }

    public long capacityBytes() {
        return capacitySectors << 9;
    }

    /**
     * Limits built field by field, so a call site reads by name. Unset fields take the block
     * layer's defaults (block/blk-settings.c blk_set_default_limits): 512-byte logical blocks,
     * a physical block of the logical size, BLK_MAX_SEGMENTS (128) segments of at most
     * BLK_MAX_SEGMENT_SIZE (64 KiB), BLK_SAFE_MAX_SECTORS (255) per request; one hardware queue
     * of depth 1, non-rotational, no volatile cache, no FUA, and a tag depth equal to the queue
     * depth.
     */
    public static Builder builder(long capacitySectors) {
        return new Builder(capacitySectors);
    }

    /** Builds {@link DeviceLimits} by field name; see {@link #builder}. */
    public static final class Builder {
        private final long capacitySectors;
        private int logicalBlockSize = 512;
        private int physicalBlockSize;
        private int queueDepth = 1;
        private int hwQueues = 1;
        private int maxHwSectors = 255;
        private int maxSegments = 128;
        private int maxSegmentSize = 65536;
        private boolean rotational;
        private boolean volatileWriteCache;
        private boolean fua;
        private int tagDepth;
        private long maxHwDiscardSectors;
        private int discardGranularity;
        private int maxDiscardSegments = 1;

        private Builder(long capacitySectors) {
            this.capacitySectors = capacitySectors;
        }

        public Builder logicalBlockSize(int bytes) {
            this.logicalBlockSize = bytes;
            return this;
        }

        /** Default: the logical block size. */
        public Builder physicalBlockSize(int bytes) {
            this.physicalBlockSize = bytes;
            return this;
        }

        public Builder queueDepth(int depth) {
            this.queueDepth = depth;
            return this;
        }

        public Builder hwQueues(int n) {
            this.hwQueues = n;
            return this;
        }

        /** max_hw_sectors in 512-byte sectors (max_hw_sectors_kb x 2). */
        public Builder maxHwSectors(int sectors) {
            this.maxHwSectors = sectors;
            return this;
        }

        public Builder maxSegments(int n) {
            this.maxSegments = n;
            return this;
        }

        public Builder maxSegmentSize(int bytes) {
            this.maxSegmentSize = bytes;
            return this;
        }

        public Builder rotational(boolean rotational) {
            this.rotational = rotational;
            return this;
        }

        public Builder volatileWriteCache(boolean cache) {
            this.volatileWriteCache = cache;
            return this;
        }

        public Builder fua(boolean fua) {
            this.fua = fua;
            return this;
        }

        /** Driver tags per hardware queue; default: the queue depth. */
        public Builder tagDepth(int depth) {
            this.tagDepth = depth;
            return this;
        }

        /**
         * Discard support: max_hw_discard_sectors (0: none), discard_granularity in bytes (0: the
         * logical block size) and max_discard_segments. Default: no discard.
         */
        public Builder discard(long maxHwDiscardSectors, int granularityBytes, int maxDiscardSegments) {
            this.maxHwDiscardSectors = maxHwDiscardSectors;
            this.discardGranularity = granularityBytes;
            this.maxDiscardSegments = maxDiscardSegments;
            return this;
        }

        public DeviceLimits build() {
            return new DeviceLimits(capacitySectors, logicalBlockSize,
                    physicalBlockSize > 0 ? physicalBlockSize : logicalBlockSize, queueDepth, hwQueues, maxHwSectors,
                    maxSegments, maxSegmentSize, rotational, volatileWriteCache, fua,
                    tagDepth > 0 ? tagDepth : queueDepth, maxHwDiscardSectors,
                    discardGranularity > 0 ? discardGranularity : logicalBlockSize, maxDiscardSegments);
        }
    }
}
