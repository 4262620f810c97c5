package io.stacksim.devices.ssd;

import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import java.util.List;

/**
 * The flash back end's parameters, shared by {@code kind: nvme} and {@code kind: sata-ssd}
 * profiles: geometry, NAND timing and its mechanisms, the controller and the FTL (docs/ssd.md).
 */
public final class SsdParams {
    private SsdParams() {
    }

    static final Tunable<Integer> CHANNELS = Tunable.integer("channels", 8, 1, 256).help("flash channels");
    static final Tunable<Integer> CHIPS = Tunable.integer("chips_per_channel", 4, 1, 64).help("packages (ways) per channel");
    static final Tunable<Integer> DIES = Tunable.integer("dies_per_chip", 1, 1, 16).help("dies (LUNs) per package");
    static final Tunable<Integer> PLANES = Tunable.integer("planes_per_die", 2, 1, 16).help("planes per die");
    static final Tunable<Integer> BLOCKS = Tunable.integer("blocks_per_plane", 1024, 4, 1 << 20).help("erase blocks per plane");
    static final Tunable<Integer> PAGES = Tunable.integer("pages_per_block", 256, 1, 1 << 16).help("pages per block");
    static final Tunable<Long> PAGE_SIZE = Tunable.size("page_size", 16384, 512, 1 << 20).help("data bytes per page");
    static final Tunable<Long> SPARE_SIZE = Tunable.size("spare_size", 0, 0, 1 << 16)
            .help("spare (ECC, metadata) bytes per page; they cross the channel with the data");
    static final Tunable<Long> MAPPING_UNIT = Tunable.size("mapping_unit", 4096, 512, 1 << 20).help("bytes per FTL entry");
    static final Tunable<String> CELL_TYPE = Tunable.choice("cell_type", "slc", List.of("slc", "mlc", "tlc", "qlc"))
            .help("bits per cell: page types LSB, CSB, MSB, TSB");
    static final Tunable<Long> T_READ = Tunable.duration("t_read", 50_000, 1).help("tR: the default of every page type's");
    static final Tunable<Long> T_PROG = Tunable.duration("t_prog", 500_000, 1).help("tPROG: the default of every page type's");
    static final Tunable<Long> T_ERASE = Tunable.duration("t_erase", 3_500_000, 1).help("tBERS: block erase");
    static final Tunable<Double> CHANNEL_RATE = Tunable.rate("channel_rate", 800e6).help("a channel's data rate");
    static final Tunable<Long> NAND_COMMAND = Tunable.duration("nand_command", 0, 1)
            .help("command and address cycles before an operation; a read's hold the channel");
    static final Tunable<Boolean> INDEPENDENT_PLANE_READS = Tunable.flag("independent_plane_reads", false)
            .help("each plane senses on its own (AMPI)");
    static final Tunable<Boolean> MULTI_PLANE_READS = Tunable.flag("multi_plane_reads", true)
            .help("one sensing serves a read per plane at the same page offset");
    static final Tunable<Double> RETRY_SHARE = Tunable.number("read_retry_share", 0, 0, 1)
            .help("share of pages whose reads need read-retry steps");
    static final Tunable<Double> RETRY_MEAN = Tunable.number("read_retry_mean_steps", 2, 1, 64)
            .help("mean retry steps of such a page (geometric)");
    static final Tunable<Integer> RETRY_MAX = Tunable.integer("read_retry_max_steps", 8, 1, 64)
            .help("the read-retry table's length");
    static final Tunable<Long> RETRY_OVERHEAD = Tunable.duration("read_retry_step_overhead", 2_000, 1)
            .help("per step, besides its sensing: Vref set-feature and decode");
    static final Tunable<Boolean> PROGRAM_SUSPEND = Tunable.flag("program_suspend", false)
            .help("a waiting read suspends a program");
    static final Tunable<Boolean> ERASE_SUSPEND = Tunable.flag("erase_suspend", false).help("a waiting read suspends an erase");
    static final Tunable<Long> T_SUSPEND = Tunable.duration("t_suspend", 20_000, 1).help("time to suspend");
    static final Tunable<Long> T_RESUME = Tunable.duration("t_resume", 5_000, 1).help("extra time of a resumed operation");
    static final Tunable<Integer> MAX_SUSPENDS = Tunable.integer("max_suspends", 4, 0, 1000).help("suspensions per operation");
    static final Tunable<Long> SUSPEND_MIN_REMAINING = Tunable.duration("suspend_min_remaining", 0, 1)
            .help("no suspension when less of the operation is left");
    static final Tunable<Boolean> DIE_INTERLEAVE = Tunable.flag("die_interleave", true)
            .help("false: a chip runs one command at a time (MQSim's chip-busy rule)");
    static final Tunable<Integer> CORES = Tunable.integer("controller_cores", 1, 1, 64).help("firmware cores");
    static final Tunable<Long> COMMAND_OVERHEAD = Tunable.duration("command_overhead", 5_000, 1)
            .help("firmware time per command on a core");
    static final Tunable<Long> TRIM_PER_GIB = Tunable.duration("trim_per_gib", 2_000_000, 1)
            .help("firmware time to deallocate 1 GiB of mappings (a TRIM or Dataset Management deallocate), on top"
                    + " of command_overhead; PCPer's TRIM-speed test reports drives from near 0 to tens of ms per GB"
                    + " (the default is an estimate)");
    static final Tunable<Long> WRITE_BUFFER = Tunable.size("write_buffer", 8L << 20, 0, 1L << 34).help("DRAM write buffer");
    static final Tunable<Long> READ_PREFETCH = Tunable.size("read_prefetch", 0, 0, 64L << 20)
            .help("bytes read ahead of a detected sequential stream; 0 = off");
    static final Tunable<Integer> SEQ_DETECT = Tunable.integer("seq_detect", 2, 1, 64)
            .help("sequential reads before the firmware reads ahead");
    static final Tunable<Long> READ_CACHE = Tunable.size("read_cache", 1L << 20, 0, 1L << 30)
            .help("DRAM holding read-ahead data");
    static final Tunable<Boolean> GC_COPYBACK = Tunable.flag("gc_copyback", false).help("GC moves data with copy-back");
    static final Tunable<Integer> GC_THRESHOLD = Tunable.integer("gc_threshold", 2, 2, 1 << 20)
            .help("free blocks per plane below which GC runs");
    static final Tunable<Integer> BG_GC_THRESHOLD = Tunable.integer("bg_gc_threshold", 0, 0, 1 << 20)
            .help("an idle die collects ahead while a plane has at most this many free blocks; 0 = off");
    static final Tunable<String> GC_POLICY = Tunable.text("gc_policy", "greedy")
            .range("greedy, cost-benefit, random, d-choices:D, windowed:W, fifo").help("GC victim choice");
    static final Tunable<String> INITIAL_STATE = Tunable.choice("initial_state", "full", List.of("empty", "full", "steady"))
            .help("empty, full (written once sequentially) or steady (then overwritten at random)");
    static final Tunable<Double> PRECONDITION_PASSES = Tunable.number("precondition_passes", 2, 0, 100)
            .help("random overwrites of the capacity before a steady-state start");

    /** A kind's section: its host interface's {@code host} tunables, then the flash back end's. */
    public static ConfigSection withHost(String title, String intro, Tunable<?>... host) {
        java.util.List<Tunable<?>> all = new java.util.ArrayList<>(java.util.Arrays.asList(host));
        all.addAll(FLASH.tunables());
        return ConfigSection.of("device", title, all.toArray(new Tunable<?>[0])).intro(intro + " " + FLASH.intro());
    }

    /** The back end's parameters. */
    static final ConfigSection FLASH = ConfigSection.of("device", "flash",
            CHANNELS, CHIPS, DIES, PLANES, BLOCKS, PAGES, PAGE_SIZE, SPARE_SIZE, MAPPING_UNIT, CELL_TYPE, T_READ, T_PROG,
            T_ERASE, CHANNEL_RATE, NAND_COMMAND, INDEPENDENT_PLANE_READS, MULTI_PLANE_READS, RETRY_SHARE, RETRY_MEAN,
            RETRY_MAX, RETRY_OVERHEAD, PROGRAM_SUSPEND, ERASE_SUSPEND, T_SUSPEND, T_RESUME, MAX_SUSPENDS,
            SUSPEND_MIN_REMAINING, DIE_INTERLEAVE, CORES, COMMAND_OVERHEAD, TRIM_PER_GIB, WRITE_BUFFER, READ_PREFETCH, SEQ_DETECT,
            READ_CACHE, GC_COPYBACK, GC_THRESHOLD, BG_GC_THRESHOLD, GC_POLICY, INITIAL_STATE, PRECONDITION_PASSES)
            .intro("`t_read_lsb`, `t_read_csb`, `t_read_msb`, `t_read_tsb` and `t_prog_lsb` .. `t_prog_tsb` set a"
                    + " page type's own tR and tPROG (default: `t_read`, `t_prog`).");
}
