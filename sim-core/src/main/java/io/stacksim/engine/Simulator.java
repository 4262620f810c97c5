package io.stacksim.engine;

import java.util.function.BooleanSupplier;

/**
 * The simulation kernel: a clock in nanoseconds and the list of pending events.
 *
 * <p>One simulator runs on one thread and is deterministic: events fire in (time, scheduling
 * order), so the same components and seeds always produce the same run. Scheduling an event in
 * the past is a programming error and throws.
 */
public final class Simulator {
    private final EventQueue queue = new EventQueue(1024);
    private long now;
    private long fired;
    private int cancelledPending;
    private boolean stopRequested;

    /** Current simulated time in nanoseconds. */
    public long now() {
        return now;
    }

    /** Number of events fired so far (cancelled timers excluded). */
    public long eventsFired() {
        return fired;
    }

    /** Number of live pending events (cancelled timers excluded). */
    public int pending() {
        return queue.size() - cancelledPending;
    }

    /** Schedules {@code event} at absolute time {@code time} (ns). */
    public void schedule(long time, Event event) {
        if (time < now) {
            throw new IllegalStateException("event scheduled in the past: t=" + time + " < now=" + now);
        }
        queue.add(time, event);
    }

    /** Schedules {@code event} {@code delay} ns from now. */
    public void after(long delay, Event event) {
        if (delay < 0) {
            throw new IllegalStateException("negative delay " + delay + " at now=" + now);
        }
        queue.add(now + delay, event);
    }

    /** Schedules a cancellable event at absolute time {@code time}. */
    public Timer scheduleTimer(long time, Event event) {
        Timer timer = new Timer(this, time, event);
        schedule(time, timer);
        return timer;
    }

    /** Schedules a cancellable event {@code delay} ns from now. */
    public Timer timerAfter(long delay, Event event) {
        return scheduleTimer(now + delay, event);
    }

    void timerCancelled() {
        cancelledPending++;
    }

    /** Asks the running loop to return after the current event. */
    public void stop() {
        stopRequested = true;
    }

    /** Runs until no event is left or {@link #stop()} is called. */
    public void run() {
        runUntil(Long.MAX_VALUE);
    }

    /**
     * Fires every event due at or before {@code time}, then leaves the clock at {@code time}
     * (unless stopped early or {@code time} is {@code Long.MAX_VALUE}).
     */
    public void runUntil(long time) {
        stopRequested = false;
        EventQueue q = queue;
        while (!stopRequested && !q.isEmpty()) {
            long t = q.peekTime();
            if (t > time) {
                break;
            }
            Event e = q.poll();
            if (e instanceof Timer timer && timer.isCancelled()) {
                cancelledPending--;
                continue;
            }
            now = t;
            fired++;
            e.fire();
        }
        if (!stopRequested && time != Long.MAX_VALUE && time > now) {
            now = time;
        }
    }

    /** Fires events while {@code condition} holds (checked before each event). */
    public void runWhile(BooleanSupplier condition) {
        stopRequested = false;
        EventQueue q = queue;
        while (!stopRequested && !q.isEmpty() && condition.getAsBoolean()) {
            long t = q.peekTime();
            Event e = q.poll();
            if (e instanceof Timer timer && timer.isCancelled()) {
                cancelledPending--;
                continue;
            }
            now = t;
            fired++;
            e.fire();
        }
    }
}
