package io.stacksim.os;

import java.util.ArrayDeque;

/**
 * A libaio context (io_setup): completed iocbs wait in its ring until io_getevents reaps them;
 * a task blocked in io_getevents is woken once at least its min_nr events are ready.
 */
public final class AioContext {
    final int maxEvents;
    final ArrayDeque<Iocb> completed = new ArrayDeque<>();
    int inFlight;
    Task waiter;
    int waitMin;
    /** The io_getevents call the waiter sleeps in. */
    AioSyscalls.GeteventsCall waitCall;

    AioContext(int maxEvents) {
        this.maxEvents = maxEvents;
    }

    public int inFlight() {
        return inFlight;
    }

    public int ready() {
        return completed.size();
    }
}
