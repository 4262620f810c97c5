package io.stacksim.experiment.run;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Stats;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.os.NetStack;
import java.util.List;
import java.util.Locale;

/**
 * Runs a config whose workload sends one file to a TCP socket ({@code workload.copy}) by one
 * of the classic copy paths of {@link CopyPaths}, so that sweeps can vary the method, the
 * transfer unit, the file size, the cache state and the NIC's scatter-gather
 * ({@code net.scatter_gather}) like any other parameter. Reports {@code copy.*}: per-unit mode
 * switches, syscalls and context switches, CPU and DMA copies of the data, throughput and CPU
 * time, next to what the kernel's rules predict ({@code copy.expected.*}).
 *
 * <pre>
 * workload:
 *   copy: {method: sendfile, unit: 64k, file_size: 16m, warm: false}
 * </pre>
 */
public final class CopySimulation {
    private CopySimulation() {
    }

    static final Tunable<String> METHOD = Tunable.choice("method", "sendfile",
            List.of("read_write", "mmap_write", "sendfile", "splice"))
            .help("`read_write`, `mmap_write`, `sendfile`, `splice` (through a pipe sized to the unit)");
    static final Tunable<Long> UNIT = Tunable.size("unit", 64 << 10, 1, 1L << 30)
            .help("bytes per read/write, mmap, sendfile or splice call");
    static final Tunable<Long> FILE_SIZE = Tunable.size("file_size", 16 << 20, 1, 1L << 40).help("the file sent");
    static final Tunable<Boolean> WARM = Tunable.flag("warm", false).help("read the file into the page cache first");

    /** The {@code workload.copy} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("workload.copy",
            "Sending a file to a socket (`workload.copy`)", METHOD, UNIT, FILE_SIZE, WARM)
            .intro("""
                    Instead of fio jobs: one task sends a file to a TCP socket over the `net` section's NIC by one
                    of the classic copy paths, from its first system call to the last byte at the peer (setup, and
                    the warm case's pre-read, excluded). Reports `copy.*` (units, mode switches, system calls and
                    context switches per unit, CPU and DMA copies of the data next to the kernel's rule as
                    `copy.expected.*`, throughput, CPU time). `stacksim validate copy-paths` runs the same transfers
                    as a table. The NIC's `net.scatter_gather` decides whether sendfile and splice need a copy.""");

    static RunResult run(ConfigNode root, Stack stack, long seed) {
        ConfigNode section = root.section("workload").section("copy");
        String name = METHOD.read(section);
        CopyPaths.Method method = CopyPaths.Method.valueOf(name.toUpperCase(Locale.ROOT));
        long unit = UNIT.read(section);
        long fileSize = FILE_SIZE.read(section);
        boolean warm = WARM.read(section);
        NetStack net = stack.network();
        root.checkAllUsed();
        boolean gather = net.features().scatterGather();
        CopyPaths.Case c = new CopyPaths.Case(method, gather, unit, warm);
        CopyPaths.Measured m = CopyPaths.measure(stack, net, c, fileSize);
        CopyPaths.Expected e = CopyPaths.expected(method, gather, warm);

        Stats stats = stack.stats;
        double mib = fileSize / (double) (1 << 20);
        stats.counter("copy.units", m::units);
        stats.counter("copy.bytes", m::bytes);
        stats.gauge("copy.mode_switches_per_unit", m::modeSwitches);
        stats.gauge("copy.syscalls_per_unit", m::syscalls);
        stats.gauge("copy.context_switches_per_unit", () -> m.voluntary() + m.involuntary());
        stats.gauge("copy.cpu_copies", m::cpuCopies);
        stats.gauge("copy.dma_copies", m::dmaCopies);
        stats.gauge("copy.expected.mode_switches_per_unit", e::modeSwitches);
        stats.gauge("copy.expected.cpu_copies", e::cpuCopies);
        stats.gauge("copy.expected.dma_copies", e::dmaCopies);
        stats.gauge("copy.throughput_MBps", m::throughputMBps);
        stats.gauge("copy.elapsed_ms", () -> m.elapsedNs() / 1e6);
        stats.gauge("copy.cpu_ms", () -> m.cpuNs() / 1e6);
        stats.gauge("copy.cpu.user_ms", () -> m.userNs() / 1e6);
        stats.gauge("copy.cpu.sys_ms", () -> m.sysNs() / 1e6);
        stats.gauge("copy.cpu.irq_ms", () -> m.irqNs() / 1e6);
        stats.gauge("copy.cpu_per_MiB_us", () -> m.cpuNs() / 1e3 / mib);
        return RunResult.ofMachine(stack, root, seed);
    }
}
