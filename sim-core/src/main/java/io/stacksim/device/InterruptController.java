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
     * (a multi-queue device: block/blk-mq.c blk_mq_complete_request_remote). Returns the time
     * the handler starts (see {@link #joinCompletion}).
     */
    default long raiseCompletion(int cpu, boolean blockSoftirq, Event handler) {
        raise(cpu, handler);
        return Long.MIN_VALUE;
    }

    /**
     * One more request for the completion interrupt on {@code cpu} whose handler starts at
     * {@code start} ({@link #raiseCompletion}'s result): if that handler has not begun, it will
     * complete this request too and only the request's own completion work is added. Returns
     * the new end of the handler's work, or -1 when the request cannot join (the handler has
     * begun, other work was queued after it, or the controller does not model interrupt
     * timing): the caller then raises a new interrupt.
     */
    default long joinCompletion(int cpu, boolean blockSoftirq, long start) {
        return -1;
    }
}
