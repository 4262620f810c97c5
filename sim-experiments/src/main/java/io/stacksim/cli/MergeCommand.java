package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.experiment.sweep.RunRecord;
import io.stacksim.experiment.sweep.Sweep;
import io.stacksim.experiment.sweep.SweepFile;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.experiment.sweep.SweepRun;
import io.stacksim.experiment.sweep.SweepStore;
import io.stacksim.report.ChartFiles;
import io.stacksim.report.SweepPublisher;
import io.stacksim.report.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code stacksim merge DIR... --out DIR}: joins the outputs of sweep shards. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Join the output folders of the shards of one sweep (stacksim sweep or experiment --shard I/N)"
                + " into one folder with runs.csv, summary.csv, charts and report.html, as if it had run on one machine."})
final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "shard output folders")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "the merged output folder")
    Path out;

    @Option(names = "--jobs", paramLabel = "N", description = "charts drawn in parallel (default: all cores, here ${DEFAULT-VALUE})")
    int jobs = SweepExecution.defaultJobs();

    @Option(names = "--partial", description = "write the tables and report even if some runs are missing")
    boolean partial;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (jobs < 1) {
            throw new ConfigException("--jobs " + jobs + ": expected an integer >= 1");
        }
        Sweep sweep = null;
        Path first = null;
        Map<String, RunRecord> records = new HashMap<>();
        List<String> commands = new ArrayList<>();
        for (Path d : dirs) {
            Path file = d.resolve("sweep.yaml");
            if (!Files.exists(file)) {
                throw new ConfigException(d + ": no sweep.yaml; not a sweep output folder");
            }
            Sweep s = new Sweep(SweepFile.read(file, false));
            if (sweep == null) {
                sweep = s;
                first = d;
            } else if (!ids(s).equals(ids(sweep))) {
                throw new ConfigException(d + ": holds a different sweep than " + first + " (its runs differ); merge only the shards of one sweep");
            }
            records.putAll(new SweepStore(d).load());
            Path cmd = d.resolve("command.txt");
            if (Files.exists(cmd)) {
                String c = Files.readString(cmd, StandardCharsets.UTF_8).trim();
                if (!c.isEmpty() && !commands.contains(c)) {
                    commands.add(c);
                }
            }
        }
        Map<SweepRun, RunRecord> rows = SweepStore.select(sweep.runs(), records);
        int missing = sweep.runs().size() - rows.size();
        if (missing > 0 && !partial) {
            SweepRun m = sweep.runs().stream().filter(r -> !rows.containsKey(r)).findFirst().orElseThrow();
            throw new ConfigException("merge: " + missing + " of " + sweep.runs().size() + " runs are missing (first: "
                    + m.point().key() + ", replication " + m.replication() + ", run " + m.index()
                    + "); add the missing shards' folders, or pass --partial");
        }
        io.stacksim.config.OutputFiles.checkFolder(out, "--out");
        SweepStore store = new SweepStore(out);
        List<ChartFiles.Written> charts;
        try (SweepStore.Lock lock = store.lock("--out")) {
            store.prepare(sweep, true);
            for (RunRecord r : rows.values()) {
                store.write(r);
            }
            String merge = SweepExecution.commandLine(spec.commandLine());
            commands.add(merge);
            store.writeText("command.txt", merge + "\n");
            charts = SweepPublisher.publish(new SweepResults(sweep, rows), store, commands, Version.get(), jobs);
        }
        spec.commandLine().getOut().printf("merged %d folders: %d of %d runs into %s (runs.csv, summary.csv, %d charts, report.html)%n",
                dirs.size(), rows.size(), sweep.runs().size(), out, charts.size());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static List<String> ids(Sweep s) {
        return s.runs().stream().map(SweepRun::id).toList();
    }
}
