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
    static final Tunable<Long> DISCARD_MAX_HW_BYTES = Tunable.size("discard_max_hw_bytes", 0, 0, DeviceLimits.UINT_MAX << 9)
            .shownDefault("the kind's: nvme 2 TiB - 512 (UINT_MAX sectors), sata-ssd 2147450880, ram 4294966784, else 0")
            .help("queue/discard_max_hw_bytes: the largest discard (TRIM, Deallocate) the device takes; 0 = none"
                    + " (discards fail with EOPNOTSUPP)");
    static final Tunable<Long> DISCARD_GRANULARITY = Tunable.size("discard_granularity", 0, 0, 1L << 30)
            .shownDefault("the kind's: nvme the logical block, sata-ssd the physical block, ram 4096")
            .help("queue/discard_granularity: the unit the device frees in (0 = the kind's)");
    static final Tunable<Integer> MAX_DISCARD_SEGMENTS = Tunable.integer("max_discard_segments", 0, 0, 65535)
            .shownDefault("the kind's: nvme 256 (NVME_DSM_MAX_RANGES), else 1")
            .help("queue/max_discard_segments: ranges one discard command carries (0 = the kind's)");

    /**
     * What a kind of device states for discards when the profile does not say (the drivers'
     * settings): {@code maxHwBytes} 0 for none; {@code granularity} 0 for the logical block,
     * -1 for the physical block.
     */
    public record DiscardDefaults(long maxHwBytes, int granularity, int maxSegments) {
        /** No discard: an HDD, a zoned device, a generic latency device (max_discard_sectors 0). */
        public static final DiscardDefaults NONE = new DiscardDefaults(0, 0, 1);
        /**
         * NVMe with ONCS.DSM (drivers/nvme/host/core.c nvme_config_discard): UINT_MAX sectors,
         * granularity the logical block, NVME_DSM_MAX_RANGES = 256 ranges per Dataset Management
         * command.
         */
        public static final DiscardDefaults NVME = new DiscardDefaults(DeviceLimits.UINT_MAX << 9, 0, 256);
        /**
         * A SATA SSD through libata and sd (WRITE SAME(16) with UNMAP translated to DSM TRIM):
         * libata's VPD page B0 states 65535 x ATA_MAX_TRIM_RNUM (64) blocks = 4194240 sectors;
         * sd_config_discard takes the physical block as the granularity and one range.
         */
        public static final DiscardDefaults SATA = new DiscardDefaults(4194240L << 9, -1, 1);
        /** brd (drivers/block/brd.c): UINT_MAX >> 9 sectors, PAGE_SIZE granularity, one range. */
        public static final DiscardDefaults RAM = new DiscardDefaults((DeviceLimits.UINT_MAX >> 9) << 9, 4096, 1);
    }

    /** The parameters every block device profile has. */
    public static final ConfigSection SECTION = ConfigSection.of("device", "Every block device's queue limits (`device`)",
            CAPACITY, LOGICAL_BLOCK_SIZE, PHYSICAL_BLOCK_SIZE, QUEUE_DEPTH, HW_QUEUES, MAX_HW_SECTORS_KB, MAX_SEGMENTS,
            MAX_SEGMENT_SIZE, ROTATIONAL, WRITE_CACHE, FUA, DISCARD_MAX_HW_BYTES, DISCARD_GRANULARITY, MAX_DISCARD_SEGMENTS)
            .intro("What a device tells the block layer about itself (its queue/ in sysfs); every profile sets"
                    + " them, any can be overridden under `device`.");

    private LimitsReader() {
    }

    /** Reads {@code capacity}, {@code logical_block_size}, ... from a profile's parameters; no discard unless set. */
    public static DeviceLimits read(ConfigNode p) {
        return read(p, DiscardDefaults.NONE);
    }

    /** As {@link #read(ConfigNode)}, with the discard limits of the device's kind where the profile sets none. */
    public static DeviceLimits read(ConfigNode p, DiscardDefaults discard) {
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
                .discard(discardSectors(p, discard, lbs), discardGranularity(p, discard, lbs, pbs),
                        MAX_DISCARD_SEGMENTS.isSet(p) && MAX_DISCARD_SEGMENTS.read(p) > 0
                                ? MAX_DISCARD_SEGMENTS.read(p) : discard.maxSegments())
                .build();
    }

    /** For a kind that has no discard at all: setting {@code discard_max_hw_bytes} above 0 is an error naming {@code why}. */
    public static void refuseDiscard(ConfigNode p, String why) {
        if (DISCARD_MAX_HW_BYTES.isSet(p) && DISCARD_MAX_HW_BYTES.read(p) > 0) {
            throw DISCARD_MAX_HW_BYTES.error(p, why);
        }
    }

    private static long discardSectors(ConfigNode p, DiscardDefaults d, int lbs) {
        long bytes = DISCARD_MAX_HW_BYTES.isSet(p) ? DISCARD_MAX_HW_BYTES.read(p) : d.maxHwBytes();
        long sectors = bytes >> 9;
        return sectors - sectors % (lbs >> 9);
    }

    private static int discardGranularity(ConfigNode p, DiscardDefaults d, int lbs, int pbs) {
        long g = DISCARD_GRANULARITY.read(p);
        if (g == 0) {
            g = d.granularity() == 0 ? lbs : d.granularity() < 0 ? pbs : d.granularity();
        }
        if (g < lbs || g % lbs != 0) {
            throw DISCARD_GRANULARITY.error(p, "must be a multiple of logical_block_size (" + lbs + ")");
        }
        return (int) g;
    }
}
