package io.stacksim.cli;

import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.run.ReplaySimulation;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.report.JsonResult;
import io.stacksim.report.TextSummary;
import io.stacksim.workload.ReplayRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stacksim replay TRACE}: a block trace fed straight into the simulated block layer. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a block trace (blkparse text, blktrace binary, MSR Cambridge CSV, DiskSim/MQSim ascii,"
                + " plain CSV)"
                + " into the simulated block layer and print the summary with diskstats/iostat figures.")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "the trace file (or a folder of blktrace per-CPU files)")
    Path trace;

    @Option(names = "--trace-format", paramLabel = "FORMAT",
            description = "auto (from the file: blktrace's magic, or the shape of its first line), blkparse, msr, disksim,"
                    + " csv (time_ns,op,sector,sectors) or blktrace (binary: a file, or a folder of DEV.blktrace.N files)"
                    + " (default: ${DEFAULT-VALUE})")
    String traceFormat = "auto";

    @Option(names = "--timing", paramLabel = "trace|closed",
            description = "open loop at the trace's times, or closed loop at --depth (default: ${DEFAULT-VALUE})")
    Timing timing = Timing.trace;

    enum Timing { trace, closed }

    @Option(names = "--depth", paramLabel = "N", description = "outstanding I/Os in closed loop (default: ${DEFAULT-VALUE})")
    int depth = 1;

    @Option(names = "--speed", paramLabel = "X", description = "replay X times faster than recorded (default: ${DEFAULT-VALUE})")
    double speed = 1;

    @Option(names = "--stack", paramLabel = "CONFIG.yaml", description = "the machine: cpu, os, block, device sections")
    Path stack;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = {"override one config value,", "e.g. --set block.scheduler=none"})
    List<String> sets = new ArrayList<>();

    @Option(names = "--format", paramLabel = "text|json", description = "output format (default: ${DEFAULT-VALUE})")
    RunCommand.Format format = RunCommand.Format.text;

    @Option(names = "--wrap", description = "wrap records beyond the device's end around its capacity"
            + " (counted in replay.wrapped); without it such a record is an error")
    boolean wrap;

    @Option(names = "--check", description = "check every layer's invariants during the run and report them on stderr;"
            + " the output is the same as without it")
    boolean check;

    @Option(names = "--blktrace", paramLabel = "FILE", description = "write the replay's block trace as blkparse text to FILE")
    Path blktrace;

    @Option(names = "--blktrace-binary", paramLabel = "DIR",
            description = "write the replay's block trace as blktrace's binary per-CPU files (DEV.blktrace.CPU) into DIR")
    Path blktraceBinary;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (blktrace != null) {
            io.stacksim.config.OutputFiles.file(blktrace, "--blktrace");
            io.stacksim.config.OutputFiles.notAnInput(blktrace, "--blktrace", java.util.Arrays.asList(trace, stack));
        }
        if (blktraceBinary != null) {
            io.stacksim.config.OutputFiles.checkFolder(blktraceBinary, "--blktrace-binary");
        }
        ConfigNode root = ConfigLoader.load(stack, sets);
        long wall = System.nanoTime();
        RunResult r = ReplaySimulation.run(root, new ReplaySimulation.Options(trace, traceFormat,
                timing == Timing.closed ? ReplayRunner.Timing.CLOSED : ReplayRunner.Timing.TRACE, depth, speed,
                io.stacksim.block.trace.TraceOutput.of(blktrace, blktraceBinary), wrap, check));
        wall = System.nanoTime() - wall;
        spec.commandLine().getOut().print(format == RunCommand.Format.json ? JsonResult.format(r) : TextSummary.format(r));
        spec.commandLine().getOut().flush();
        if (System.getenv("STACKSIM_QUIET") == null) {
            long ios = r.metrics().getOrDefault("replay.records", 0L).longValue();
            spec.commandLine().getErr().printf(Locale.ROOT, "(wall %.2f s, %.0f replayed I/Os per wall-second)%n",
                    wall / 1e9, ios / (wall / 1e9));
        }
        return check ? CheckReport.print(spec.commandLine().getErr(), "replay", java.util.List.of(r)) : 0;
    }
}
