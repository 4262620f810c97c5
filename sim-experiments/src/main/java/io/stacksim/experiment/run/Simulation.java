package io.stacksim.experiment.run;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Stats;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.os.IoCounters;
import io.stacksim.workload.JobRunner;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import io.stacksim.workload.fio.JobTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one config: builds the stack, runs the workload's jobs as fio does, and gathers every
 * statistic into a {@link RunResult}. Both front ends come here: the YAML {@code workload}
 * section and fio job files ({@code stacksim fio}) are translated into the same
 * {@link JobSpec}s and run by the same {@link JobRunner}s.
 *
 * <p>Jobs start together; a job with {@code stonewall} waits until every earlier job has
 * finished (fio's wait_for_previous). Each job prepares its files (open, invalidate or
 * pre-read) when its turn comes, then starts.
 */
public final class Simulation {
    private Simulation() {
    }

    /** Runs {@code root} (already overridden by --set); throws ConfigException for bad input. */
    public static RunResult run(ConfigNode root) {
        return run(root, null, false);
    }

    /** The master seed: every random stream derives from it by name. */
    public static final Tunable<Long> SEED = Tunable.longInteger("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE)
            .help("master seed; every random stream derives from it by name");

    /** The {@code run} section. */
    public static final ConfigSection RUN = ConfigSection.of("run", "The run (`run`)", SEED);

    /** The benchmark's own user time per I/O. */
    public static final Tunable<Long> USER_TIME_PER_IO = Tunable.duration("user_time_per_io", 400, 1)
            .help("the benchmark's own user-space CPU per I/O (StackSim's, not fio's)");
    static final Tunable<String> JOBS = Tunable.text("jobs", null).shownDefault("").range("a list of jobs")
            .help("several jobs; the other `workload` keys are their defaults, as fio's `[global]`");

    /** The {@code workload} section's own keys; the rest are fio's options. */
    public static final ConfigSection WORKLOAD = ConfigSection.of("workload", "The workload (`workload`)",
            USER_TIME_PER_IO, JOBS)
            .intro("""
                    One fio job, with fio's option names (below), or a list of them under `workload.jobs`; or, instead
                    of fio jobs, a server (`workload.server`), a file sent to a socket (`workload.copy`) or a C
                    library stream (`workload.stdio`).

                    Workload options are fio's, with fio's names, syntax and defaults, read by the same code as
                    fio job files (`stacksim fio`, see docs/fio.md for the full list): `name`, `rw`/`readwrite`
                    (read, write, randread, randwrite, rw, randrw, with the `:N` suffix), `bs` (4k, per direction
                    as `read,write`), `bsrange`, `bssplit`, `blockalign`, `size` (1g here; fio itself requires it),
                    `filesize`, `nrfiles`, `offset`, `io_size`, `number_ios`, `loops`, `runtime` (seconds),
                    `time_based`, `ramp_time`, `iodepth` and `iodepth_batch*`, `ioengine` (sync, psync, vsync,
                    pvsync, libaio, io_uring, posixaio, mmap), `direct`/`buffered`, `sync`, `fsync`, `fdatasync`,
                    `end_fsync`, `numjobs`, `rwmixread`/`rwmixwrite` (50), `filename` (a file name, or
                    `/dev/<device>` for the raw device), `rate`, `rate_iops`, `rate_process`, `thinktime`
                    (microseconds), `random_distribution`, `norandommap`, `invalidate`, `pre_read`,
                    `fadvise_hint` (1: POSIX_FADV_RANDOM for random jobs, SEQUENTIAL otherwise, as fio does),
                    `stonewall`, `new_group`. An option fio knows but StackSim does not simulate is an error naming
                    its line.

                    Files a job names are created laid out on the device before the run starts (fio's layout phase
                    is not simulated).""");

    /**
     * Runs {@code root}. With {@code blktrace} non-null, also writes the run's block trace there
     * (blkparse text and/or blktrace binary, each replaced atomically when the run ends). With {@code check}, every
     * layer checks its invariants as it goes and, once the figures are taken, a final sync(2) lets the end-of-run checks
     * prove every dirty page reached the device.
     */
    public static RunResult run(ConfigNode root, io.stacksim.block.trace.TraceOutput blktrace, boolean check) {
        return run(root, blktrace, check, null);
    }

    /** As above; fio jobs report their status line to {@code progress} (null: none). */
    public static RunResult run(ConfigNode root, io.stacksim.block.trace.TraceOutput blktrace, boolean check,
                                Progress progress) {
        ConfigNode w = root.section("workload");
        if (w.has("server")) {
            return withStack(root, blktrace, check, (stack, seed) -> ServerSimulation.run(root, stack, seed));
        }
        if (w.has("copy")) {
            return withStack(root, blktrace, check, (stack, seed) -> CopySimulation.run(root, stack, seed));
        }
        if (w.has("stdio")) {
            return withStack(root, blktrace, check, (stack, seed) -> StdioSimulation.run(root, stack, seed));
        }
        long userNsPerIo = USER_TIME_PER_IO.read(w);
        w.remove(USER_TIME_PER_IO.name());
        List<JobSpec> specs = jobSpecs(w);
        return withStack(root, blktrace, check,
                (stack, seed) -> run(root, stack, seed, specs, userNsPerIo, true, java.nio.file.Path.of(""), progress));
    }

    /**
     * Where a run's fio status line goes while it runs (wall-clock paced; nothing it does
     * changes the simulation, so a run with and without it is the same run).
     */
    public interface Progress {
        /** Wall-clock time between two status lines, in ns. */
        long intervalNs();

        /** The current status line (fio's, without the carriage return). */
        void status(String line);

        /** The jobs are over (called once, even when no line was shown). */
        void done();
    }

    /**
     * Reads and checks every setting of {@code root} as {@link #run(ConfigNode)} would (the stack
     * is built, the workload translated, unknown keys refused) without simulating anything, so a
     * sweep can refuse a bad point before it touches its output folder. Errors found only once
     * the jobs lay out their files still come from the run.
     */
    public static void validate(ConfigNode root) {
        ConfigNode r = root.copy();
        ConfigNode w = r.section("workload");
        long seed = SEED.read(r.section("run"));
        new Stack(r, seed, false);
        if (w.has("server")) {
            io.stacksim.workload.ServerSpec.from(w.section("server"));
        } else if (w.has("copy")) {
            readAll(CopySimulation.SECTION, w.section("copy"));
        } else if (w.has("stdio")) {
            readAll(StdioSimulation.SECTION, w.section("stdio"));
        } else {
            USER_TIME_PER_IO.read(w);
            w.remove(USER_TIME_PER_IO.name());
            jobSpecs(w);
        }
        r.checkAllUsed();
    }

    private static void readAll(ConfigSection section, ConfigNode node) {
        for (io.stacksim.config.Tunable<?> t : section.tunables()) {
            t.read(node);
        }
    }

    /**
     * Runs {@code specs} on the stack {@code root} describes (its workload section, if any, is
     * not read). {@code yamlStats} keeps the YAML front end's statistics window: stack
     * statistics start after the jobs have prepared and restart at the end of ramp_time; the
     * fio front end counts the disk from the start, as fio's disk_util does.
     */
    public static RunResult run(ConfigNode root, List<JobSpec> specs, long userNsPerIo, io.stacksim.block.trace.TraceOutput blktrace,
                                boolean check, boolean yamlStats) {
        return run(root, specs, userNsPerIo, blktrace, check, yamlStats, java.nio.file.Path.of(""));
    }

    /** As above, with the directory per-I/O logs (write_lat_log, write_iolog ...) are written to. */
    public static RunResult run(ConfigNode root, List<JobSpec> specs, long userNsPerIo, io.stacksim.block.trace.TraceOutput blktrace,
                                boolean check, boolean yamlStats, java.nio.file.Path logDir) {
        return run(root, specs, userNsPerIo, blktrace, check, yamlStats, logDir, null);
    }

    /** As above, with the status line shown to {@code progress} (null: none). */
    public static RunResult run(ConfigNode root, List<JobSpec> specs, long userNsPerIo, io.stacksim.block.trace.TraceOutput blktrace,
                                boolean check, boolean yamlStats, java.nio.file.Path logDir, Progress progress) {
        return withStack(root, blktrace, check,
                (stack, seed) -> run(root, stack, seed, specs, userNsPerIo, yamlStats, logDir, progress));
    }

    /** Runs {@code specs} on {@code stack}, built by the caller from {@code root} (tests look at its file system afterwards). */
    static RunResult runOn(Stack stack, ConfigNode root, List<JobSpec> specs, java.nio.file.Path logDir) {
        return run(root, stack, SEED.read(root.section("run")), specs, 400, false, logDir, null);
    }

    /** What runs on a built stack. */
    @FunctionalInterface
    private interface OnStack {
        RunResult run(Stack stack, long seed);
    }

    /** Builds the stack from {@code root}, runs {@code body} on it, and writes the block trace if asked. */
    private static RunResult withStack(ConfigNode root, io.stacksim.block.trace.TraceOutput blktrace, boolean check, OnStack body) {
        long seed = SEED.read(root.section("run"));
        Stack stack = new Stack(root, seed, check);
        io.stacksim.block.trace.TraceOutput.Writers trace = blktrace == null ? null : stack.traceTo(blktrace);
        try {
            RunResult r = body.run(stack, seed);
            if (trace != null) {
                trace.close(stack.sim.now());
            }
            // The checks end after every figure was taken, so a checked run reports what an unchecked one does.
            return check ? r.withChecks(stack.finishChecks(), stack.checkSummary()) : r;
        } finally {
            if (trace != null) {
                trace.abort();
            }
        }
    }

    /** One job's clones, with the job's fio reporting group. */
    private record Planned(JobSpec spec, int groupId, List<JobRunner> runners, List<RunResult.CloneRun> dropped) {
    }

    private static RunResult run(ConfigNode root, Stack stack, long seed, List<JobSpec> specs, long userNsPerIo,
                                 boolean yamlStats, java.nio.file.Path logDir, Progress progress) {
        root.checkAllUsed();
        // fio's add_job: a job with stonewall or new_group after some jobs starts a new group.
        List<Planned> plan = new ArrayList<>();
        int groupId = 0;
        int groupJobs = 0;
        for (JobSpec spec : specs) {
            if ((spec.reporting().stonewall() || spec.reporting().newGroup()) && groupJobs > 0) {
                groupId++;
                groupJobs = 0;
            }
            plan.add(new Planned(spec, groupId, new ArrayList<>(), new ArrayList<>()));
            groupJobs++;
        }
        List<List<Planned>> segments = new ArrayList<>();
        for (Planned p : plan) {
            if (segments.isEmpty() || p.spec().reporting().stonewall()) {
                segments.add(new ArrayList<>());
            }
            segments.get(segments.size() - 1).add(p);
        }
        runSegment(stack, segments, 0, userNsPerIo, yamlStats, logDir, new Control(plan));
        try {
            if (progress == null) {
                stack.sim.run();
            } else {
                runShowingStatus(stack, plan, progress);
            }
        } catch (JobRunner.JobError e) {
            throw new ConfigException(e.getMessage());
        } catch (io.stacksim.fs.FsException e) {
            // A file system refusal while fio lays out its files (ENOSPC: offset + size beyond what the
            // file system holds) is the job's sizing, as fio's "ENOSPC on laying out file" is.
            io.stacksim.config.Origin at = specs.isEmpty() ? null : specs.get(0).origin("offset", "size", "filesize");
            String msg = e.getMessage() + " (fio lays out offset + size bytes per file)";
            throw at == null ? new ConfigException(msg) : ConfigException.at(at, msg);
        }
        long jobsEnd = stack.sim.now();

        JobStats group = JobStats.empty();
        List<JobSummary> jobs = new ArrayList<>();
        List<RunResult.CloneRun> clones = new ArrayList<>();
        for (Planned p : plan) {
            JobStats js = JobStats.empty();
            for (JobRunner r : p.runners()) {
                js.add(r.stats);
                clones.add(new RunResult.CloneRun(p.spec(), r.cloneIndex(), p.groupId(), r.stats));
            }
            clones.addAll(p.dropped());
            js.members += p.dropped().size();
            jobs.add(new JobSummary(p.spec(), p.spec().numjobs(), js));
            group.add(js);
        }
        registerJobMetrics(stack.stats, group);
        IoCounters totals = stack.cpus.totals();
        IoCounters.register(stack.stats, "os.", () -> totals);
        stack.stats.gauge("run.sim_time_s", () -> jobsEnd / 1e9);
        stack.stats.counter("run.events", stack.sim::eventsFired);
        Map<String, Number> metrics = stack.stats.snapshot();
        return new RunResult(root.toPlain(), seed, metrics, jobs, stack.target.name(), List.of(), clones);
    }

    /**
     * Runs the simulation, showing fio's status line every {@code progress.intervalNs()} of wall
     * time (looked at every 1024 events); the display only reads the model, so the events, folds
     * included, are exactly those of {@code sim.run()}.
     */
    private static void runShowingStatus(Stack stack, List<Planned> plan, Progress progress) {
        List<FioStatusLine.Job> jobs = plan.stream().map(p -> new FioStatusLine.Job(p.spec(), p.runners())).toList();
        FioStatusLine line = new FioStatusLine();
        long wall0 = System.nanoTime();
        long[] next = {wall0 + progress.intervalNs()};
        try {
            stack.sim.runObserved(() -> {
                long now = System.nanoTime();
                if (now >= next[0]) {
                    progress.status(line.line(jobs, stack.sim.now(), now - wall0));
                    next[0] = now + progress.intervalNs();
                }
            });
        } finally {
            progress.done();
        }
    }

    /**
     * Starts segment {@code index}: its jobs' clones prepare (open, invalidate or pre-read),
     * then all begin together; a job with wait_for starts (prepares, then begins) when every
     * clone of the job it names has exited (backend.c waitee_running). When the last clone of
     * the segment exits, the next segment starts, or the run ends. A job ending with exitall
     * set in any job stops others by its exit_what (libfio.c fio_terminate_threads): its group,
     * every running job (stonewall), or all, and jobs stopped before they started never run.
     */
    private static void runSegment(Stack stack, List<List<Planned>> segments, int index, long userNsPerIo,
                                   boolean yamlStats, java.nio.file.Path logDir, Control control) {
        if (index == segments.size()) {
            stack.sim.stop();
            return;
        }
        List<Planned> segment = segments.get(index);
        try {
            // a listening net job needs a job of its own segment to connect to it
            io.stacksim.workload.NetEngine.checkPeers(segment.stream().map(Planned::spec).toList());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        int[] live = {0};
        Runnable segmentOver = () -> stack.sim.schedule(stack.sim.now(),
                () -> runSegment(stack, segments, index + 1, userNsPerIo, yamlStats, logDir, control));
        java.util.Map<String, List<Runnable>> waiters = new java.util.HashMap<>();
        java.util.Map<String, int[]> running = new java.util.HashMap<>();
        List<JobRunner> first = new ArrayList<>();
        List<List<JobRunner>> deferred = new ArrayList<>();
        for (Planned p : segment) {
            String name = p.spec().name();
            running.computeIfAbsent(name, k -> new int[1])[0] += p.spec().numjobs();
        }
        for (Planned p : segment) {
            String name = p.spec().name();
            List<JobRunner> mine = new ArrayList<>();
            try {
                for (int clone = 0; clone < p.spec().numjobs(); clone++) {
                    JobRunner[] self = new JobRunner[1];
                    Runnable onExit = () -> {
                        // do_io: a job that failed (check_min_rate) with exitall_on_error stops the others too.
                        if (control.exitall || (self[0].failed() && p.spec().control().exitallOnError())) {
                            terminate(segments, index, p, control);
                        }
                        if (--running.get(name)[0] == 0) {
                            for (Runnable w : waiters.getOrDefault(name, List.of())) {
                                stack.sim.schedule(stack.sim.now(), w::run);
                            }
                        }
                        if (--live[0] == 0) {
                            segmentOver.run();
                        }
                    };
                    JobRunner r;
                    try {
                        r = new JobRunner(p.spec(), clone, stack.kernel, stack.random, userNsPerIo, onExit,
                                control.zoned);
                    } catch (io.stacksim.workload.CloneSetupFailed e) {
                        // run_threads: setup_files failed, the clone is reaped unrun; the others go on
                        JobStats s = JobStats.empty();
                        s.members = 1; // fio counts a reaped clone among its group's jobs
                        s.extra.reapedAtSetup = true;
                        s.extra.log.add(e.getMessage());
                        p.dropped().add(new RunResult.CloneRun(p.spec(), clone, p.groupId(), s));
                        running.get(name)[0]--;
                        continue;
                    }
                    self[0] = r;
                    stack.cpus.registerTask(stack.stats, r.task());
                    r.logDirectory(logDir);
                    r.network(stack::network);
                    r.flowGroups(control.flows);
                    var ss = p.spec().extras().ss();
                    if (ss != null) {
                        // steadystate_setup: with group_reporting the group's last job holds the data for all.
                        r.steadyState(p.spec().reporting().groupReporting()
                                ? control.steady.computeIfAbsent(p.groupId(),
                                        g -> new io.stacksim.workload.SteadyState(ss, stack.sim))
                                : new io.stacksim.workload.SteadyState(ss, stack.sim));
                    }
                    if (control.killed.contains(p)) {
                        r.terminate();
                    }
                    p.runners().add(r);
                    mine.add(r);
                    live[0]++;
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage().startsWith("job '") ? e.getMessage()
                        : "job '" + p.spec().name() + "': " + e.getMessage());
            }
            String waitee = p.spec().control().waitFor();
            if (waitee != null && !waitee.equals(name) && running.containsKey(waitee)) {
                deferred.add(mine);
                waiters.computeIfAbsent(waitee, k -> new ArrayList<>()).add(() -> startTogether(stack, mine, index,
                        segment, yamlStats, false));
            } else {
                first.addAll(mine);
            }
        }
        startTogether(stack, first, index, segment, yamlStats, true);
        if (live[0] == 0) {
            segmentOver.run(); // every clone of the segment was reaped at setup
        }
    }

    /** The clones prepare; when the last is ready they all begin. */
    private static void startTogether(Stack stack, List<JobRunner> runners, int index, List<Planned> segment,
                                      boolean yamlStats, boolean segmentStart) {
        if (runners.isEmpty()) {
            return;
        }
        long ramp = segment.stream().mapToLong(p -> p.spec().rampTimeNs()).max().orElse(0);
        int[] unprepared = {runners.size()};
        Runnable allReady = () -> {
            if (yamlStats && segmentStart) {
                if (index == 0) {
                    stack.resetStats();
                }
                if (ramp > 0) {
                    stack.sim.after(ramp, () -> {
                        runners.forEach(JobRunner::countersReset);
                        stack.resetStats();
                    });
                }
            }
            runners.forEach(JobRunner::go);
        };
        Runnable prepareAll = () -> {
            for (JobRunner r : runners) {
                r.prepare(() -> {
                    if (--unprepared[0] == 0) {
                        stack.sim.schedule(stack.sim.now(), allReady::run);
                    }
                });
            }
        };
        // run_threads: the create_serialize jobs' setup_files, one after another, before any job starts.
        List<JobRunner> serial = runners.stream().filter(JobRunner::createSerialize).toList();
        setUpInTurn(serial, 0, prepareAll);
    }

    private static void setUpInTurn(List<JobRunner> serial, int i, Runnable then) {
        if (i == serial.size()) {
            then.run();
            return;
        }
        serial.get(i).setUpFiles(() -> setUpInTurn(serial, i + 1, then));
    }

    /** What the run's jobs decide together: exitall (any job sets it for all, as fio's global flag). */
    private static final class Control {
        final boolean exitall;
        /** Jobs told to stop before their clones were created. */
        final java.util.Set<Planned> killed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        /** flow.c's flows, shared by every job of the run. */
        final io.stacksim.workload.FlowGroups flows = new io.stacksim.workload.FlowGroups();
        /** steadystate.c's detectors: one per reporting group with group_reporting (by group id). */
        final java.util.Map<Integer, io.stacksim.workload.SteadyState> steady = new java.util.HashMap<>();
        /** zonemode=zbd: the zones of each file, shared by the jobs naming it (fio's zbd_info). */
        final io.stacksim.workload.ZonedFiles zoned = new io.stacksim.workload.ZonedFiles();

        Control(List<Planned> plan) {
            this.exitall = plan.stream().anyMatch(p -> p.spec().control().exitall());
        }
    }

    /**
     * fio_terminate_threads(td->groupid, td->o.exit_what) when {@code ended}'s clone exits:
     * group - the jobs of its reporting group; stonewall - every job running now; all - every
     * job, those of later segments included (they start and stop at once, with no I/O).
     */
    private static void terminate(List<List<Planned>> segments, int index, Planned ended, Control control) {
        String what = ended.spec().control().exitWhat();
        for (int s = 0; s < segments.size(); s++) {
            for (Planned p : segments.get(s)) {
                boolean hit = switch (what) {
                    case "all" -> true;
                    case "stonewall" -> s == index;
                    default -> p.groupId() == ended.groupId();
                };
                if (!hit) {
                    continue;
                }
                if (p.runners().isEmpty()) {
                    if (!what.equals("stonewall")) {
                        control.killed.add(p);
                    }
                    continue;
                }
                for (JobRunner r : p.runners()) {
                    boolean started = r.runState() != JobRunner.RunState.NOT_CREATED
                            && r.runState() != JobRunner.RunState.SETTING_UP;
                    if (!what.equals("stonewall") || started) {
                        r.terminate();
                    }
                }
            }
        }
    }

    /**
     * The jobs of the {@code workload} section, translated by the same code as fio job files:
     * either the section itself is one job, or it holds {@code jobs:}, a list of jobs, and its
     * other keys are defaults for all of them (as fio's [global] section is). Option names are
     * fio's.
     */
    public static List<JobSpec> jobSpecs(ConfigNode w) {
        ConfigNode copy = w.copy();
        copy.remove("user_time_per_io");
        w.markOpen();
        return JobTranslator.fromConfig(copy);
    }

    static void registerJobMetrics(Stats stats, JobStats g) {
        String[] dirs = {"read", "write", "trim"};
        double seconds = g.runtimeNs() / 1e9;
        // trim columns only in runs that trim, so every other run's table keeps its columns
        int dirCount = g.totalIos[JobStats.TRIM] > 0 || g.ios[JobStats.TRIM] > 0 ? 3 : 2;
        for (int d = 0; d < dirCount; d++) {
            int dd = d;
            String dir = dirs[d];
            stats.counter("io." + dir + ".ios", () -> g.ios[dd]);
            stats.counter("io." + dir + ".bytes", () -> g.bytes[dd]);
            stats.gauge("iops." + dir, () -> seconds <= 0 ? 0 : g.ios[dd] / seconds);
            stats.gauge("bw." + dir + "_MiBps", () -> seconds <= 0 ? 0 : g.bytes[dd] / seconds / (1 << 20));
            stats.latency("lat." + dir, g.clat[dd]);
            stats.latency("lat.device." + dir, g.dtime[dd]);
        }
        if (g.syncLat.count() > 0) {
            stats.latency("lat.sync", g.syncLat); // fsync/fdatasync calls, as fio's "sync" latency
        }
        stats.gauge("iops.total", () -> seconds <= 0 ? 0 : (g.ios[0] + g.ios[1] + g.ios[2]) / seconds);
        stats.gauge("bw.total_MiBps", () -> seconds <= 0 ? 0 : (g.bytes[0] + g.bytes[1]) / seconds / (1 << 20));
        stats.gauge("run.job_runtime_s", () -> seconds);
        stats.counter("io.errors", () -> g.errors);
        for (JobStats.Layer layer : JobStats.Layer.values()) {
            stats.gauge("lat.layer." + layer.key + "_us",
                    () -> g.layerSamples == 0 ? 0 : g.layers[layer.ordinal()] / g.layerSamples / 1e3);
        }
    }
}
