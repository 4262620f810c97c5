package io.stacksim.device;

import io.stacksim.engine.Event;

/**
 * Delivers device interrupts to CPUs. The OS implements it: a hard IRQ plus the block softirq
 * run on {@code cpu}, stealing time from whatever runs there, and then {@code handler} runs.
 */
public interface InterruptController {
    void raise(int cpu, Event handler);
}
