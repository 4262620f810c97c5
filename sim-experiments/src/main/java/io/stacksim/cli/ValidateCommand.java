package io.stacksim.cli;

import io.stacksim.experiment.validation.QueueingValidation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stacksim validate ...}: checks of the models against independent truths. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the simulator against independent truths.",
        subcommands = {ValidateCommand.Queueing.class, DiskSimCommand.class, CopyPathsCommand.class,
                WriteAmplificationCommand.class})
final class ValidateCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "queueing", mixinStandardHelpOptions = true,
            description = "M/M/1, M/D/1 and M/G/1 queues built from the engine and a device, against"
                    + " Pollaczek-Khinchine. Exit 0 only when every row passes.")
    static final class Queueing implements Callable<Integer> {
        @Option(names = "--seed", description = "master seed (default: ${DEFAULT-VALUE})")
        long seed = 1;

        @Option(names = "--scale", description = "multiply run lengths (default: ${DEFAULT-VALUE})")
        double scale = 1.0;

        @Option(names = "--threads", description = "threads for replications (default: all cores); results do not depend on it")
        int threads = Runtime.getRuntime().availableProcessors();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (threads < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads " + threads
                        + ": expected an integer >= 1");
            }
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--scale " + scale
                        + ": expected a number > 0");
            }
            List<QueueingValidation.Row> rows = QueueingValidation.run(QueueingValidation.standardCases(scale), seed, threads);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%-26s %5s %11s %12s %23s %8s  %s%n",
                    "model", "rho", "theory_us", "sim_mean_us", "95% CI (us)", "error", "result");
            boolean all = true;
            for (QueueingValidation.Row r : rows) {
                out.printf(Locale.ROOT, "%-26s %5.2f %11.2f %12.2f   [%8.2f, %8.2f] %+7.2f%%  %s%n",
                        r.c().model(), r.c().rho(), r.theoryNs() / 1e3, r.simulated().mean() / 1e3,
                        r.simulated().low() / 1e3, r.simulated().high() / 1e3, 100 * r.relError(),
                        r.pass() ? "PASS" : "FAIL");
                all &= r.pass();
            }
            out.printf(Locale.ROOT, "%n%d replications per row, warm-up 10%% discarded; pass = |error| <= %.0f%% and CI half-width <= %.0f%% of theory%n",
                    rows.get(0).c().replications(), 100 * QueueingValidation.TOLERANCE, 100 * QueueingValidation.PRECISION);
            out.flush();
            return all ? 0 : 1;
        }
    }
}
