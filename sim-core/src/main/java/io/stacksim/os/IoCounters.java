package io.stacksim.os;

import io.stacksim.engine.Stats;

/**
 * The counters of the classic copy table, kept per task and summed per run: mode switches
 * (user/kernel transitions), context switches (task switches, voluntary and involuntary),
 * CPU copies and DMA transfers with their bytes, page faults, syscalls by name, CPU time.
 */
public final class IoCounters {
    public long modeSwitches;
    public long voluntarySwitches;
    public long involuntarySwitches;
    public long cpuCopies;
    public long cpuCopyBytes;
    public long dmaTransfers;
    public long dmaBytes;
    public long minorFaults;
    public long majorFaults;
    public long userNs;
    public long sysNs;
    public final long[] syscalls = new long[Syscall.values().length];

    public long syscalls(Syscall s) {
        return syscalls[s.ordinal()];
    }

    public long totalSyscalls() {
        long n = 0;
        for (long c : syscalls) {
            n += c;
        }
        return n;
    }

    /** Adds {@code other} into this. */
    public void add(IoCounters o) {
        modeSwitches += o.modeSwitches;
        voluntarySwitches += o.voluntarySwitches;
        involuntarySwitches += o.involuntarySwitches;
        cpuCopies += o.cpuCopies;
        cpuCopyBytes += o.cpuCopyBytes;
        dmaTransfers += o.dmaTransfers;
        dmaBytes += o.dmaBytes;
        minorFaults += o.minorFaults;
        majorFaults += o.majorFaults;
        userNs += o.userNs;
        sysNs += o.sysNs;
        for (int i = 0; i < syscalls.length; i++) {
            syscalls[i] += o.syscalls[i];
        }
    }

    public void reset() {
        modeSwitches = voluntarySwitches = involuntarySwitches = 0;
        cpuCopies = cpuCopyBytes = dmaTransfers = dmaBytes = 0;
        minorFaults = majorFaults = userNs = sysNs = 0;
        java.util.Arrays.fill(syscalls, 0);
    }

    /** Registers a snapshot view under {@code prefix} (e.g. "os."); syscalls with zero calls are omitted at read time. */
    public static void register(Stats stats, String prefix, java.util.function.Supplier<IoCounters> source) {
        stats.counter(prefix + "mode_switches", () -> source.get().modeSwitches);
        stats.counter(prefix + "context_switches.voluntary", () -> source.get().voluntarySwitches);
        stats.counter(prefix + "context_switches.involuntary", () -> source.get().involuntarySwitches);
        stats.counter(prefix + "cpu_copies", () -> source.get().cpuCopies);
        stats.counter(prefix + "cpu_copy_bytes", () -> source.get().cpuCopyBytes);
        stats.counter(prefix + "dma_transfers", () -> source.get().dmaTransfers);
        stats.counter(prefix + "dma_bytes", () -> source.get().dmaBytes);
        stats.counter(prefix + "page_faults.minor", () -> source.get().minorFaults);
        stats.counter(prefix + "page_faults.major", () -> source.get().majorFaults);
        stats.gauge(prefix + "cpu_time.user_ms", () -> source.get().userNs / 1e6);
        stats.gauge(prefix + "cpu_time.sys_ms", () -> source.get().sysNs / 1e6);
        stats.counter(prefix + "syscalls.total", () -> source.get().totalSyscalls());
        for (Syscall sc : Syscall.values()) {
            stats.counter(prefix + "syscalls." + sc.traceName(), () -> source.get().syscalls(sc));
        }
    }
}
