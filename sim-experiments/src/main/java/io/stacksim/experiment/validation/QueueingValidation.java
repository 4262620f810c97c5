package io.stacksim.experiment.validation;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockQueue;
import io.stacksim.block.IoPriority;
import io.stacksim.block.NoneScheduler;
import io.stacksim.block.Op;
import io.stacksim.block.QueueSettings;
import io.stacksim.device.DeviceLimits;
import io.stacksim.device.InterruptController;
import io.stacksim.devices.latency.LatencyDevice;
import io.stacksim.devices.latency.ServiceTime;
import io.stacksim.engine.Estimate;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.experiment.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the engine, the block queue and a device against queueing theory. Poisson arrivals
 * (rate lambda) submit requests to a block queue (scheduler none, one driver tag) in front of
 * a one-server {@link LatencyDevice} with a chosen service-time distribution, so the system is
 * an M/G/1 FIFO queue, whose mean response time is given by Pollaczek-Khinchine:
 * {@code E[T] = E[S] + lambda E[S^2] / (2 (1 - rho))} (M/M/1: {@code E[S]/(1-rho)};
 * M/D/1: {@code E[S] + rho E[S] / (2 (1-rho))}).
 *
 * <p>Each case runs independent replications (distinct seeds derived from the master seed),
 * discards each one's first 10% of customers as warm-up, and reports the mean across
 * replications with a 95% Student-t interval. A case passes when the simulated mean is within
 * 2% of theory and the interval is tight enough (half-width at most 1% of theory) for that
 * comparison to mean something.
 */
public final class QueueingValidation {
    /** Largest relative error accepted. */
    public static final double TOLERANCE = 0.02;
    /** Largest relative CI half-width for the comparison to be fair. */
    public static final double PRECISION = 0.01;

    /**
     * One queue to check.
     *
     * @param model        label, e.g. "M/M/1"
     * @param service      service-time distribution spec
     * @param rho          utilisation
     * @param customers    customers per replication (before warm-up discard)
     * @param replications independent replications
     */
    public record Case(String model, String service, double rho, int customers, int replications) {
    }

    /** The outcome of one case. */
    public record Row(Case c, double theoryNs, Estimate simulated, double relError, boolean pass) {
    }

    /** The standard set `stacksim validate queueing` runs; {@code scale} multiplies the run lengths. */
    public static List<Case> standardCases(double scale) {
        return List.of(
                new Case("M/M/1", "exp:100us", 0.5, n(200_000, scale), 10),
                new Case("M/M/1", "exp:100us", 0.9, n(4_000_000, scale), 10),
                new Case("M/D/1", "const:100us", 0.5, n(200_000, scale), 10),
                new Case("M/D/1", "const:100us", 0.9, n(1_600_000, scale), 10),
                new Case("M/G/1 (Erlang-2)", "erlang:2:100us", 0.8, n(500_000, scale), 10),
                new Case("M/G/1 (lognormal cv=1.5)", "lognormal:100us:1.5", 0.6, n(800_000, scale), 10),
                new Case("M/G/1 (uniform 50-150us)", "uniform:50us:150us", 0.7, n(300_000, scale), 10));
    }

    private static int n(int base, double scale) {
        return (int) Math.max(1000, Math.round(base * scale));
    }

    /** Pollaczek-Khinchine mean response time in ns. */
    public static double theory(ServiceTime s, double rho) {
        double lambda = rho / s.mean();
        return s.mean() + lambda * s.secondMoment() / (2 * (1 - rho));
    }

    /** Runs every case, replications spread over {@code threads} threads (results do not depend on it). */
    public static List<Row> run(List<Case> cases, long seed, int threads) {
        List<long[]> reps = new ArrayList<>(); // {case index, replication}
        for (int k = 0; k < cases.size(); k++) {
            for (int i = 0; i < cases.get(k).replications(); i++) {
                reps.add(new long[] {k, i});
            }
        }
        List<Double> means = Parallel.map(reps, threads, r -> {
            Case c = cases.get((int) r[0]);
            return replicate(c, RandomStreams.seedFor(seed, c.model() + "/" + c.service() + "/" + c.rho() + "/" + r[1]));
        });
        List<Row> rows = new ArrayList<>();
        int next = 0;
        for (Case c : cases) {
            double[] m = new double[c.replications()];
            for (int i = 0; i < m.length; i++) {
                m[i] = means.get(next++);
            }
            Estimate e = Estimate.of(m, 0.95);
            double th = theory(ServiceTime.parse(c.service()), c.rho());
            double err = (e.mean() - th) / th;
            boolean pass = Math.abs(err) <= TOLERANCE && e.halfWidth() <= PRECISION * th;
            rows.add(new Row(c, th, e, err, pass));
        }
        return rows;
    }

    /** One replication: the mean response time (ns) of the customers after warm-up. */
    static double replicate(Case c, long seed) {
        Simulator sim = new Simulator();
        RandomStreams streams = new RandomStreams(seed);
        ServiceTime service = ServiceTime.parse(c.service());
        DeviceLimits limits = DeviceLimits.builder(1L << 40).queueDepth(1).maxHwSectors(2048).build();
        LatencyDevice device = new LatencyDevice("q0", limits, service, service, 1, 0, 0, 0);
        InterruptController direct = (cpu, handler) -> sim.schedule(sim.now(), handler);
        QueueSettings qs = new QueueSettings("none", 0, 0, 2, 0, false);
        BlockQueue queue = new BlockQueue(sim, streams, device, direct, qs, new NoneScheduler());
        RandomStream arrivals = streams.stream("arrivals");
        double meanGap = service.mean() / c.rho();
        int warmup = c.customers() / 10;
        double[] sum = {0};
        int[] done = {0};
        Customers gen = new Customers(sim, queue, arrivals, meanGap, c.customers(), bio -> {
            int k = done[0]++;
            if (k >= warmup) {
                sum[0] += sim.now() - bio.tQueued;
            }
        });
        gen.next();
        sim.run();
        return sum[0] / (done[0] - warmup);
    }

    /** The Poisson arrival process: each arrival submits one 4 KiB read. */
    private static final class Customers {
        private final Simulator sim;
        private final BlockQueue queue;
        private final RandomStream rng;
        private final double meanGap;
        private int remaining;
        private final io.stacksim.block.BioEndIo onDone;

        Customers(Simulator sim, BlockQueue queue, RandomStream rng, double meanGap, int count,
                  io.stacksim.block.BioEndIo onDone) {
            this.sim = sim;
            this.queue = queue;
            this.rng = rng;
            this.meanGap = meanGap;
            this.remaining = count;
            this.onDone = onDone;
        }

        void next() {
            if (remaining-- == 0) {
                return;
            }
            sim.after(Math.round(rng.exponential(meanGap)), () -> {
                queue.submitBio(new Bio(0, 8, Op.READ, 0, IoPriority.NONE, null, onDone));
                next();
            });
        }
    }
}
