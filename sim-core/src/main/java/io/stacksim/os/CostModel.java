package io.stacksim.os;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;

/**
 * CPU costs of the kernel paths, config section {@code os}. Defaults are measurements on the
 * reference machine (a 2-vCPU EPYC VM running Linux 6.18: a getppid loop, a pipe ping-pong,
 * a memcpy loop and page-touch loops) or, marked [est], estimates within published ranges.
 *
 * @param modeSwitchNs        one user/kernel transition; a syscall is two. 130 ns: half the
 *                            0.26 us getppid round trip measured here.
 * @param contextSwitchNs     switching the CPU to another task. 3 us: 3.8 us measured here per
 *                            switch in a pipe ping-pong less its syscalls; Li et al. (ExpCS'07)
 *                            give 1-4 us direct cost.
 * @param memcpyBytesPerSec   one core's copy bandwidth for copy_to/from_user: 7.5 GB/s measured
 *                            here from DRAM (35 GB/s in cache).
 * @param minorFaultNs        a fault on a cached page: 0.48 us measured here.
 * @param majorFaultNs        a fault needing I/O, excluding the I/O: 1.5 us [est].
 * @param hardIrqNs           a device interrupt's top half: 0.5 us [est].
 * @param softIrqNs           the block softirq completing a request: 1 us [est].
 * @param irqCompleteNs       completing a request in the hard IRQ itself, as a multi-queue device
 *                            does (block/blk-mq.c blk_mq_complete_request_remote returns false:
 *                            no BLOCK_SOFTIRQ is raised): 0.7 us [est], the softirq's work less
 *                            raising it and entering __do_softirq.
 * @param pageCacheLookupNs   one page-cache (xarray) lookup: 50 ns [est].
 * @param vfsCallNs           VFS dispatch of a read/write-type syscall: 200 ns [est].
 * @param blockSubmitNs       bio allocation and blk-mq submission of one bio: 1 us [est].
 * @param dioPagePinNs        pinning one user page for direct I/O (get_user_pages): 100 ns [est].
 * @param extentMoveNs        one page of EXT4_IOC_MOVE_EXT (move_extent_per_page: a journal handle,
 *                            the two folios locked, extent lookups and the swap): 2.5 us measured
 *                            here (fio's e4defrag engine swapping 25600 unwritten pages of a
 *                            100 MiB file on ext4 over a loop device: 63 ms of system time).
 * @param schedSliceNs        time slice before a task is preempted for a waiting one; 0 = the
 *                            kernel's base_slice: 0.75 ms x (1 + ilog2(min(cpus, 8)))
 *                            (kernel/sched/fair.c, sysctl_sched_base_slice, log scaling).
 */
public record CostModel(long modeSwitchNs, long contextSwitchNs, double memcpyBytesPerSec,
                        long minorFaultNs, long majorFaultNs, long hardIrqNs, long softIrqNs,
                        long pageCacheLookupNs, long vfsCallNs, long blockSubmitNs, long dioPagePinNs,
                        long schedSliceNs, long irqCompleteNs, long extentMoveNs) {

    static final Tunable<Long> MODE_SWITCH = Tunable.duration("mode_switch", 130, 1)
            .help("one user/kernel transition (a syscall is two); half the 0.26 us getppid round trip measured here");
    static final Tunable<Long> CONTEXT_SWITCH = Tunable.duration("context_switch", 3_000, 1)
            .help("giving a core to another task: 3.8 us measured here per pipe ping-pong switch less its syscalls");
    static final Tunable<Double> MEMCPY_BANDWIDTH = Tunable.rate("memcpy_bandwidth", 7.5e9)
            .help("one core's copy_to/from_user bandwidth, measured here from DRAM");
    static final Tunable<Long> MINOR_FAULT = Tunable.duration("minor_fault", 480, 1)
            .help("a page fault on a cached page, measured here");
    static final Tunable<Long> MAJOR_FAULT = Tunable.duration("major_fault", 1_500, 1)
            .help("a page fault needing I/O, excluding the I/O [est]");
    static final Tunable<Long> HARDIRQ = Tunable.duration("hardirq", 500, 1)
            .help("a completion interrupt's top half [est]");
    static final Tunable<Long> SOFTIRQ = Tunable.duration("softirq", 1_000, 1)
            .help("the block softirq completing a request of a single-queue device [est]");
    static final Tunable<Long> IRQ_COMPLETE = Tunable.duration("irq_complete", 700, 1)
            .help("completing a request in the hard IRQ, as a multi-queue device does: no BLOCK_SOFTIRQ"
                    + " (block/blk-mq.c blk_mq_complete_request_remote) [est]");
    static final Tunable<Long> PAGE_CACHE_LOOKUP = Tunable.duration("page_cache_lookup", 50, 1)
            .help("one page-cache (xarray) lookup [est]");
    static final Tunable<Long> VFS_CALL = Tunable.duration("vfs_call", 200, 1)
            .help("VFS dispatch of a read/write-type call [est]");
    static final Tunable<Long> BLOCK_SUBMIT = Tunable.duration("block_submit", 1_000, 1)
            .help("allocating and submitting one bio [est]");
    static final Tunable<Long> DIO_PAGE_PIN = Tunable.duration("dio_page_pin", 100, 1)
            .help("pinning one user page for O_DIRECT (get_user_pages) [est]");
    static final Tunable<Long> EXTENT_MOVE = Tunable.duration("extent_move", 2_500, 1)
            .help("one page of EXT4_IOC_MOVE_EXT (move_extent_per_page: journal handle, folio locks, extent swap),"
                    + " measured here with fio's e4defrag engine");
    static final Tunable<Long> SCHED_SLICE = Tunable.duration("sched_slice", 0, 1)
            .help("time slice; 0 = the kernel's base_slice, 0.75 ms x (1 + ilog2(min(cpus, 8)))");

    /** The file-path costs of the {@code os} section. */
    public static final ConfigSection SECTION = ConfigSection.of("os", "Kernel CPU costs (`os`)",
            MODE_SWITCH, CONTEXT_SWITCH, MEMCPY_BANDWIDTH, MINOR_FAULT, MAJOR_FAULT, HARDIRQ, SOFTIRQ,
            IRQ_COMPLETE, PAGE_CACHE_LOOKUP, VFS_CALL, BLOCK_SUBMIT, DIO_PAGE_PIN, SCHED_SLICE, EXTENT_MOVE)
            .intro("CPU time of the kernel's paths. \"Measured here\" is the reference machine (a 2-vCPU EPYC VM"
                    + " running Linux 6.18); [est] marks estimates within published ranges.");

    public static CostModel defaults() {
        return from(ConfigNode.emptyRoot("defaults"));
    }

    /** Reads the {@code os} section. */
    public static CostModel from(ConfigNode os) {
        return new CostModel(
                MODE_SWITCH.read(os),
                CONTEXT_SWITCH.read(os),
                MEMCPY_BANDWIDTH.read(os),
                MINOR_FAULT.read(os),
                MAJOR_FAULT.read(os),
                HARDIRQ.read(os),
                SOFTIRQ.read(os),
                PAGE_CACHE_LOOKUP.read(os),
                VFS_CALL.read(os),
                BLOCK_SUBMIT.read(os),
                DIO_PAGE_PIN.read(os),
                SCHED_SLICE.read(os),
                IRQ_COMPLETE.read(os),
                EXTENT_MOVE.read(os));
    }

    /** The costs the file layer charges. */
    public io.stacksim.fs.FsCosts fsCosts() {
        return new io.stacksim.fs.FsCosts(pageCacheLookupNs, memcpyBytesPerSec, blockSubmitNs, minorFaultNs, majorFaultNs);
    }

    /** CPU time to copy {@code bytes} between user and kernel memory. */
    public long copyNs(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / memcpyBytesPerSec);
    }

    /** The time slice for a machine of {@code cpus} cores. */
    public long sliceNs(int cpus) {
        if (schedSliceNs > 0) {
            return schedSliceNs;
        }
        int factor = 1 + (31 - Integer.numberOfLeadingZeros(Math.min(cpus, 8)));
        return 750_000L * factor;
    }
}
