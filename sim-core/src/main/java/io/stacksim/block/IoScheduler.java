package io.stacksim.block;

import io.stacksim.engine.Stats;

/**
 * An I/O scheduler (elevator), chosen by name with {@code block.scheduler}. The block queue
 * calls it as blk-mq calls {@code struct elevator_mq_ops}: try a bio merge, insert a request,
 * hand out the next request when the driver has a free tag, and hear about completions.
 */
public interface IoScheduler {
    /** The name used in config and in sysfs, e.g. "mq-deadline". */
    String name();

    /** Called once with the queue the scheduler serves. */
    void init(BlockQueue queue);

    /**
     * Tries to merge {@code bio} into a queued request (the elevator's bio merge).
     * Returns true if the bio was merged and needs no request of its own.
     */
    boolean bioMerge(Bio bio);

    /** Inserts a new request; {@code atHead} for requests that must go first (flushes, requeues). */
    void insert(Request rq, boolean atHead);

    /** True when a request is waiting to be dispatched. */
    boolean hasWork();

    /** Removes and returns the next request to dispatch, or null if none should go now. */
    Request dispatch();

    /** The request finished on the device. */
    default void completed(Request rq) {
    }

    /** Registers the scheduler's own statistics under {@code prefix}. */
    default void registerStats(Stats stats, String prefix) {
    }
}
