package io.stacksim.experiment;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.engine.Stats;
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
        ConfigNode runSection = root.section("run");
        long seed = runSection.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        Stack stack = new Stack(root, seed);
        ConfigNode w = root.section("workload");
        long userNsPerIo = w.duration("user_time_per_io", 400, 1);
        JobSpec spec = JobSpec.from(w, "job");
        if (!spec.direct()) {
            throw ConfigException.at(w.origin(), "'workload.direct': buffered I/O needs the page cache, "
                    + "which this build does not have yet; set direct: 1");
        }
        root.checkAllUsed();

        List<JobRunner> runners = new ArrayList<>();
        int[] live = {spec.numjobs()};
        Runnable onExit = () -> {
            if (--live[0] == 0) {
                stack.sim.stop();
            }
        };
        try {
            for (int clone = 0; clone < spec.numjobs(); clone++) {
                runners.add(new JobRunner(spec, clone, stack.kernel, stack.random, userNsPerIo, onExit));
            }
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(w.origin(), "'workload': " + e.getMessage());
        }
        if (spec.rampTimeNs() > 0) {
            stack.sim.after(spec.rampTimeNs(), () -> {
                stack.resetStats();
                for (JobRunner r : runners) {
                    r.stats.reset(stack.sim.now());
                }
            });
        }
        runners.forEach(JobRunner::start);
        try {
            stack.sim.run();
        } catch (JobRunner.JobError e) {
            throw new ConfigException(e.getMessage());
        }

        JobStats group = new JobStats();
        group.startNs = Long.MAX_VALUE;
        for (JobRunner r : runners) {
            group.add(r.stats);
        }
        registerJobMetrics(stack.stats, group);
        IoCounters totals = stack.cpus.totals();
        IoCounters.register(stack.stats, "os.", () -> totals);
        stack.stats.gauge("run.sim_time_s", () -> stack.sim.now() / 1e9);
        stack.stats.counter("run.events", stack.sim::eventsFired);
        Map<String, Number> metrics = stack.stats.snapshot();
        List<JobSummary> jobs = List.of(new JobSummary(spec, spec.numjobs(), group));
        return new RunResult(root.toPlain(), seed, metrics, jobs, stack.device.name());
    }

    private static void registerJobMetrics(Stats stats, JobStats g) {
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
