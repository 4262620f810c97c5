package io.stacksim.cli;

import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.experiment.run.Simulation;
import io.stacksim.report.JsonResult;
import io.stacksim.report.TextSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stacksim run CONFIG.yaml}: one simulation, summarised like fio. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one simulation described by a YAML config and print a fio-like summary.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "the run config (docs/config.md)")
    Path config;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = {"override one config value,", "e.g. --set block.scheduler=none"})
    List<String> sets = new ArrayList<>();

    @Option(names = "--format", paramLabel = "text|json", description = "output format (default: ${DEFAULT-VALUE})")
    Format format = Format.text;

    enum Format { text, json }

    @Option(names = "--check", description = "check every layer's invariants during the run (block, page cache, file"
            + " system, device) and report them on stderr; the figures are the same as without it")
    boolean check;

    @Option(names = "--blktrace", paramLabel = "FILE", description = "write the run's block trace as blkparse text to FILE")
    Path blktrace;

    @Option(names = "--blktrace-binary", paramLabel = "DIR",
            description = "write the run's block trace as blktrace's binary per-CPU files (DEV.blktrace.CPU) into DIR,"
                    + " for blkparse, btt and iowatcher")
    Path blktraceBinary;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (blktrace != null) {
            io.stacksim.config.OutputFiles.file(blktrace, "--blktrace");
            io.stacksim.config.OutputFiles.notAnInput(blktrace, "--blktrace", java.util.Collections.singletonList(config));
        }
        if (blktraceBinary != null) {
            io.stacksim.config.OutputFiles.checkFolder(blktraceBinary, "--blktrace-binary");
        }
        ConfigNode root = ConfigLoader.load(config, sets);
        long wall = System.nanoTime();
        RunResult r = Simulation.run(root, io.stacksim.block.trace.TraceOutput.of(blktrace, blktraceBinary), check,
                StatusProgress.forConsole(spec.commandLine().getErr()));
        wall = System.nanoTime() - wall;
        spec.commandLine().getOut().print(format == Format.json ? JsonResult.format(r) : TextSummary.format(r));
        spec.commandLine().getOut().flush();
        int checked = check ? CheckReport.print(spec.commandLine().getErr(), "run", List.of(r)) : 0;
        long ios = r.metrics().getOrDefault("io.read.ios", 0L).longValue() + r.metrics().getOrDefault("io.write.ios", 0L).longValue();
        if (System.getenv("STACKSIM_QUIET") == null) {
            spec.commandLine().getErr().printf(Locale.ROOT, "(wall %.2f s, %.0f simulated I/Os per wall-second)%n",
                    wall / 1e9, ios / (wall / 1e9));
        }
        return checked;
    }
}
