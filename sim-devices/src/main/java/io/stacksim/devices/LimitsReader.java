package io.stacksim.devices;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.device.DeviceLimits;

/** Reads the queue limits every device profile states (capacity, block sizes, depth, segments). */
public final class LimitsReader {
    static final Tunable<Long> CAPACITY = Tunable.size("capacity", 1L << 30, 4096, Long.MAX_VALUE)
            .help("user capacity");
    static final Tunable<Long> LOGICAL_BLOCK_SIZE = Tunable.size("logical_block_size", 512, 512, 65536)
            .help("logical_block_size, a power of two: the O_DIRECT alignment");
    static final Tunable<Long> PHYSICAL_BLOCK_SIZE = Tunable.size("physical_block_size", 512, 512, 1 << 20)
            .shownDefault("logical_block_size").range(">= logical_block_size .. 1m")
            .help("physical_block_size: splits align to it");
    static final Tunable<Integer> QUEUE_DEPTH = Tunable.integer("queue_depth", 32, 1, 65535)
            .help("commands the device takes at a time per hardware queue (the block layer's dispatch budget)");
    static final Tunable<Integer> HW_QUEUES = Tunable.integer("hw_queues", 1, 1, 1024)
            .help("hardware queues (NVMe queue pairs; 1 for AHCI)");
    static final Tunable<Long> MAX_HW_SECTORS_KB = Tunable.size("max_hw_sectors_kb", 1024, 1, 1L << 31)
            .shownDefault("1024").range("1 .. 2147483648 (KiB)")
            .help("max_hw_sectors_kb: the largest request the device accepts, in KiB");
    static final Tunable<Integer> MAX_SEGMENTS = Tunable.integer("max_segments", 128, 1, 65535)
            .help("scatter-gather entries per request");
    static final Tunable<Long> MAX_SEGMENT_SIZE = Tunable.size("max_segment_size", 65536, 512, 1L << 31)
            .help("bytes per scatter-gather entry");
    static final Tunable<Boolean> ROTATIONAL = Tunable.flag("rotational", false).help("queue/rotational");
    static final Tunable<Boolean> WRITE_CACHE = Tunable.flag("write_cache", false)
            .help("a volatile write-back cache that flushes must empty (queue/write_cache)");
    static final Tunable<Boolean> FUA = Tunable.flag("fua", false).help("the device honours FUA writes");

    /** The parameters every block device profile has. */
    public static final ConfigSection SECTION = ConfigSection.of("device", "Every block device's queue limits (`device`)",
            CAPACITY, LOGICAL_BLOCK_SIZE, PHYSICAL_BLOCK_SIZE, QUEUE_DEPTH, HW_QUEUES, MAX_HW_SECTORS_KB, MAX_SEGMENTS,
            MAX_SEGMENT_SIZE, ROTATIONAL, WRITE_CACHE, FUA)
            .intro("What a device tells the block layer about itself (its queue/ in sysfs); every profile sets"
                    + " them, any can be overridden under `device`.");

    private LimitsReader() {
    }

    /** Reads {@code capacity}, {@code logical_block_size}, ... from a profile's parameters. */
    public static DeviceLimits read(ConfigNode p) {
        long capacity = CAPACITY.read(p);
        int lbs = (int) (long) LOGICAL_BLOCK_SIZE.read(p);
        int pbs = (int) p.size(PHYSICAL_BLOCK_SIZE.name(), lbs, lbs, 1 << 20);
        if (Integer.bitCount(lbs) != 1) {
            throw LOGICAL_BLOCK_SIZE.error(p, "must be a power of two");
        }
        return DeviceLimits.builder(capacity >> 9)
                .logicalBlockSize(lbs)
                .physicalBlockSize(pbs)
                .queueDepth(QUEUE_DEPTH.read(p))
                .hwQueues(HW_QUEUES.read(p))
                .maxHwSectors((int) (long) MAX_HW_SECTORS_KB.read(p) * 2)
                .maxSegments(MAX_SEGMENTS.read(p))
                .maxSegmentSize((int) (long) MAX_SEGMENT_SIZE.read(p))
                .rotational(ROTATIONAL.read(p))
                .volatileWriteCache(WRITE_CACHE.read(p))
                .fua(FUA.read(p))
                .build();
    }
}
