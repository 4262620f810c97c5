package io.stacksim.devices.latency;

import io.stacksim.block.Request;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A task on a request's completion path that sleeps while it has nothing to do and, on a shared
 * machine, may wait for a CPU when work wakes it: try_to_wake_up() only makes it runnable
 * (kernel/sched/core.c), and it runs once the scheduler picks it. A completion that finds the
 * task asleep draws that wait: with probability {@code share} a time from {@code time}, else
 * none. Completions that arrive while it waits join the batch it handles when it runs. After
 * taking completions the task stays awake for {@code holdNs} per request (its own work on each:
 * fio accounts for the I/O and submits the next), so a completion arriving meanwhile needs no
 * wake-up; then it sleeps again.
 *
 * <p>On a loop device over a file these are the task that reaps the completions (fio in
 * io_getevents) and, for direct writes, the workqueue that completes them: a direct write's
 * bio completion is punted to the superblock's s_dio_done_wq (fs/iomap/direct-io.c,
 * iomap_dio_bio_end_io), while direct reads complete inline.
 */
final class WakeStage {
    private final Simulator sim;
    private final ServiceTime time;
    private final double share;
    private final double shareDeep;
    private final java.util.function.IntSupplier outstanding;
    private final long holdNs;
    private final RandomStream random;
    private final List<Request> batch = new ArrayList<>();
    private boolean waking;
    /** Until when the task is awake with the completions it has taken (then it sleeps, if no more came). */
    private long awakeUntil = Long.MIN_VALUE;
    private long wakeups;
    private long waits;

    WakeStage(Simulator sim, ServiceTime time, double share, long holdNs, RandomStream random) {
        this(sim, time, share, share, () -> 1, holdNs, random);
    }

    /**
     * As above, the share growing with the requests outstanding at the wake-up, linearly from
     * {@code share} at 1 to {@code shareDeep} at {@value #DEEP} (and constant beyond): under
     * EEVDF a woken task is placed by the lag it kept (place_entity, kernel/sched/fair.c), and a
     * reaper kept busy by a deep queue has used up more of it, so it waits more often when woken.
     */
    WakeStage(Simulator sim, ServiceTime time, double share, double shareDeep, java.util.function.IntSupplier outstanding,
              long holdNs, RandomStream random) {
        if (!(share >= 0 && share <= 1 && shareDeep >= 0 && shareDeep <= 1)) {
            throw new IllegalArgumentException("a wake share must be in [0, 1]");
        }
        this.sim = sim;
        this.time = time;
        this.share = share;
        this.shareDeep = shareDeep;
        this.outstanding = outstanding;
        this.holdNs = holdNs;
        this.random = random;
    }

    /** Passes {@code rq} on to {@code next} once the task has taken it. */
    void arrive(Request rq, Consumer<Request> next) {
        long now = sim.now();
        if (waking) {
            batch.add(rq);
            return;
        }
        if (now <= awakeUntil) {
            // still awake with (or just done with) the ones before it: no wake-up
            awakeUntil += holdNs;
            next.accept(rq);
            return;
        }
        wakeups++;
        int n = Math.min(DEEP, Math.max(1, outstanding.getAsInt()));
        double p = share + (shareDeep - share) * (n - 1) / (DEEP - 1);
        if (p > 0 && random.nextDouble() < p) {
            waits++;
            waking = true;
            batch.add(rq);
            sim.after(Math.max(1, time.sample(random)), () -> release(next));
            return;
        }
        awakeUntil = now + holdNs;
        next.accept(rq);
    }

    private void release(Consumer<Request> next) {
        waking = false;
        awakeUntil = sim.now() + holdNs * batch.size();
        List<Request> b = new ArrayList<>(batch);
        batch.clear();
        for (Request rq : b) {
            next.accept(rq);
        }
    }

    /** The depth at which the deep share applies. */
    static final int DEEP = 32;

    long wakeups() {
        return wakeups;
    }

    long waits() {
        return waits;
    }
}
