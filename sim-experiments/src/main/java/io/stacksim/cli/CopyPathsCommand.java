package io.stacksim.cli;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.config.Units;
import io.stacksim.experiment.run.CopyPaths;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stacksim validate copy-paths}: the zero-copy table reproduced from the simulation's counters. */
@Command(name = "copy-paths", mixinStandardHelpOptions = true,
        description = "Send one file to a TCP socket by read+write, mmap+write, sendfile (NIC with and without"
                + " scatter-gather) and splice; print the mode switches, CPU copies and DMA copies per transfer unit"
                + " as counted, next to the kernel's rules, and each path's throughput and CPU time. Exit 0 only when"
                + " every count matches.")
final class CopyPathsCommand implements Callable<Integer> {
    @Option(names = "--file-size", paramLabel = "SIZE", description = "file sent (default: ${DEFAULT-VALUE})")
    String fileSize = "64m";

    @Option(names = "--unit", paramLabel = "SIZE", description = "transfer unit of the count table (default: ${DEFAULT-VALUE})")
    String unit = "64k";

    @Option(names = "--units", paramLabel = "SIZES", split = ",", description = "transfer units of the performance table (default: 4k,64k,1m)")
    List<String> units = new ArrayList<>(List.of("4k", "64k", "1m"));

    @Option(names = "--device", paramLabel = "PROFILE", description = "disk (default: ${DEFAULT-VALUE})")
    String device = "nvme-gen4";

    @Option(names = "--nic", paramLabel = "PROFILE", description = "NIC profile; its scatter_gather is set per row (default: ${DEFAULT-VALUE})")
    String nic = "nic-100g";

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = {"override any config value of the machine,", "e.g. --set cpu.count=1"})
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", description = "master seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--threads", description = "threads for the runs (default: all cores); results do not depend on it")
    int threads = Runtime.getRuntime().availableProcessors();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private long size(String option, String text) {
        try {
            long v = Units.parseSize(text);
            if (v <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /** A transfer unit: whole pages (mmap maps page-aligned offsets), at most the file. */
    private long unit(String option, String text, long fileBytes) {
        long u = size(option, text);
        if (u % 4096 != 0 || u > fileBytes) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    option + ": " + text + " must be a multiple of 4 KiB and at most the file size");
        }
        return u;
    }

    @Override
    public Integer call() {
        long size = size("--file-size", fileSize);
        long tableUnit = unit("--unit", unit, size);
        long[] perfUnits = units.stream().mapToLong(u -> unit("--units", u, size)).toArray();
        ConfigNode base = ConfigNode.emptyRoot("(copy-paths)");
        base.set("device.profile", device, Origin.flag("--device"));
        base.set("net.profile", nic, Origin.flag("--nic"));
        ConfigLoader.applySets(base, sets);

        Set<CopyPaths.Case> all = new LinkedHashSet<>(CopyPaths.tableCases(tableUnit));
        all.addAll(CopyPaths.performanceCases(perfUnits));
        List<CopyPaths.Case> cases = new ArrayList<>(all);
        List<CopyPaths.Row> rows = CopyPaths.run(base, cases, size, seed, threads);

        PrintWriter out = spec.commandLine().getOut();
        boolean allPass = true;
        out.printf(Locale.ROOT, "Copy paths: a %s file sent to a TCP socket (disk %s, NIC %s, %s CPUs)%n%n",
                Units.formatSize(size), device, nic, base.get("cpu.count") == null ? "2" : base.get("cpu.count"));
        out.printf(Locale.ROOT, "Counts per %s transfer unit, cold page cache, as the simulation counted them [expected]:%n",
                Units.formatSize(tableUnit));
        out.printf(Locale.ROOT, "  %-14s %-6s %8s %12s %12s %12s %16s  %s%n",
                "method", "NIC", "syscalls", "mode sw.", "CPU copies", "DMA copies", "task sw. (v/i)", "result");
        for (CopyPaths.Row r : rows) {
            if (!r.c().warm() && r.c().unit() == tableUnit && CopyPaths.tableCases(tableUnit).contains(r.c())) {
                allPass &= r.pass();
                out.printf(Locale.ROOT, "  %-14s %-6s %8.2f %6.2f [%d] %7.2f [%d] %7.2f [%d] %8.2f/%-6.2f  %s%n",
                        r.c().method().label, r.c().nic(), r.m().syscalls(), r.m().modeSwitches(), r.e().modeSwitches(),
                        r.m().cpuCopies(), r.e().cpuCopies(), r.m().dmaCopies(), r.e().dmaCopies(),
                        r.m().voluntary(), r.m().involuntary(), r.pass() ? "PASS" : "FAIL");
            }
        }
        out.println();
        out.println("  mode sw.: user<->kernel mode switches, one at each syscall entry and one at its exit (the table's");
        out.println("    \"context switches\"). task sw.: context switches of the sending task, voluntary (it slept for disk");
        out.println("    I/O or socket space) and involuntary (preempted) - not part of the table, and not mode switches.");
        out.println("  CPU copies: bytes the CPU copied (copy_to_user, copy_from_user, skb linearisation) / bytes sent.");
        out.println("  DMA copies: data bytes moved by DMA (disk -> page cache, memory -> NIC; packet headers excluded) / bytes sent.");
        out.println("  splice [4/0/2]: two calls per unit (file->pipe, pipe->socket), so 4 mode switches (it is \"often quoted");
        out.println("    as 2\" because sendfile does the same splice inside one call); the pages are only referenced.");
        out.println("  no SG: TCP builds paged packets anyway (sk_setup_caps gives every TCP socket NETIF_F_SG and GSO), so");
        out.println("    software GSO copies each segment into a linear buffer for the NIC: one more CPU copy on every path.");
        out.println("    The classic table's sendfile row (2/1/2) is this case; sendfile with SG-DMA is the 2/0/2 row.");
        out.println();

        out.printf(Locale.ROOT, "Throughput and CPU time per method, transfer unit and cache state:%n");
        out.printf(Locale.ROOT, "  %-14s %-6s %6s %-5s %10s %9s %9s %9s %9s %11s %14s  %s%n",
                "method", "NIC", "unit", "cache", "MB/s", "CPU ms", "user", "sys", "irq", "CPU us/MiB", "mode/cpu/dma", "result");
        for (CopyPaths.Row r : rows) {
            if (!CopyPaths.performanceCases(perfUnits).contains(r.c())) {
                continue;
            }
            allPass &= r.pass();
            CopyPaths.Measured m = r.m();
            out.printf(Locale.ROOT, "  %-14s %-6s %6s %-5s %10.1f %9.2f %9.2f %9.2f %9.2f %11.1f %4.1f/%.1f/%.1f  %s%n",
                    r.c().method().label, r.c().nic(), Units.formatSize(r.c().unit()), r.c().warm() ? "warm" : "cold",
                    m.throughputMBps(), m.cpuNs() / 1e6, m.userNs() / 1e6, m.sysNs() / 1e6, m.irqNs() / 1e6,
                    m.cpuNs() / 1e3 / (m.bytes() / 1048576.0), m.modeSwitches(), m.cpuCopies(), m.dmaCopies(),
                    r.pass() ? "PASS" : "FAIL");
        }
        out.println();
        out.println("  MB/s: file bytes / time from the first syscall to the last byte reaching the peer. CPU: all cores, the");
        out.println("  sender's user and kernel time and the interrupt/softirq time of disk and NIC completions. Warm cache:");
        out.println("  the file was read into the page cache first, so only the NIC's DMA copy remains (DMA 1).");
        out.printf(Locale.ROOT, "%n%s%n", allPass ? "all counts match" : "SOME COUNTS DO NOT MATCH");
        out.flush();
        return allPass ? 0 : 1;
    }
}
