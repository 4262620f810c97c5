package io.stacksim.devices.ssd;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import java.util.List;
import java.util.Locale;

/**
 * The parameters of an SSD (the part behind the host interface), read from a profile.
 * Keys (all in the profile's {@code params}):
 * <ul>
 *   <li>geometry: {@code channels}, {@code chips_per_channel}, {@code dies_per_chip},
 *       {@code planes_per_die}, {@code blocks_per_plane}, {@code pages_per_block},
 *       {@code page_size}, {@code spare_size}, {@code mapping_unit} (4 KiB)</li>
 *   <li>NAND timing: {@code t_read} (tR), {@code t_prog} (tPROG), {@code t_erase} (tBERS),
 *       {@code channel_rate} (e.g. 1.2GB/s), {@code nand_command} (command/address cycles),
 *       {@code independent_plane_reads}</li>
 *   <li>controller: {@code controller_cores}, {@code command_overhead} (firmware time per command),
 *       {@code write_buffer} (DRAM write buffer size)</li>
 *   <li>FTL: {@code gc_threshold} (free blocks per plane), {@code gc_copyback},
 *       {@code initial_state} (empty, full, steady), {@code precondition_passes}</li>
 * </ul>
 * {@code capacity} (the user capacity, from the queue limits) sets the over-provisioning:
 * raw / capacity - 1.
 */
public record SsdConfig(FlashGeometry geometry, NandTiming timing, boolean independentPlaneReads,
                        int controllerCores, long commandOverheadNs, int writeBufferUnits, int maxCommandUnits,
                        boolean volatileCache, boolean gcCopyback, int gcThreshold,
                        PageMappedFtl.InitialState initialState, double preconditionPasses, long logicalUnits) {

    /** Reads the SSD parameters; {@code lim} gives capacity, cache and the largest command. */
    public static SsdConfig from(ConfigNode p, DeviceLimits lim) {
        FlashGeometry geo;
        try {
            geo = new FlashGeometry(
                    p.intValue("channels", 8, 1, 256),
                    p.intValue("chips_per_channel", 4, 1, 64),
                    p.intValue("dies_per_chip", 1, 1, 16),
                    p.intValue("planes_per_die", 2, 1, 16),
                    p.intValue("blocks_per_plane", 1024, 4, 1 << 20),
                    p.intValue("pages_per_block", 256, 1, 1 << 16),
                    (int) p.size("page_size", 16384, 512, 1 << 20),
                    (int) p.size("spare_size", 0, 0, 1 << 16),
                    (int) p.size("mapping_unit", 4096, 512, 1 << 20));
        } catch (IllegalArgumentException e) {
            throw p.error("channels", e.getMessage());
        }
        NandTiming timing = new NandTiming(
                p.duration("t_read", 50_000, 1),
                p.duration("t_prog", 500_000, 1),
                p.duration("t_erase", 3_500_000, 1),
                p.rate("channel_rate", 800e6),
                p.duration("nand_command", 0, 1));
        String state = p.choice("initial_state", "full", List.of("empty", "full", "steady"));
        long logical = lim.capacityBytes() / geo.mappingUnit();
        int maxCmd = (int) (((long) lim.maxHwSectors() << 9) / geo.mappingUnit()) + 1;
        return new SsdConfig(geo, timing,
                p.bool("independent_plane_reads", false),
                p.intValue("controller_cores", 1, 1, 64),
                p.duration("command_overhead", 5_000, 1),
                (int) (p.size("write_buffer", 8L << 20, 0, 1L << 34) / geo.mappingUnit()),
                maxCmd,
                lim.volatileWriteCache(),
                p.bool("gc_copyback", false),
                p.intValue("gc_threshold", 2, 2, 1 << 20),
                PageMappedFtl.InitialState.valueOf(state.toUpperCase(Locale.ROOT)),
                p.doubleValue("precondition_passes", 2, 0, 100),
                logical);
    }

    /** Over-provisioning: raw capacity over user capacity, minus one. */
    public double overProvisioning() {
        return (double) geometry.physicalUnits() / logicalUnits - 1;
    }

    /** Largest logical capacity a steady-state start may have: it maps every unit explicitly. */
    public static final long MAX_STEADY_UNITS = 1L << 25;

    /**
     * Builds the FTL in its initial state; a steady-state start is preconditioned with the
     * {@code random} stream (uniform random overwrites, no simulated time).
     */
    public PageMappedFtl newFtl(io.stacksim.engine.RandomStream random) {
        if (initialState == PageMappedFtl.InitialState.STEADY && logicalUnits > MAX_STEADY_UNITS) {
            throw new io.stacksim.config.ConfigException("initial_state: steady maps every logical unit explicitly (8 bytes"
                    + " per " + geometry.mappingUnit() + " B); it is limited to "
                    + (MAX_STEADY_UNITS * geometry.mappingUnit() >> 30) + " GiB of capacity: lower device.capacity and"
                    + " device.blocks_per_plane together, or use initial_state: full");
        }
        PageMappedFtl ftl = new PageMappedFtl(geometry, logicalUnits, gcThreshold, initialState);
        if (initialState == PageMappedFtl.InitialState.STEADY) {
            ftl.precondition(random, preconditionPasses);
        }
        return ftl;
    }
}
