package io.stacksim.os;

import io.stacksim.config.ConfigNode;

/**
 * CPU costs of the kernel paths, config section {@code os}. Defaults are measurements on the
 * reference machine (a 2-vCPU EPYC VM running Linux 6.18, see shared/reference/linux-facts.md
 * section 7) or, marked [est], estimates within published ranges.
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
 * @param schedSliceNs        time slice before a task is preempted for a waiting one; 0 = the
 *                            kernel's base_slice: 0.75 ms x (1 + ilog2(min(cpus, 8)))
 *                            (kernel/sched/fair.c, sysctl_sched_base_slice, log scaling).
 */
public record CostModel(long modeSwitchNs, long contextSwitchNs, double memcpyBytesPerSec,
                        long minorFaultNs, long majorFaultNs, long hardIrqNs, long softIrqNs,
                        long pageCacheLookupNs, long vfsCallNs, long blockSubmitNs, long dioPagePinNs,
                        long schedSliceNs, long irqCompleteNs) {

    public static CostModel defaults() {
        return new CostModel(130, 3_000, 7.5e9, 480, 1_500, 500, 1_000, 50, 200, 1_000, 100, 0, 700);
    }

    /** Reads the {@code os} section. */
    public static CostModel from(ConfigNode os) {
        CostModel d = defaults();
        return new CostModel(
                os.duration("mode_switch", d.modeSwitchNs, 1),
                os.duration("context_switch", d.contextSwitchNs, 1),
                os.rate("memcpy_bandwidth", d.memcpyBytesPerSec),
                os.duration("minor_fault", d.minorFaultNs, 1),
                os.duration("major_fault", d.majorFaultNs, 1),
                os.duration("hardirq", d.hardIrqNs, 1),
                os.duration("softirq", d.softIrqNs, 1),
                os.duration("page_cache_lookup", d.pageCacheLookupNs, 1),
                os.duration("vfs_call", d.vfsCallNs, 1),
                os.duration("block_submit", d.blockSubmitNs, 1),
                os.duration("dio_page_pin", d.dioPagePinNs, 1),
                os.duration("sched_slice", d.schedSliceNs, 1),
                os.duration("irq_complete", d.irqCompleteNs, 1));
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
