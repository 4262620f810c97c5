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
 *   <li>NAND timing ({@link NandTiming}): {@code cell_type} (slc, mlc, tlc, qlc), {@code t_read}
 *       (tR) and per page type {@code t_read_lsb}, {@code t_read_csb}, {@code t_read_msb},
 *       {@code t_read_tsb} (default t_read), {@code t_prog} and {@code t_prog_lsb} .. (tPROG),
 *       {@code t_erase} (tBERS), {@code channel_rate} (e.g. 1.2GB/s), {@code nand_command}
 *       (command/address cycles), {@code independent_plane_reads}, {@code multi_plane_reads}</li>
 *   <li>read-retry ({@link ReadRetry}): {@code read_retry_share}, {@code read_retry_mean_steps},
 *       {@code read_retry_max_steps}, {@code read_retry_step_overhead}</li>
 *   <li>suspend/resume ({@link Suspension}): {@code program_suspend}, {@code erase_suspend},
 *       {@code t_suspend}, {@code t_resume}, {@code max_suspends}, {@code suspend_min_remaining}</li>
 *   <li>controller: {@code controller_cores}, {@code command_overhead} (firmware time per command),
 *       {@code write_buffer} (DRAM write buffer size), {@code die_interleave} (false: a chip runs
 *       one command at a time, MQSim's rule), {@code read_prefetch} (bytes read ahead of a
 *       detected sequential stream, 0 = off), {@code seq_detect} (sequential commands before
 *       prefetching), {@code read_cache} (DRAM holding prefetched data)</li>
 *   <li>FTL: {@code gc_threshold} (free blocks per plane), {@code gc_policy} ({@link GcPolicy}),
 *       {@code gc_copyback}, {@code initial_state} (empty, full, steady), {@code precondition_passes}</li>
 * </ul>
 * {@code capacity} (the user capacity, from the queue limits) sets the over-provisioning:
 * raw / capacity - 1.
 */
public record SsdConfig(FlashGeometry geometry, NandTiming timing, boolean independentPlaneReads,
                        boolean multiPlaneReads, ReadRetry readRetry, Suspension suspension, boolean dieInterleave,
                        int controllerCores, long commandOverheadNs, int writeBufferUnits, int maxCommandUnits,
                        int prefetchUnits, int seqDetect, int readCacheUnits,
                        boolean volatileCache, boolean gcCopyback, int gcThreshold, GcPolicy gcPolicy,
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
        NandTiming timing = timing(p);
        ReadRetry retry;
        Suspension suspension;
        GcPolicy gc;
        try {
            retry = new ReadRetry(p.doubleValue("read_retry_share", 0, 0, 1), p.doubleValue("read_retry_mean_steps", 2, 1, 64),
                    p.intValue("read_retry_max_steps", 8, 1, 64), p.duration("read_retry_step_overhead", 2_000, 1));
            suspension = new Suspension(p.bool("program_suspend", false), p.bool("erase_suspend", false),
                    p.duration("t_suspend", 20_000, 1), p.duration("t_resume", 5_000, 1), p.intValue("max_suspends", 4, 0, 1000),
                    p.duration("suspend_min_remaining", 0, 1));
        } catch (IllegalArgumentException e) {
            throw p.error("read_retry_share", e.getMessage());
        }
        try {
            gc = GcPolicy.parse(p.string("gc_policy", "greedy"));
        } catch (IllegalArgumentException e) {
            throw p.error("gc_policy", e.getMessage());
        }
        String state = p.choice("initial_state", "full", List.of("empty", "full", "steady"));
        long logical = lim.capacityBytes() / geo.mappingUnit();
        int maxCmd = (int) (((long) lim.maxHwSectors() << 9) / geo.mappingUnit()) + 1;
        return new SsdConfig(geo, timing,
                p.bool("independent_plane_reads", false),
                p.bool("multi_plane_reads", true),
                retry, suspension,
                p.bool("die_interleave", true),
                p.intValue("controller_cores", 1, 1, 64),
                p.duration("command_overhead", 5_000, 1),
                (int) (p.size("write_buffer", 8L << 20, 0, 1L << 34) / geo.mappingUnit()),
                maxCmd,
                (int) (p.size("read_prefetch", 0, 0, 64L << 20) / geo.mappingUnit()),
                p.intValue("seq_detect", 2, 1, 64),
                (int) (p.size("read_cache", 1L << 20, 0, 1L << 30) / geo.mappingUnit()),
                lim.volatileWriteCache(),
                p.bool("gc_copyback", false),
                p.intValue("gc_threshold", 2, 2, 1 << 20),
                gc,
                PageMappedFtl.InitialState.valueOf(state.toUpperCase(Locale.ROOT)),
                p.doubleValue("precondition_passes", 2, 0, 100),
                logical);
    }

    /** Reads {@code cell_type} and the per-page-type read and program times. */
    static NandTiming timing(ConfigNode p) {
        String cell = p.choice("cell_type", "slc", List.of("slc", "mlc", "tlc", "qlc"));
        int bits = List.of("slc", "mlc", "tlc", "qlc").indexOf(cell) + 1;
        long tR = p.duration("t_read", 50_000, 1);
        long tProg = p.duration("t_prog", 500_000, 1);
        long[] read = new long[bits];
        long[] prog = new long[bits];
        for (int i = 0; i < bits; i++) {
            read[i] = p.duration("t_read_" + NandTiming.TYPES[i], tR, 1);
            prog[i] = p.duration("t_prog_" + NandTiming.TYPES[i], tProg, 1);
        }
        for (int i = bits; i < 4; i++) {
            // a profile's times for pages this cell type does not have (cell_type overridden) are read and unused
            p.duration("t_read_" + NandTiming.TYPES[i], tR, 1);
            p.duration("t_prog_" + NandTiming.TYPES[i], tProg, 1);
        }
        return new NandTiming(read, prog, p.duration("t_erase", 3_500_000, 1), p.rate("channel_rate", 800e6),
                p.duration("nand_command", 0, 1));
    }

    /** Over-provisioning: raw capacity over user capacity, minus one. */
    public double overProvisioning() {
        return (double) geometry.physicalUnits() / logicalUnits - 1;
    }

    /**
     * Heap the FTL's tables take once every logical unit has been written (steady state): 4 bytes
     * of logical-to-physical entry per logical unit, and per physical unit 4 bytes of reverse map
     * (what a drive keeps in the page's spare area) and a valid bit, plus a few dozen bytes per
     * block. A 1 TB drive with 4 KiB units: about 2.1 GB, twice the drive's own DRAM (which holds
     * the forward map only).
     */
    public long ftlBytesAtSteadyState() {
        long physical = geometry.physicalUnits();
        return 4 * logicalUnits + physical * 4 + physical / 8 + (long) geometry.blocks() * 48;
    }

    /**
     * Builds the FTL in its initial state; a steady-state start is preconditioned the SNIA PTS
     * way (the drive filled sequentially, then overwritten at random with the
     * {@code precondition} stream, in no simulated time). {@code gc} draws the random GC
     * policies' choices.
     */
    public PageMappedFtl newFtl(io.stacksim.engine.RandomStream precondition, io.stacksim.engine.RandomStream gc) {
        if (initialState == PageMappedFtl.InitialState.STEADY) {
            long need = ftlBytesAtSteadyState();
            Runtime rt = Runtime.getRuntime();
            long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
            if (need > free) {
                throw new io.stacksim.config.ConfigException("initial_state: steady maps every logical unit of "
                        + (logicalUnits * geometry.mappingUnit() >> 30) + " GiB: its tables need " + (need >> 20)
                        + " MiB of heap and " + (free >> 20) + " MiB are free; give the JVM more (STACKSIM_JAVA_OPTS=-Xmx"
                        + ((need * 5 / 4 + (1L << 30) - 1) >> 30) + "g or more) or lower device.capacity and device.blocks_per_plane");
            }
        }
        PageMappedFtl ftl;
        try {
            ftl = new PageMappedFtl(geometry, logicalUnits, gcThreshold, initialState, gcPolicy, gc);
        } catch (IllegalArgumentException e) {
            throw new io.stacksim.config.ConfigException("device.capacity " + logicalUnits * geometry.mappingUnit()
                    + " B: " + e.getMessage() + "; lower device.capacity or raise device.blocks_per_plane");
        }
        if (initialState == PageMappedFtl.InitialState.STEADY) {
            ftl.precondition(precondition, preconditionPasses);
        }
        return ftl;
    }
}
