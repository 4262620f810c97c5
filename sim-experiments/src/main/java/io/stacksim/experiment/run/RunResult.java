package io.stacksim.experiment.run;

import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.os.IoCounters;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one simulation run: the resolved config and seed that reproduce it, every
 * metric under its dotted name (sorted), and the per-job figures for fio-like reports.
 *
 * @param config  the resolved config, as plain maps and strings
 * @param seed    the master seed
 * @param metrics every statistic of the run, sorted by name
 * @param jobs    per-job summaries (one entry for the whole run when jobs are grouped)
 * @param device  the device's name
 * @param checkViolations what --check found wrong (empty when it was off or all held)
 * @param clones  every clone of every job with its own statistics and fio reporting group, in
 *                job order (empty for trace replays)
 */
public record RunResult(Object config, long seed, Map<String, Number> metrics, List<JobSummary> jobs, String device,
                        List<String> checkViolations, List<CloneRun> clones, List<String> checksMade) {

    public RunResult(Object config, long seed, Map<String, Number> metrics, List<JobSummary> jobs, String device,
                     List<String> checkViolations, List<CloneRun> clones) {
        this(config, seed, metrics, jobs, device, checkViolations, clones, List.of());
    }

    /** This result with what --check found (the metrics are those taken before the checks ended the run). */
    public RunResult withChecks(List<String> violations, List<String> made) {
        return new RunResult(config, seed, metrics, jobs, device, List.copyOf(violations), clones, List.copyOf(made));
    }

    public RunResult(Object config, long seed, Map<String, Number> metrics, List<JobSummary> jobs, String device,
                     List<String> checkViolations) {
        this(config, seed, metrics, jobs, device, checkViolations, List.of());
    }

    /**
     * The result of a run that drives the machine itself (server, copy, stdio workloads): the
     * machine's own counters (os.*, run time, events) join what the workload registered, and
     * the page cache's checks, if on, are finished.
     */
    static RunResult ofMachine(Stack stack, ConfigNode root, long seed) {
        IoCounters totals = stack.cpus.totals();
        IoCounters.register(stack.stats, "os.", () -> totals);
        stack.stats.gauge("run.sim_time_s", () -> stack.sim.now() / 1e9);
        stack.stats.counter("run.events", stack.sim::eventsFired);
        return new RunResult(root.toPlain(), seed, stack.stats.snapshot(), List.of(), stack.target.name(), List.of());
    }

    /**
     * One clone of a job (one fio thread).
     *
     * @param spec    the job
     * @param cloneIndex its number among the job's numjobs clones
     * @param groupId fio's reporting group (stonewall and new_group start a new one)
     * @param stats   what it measured
     */
    public record CloneRun(JobSpec spec, int cloneIndex, int groupId, JobStats stats) {
    }
}
