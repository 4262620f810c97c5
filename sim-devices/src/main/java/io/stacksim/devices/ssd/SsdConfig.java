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
                        boolean volatileCache, boolean gcCopyback, int gcThreshold, int bgGcThreshold, GcPolicy gcPolicy,
                        PageMappedFtl.InitialState initialState, double preconditionPasses, long logicalUnits,
                        long trimPerGibNs) {

    /** Reads the SSD parameters; {@code lim} gives capacity, cache and the largest command. */
    public static SsdConfig from(ConfigNode p, DeviceLimits lim) {
        FlashGeometry geo;
        try {
            geo = new FlashGeometry(
                    SsdParams.CHANNELS.read(p),
                    SsdParams.CHIPS.read(p),
                    SsdParams.DIES.read(p),
                    SsdParams.PLANES.read(p),
                    SsdParams.BLOCKS.read(p),
                    SsdParams.PAGES.read(p),
                    (int) (long) SsdParams.PAGE_SIZE.read(p),
                    (int) (long) SsdParams.SPARE_SIZE.read(p),
                    (int) (long) SsdParams.MAPPING_UNIT.read(p));
        } catch (IllegalArgumentException e) {
            throw p.error("channels", e.getMessage());
        }
        NandTiming timing = timing(p);
        ReadRetry retry;
        Suspension suspension;
        GcPolicy gc;
        try {
            retry = new ReadRetry(SsdParams.RETRY_SHARE.read(p), SsdParams.RETRY_MEAN.read(p),
                    SsdParams.RETRY_MAX.read(p), SsdParams.RETRY_OVERHEAD.read(p));
            suspension = new Suspension(SsdParams.PROGRAM_SUSPEND.read(p), SsdParams.ERASE_SUSPEND.read(p),
                    SsdParams.T_SUSPEND.read(p), SsdParams.T_RESUME.read(p), SsdParams.MAX_SUSPENDS.read(p),
                    SsdParams.SUSPEND_MIN_REMAINING.read(p));
        } catch (IllegalArgumentException e) {
            throw p.error("read_retry_share", e.getMessage());
        }
        try {
            gc = GcPolicy.parse(SsdParams.GC_POLICY.read(p));
        } catch (IllegalArgumentException e) {
            throw p.error("gc_policy", e.getMessage());
        }
        String state = SsdParams.INITIAL_STATE.read(p);
        long logical = lim.capacityBytes() / geo.mappingUnit();
        int gcThreshold = SsdParams.GC_THRESHOLD.read(p);
        if (gcThreshold >= 2 && gcThreshold <= geo.blocksPerPlane() / 2) {
            // PageMappedFtl's rule, checked here where the capacity's line is known
            long usable = (long) (geo.blocksPerPlane() - gcThreshold - 1) * geo.unitsPerBlock() * geo.planes();
            if (logical > usable) {
                throw p.error("capacity", lim.capacityBytes() + " B is more than the flash array holds: "
                        + usable + " units of " + geo.mappingUnit() + " B at most (each plane keeps " + (gcThreshold + 1)
                        + " blocks free for garbage collection); expected at most " + usable * geo.mappingUnit()
                        + " B, or more device.blocks_per_plane");
            }
        }
        int maxCmd = (int) (((long) lim.maxHwSectors() << 9) / geo.mappingUnit()) + 1;
        return new SsdConfig(geo, timing,
                SsdParams.INDEPENDENT_PLANE_READS.read(p),
                SsdParams.MULTI_PLANE_READS.read(p),
                retry, suspension,
                SsdParams.DIE_INTERLEAVE.read(p),
                SsdParams.CORES.read(p),
                SsdParams.COMMAND_OVERHEAD.read(p),
                (int) (SsdParams.WRITE_BUFFER.read(p) / geo.mappingUnit()),
                maxCmd,
                (int) (SsdParams.READ_PREFETCH.read(p) / geo.mappingUnit()),
                SsdParams.SEQ_DETECT.read(p),
                (int) (SsdParams.READ_CACHE.read(p) / geo.mappingUnit()),
                lim.volatileWriteCache(),
                SsdParams.GC_COPYBACK.read(p),
                SsdParams.GC_THRESHOLD.read(p),
                SsdParams.BG_GC_THRESHOLD.read(p),
                gc,
                PageMappedFtl.InitialState.valueOf(state.toUpperCase(Locale.ROOT)),
                SsdParams.PRECONDITION_PASSES.read(p),
                logical,
                SsdParams.TRIM_PER_GIB.read(p));
    }

    /** Reads {@code cell_type} and the per-page-type read and program times. */
    static NandTiming timing(ConfigNode p) {
        String cell = SsdParams.CELL_TYPE.read(p);
        int bits = List.of("slc", "mlc", "tlc", "qlc").indexOf(cell) + 1;
        long tR = SsdParams.T_READ.read(p);
        long tProg = SsdParams.T_PROG.read(p);
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
        return new NandTiming(read, prog, SsdParams.T_ERASE.read(p), SsdParams.CHANNEL_RATE.read(p),
                SsdParams.NAND_COMMAND.read(p));
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
