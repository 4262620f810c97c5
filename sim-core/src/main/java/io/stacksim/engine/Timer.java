package io.stacksim.engine;

/**
 * A cancellable scheduled event, returned by {@link Simulator#scheduleTimer}.
 *
 * <p>Cancellation is lazy: a cancelled timer stays in the event list until its time and is then
 * skipped without advancing the clock, which keeps the heap free of a position index.
 */
public final class Timer implements Event {
    private final Simulator sim;
    private Event target;
    private final long time;

    Timer(Simulator sim, long time, Event target) {
        this.sim = sim;
        this.time = time;
        this.target = target;
    }

    /** The simulated time this timer fires at. */
    public long time() {
        return time;
    }

    /** True until the timer fires or is cancelled. */
    public boolean isPending() {
        return target != null;
    }

    /** Cancels the timer; returns false if it already fired or was cancelled. */
    public boolean cancel() {
        if (target == null) {
            return false;
        }
        target = null;
        sim.timerCancelled();
        return true;
    }

    boolean isCancelled() {
        return target == null;
    }

    @Override
    public void fire() {
        Event t = target;
        target = null;
        t.fire();
    }
}
