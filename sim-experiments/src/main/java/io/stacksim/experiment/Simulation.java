package io.stacksim.experiment;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.engine.Stats;
import io.stacksim.fs.PageCache;
import io.stacksim.os.IoCounters;
import io.stacksim.workload.JobRunner;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one config: builds the stack, starts the workload's jobs, runs the simulator until
 * every job has finished, and gathers every statistic into a {@link RunResult}.
 */
public final class Simulation {
    private Simulation() {
    }

    /** Runs {@code root} (already overridden by --set); throws ConfigException for bad input. */
    public static RunResult run(ConfigNode root) {
        return run(root, null, false);
    }

    /**
     * Runs {@code root}. With {@code blktrace} non-null, also writes the run's block trace there
     * in blkparse text (replaced atomically when the run ends). With {@code check}, the page
     * cache checks its invariants as it goes and a final sync(2) lets the end-of-run checks
     * prove every dirty page reached the device.
     */
    public static RunResult run(ConfigNode root, java.nio.file.Path blktrace, boolean check) {
        ConfigNode runSection = root.section("run");
        long seed = runSection.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        Stack stack = new Stack(root, seed, check);
        io.stacksim.block.trace.BlkparseWriter trace = blktrace == null ? null : stack.traceTo(blktrace);
        try {
            RunResult r = run(root, stack, seed);
            if (trace != null) {
                trace.close(stack.sim.now());
            }
            return r;
        } finally {
            if (trace != null) {
                trace.abort();
            }
        }
    }

    private static RunResult run(ConfigNode root, Stack stack, long seed) {
        ConfigNode w = root.section("workload");
        if (w.has("server")) {
            return ServerSimulation.run(root, stack, seed);
        }
        long userNsPerIo = w.duration("user_time_per_io", 400, 1);
        List<JobSpec> specs = jobSpecs(w);
        root.checkAllUsed();

        List<JobRunner> runners = new ArrayList<>();
        int[] live = {0};
        Runnable onExit = () -> {
            if (--live[0] == 0) {
                stack.sim.stop();
            }
        };
        for (JobSpec spec : specs) {
            try {
                for (int clone = 0; clone < spec.numjobs(); clone++) {
                    runners.add(new JobRunner(spec, clone, stack.kernel, stack.random, userNsPerIo, onExit));
                    live[0]++;
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(w.origin(), "'workload': " + e.getMessage());
            }
        }
        for (JobRunner r : runners) {
            stack.cpus.registerTask(stack.stats, r.task());
        }
        long ramp = specs.stream().mapToLong(JobSpec::rampTimeNs).max().orElse(0);
        // Every job prepares (opens, invalidates or pre-reads its file); then statistics start
        // from zero and all jobs begin together, as fio starts its jobs after setting up files.
        int[] unprepared = {runners.size()};
        Runnable allReady = () -> {
            stack.resetStats();
            for (JobRunner r : runners) {
                r.stats.reset(stack.sim.now());
            }
            if (ramp > 0) {
                stack.sim.after(ramp, () -> {
                    stack.resetStats();
                    for (JobRunner r : runners) {
                        r.stats.reset(stack.sim.now());
                    }
                });
            }
            runners.forEach(JobRunner::go);
        };
        for (JobRunner r : runners) {
            r.prepare(() -> {
                if (--unprepared[0] == 0) {
                    stack.sim.schedule(stack.sim.now(), allReady::run);
                }
            });
        }
        try {
            stack.sim.run();
        } catch (JobRunner.JobError e) {
            throw new ConfigException(e.getMessage());
        }
        long jobsEnd = stack.sim.now();
        PageCache.Checker checker = stack.kernel.pageCache().cache.checker();
        if (checker != null) {
            finalSync(stack);
            checker.finish(true);
        }

        JobStats group = new JobStats();
        group.startNs = Long.MAX_VALUE;
        List<JobSummary> jobs = new ArrayList<>();
        for (JobSpec spec : specs) {
            JobStats js = new JobStats();
            js.startNs = Long.MAX_VALUE;
            for (JobRunner r : runners) {
                if (r.spec() == spec) {
                    js.add(r.stats);
                }
            }
            jobs.add(new JobSummary(spec, spec.numjobs(), js));
            group.add(js);
        }
        registerJobMetrics(stack.stats, group);
        IoCounters totals = stack.cpus.totals();
        IoCounters.register(stack.stats, "os.", () -> totals);
        stack.stats.gauge("run.sim_time_s", () -> jobsEnd / 1e9);
        stack.stats.counter("run.events", stack.sim::eventsFired);
        if (checker != null) {
            stack.stats.counter("check.violations", checker::violations);
        }
        Map<String, Number> metrics = stack.stats.snapshot();
        List<String> problems = checker == null ? List.of() : checker.messages();
        return new RunResult(root.toPlain(), seed, metrics, jobs, stack.device.name(), problems);
    }

    /** sync(2) from a task of its own after the jobs, so every dirty page gets written. */
    private static void finalSync(Stack stack) {
        io.stacksim.os.Task syncer = stack.cpus.newTask("sync");
        syncer.start(() -> stack.kernel.syncAll(syncer, r -> syncer.exit()));
        stack.sim.run();
    }

    /**
     * The jobs of the {@code workload} section: either the section itself is one job, or it
     * holds {@code jobs:}, a list of jobs, and its other keys are defaults for all of them (as
     * fio's [global] section is). Option names are fio's.
     */
    static List<JobSpec> jobSpecs(ConfigNode w) {
        ConfigNode list = w.child("jobs");
        if (list == null) {
            return List.of(JobSpec.from(w, "job"));
        }
        if (!list.isList() || list.items().isEmpty()) {
            throw ConfigException.at(list.origin(), "'workload.jobs' must be a non-empty list of jobs");
        }
        ConfigNode global = w.copy();
        global.remove("jobs");
        global.remove("user_time_per_io");
        w.markOpen(); // the global keys are checked through each job below
        List<JobSpec> specs = new ArrayList<>();
        int i = 0;
        for (ConfigNode item : list.items()) {
            if (!item.isMap()) {
                throw ConfigException.at(item.origin(), "'workload.jobs[" + i + "]' must be a map of fio options");
            }
            ConfigNode job = global.copy();
            job.overlay(item);
            specs.add(JobSpec.from(job, "job" + i));
            job.checkAllUsed();
            i++;
        }
        return specs;
    }

    static void registerJobMetrics(Stats stats, JobStats g) {
        String[] dirs = {"read", "write"};
        double seconds = g.runtimeNs() / 1e9;
        for (int d = 0; d < 2; d++) {
            int dd = d;
            String dir = dirs[d];
            stats.counter("io." + dir + ".ios", () -> g.ios[dd]);
            stats.counter("io." + dir + ".bytes", () -> g.bytes[dd]);
            stats.gauge("iops." + dir, () -> seconds <= 0 ? 0 : g.ios[dd] / seconds);
            stats.gauge("bw." + dir + "_MiBps", () -> seconds <= 0 ? 0 : g.bytes[dd] / seconds / (1 << 20));
            stats.latency("lat." + dir, g.clat[dd]);
        }
        stats.gauge("iops.total", () -> seconds <= 0 ? 0 : (g.ios[0] + g.ios[1]) / seconds);
        stats.gauge("bw.total_MiBps", () -> seconds <= 0 ? 0 : (g.bytes[0] + g.bytes[1]) / seconds / (1 << 20));
        stats.gauge("run.job_runtime_s", () -> seconds);
        stats.counter("io.errors", () -> g.errors);
        for (JobStats.Layer layer : JobStats.Layer.values()) {
            stats.gauge("lat.layer." + layer.key + "_us",
                    () -> g.layerSamples == 0 ? 0 : g.layers[layer.ordinal()] / g.layerSamples / 1e3);
        }
    }
}
