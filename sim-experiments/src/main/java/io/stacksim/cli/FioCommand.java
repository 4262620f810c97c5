package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Units;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.experiment.run.Simulation;
import io.stacksim.report.FioCompare;
import io.stacksim.report.FioJsonWriter;
import io.stacksim.report.FioNormalWriter;
import io.stacksim.report.FioReport;
import io.stacksim.report.FioTerseWriter;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stacksim fio JOBFILE...}: simulates fio job files on a stack and reports the way fio
 * does (normal, json, json+, terse), optionally side by side with a real fio run's json.
 */
@Command(name = "fio", mixinStandardHelpOptions = true,
        description = "Simulate fio job files on a stack and report as fio does (normal, json, json+, terse).")
final class FioCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "JOBFILE", description = "fio job files; their jobs are added in order, as fio does")
    List<Path> jobFiles = new ArrayList<>();

    @Option(names = "--stack", paramLabel = "CONFIG.yaml", description = "the stack (cpu, os, vm, fs, block, device, run); default: every default")
    Path stack;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = {"override one stack value,", "e.g. --set device.profile=ramdisk"})
    List<String> sets = new ArrayList<>();

    @Option(names = "--output-format", paramLabel = "FORMAT", split = ",",
            description = "normal, json, json+ or terse; several may be given comma-separated (default: normal)")
    List<String> formats = new ArrayList<>(List.of("normal"));

    @Option(names = "--output", paramLabel = "FILE", description = "write the report to FILE instead of standard output")
    Path output;

    @Option(names = "--check", description = "check every layer's invariants during the run and report them on stderr;"
            + " the output is the same as without it")
    boolean check;

    @Option(names = "--lenient", description = "ignore options StackSim does not model, with a warning recorded in the result")
    boolean lenient;

    @Option(names = "--compare", paramLabel = "REAL.json", description = "a real fio run's json or json+ output to compare with")
    Path compare;

    @Option(names = "--wall-clock-timestamp", description = "put the current time in the JSON timestamp (default: 0, the simulated start)")
    boolean wallClock;

    @Option(names = "--log-dir", paramLabel = "DIR", description = "where write_lat_log, write_bw_log, write_iops_log and write_iolog files go (default: the current directory, as fio)")
    Path logDir = Path.of("");

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "set an environment variable for $${NAME} in the job files (default: the process environment)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--max-runtime", paramLabel = "TIME",
            description = "cap every job's runtime at TIME of simulated time (fio's time units, e.g. 2s); the report says so")
    String maxRuntime;

    @Option(names = "--blktrace", paramLabel = "FILE",
            description = "write the run's block trace as blkparse text to FILE, as run --blktrace does")
    Path blktrace;

    @Option(names = "--blktrace-binary", paramLabel = "DIR",
            description = "write the run's block trace as blktrace's binary per-CPU files (DEV.blktrace.CPU) into DIR,"
                    + " for blkparse, btt and iowatcher")
    Path blktraceBinary;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String f : formats) {
            if (!List.of("normal", "json", "json+", "terse").contains(f)) {
                throw new ConfigException("--output-format " + f + ": expected normal, json, json+ or terse");
            }
        }
        for (String k : env.keySet()) {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException("--env " + k + "=...: expected NAME=VALUE with NAME letters, digits and _"
                        + " (not starting with a digit), as ${NAME} names it in a job file");
            }
        }
        List<Path> inputs = new ArrayList<>(jobFiles);
        inputs.add(stack);
        inputs.add(compare);
        if (output != null) {
            io.stacksim.config.OutputFiles.file(output, "--output");
            io.stacksim.config.OutputFiles.notAnInput(output, "--output", inputs);
        }
        if (blktrace != null) {
            io.stacksim.config.OutputFiles.file(blktrace, "--blktrace");
            io.stacksim.config.OutputFiles.notAnInput(blktrace, "--blktrace", inputs);
        }
        if (blktraceBinary != null) {
            io.stacksim.config.OutputFiles.checkFolder(blktraceBinary, "--blktrace-binary");
        }
        if (compare != null) {
            io.stacksim.config.InputFiles.requireRegularFile(compare, "fio's JSON output (--compare)");
        }
        if (!logDir.toString().isEmpty()) {
            io.stacksim.config.OutputFiles.checkFolder(logDir, "--log-dir");
        }
        ConfigNode root = ConfigLoader.load(stack, sets);
        ConfigNode w = root.section("workload");
        long userNsPerIo = Simulation.USER_TIME_PER_IO.read(w);
        w.remove(Simulation.USER_TIME_PER_IO.name());
        for (String k : w.keys()) {
            throw ConfigException.at(w.child(k).origin(), "'workload." + k + "': with stacksim fio the workload is the job"
                    + " file; the stack config's workload section may only hold user_time_per_io");
        }
        JobFileParser parser = new JobFileParser(k -> env.containsKey(k) ? env.get(k) : System.getenv(k), keywords(root),
                Path.of("").toAbsolutePath());
        List<JobSpec> specs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> globals = new LinkedHashMap<>();
        for (Path file : jobFiles) {
            JobFile jf = parser.parse(file);
            if (jf.jobs().isEmpty()) {
                throw new ConfigException(file + ": no jobs (only [global] sections)");
            }
            globals.putAll(JobTranslator.printed(jf.globalOptions()));
            for (JobFile.Section s : jf.jobs()) {
                JobTranslator.Result r = JobTranslator.translate(s.name(), jf.effectiveOptions(s), s.options(), lenient, null);
                specs.add(r.spec());
                warnings.addAll(r.warnings());
            }
            if (!jf.trailingGlobalOptions().isEmpty()) {
                // fio parses a [global] section's values as it reads them, even with no job after it
                JobTranslator.translate("global", jf.globalOptions(), jf.trailingGlobalOptions(), lenient, null);
            }
        }
        if (maxRuntime != null) {
            long capNs;
            try {
                capNs = Math.multiplyExact(io.stacksim.workload.fio.FioValues.timeUs(maxRuntime, 1_000_000), 1000L);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ConfigException("--max-runtime " + maxRuntime + ": expected a time such as 2s or 500ms");
            }
            if (capNs <= 0) {
                throw new ConfigException("--max-runtime " + maxRuntime + ": expected a time above 0");
            }
            specs.replaceAll(s -> s.withRuntimeCap(capNs));
            warnings.add("--max-runtime " + maxRuntime + ": every job's runtime is capped at " + maxRuntime);
        }
        PrintWriter err = spec.commandLine().getErr();
        for (String warning : warnings) {
            err.println("stacksim: warning: " + warning);
        }
        err.flush();
        RunResult result = Simulation.run(root, specs, userNsPerIo,
                io.stacksim.block.trace.TraceOutput.of(blktrace, blktraceBinary), check, false, logDir,
                StatusProgress.forConsole(err));
        int failed = jobErrors(result, err);
        FioReport report = FioReport.of(result, globals, warnings);
        StringBuilder text = new StringBuilder();
        long ts = wallClock ? System.currentTimeMillis() : 0;
        for (String f : formats) {
            switch (f) {
                case "json" -> text.append(new FioJsonWriter(report, false, ts).write());
                case "json+" -> text.append(new FioJsonWriter(report, true, ts).write());
                case "terse" -> text.append(new FioTerseWriter(report).write());
                default -> text.append(new FioNormalWriter(report).write());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output != null) {
            writeAtomically(output, text.toString());
        } else {
            out.print(text);
            out.flush();
        }
        if (compare != null) {
            String table = FioCompare.compare(report, compare).format();
            boolean toStdout = output != null || formats.equals(List.of("normal"));
            PrintWriter where = toStdout ? out : err;
            where.print(table);
            where.flush();
        }
        int checked = check ? CheckReport.print(spec.commandLine().getErr(), "fio", List.of(result)) : 0;
        return checked != 0 ? checked : failed > 0 ? 1 : 0;
    }

    /**
     * The jobs that ended with an error of their own (td->error, e.g. check_min_rate): what fio
     * logged, then its exit line "fio: pid=N, err=E/VERROR" on standard error; fio's exit status
     * counts them, StackSim's is 1 when there is any (2 stays bad input).
     */
    private static int jobErrors(io.stacksim.experiment.run.RunResult result, PrintWriter err) {
        int n = 0;
        for (io.stacksim.experiment.run.RunResult.CloneRun c : result.clones()) {
            io.stacksim.workload.ExtraStats x = c.stats().extra;
            x.log.forEach(err::println);
            if (x.reapedAtSetup) {
                n++;
                continue;
            }
            if (x.jobError == 0) {
                continue;
            }
            n++;
            err.println("fio: pid=" + c.stats().pid + ", err=" + x.jobError + "/" + x.verror);
        }
        err.flush();
        return n;
    }

    /** The simulated machine's values for $pagesize, $mb_memory and $ncpus. */
    private static JobFileParser.Keywords keywords(ConfigNode root) {
        long mem = 8L << 30;
        String m = root.get("vm.memory");
        if (m != null) {
            try {
                mem = Units.parseSize(m);
            } catch (IllegalArgumentException e) {
                // VmSettings reports the bad value with its line when the stack is built.
            }
        }
        int cpus = 2;
        String c = root.get("cpu.count");
        if (c != null) {
            try {
                cpus = Integer.parseInt(c.trim());
            } catch (NumberFormatException e) {
                // reported when the stack is built
            }
        }
        return new JobFileParser.Keywords(4096, mem >> 20, cpus);
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError("--output " + file, e);
        }
    }
}
