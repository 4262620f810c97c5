package io.stacksim.cli;

import io.stacksim.experiment.sweep.Catalog;
import io.stacksim.experiment.sweep.Shard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code stacksim experiment}: the catalog of ready-made sweeps. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Run an experiment of the catalog (a sweep shipped with StackSim) into results/NAME,"
                + " or list them. Each writes runs.csv, summary.csv, charts and report.html."})
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the experiment (see --list)")
    String name;

    @Option(names = "--list", description = "list the experiments and what each shows")
    boolean list;

    @Option(names = "--all", description = "run every experiment, each into OUT/NAME (default results/NAME)")
    boolean all;

    @Option(names = "--quick", description = "a smaller, faster version (fewer points, shorter runs)")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: results/NAME, with --quick TMPDIR/stacksim-quick/NAME; with --all, the parent)")
    Path out;

    @Option(names = "--jobs", paramLabel = "N", description = "runs in parallel (default: all cores, here ${DEFAULT-VALUE})")
    int jobs = SweepExecution.defaultJobs();

    @Option(names = "--resume", description = "keep the runs already in the output folder and make only the others")
    boolean resume;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "run only shard I of N (1-based), e.g. one task of a job array; `stacksim merge` joins the shards")
    String shard;

    @Option(names = "--check", description = "check every layer's invariants in every run and report them on stderr;"
            + " the results are the same as without it")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (jobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1");
        }
        if (list) {
            for (Catalog.Entry e : Catalog.entries()) {
                out.printf("%-21s %s%n", e.name(), e.title());
                String para = e.description().split("\\n\\s*\\n")[0].replaceAll("\\s+", " ").trim();
                int dot = para.indexOf(". ");
                String first = dot > 0 ? para.substring(0, dot + 1) : para;
                if (!first.isEmpty()) {
                    out.printf("%-21s %s%n", "", wrap(first, 80, 22));
                }
            }
            out.flush();
            return 0;
        }
        if (all == (name != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give an experiment NAME, --all or --list");
        }
        Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
        String command = SweepExecution.commandLine(spec.commandLine());
        if (all) {
            int code = 0;
            for (Catalog.Entry e : Catalog.entries()) {
                out.printf("== %s: %s%n", e.name(), e.title());
                out.flush();
                Path dir = this.out != null ? this.out.resolve(e.name()) : SweepExecution.defaultOut(e.name(), quick);
                code = Math.max(code, SweepExecution.run(Catalog.load(e.name(), quick), dir, jobs, resume, sh,
                        command, out, spec.commandLine().getErr(), check));
            }
            return code;
        }
        Path dir = this.out != null ? this.out : SweepExecution.defaultOut(name, quick);
        return SweepExecution.run(Catalog.load(name, quick), dir, jobs, resume, sh, command, out,
                spec.commandLine().getErr(), check);
    }

    private static String wrap(String text, int width, int indent) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + 1 + w.length() > width - indent) {
                sb.append('\n').append(" ".repeat(indent));
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }
}
