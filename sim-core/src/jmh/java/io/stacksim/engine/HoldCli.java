package io.stacksim.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The hold model of {@link HoldBenchmark} without JMH, for the event-list candidates: the binary
 * heap in use ({@link EventQueue}), a 4-ary heap, a pairing heap and a calendar queue, each at
 * 10, 1,000 and 100,000 pending. Each figure is the median of rounds of one million holds,
 * timed in this thread's CPU time (the machine is shared; CPU time drifts less than wall time).
 *
 * <pre>
 * ./stacksim --version                 # builds sim-experiments/target/stacksim.jar
 * javac -d /tmp/hold -cp sim-experiments/target/stacksim.jar sim-core/src/jmh/java/io/stacksim/engine/*Cli.java \
 *     sim-core/src/jmh/java/io/stacksim/engine/*EventQueue.java
 * java -XX:+UseSerialGC -cp /tmp/hold:sim-experiments/target/stacksim.jar io.stacksim.engine.HoldCli
 * </pre>
 * </pre>
 */
public final class HoldCli {
    private static final int BATCH = 1_000_000;
    private static final long[] DELAYS = new long[1 << 16];
    private static int next;
    private static final Event NOOP = () -> { };

    private HoldCli() {
    }

    private static long delay() {
        long d = DELAYS[next];
        next = (next + 1) & (DELAYS.length - 1);
        return d;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        RandomStream r = new RandomStreams(42).stream("hold");
        for (int i = 0; i < DELAYS.length; i++) {
            DELAYS[i] = 1 + Math.round(r.exponential(1_000_000));
        }
        String[] kinds = {"binary", "4-ary", "pairing", "calendar", "simulator"};
        int[] pendings = {10, 1000, 100_000};
        System.out.printf(Locale.ROOT, "%-10s %12s %12s %12s   (M events/s, median of %d rounds of %,d holds)%n",
                "queue", "10", "1000", "100000", rounds, BATCH);
        for (String k : kinds) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s", k));
            for (int p : pendings) {
                line.append(String.format(Locale.ROOT, " %12.1f", run(k, p, rounds) / 1e6));
            }
            System.out.println(line);
        }
    }

    private static double run(String kind, int pending, int rounds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] rates = new double[rounds];
        Runnable round = switch (kind) {
            case "binary" -> binary(pending);
            case "4-ary" -> quaternary(pending);
            case "pairing" -> pairing(pending);
            case "calendar" -> calendar(pending);
            case "simulator" -> simulator(pending);
            default -> throw new IllegalArgumentException(kind);
        };
        for (int i = 0; i < 3; i++) {
            round.run(); // warm-up
        }
        for (int i = 0; i < rounds; i++) {
            long c = mx.getCurrentThreadCpuTime();
            round.run();
            c = mx.getCurrentThreadCpuTime() - c;
            rates[i] = BATCH / (c / 1e9);
        }
        Arrays.sort(rates);
        return rates[rounds / 2];
    }

    private static Runnable binary(int pending) {
        EventQueue q = new EventQueue();
        for (int i = 0; i < pending; i++) {
            q.add(delay(), NOOP);
        }
        return () -> {
            for (int i = 0; i < BATCH; i++) {
                long now = q.peekTime();
                q.poll();
                q.add(now + delay(), NOOP);
            }
        };
    }

    private static Runnable quaternary(int pending) {
        QuaternaryEventQueue q = new QuaternaryEventQueue();
        for (int i = 0; i < pending; i++) {
            q.add(delay(), NOOP);
        }
        return () -> {
            for (int i = 0; i < BATCH; i++) {
                long now = q.peekTime();
                q.poll();
                q.add(now + delay(), NOOP);
            }
        };
    }

    private static Runnable pairing(int pending) {
        PairingEventQueue q = new PairingEventQueue();
        for (int i = 0; i < pending; i++) {
            q.add(delay(), NOOP);
        }
        return () -> {
            for (int i = 0; i < BATCH; i++) {
                long now = q.peekTime();
                q.poll();
                q.add(now + delay(), NOOP);
            }
        };
    }

    private static Runnable calendar(int pending) {
        CalendarEventQueue q = new CalendarEventQueue();
        for (int i = 0; i < pending; i++) {
            q.add(delay(), NOOP);
        }
        return () -> {
            for (int i = 0; i < BATCH; i++) {
                long now = q.peekTime();
                q.poll();
                q.add(now + delay(), NOOP);
            }
        };
    }

    private static Runnable simulator(int pending) {
        Simulator sim = new Simulator();
        long[] countdown = new long[1];
        Event self = new Event() {
            @Override
            public void fire() {
                sim.after(delay(), this);
                if (--countdown[0] == 0) {
                    sim.stop();
                }
            }
        };
        for (int i = 0; i < pending; i++) {
            sim.after(delay(), self);
        }
        return () -> {
            countdown[0] = BATCH;
            sim.run();
        };
    }
}
