package io.stacksim.engine;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The classic "hold" model of event-list benchmarks: with {@code pending} events in the list,
 * repeatedly take the earliest and schedule a new one at now + an exponential delay. The
 * delays are drawn in advance (a ring of 64 Ki samples) so the figure is the event list's own
 * cost, not the random generator's.
 *
 * <p>{@code queueHold} measures the bare {@link EventQueue}; {@code simulatorHold} the
 * {@link Simulator} loop, where each fired event schedules its successor. Scores are events
 * per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HoldBenchmark {
    private static final int BATCH = 1_000_000;

    @Param({"1000", "100000"})
    int pending;

    private long[] delays;
    private int next;
    private EventQueue queue;
    private long now;
    private Simulator sim;
    private final Event noop = () -> { };
    private long countdown;

    @Setup(Level.Trial)
    public void setUp() {
        RandomStream r = new RandomStreams(42).stream("hold");
        delays = new long[1 << 16];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = 1 + Math.round(r.exponential(1_000_000));
        }
        queue = new EventQueue();
        for (int i = 0; i < pending; i++) {
            queue.add(delay(), noop);
        }
        sim = new Simulator();
        Event self = new Event() {
            @Override
            public void fire() {
                sim.after(delay(), this);
                if (--countdown == 0) {
                    sim.stop();
                }
            }
        };
        for (int i = 0; i < pending; i++) {
            sim.after(delay(), self);
        }
    }

    private long delay() {
        long d = delays[next];
        next = (next + 1) & (delays.length - 1);
        return d;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long queueHold() {
        EventQueue q = queue;
        for (int i = 0; i < BATCH; i++) {
            now = q.peekTime();
            q.poll();
            q.add(now + delay(), noop);
        }
        return now;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long simulatorHold() {
        countdown = BATCH;
        sim.run();
        return sim.now();
    }
}
