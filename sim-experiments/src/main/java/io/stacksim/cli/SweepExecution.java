package io.stacksim.cli;

import io.stacksim.experiment.sweep.Shard;
import io.stacksim.experiment.sweep.Sweep;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.experiment.sweep.SweepRunner;
import io.stacksim.experiment.sweep.SweepSpec;
import io.stacksim.experiment.sweep.SweepStore;
import io.stacksim.report.ChartFiles;
import io.stacksim.report.SweepPublisher;
import io.stacksim.report.Version;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/** Runs a sweep into a folder and, when it holds the whole sweep, writes its tables, charts and report. */
final class SweepExecution {
    private SweepExecution() {
    }

    static void run(SweepSpec spec, Path out, int jobs, boolean resume, Shard shard, String command,
                    PrintWriter stdout, PrintWriter err) {
        run(spec, out, jobs, resume, shard, command, stdout, err, false);
    }

    /** As above; with {@code check} every run checks its invariants; returns the exit code (1: an invariant broke). */
    static int run(SweepSpec spec, Path out, int jobs, boolean resume, Shard shard, String command,
                   PrintWriter stdout, PrintWriter err, boolean check) {
        if (jobs < 1) {
            throw new io.stacksim.config.ConfigException("--jobs " + jobs + ": expected an integer >= 1");
        }
        io.stacksim.config.OutputFiles.checkFolder(out, "--out");
        Sweep sweep = new Sweep(spec);
        SweepRunner runner = new SweepRunner(sweep, new SweepStore(out), Version.get()).checking(check);
        runner.validate(shard); // every point's config, before the folder is touched
        if (resume) {
            new SweepStore(out).checkResumable(spec.name());
        }
        try (SweepStore.Lock lock = new SweepStore(out).lock("--out")) {
            publish(spec, sweep, runner, out, jobs, resume, shard, command, stdout, err);
        }
        return check ? CheckReport.print(err, spec.name(), runner.checkedRuns()) : 0;
    }

    private static void publish(SweepSpec spec, Sweep sweep, SweepRunner runner, Path out, int jobs, boolean resume,
                                Shard shard, String command, PrintWriter stdout, PrintWriter err) {
        SweepStore store = new SweepStore(out);
        SweepProgress progress = SweepProgress.forConsole(spec.name(), err);
        long t0 = System.nanoTime();
        SweepRunner.Outcome o;
        try {
            o = runner.run(jobs, shard, resume, progress);
        } catch (RuntimeException e) {
            progress.abort();
            throw e;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        store.writeText("command.txt", command + "\n");
        stdout.printf(Locale.ROOT, "sweep %s: %d runs (%d points x %s%s), %d made now on %d thread%s, "
                        + "%d already done; %.1f s%n", spec.name(), o.records().size(), sweep.points().size(),
                io.stacksim.report.SweepReport.replications(spec.replications()), shard.isWhole() ? "" : ", shard " + shard, o.ran(), jobs, jobs == 1 ? "" : "s",
                o.reused(), wall);
        if (!shard.isWhole()) {
            stdout.printf("shard %s stored in %s; join the shards with: stacksim merge DIR... --out DIR%n", shard, out);
            stdout.flush();
            return;
        }
        List<ChartFiles.Written> charts = SweepPublisher.publish(new SweepResults(sweep, o.records()), store,
                List.of(command), Version.get(), jobs);
        stdout.printf("wrote %s: runs.csv, summary.csv, %d charts (PNG + SVG), report.html, report.md%n", out, charts.size());
        stdout.flush();
    }

    /** The command line as typed, for the report's "reproduce" section. */
    static String commandLine(CommandLine cl) {
        StringBuilder sb = new StringBuilder("stacksim");
        for (String a : cl.getParseResult().originalArgs()) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./=:,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /**
     * Where a sweep writes without --out: results/NAME, or for a --quick run a scratch folder
     * (TMPDIR/stacksim-quick/NAME), so a quick look never replaces the published results that
     * the README and the reports link to.
     */
    static Path defaultOut(String name, boolean quick) {
        if (!quick) {
            return Path.of("results", name);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "stacksim-quick", name);
    }

    static int defaultJobs() {
        return Runtime.getRuntime().availableProcessors();
    }
}
