package io.stacksim.devices;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;

/** Reads the queue limits every device profile states (capacity, block sizes, depth, segments). */
public final class LimitsReader {
    private LimitsReader() {
    }

    /** Reads {@code capacity}, {@code logical_block_size}, ... from a profile's parameters. */
    public static DeviceLimits read(ConfigNode p) {
        long capacity = p.size("capacity", 1L << 30, 4096, Long.MAX_VALUE);
        int lbs = (int) p.size("logical_block_size", 512, 512, 65536);
        int pbs = (int) p.size("physical_block_size", lbs, lbs, 1 << 20);
        if (Integer.bitCount(lbs) != 1) {
            throw p.error("logical_block_size", "must be a power of two");
        }
        return DeviceLimits.builder(capacity >> 9)
                .logicalBlockSize(lbs)
                .physicalBlockSize(pbs)
                .queueDepth(p.intValue("queue_depth", 32, 1, 65535))
                .hwQueues(p.intValue("hw_queues", 1, 1, 1024))
                .maxHwSectors((int) (p.size("max_hw_sectors_kb", 1024, 1, 1L << 31) >> 0) * 2)
                .maxSegments(p.intValue("max_segments", 128, 1, 65535))
                .maxSegmentSize((int) p.size("max_segment_size", 65536, 512, 1L << 31))
                .rotational(p.bool("rotational", false))
                .volatileWriteCache(p.bool("write_cache", false))
                .fua(p.bool("fua", false))
                .build();
    }
}
