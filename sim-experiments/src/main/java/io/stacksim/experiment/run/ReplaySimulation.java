package io.stacksim.experiment.run;

import io.stacksim.block.trace.TraceOutput;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.os.IoCounters;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.ReplayRunner;
import io.stacksim.workload.trace.TraceReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Replays a block trace on the machine a config describes ({@code stacksim replay}): the stack
 * sections as for a run, the trace instead of a workload (a {@code workload} section, if any,
 * is ignored). The result has the same shape as a run's, with one job named after the trace.
 */
public final class ReplaySimulation {
    /**
     * What to replay and how.
     *
     * @param trace    the trace file
     * @param format   blkparse, msr, disksim or csv
     * @param timing   open loop at the trace's times, or closed loop at {@code depth}
     * @param depth    outstanding bios in closed loop
     * @param speed    time compression in open loop (2 = twice as fast)
     * @param blktrace where to write the replay's own block trace, or null
     * @param wrap     wrap records beyond the device's end around its capacity (else refuse them)
     * @param check    check every layer's invariants (--check); the figures are the same without it
     */
    public record Options(Path trace, String format, ReplayRunner.Timing timing, int depth, double speed,
                          TraceOutput blktrace, boolean wrap, boolean check) {
        public Options(Path trace, String format, ReplayRunner.Timing timing, int depth, double speed, TraceOutput blktrace,
                       boolean wrap) {
            this(trace, format, timing, depth, speed, blktrace, wrap, false);
        }

        /** Without wrapping: a record beyond the device's end is an error. */
        public Options(Path trace, String format, ReplayRunner.Timing timing, int depth, double speed, TraceOutput blktrace) {
            this(trace, format, timing, depth, speed, blktrace, false);
        }
    }

    private ReplaySimulation() {
    }

    public static RunResult run(ConfigNode root, Options o) {
        if (!TraceReader.AUTO.equals(o.format()) && io.stacksim.workload.trace.TraceFormats.find(o.format()) == null) {
            throw new ConfigException("--trace-format " + o.format() + ": expected auto or one of "
                    + String.join(", ", io.stacksim.workload.trace.TraceFormats.names()));
        }
        if (o.depth() < 1) {
            throw new ConfigException("--depth " + o.depth() + ": expected an integer >= 1");
        }
        if (!(o.speed() > 0) || Double.isInfinite(o.speed())) {
            throw new ConfigException("--speed " + o.speed() + ": expected a number > 0");
        }
        long seed = Simulation.SEED.read(root.section("run"));
        Stack stack = new Stack(root, seed, o.check());
        root.section("workload").markOpen();
        root.checkAllUsed();
        TraceOutput.Writers trace = o.blktrace() == null ? null : stack.traceTo(o.blktrace());
        try {
            String format = TraceReader.AUTO.equals(o.format())
                    ? io.stacksim.workload.trace.TraceDetector.detect(o.trace()) : o.format();
            TraceReader reader = TraceReader.open(o.trace(), format);
            ReplayRunner runner = new ReplayRunner(stack.sim, stack.target, reader, o.timing(), o.depth(), o.speed(),
                    stack.sim::stop).wrap(o.wrap());
            runner.start();
            stack.sim.run();
            if (trace != null) {
                trace.close(stack.sim.now());
            }
            JobSpec spec = JobSpec.replay(o.trace().toString() + " (" + format + ", " + describe(o) + ")",
                    runner.records(), o.timing() == ReplayRunner.Timing.CLOSED ? o.depth() : 0);
            Simulation.registerJobMetrics(stack.stats, runner.stats);
            IoCounters totals = stack.cpus.totals();
            IoCounters.register(stack.stats, "os.", () -> totals);
            stack.stats.counter("replay.records", runner::records);
            stack.stats.counter("replay.wrapped", runner::wrapped);
            stack.stats.gauge("run.sim_time_s", () -> stack.sim.now() / 1e9);
            stack.stats.counter("run.events", stack.sim::eventsFired);
            Map<String, Number> metrics = stack.stats.snapshot();
            RunResult r = new RunResult(root.toPlain(), seed, metrics, List.of(new JobSummary(spec, 1, runner.stats)),
                    stack.target.name(), List.of());
            return o.check() ? r.withChecks(stack.finishChecks(), stack.checkSummary()) : r;
        } finally {
            if (trace != null) {
                trace.abort();
            }
        }
    }

    private static String describe(Options o) {
        return o.timing() == ReplayRunner.Timing.CLOSED ? "closed loop, depth " + o.depth()
                : "trace timing" + (o.speed() != 1 ? ", speed x" + o.speed() : "");
    }
}
