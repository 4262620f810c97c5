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
    private long folded;
    private boolean foldable;
    private int cancelledPending;
    private boolean stopRequested;
    private long limit = Long.MAX_VALUE;
    private Invariants invariants;

    /** The invariants --check verifies, or null when the run is not checked. */
    public Invariants invariants() {
        return invariants;
    }

    /**
     * Checks this run's invariants into {@code inv}: call before the components are built, as
     * each reads {@link #invariants()} once when it is made.
     */
    public void checkInvariants(Invariants inv) {
        this.invariants = inv;
        inv.clock(this::now);
    }

    /** Current simulated time in nanoseconds. */
    public long now() {
        return now;
    }

    /** Number of events fired so far (cancelled timers excluded). */
    public long eventsFired() {
        return fired;
    }

    /** Number of steps run inline by {@link #advanceIfNext} instead of as events. */
    public long stepsFolded() {
        return folded;
    }

    /**
     * Reserves the tie-order place of an event that may turn out unnecessary (see
     * {@link #advanceIfNext}); {@link #scheduleReserved} schedules it in that place.
     */
    public long reserveSeq() {
        return queue.reserveSeq();
    }

    /** Schedules {@code event} at {@code time} with a sequence number from {@link #reserveSeq}. */
    public void scheduleReserved(long time, long seq, Event event) {
        if (time < now) {
            pastEvent(time);
        }
        queue.addReserved(time, seq, event);
    }

    /**
     * Moves the clock to {@code time} if an event scheduled there now would be the next to fire
     * within the current {@link #runUntil}: earlier than every pending event (so no tie to
     * order either), not past the run's end, and no stop asked. The caller then runs that
     * event's step inline, at the end of the event that is firing, exactly as the loop would
     * have run it next. Returns false (clock unchanged) otherwise, and always under
     * {@link #runWhile}, whose condition must be checked before each event.
     */
    public boolean advanceIfNext(long time) {
        if (!foldable || stopRequested || time > limit || time < now
                || (!queue.isEmpty() && time >= queue.peekTime())) {
            return false;
        }
        now = time;
        folded++;
        return true;
    }

    /**
     * The earliest instant at which something else may happen: the first pending event's time
     * (a cancelled timer may still count) or the end of the current {@link #runUntil}, whichever
     * is earlier. Until then nothing but the running event changes the world, so a component
     * may compute its own progress up to (not including) this instant instead of scheduling an
     * event for every step of it.
     */
    public long horizon() {
        return queue.isEmpty() ? limit : Math.min(limit, queue.peekTime());
    }

    /** Number of live pending events (cancelled timers excluded). */
    public int pending() {
        return queue.size() - cancelledPending;
    }

    /** Schedules {@code event} at absolute time {@code time} (ns). */
    public void schedule(long time, Event event) {
        if (time < now) {
            pastEvent(time);
        }
        queue.add(time, event);
    }

    private void pastEvent(long time) {
        throw new IllegalStateException("event scheduled in the past: t=" + time + " < now=" + now);
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
        loop(time, null);
    }

    /**
     * As {@link #run}, calling {@code observer} after every 1024th event. The observer must only
     * read the model (a progress display): the run, its folds and its event count are then
     * exactly those of {@link #run}.
     */
    public void runObserved(Runnable observer) {
        loop(Long.MAX_VALUE, observer);
    }

    private void loop(long time, Runnable observer) {
        stopRequested = false;
        long outer = limit;
        boolean outerFoldable = foldable;
        limit = time;
        foldable = true;
        EventQueue q = queue;
        Event e;
        while (!stopRequested && (e = q.pollDue(time)) != null) {
            if (e.getClass() == Timer.class && ((Timer) e).isCancelled()) {
                cancelledPending--;
                continue;
            }
            now = q.polledTime();
            fired++;
            e.fire();
            if (observer != null && (fired & 1023) == 0) {
                observer.run();
            }
        }
        limit = outer;
        foldable = outerFoldable;
        if (!stopRequested && time != Long.MAX_VALUE && time > now) {
            now = time;
        }
    }

    /** Fires events while {@code condition} holds (checked before each event). */
    public void runWhile(BooleanSupplier condition) {
        stopRequested = false;
        boolean outerFoldable = foldable;
        foldable = false;
        EventQueue q = queue;
        Event e;
        while (!stopRequested && condition.getAsBoolean() && (e = q.pollDue(Long.MAX_VALUE)) != null) {
            if (e.getClass() == Timer.class && ((Timer) e).isCancelled()) {
                cancelledPending--;
                continue;
            }
            now = q.polledTime();
            fired++;
            e.fire();
        }
        foldable = outerFoldable;
    }
}
