package io.stacksim.cli;

import io.stacksim.experiment.sweep.Shard;
import io.stacksim.experiment.sweep.SweepFile;
import io.stacksim.experiment.sweep.SweepSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code stacksim sweep SWEEP.yaml}: a parameter sweep with tables, charts and a report. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a parameter sweep (docs/sweeps.md): every point of its axes, replicated, in parallel;"
                + " write runs.csv, summary.csv, charts and report.html.",
                "Results do not depend on --jobs; an interrupted sweep continues with --resume."})
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SWEEP.yaml", description = "the sweep file")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: results/NAME; with --quick, TMPDIR/stacksim-quick/NAME)")
    Path out;

    @Option(names = "--jobs", paramLabel = "N", description = "runs in parallel (default: all cores, here ${DEFAULT-VALUE})")
    int jobs = SweepExecution.defaultJobs();

    @Option(names = "--resume", description = "keep the runs already in the output folder and make only the others")
    boolean resume;

    @Option(names = "--shard", paramLabel = "I/N", description = "run only shard I of N (1-based), e.g. one task of a job array")
    String shard;

    @Option(names = "--quick", description = "apply the sweep's quick: settings (fewer points, shorter runs)")
    boolean quick;

    @Option(names = "--check", description = "check every layer's invariants in every run and report them on stderr;"
            + " the results are the same as without it")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1");
        }
        Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
        SweepSpec s = SweepFile.read(file, quick);
        Path dir = out != null ? out : SweepExecution.defaultOut(s.name(), quick);
        return SweepExecution.run(s, dir, jobs, resume, sh, SweepExecution.commandLine(spec.commandLine()),
                spec.commandLine().getOut(), spec.commandLine().getErr(), check);
    }
}
