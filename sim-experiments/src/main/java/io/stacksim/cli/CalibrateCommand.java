package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.validation.Calibration;
import io.stacksim.experiment.validation.Calibration.Fit;
import io.stacksim.experiment.validation.Calibration.Job;
import io.stacksim.experiment.validation.Calibration.Measured;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stacksim calibrate DEVICE_OR_FILE}: runs the calibration matrix of fio jobs on a real
 * target, fits a latency-device profile ({@link Calibration}), writes it, and prints the fit's
 * error on each job. {@code stacksim calibrate --check PROFILE --target DEV JOB.fio...} runs other
 * jobs on the real target and on the profile and prints them side by side with the demerit.
 * Both need fio on the PATH and refuse cleanly without it.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Fit a device profile to a real block device or file by running fio on it,"
            + " or (--check) compare a profile with real fio runs of other jobs."})
final class CalibrateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DEVICE_OR_FILE|PROFILE",
            description = "the real target to calibrate; with --check, the profile to check")
    String first;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "JOB.fio", description = "with --check: the fio jobs to compare")
    List<Path> jobFiles = new ArrayList<>();

    @Option(names = "--check", description = "compare PROFILE with real runs of the JOB.fio files on --target")
    boolean check;

    @Option(names = "--target", paramLabel = "DEVICE_OR_FILE", description = "with --check: the real target the jobs run on")
    String target;

    @Option(names = "--out", paramLabel = "PROFILE.yaml", description = "where the fitted profile goes (default: NAME-calibrated.yaml)")
    Path out;

    @Option(names = "--runtime", paramLabel = "SECONDS", description = "fio runtime of each job (default: ${DEFAULT-VALUE})")
    int runtime = 3;

    @Option(names = "--size", paramLabel = "SIZE", description = "the span of the target the jobs use (default: ${DEFAULT-VALUE})")
    String size = "1g";

    @Option(names = "--repeat", paramLabel = "N", description = "real runs per job; their medians are used (default: ${DEFAULT-VALUE})")
    int repeat = 3;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "keep the job files and fio JSON here (default: a temporary directory)")
    Path workDir;

    @Option(names = "--fio", paramLabel = "PATH", description = "the fio to run (default: ${DEFAULT-VALUE}, from the PATH)")
    String fioBinary = "fio";

    @Option(names = "--reuse", description = "use the real runs' fio JSON already in --work-dir instead of running fio again")
    boolean reuse;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!reuse) {
            requireFio(fioBinary);
        } else if (workDir == null) {
            throw new ConfigException("--reuse needs --work-dir, where the earlier real runs are");
        }
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new ConfigException("--repeat " + repeat + ": expected real runs per job from 1 to " + MAX_REPEAT);
        }
        if (runtime < 1 || runtime > MAX_RUNTIME_S) {
            throw new ConfigException("--runtime " + runtime + ": expected seconds per fio job from 1 to " + MAX_RUNTIME_S);
        }
        long span;
        try {
            span = io.stacksim.config.Units.parseSize(size);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--size " + size + ": expected a size such as 1g or 512m (" + e.getMessage() + ")");
        }
        if (span < 1 << 20) {
            throw new ConfigException("--size " + size + ": expected a span of at least 1m, for the 128 KiB jobs at depth 32");
        }
        if (out != null) {
            io.stacksim.config.OutputFiles.file(out, "--out");
        }
        if (workDir != null) {
            io.stacksim.config.OutputFiles.checkFolder(workDir, "--work-dir");
        }
        if (!check) {
            requireTarget(first);
        }
        Path dir = workDir != null ? io.stacksim.config.OutputFiles.folder(workDir, "--work-dir")
                : Files.createTempDirectory("stacksim-calibrate");
        PrintWriter o = spec.commandLine().getOut();
        if (check) {
            if (target == null || jobFiles.isEmpty()) {
                throw new ConfigException("calibrate --check PROFILE --target DEVICE_OR_FILE JOB.fio...: needs --target and at least one job file");
            }
            return check(Path.of(first), dir, o);
        }
        if (!jobFiles.isEmpty()) {
            throw new ConfigException("calibrate DEVICE_OR_FILE takes no job files (those are for --check)");
        }
        return calibrate(first, dir, o);
    }

    /** The most real runs per job: a median of more tells nothing new, and each costs the whole matrix again. */
    static final int MAX_REPEAT = 100;
    /** The longest fio runtime per job (an hour). */
    static final int MAX_RUNTIME_S = 3600;

    /** fio runs on a block device or a regular file: a folder, a FIFO or a missing path is refused before fio starts. */
    private static void requireTarget(String path) {
        Path p = Path.of(path);
        if (path.isBlank()) {
            throw new ConfigException("an empty target path (expected a block device or a regular file to calibrate)");
        }
        if (!Files.exists(p)) {
            throw new ConfigException(path + ": no such device or file");
        }
        if (Files.isDirectory(p)) {
            throw new ConfigException(path + ": is a directory (expected a block device or a regular file for fio to run on)");
        }
        if (!Files.isRegularFile(p) && !isBlockDevice(p)) {
            // /dev/null, /dev/zero, a tty: fio would "run" on them and measure nothing of a disk
            throw new ConfigException(path + ": not a block device or a regular file (expected one for fio to run on)");
        }
    }

    /** S_IFBLK in the file's mode (symbolic links followed, as fio opens the path). */
    private static boolean isBlockDevice(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            return mode instanceof Integer m && (m & 0170000) == 0060000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            // no unix view of the file: leave it to fio, as before
            return p.toString().startsWith("/dev/");
        }
    }

    // ------------------------------------------------------------------ calibrate

    private int calibrate(String tgt, Path dir, PrintWriter o) throws IOException {
        Target t = Target.of(tgt).atLeast(io.stacksim.config.Units.parseSize(size));
        o.printf(Locale.ROOT, "calibrating %s (%s): %d jobs x %d runs x %d s%n", tgt, t.describe(), Calibration.matrix().size(),
                repeat, runtime);
        o.flush();
        Map<String, Measured> real = new LinkedHashMap<>();
        for (Job j : Calibration.matrix()) {
            real.put(j.name(), runReal(j, tgt, dir));
            Measured m = real.get(j.name());
            o.printf(Locale.ROOT, "  %-20s IOPS %9.0f  p50 %8.1f us  p99 %8.1f us%n", j.name(), m.iops(), m.p50Us(), m.p99Us());
            o.flush();
        }
        String name = t.devName() + "-calibrated";
        Path profile = out != null ? out : Path.of(name + ".yaml");
        String how = "direct I/O, libaio, medians of " + repeat + " runs of " + runtime + " s per job";
        o.println("\nfitting:");
        Fit fit = fitTarget(real, tgt, t, dir, size, Integer.toString(runtime), profile, name, how, line -> {
            o.println(line);
            o.flush();
        });
        write(profile, Calibration.profileYaml(name, tgt, t.devName(), t.capacity(), t.describe(), t.queueDepth(),
                t.maxSectorsKb(), t.logicalBlock(), t.rotational(), fit, how));
        o.printf(Locale.ROOT, "%nprofile: %s (read service mean %.1f us; flush %.1f us; reaper wake-ups %.2f%% wait %.0f us"
                + " on average; write-completion wake-ups %.2f%% wait %.0f us)%n", profile, fit.meanReadNs() / 1e3,
                fit.flushNs() / 1e3, fit.wake() == null ? 0 : 100 * fit.wake().share(),
                fit.wake() == null ? 0 : fit.wake().meanNs() / 1e3, fit.writeWake() == null ? 0 : 100 * fit.writeWake().share(),
                fit.writeWake() == null ? 0 : fit.writeWake().meanNs() / 1e3);
        o.println("\nfit error per job (real: medians of " + repeat + " runs):");
        o.println(Calibration.header());
        for (Job j : Calibration.matrix()) {
            o.println(Calibration.row(simulate(j, profile, t, dir), real.get(j.name())));
            o.flush();
        }
        o.println("\nuse it as device.profile: " + profile);
        return 0;
    }

    /**
     * Fits {@code real} (the matrix's measured medians, by job name) with {@link Calibration#fit},
     * simulating each candidate as the profile {@code profile} of target {@code t}; returns the fit
     * (the profile file then holds the last candidate, not necessarily the fit: write it after).
     */
    static Fit fitTarget(Map<String, Measured> real, String tgt, Target t, Path dir, String size, String runtime,
                         Path profile, String name, String how, java.util.function.Consumer<String> log) throws IOException {
        // what the simulated kernel spends per I/O around an instant device, per job kind
        Path zero = dir.resolve("instant.yaml");
        Files.writeString(zero, Calibration.profileYaml("instant", tgt, t.devName(), t.capacity(), "", t.queueDepth(),
                t.maxSectorsKb(), t.logicalBlock(), t.rotational(),
                new Fit(new double[] {0, 0}, new double[] {0, 0}, 0, 4096, 1e15, 1e15, null, null, 1), "instant device"));
        Measured hr = simulate(byName("randread-4k-qd1"), zero, t, dir, size, runtime);
        Measured hw = simulate(byName("randwrite-4k-qd1"), zero, t, dir, size, runtime);
        Measured hf = simulate(byName("flush-4k-qd1"), zero, t, dir, size, runtime);
        return Calibration.fit(real, hr, hw, hf, t.queueDepth(), (f, job) -> {
            write(profile, Calibration.profileYaml(name, tgt, t.devName(), t.capacity(), t.describe(), t.queueDepth(),
                    t.maxSectorsKb(), t.logicalBlock(), t.rotational(), f, how));
            try {
                return simulate(byName(job), profile, t, dir, size, runtime);
            } catch (IOException e) {
                throw new ConfigException(profile + ": cannot simulate " + job + ": " + e.getMessage());
            }
        }, log);
    }

    static Job byName(String name) {
        return Calibration.matrix().stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ check

    private int check(Path profile, Path dir, PrintWriter o) throws IOException {
        if (!Files.isRegularFile(profile)) {
            throw new ConfigException(profile + ": no such profile file");
        }
        ConfigNode p = ConfigNode.parseYaml(profile).section("params");
        String devName = p.string("dev_name", "sdx");
        p.markOpen();
        requireTarget(target);
        Target t = Target.of(target).named(devName);
        o.printf(Locale.ROOT, "checking %s against %s (real: medians of %d runs)%n", profile, target, repeat);
        o.println(Calibration.header());
        for (Path jf : jobFiles) {
            String text = Files.readString(jf);
            for (int r = 0; r < repeat; r++) {
                fio(withTarget(text, target), dir, jf.getFileName() + ".real" + r, target);
            }
            List<Measured> sims = Calibration.read(simulateText(withTarget(text, "/dev/" + devName), profile, t, dir,
                    jf.getFileName().toString(), "/dev/" + devName));
            for (int i = 0; i < sims.size(); i++) {
                List<Measured> same = new ArrayList<>();
                for (int r = 0; r < repeat; r++) {
                    same.add(Calibration.read(dir.resolve(jf.getFileName() + ".real" + r + ".json")).get(i));
                }
                o.println(Calibration.row(sims.get(i), Calibration.median(same)));
            }
            o.flush();
        }
        return 0;
    }

    /** The job file with a leading [global] naming the target (the file's own filename, if any, still wins). */
    static String withTarget(String jobText, String filename) {
        return "[global]\nfilename=" + filename + "\n\n" + jobText;
    }

    // ------------------------------------------------------------------ running fio, real and simulated

    private Measured runReal(Job j, String tgt, Path dir) throws IOException {
        List<Measured> runs = new ArrayList<>();
        String text = j.fioText(tgt, size, Integer.toString(runtime));
        for (int r = 0; r < repeat; r++) {
            runs.add(Calibration.read(fio(text, dir, j.name() + ".real" + r, tgt)).get(0));
        }
        return Calibration.median(runs);
    }

    private Measured simulate(Job j, Path profile, Target t, Path dir) throws IOException {
        return simulate(j, profile, t, dir, size, Integer.toString(runtime));
    }

    /** Simulates matrix job {@code j} on {@code profile} as target {@code t}'s stack would run it. */
    static Measured simulate(Job j, Path profile, Target t, Path dir, String size, String runtime) throws IOException {
        String dev = "/dev/" + t.devName();
        return Calibration.read(simulateText(j.fioText(dev, size, runtime), profile, t, dir, j.name(), dev)).get(0);
    }

    /** Runs fio on a job text; returns its json+ output file. */
    private Path fio(String jobText, Path dir, String name, String tgt) throws IOException {
        Path job = dir.resolve(name + ".fio");
        Path json = dir.resolve(name + ".json");
        if (reuse && Files.isRegularFile(json)) {
            return json;
        }
        Files.writeString(job, jobText, StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(fioBinary, "--output-format=json+", "--output=" + json, job.toString());
        pb.environment().put("TARGET", tgt);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new ConfigException(job + ": fio failed: " + log.strip().lines().findFirst().orElse("exit " + p.exitValue()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while fio ran " + job);
        }
        return json;
    }

    /** Simulates a job text with {@code stacksim fio} on the profile; returns its json+ output file. */
    private static Path simulateText(String jobText, Path profile, Target t, Path dir, String name, String dev)
            throws IOException {
        Path job = dir.resolve(name + ".sim.fio");
        Path json = dir.resolve(name + ".sim.json");
        Path stack = dir.resolve("stack.yaml");
        Files.writeString(job, jobText, StandardCharsets.UTF_8);
        Files.writeString(stack, "run:\n  seed: 1\ncpu:\n  count: " + Runtime.getRuntime().availableProcessors()
                + "\ndevice:\n  profile: " + profile.toAbsolutePath() + "\nblock:\n  scheduler: " + t.scheduler() + "\n",
                StandardCharsets.UTF_8);
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"fio", job.toString(), "--stack", stack.toString(), "--output-format=json+",
            "--output", json.toString(), "--lenient", "--env", "TARGET=" + dev}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        if (code != 0) {
            throw new ConfigException(job + ": simulation failed: " + err.toString().strip().lines()
                    .filter(l -> !l.startsWith("stacksim: warning")).findFirst().orElse("exit " + code));
        }
        return json;
    }

    /** Refuses cleanly when fio is not installed. */
    static void requireFio(String fio) {
        try {
            Process p = new ProcessBuilder(fio, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new ConfigException("calibrate runs fio on the real target, and 'fio --version' failed");
            }
        } catch (IOException e) {
            throw new ConfigException("calibrate runs fio on the real target, and fio is not installed (no '" + fio
                    + "' " + (fio.contains("/") ? "there" : "on the PATH") + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while looking for fio");
        }
    }

    private static void write(Path file, String text) {
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot write: " + e.getMessage());
        }
    }

    /** What sysfs says about the target (a block device), or defaults for a file. */
    record Target(String path, String devName, long capacity, int queueDepth, int maxSectorsKb, int logicalBlock,
                  boolean rotational, String scheduler, String extra) {
        static Target of(String path) {
            Path p = Path.of(path);
            if (!Files.exists(p)) {
                throw new ConfigException(path + ": no such device or file");
            }
            String base = p.getFileName().toString();
            Path q = Path.of("/sys/block", base, "queue");
            if (path.startsWith("/dev/") && Files.isDirectory(q)) {
                long sectors = Long.parseLong(sys(Path.of("/sys/block", base, "size"), "0"));
                String sched = sys(q.resolve("scheduler"), "[none]");
                int a = sched.indexOf('[');
                int b = sched.indexOf(']');
                String dio = sys(Path.of("/sys/block", base, "loop", "dio"), "");
                return new Target(path, base, sectors * 512, Integer.parseInt(sys(q.resolve("nr_requests"), "64")),
                        Integer.parseInt(sys(q.resolve("max_sectors_kb"), "1280")),
                        Integer.parseInt(sys(q.resolve("logical_block_size"), "512")), sys(q.resolve("rotational"), "0").equals("1"),
                        a >= 0 && b > a ? sched.substring(a + 1, b) : "none", dio.isEmpty() ? "" : " loop/dio " + dio + ".");
            }
            try {
                return new Target(path, "sdx", Files.size(p), 64, 1280, 512, false, "none", "");
            } catch (IOException e) {
                throw new ConfigException(path + ": cannot read its size: " + e.getMessage());
            }
        }

        /** The target with at least {@code bytes} of capacity (a detached loop device reports 0). */
        Target atLeast(long bytes) {
            return new Target(path, devName, Math.max(capacity, bytes), queueDepth, maxSectorsKb, logicalBlock, rotational,
                    scheduler, extra);
        }

        Target named(String dev) {
            return new Target(path, dev, capacity, queueDepth, maxSectorsKb, logicalBlock, rotational, scheduler, extra);
        }

        String describe() {
            return String.format(Locale.ROOT, "sysfs: scheduler %s, nr_requests %d, max_sectors_kb %d, logical block %d B,"
                    + " rotational %d.%s", scheduler, queueDepth, maxSectorsKb, logicalBlock, rotational ? 1 : 0, extra);
        }

        private static String sys(Path f, String def) {
            try {
                return Files.readString(f).trim();
            } catch (IOException e) {
                return def;
            }
        }
    }
}
