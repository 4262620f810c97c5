package io.stacksim.device;

import io.stacksim.engine.Event;

/**
 * Delivers device interrupts to CPUs. The OS implements it: a hard IRQ plus the block softirq
 * run on {@code cpu}, stealing time from whatever runs there, and then {@code handler} runs.
 */
public interface InterruptController {
    void raise(int cpu, Event handler);

    /**
     * A completion interrupt on {@code cpu}: with {@code blockSoftirq} the request completes in
     * BLOCK_SOFTIRQ after the hard IRQ (a single-queue device), without it in the hard IRQ itself
     * (a multi-queue device: block/blk-mq.c blk_mq_complete_request_remote).
     */
    default void raiseCompletion(int cpu, boolean blockSoftirq, Event handler) {
        raise(cpu, handler);
    }
}
