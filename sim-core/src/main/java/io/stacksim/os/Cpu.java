package io.stacksim.os;

import io.stacksim.engine.Timer;

/** One core: the task it runs, its pending interrupt work and its time accounting. */
final class Cpu {
    final int id;
    Task current;
    /** Time until which the core is busy with interrupt handling already queued on it. */
    long irqBusyUntil;
    /** When the interrupt work queued last on the core starts (its handler's entry). */
    long lastIrqStart = Long.MIN_VALUE;
    /** When the current task was given the core (start of its time slice). */
    long sliceStart;
    Timer sliceTimer;
    long userNs;
    long sysNs;
    long irqNs;
    long interrupts;

    Cpu(int id) {
        this.id = id;
    }

    long busyNs() {
        return userNs + sysNs + irqNs;
    }
}
