package io.stacksim.block;

import io.stacksim.engine.Stats;

/**
 * An I/O scheduler, chosen by name with {@code block.scheduler}. The block queue calls it as
 * blk-mq calls {@code struct elevator_mq_ops}: try a bio merge, insert a request, hand out the
 * next request when the driver has a free tag, and hear about merges and completions. A new
 * scheduler (bfq, kyber) is one file, an implementation (usually of {@link Elevator}) that
 * declares its {@link SchedulerType}, plus one line in {@link Schedulers#ALL}.
 */
public interface IoScheduler {
    /** The name used in config and in sysfs, e.g. "mq-deadline". */
    String name();

    /**
     * True for an elevator: requests come from the scheduler's own nr_requests tags and take a
     * driver tag at dispatch (RQF_SCHED_TAGS). False for {@code none}, whose requests hold a
     * driver tag from allocation.
     */
    boolean isElevator();

    /** Called once with the queue the scheduler serves. */
    void init(BlockQueue queue);

    /**
     * Tries to merge {@code bio} into a queued request (blk_mq_sched_bio_merge). Returns true if
     * the bio was merged and needs no request of its own.
     */
    boolean bioMerge(Bio bio);

    /**
     * Inserts a new request; {@code atHead} for requests that must go first. Returns false when
     * the request was merged into a queued one instead (an insert merge) and no longer exists.
     */
    boolean insert(Request rq, boolean atHead);

    /** True when a request is waiting to be dispatched. */
    boolean hasWork();

    /** Removes and returns the next request to dispatch, or null if none should go now. */
    Request dispatch();

    /**
     * ops.prepare_request: {@code rq} was just allocated from the scheduler's tags (an
     * elevator's only); the scheduler may attach its per-request state to {@link Request#elvPriv}.
     */
    default void prepareRequest(Request rq) {
    }

    /** The request finished or was freed after merging into another (ops.finish_request). */
    default void completed(Request rq) {
    }

    /**
     * True when the scheduler keeps no reference to a request after {@link #completed} (its
     * lists, hash and last_merge have all let go of it by then), so the block layer may reuse it
     * for a later I/O as the kernel's static requests are. False by default.
     */
    default boolean forgetsCompletedRequests() {
        return false;
    }

    /** {@code next} was merged into {@code rq} and is gone (elv_merge_requests). */
    default void requestsMerged(Request rq, Request next) {
    }

    /** A refused merge marked {@code rq} unmergeable (req_set_nomerge forgets it as last_merge). */
    default void noMerge(Request rq) {
    }

    /**
     * The most tags an allocation for {@code bio} may use (ops.limit_depth), or
     * {@link Integer#MAX_VALUE} for no limit.
     */
    default int depthLimit(Bio bio) {
        return Integer.MAX_VALUE;
    }

    /**
     * True when the scheduler turns writeback throttling off while it runs (ELEVATOR_FLAG_DISABLE_WBT,
     * set by bfq_init_queue with wbt_disable_default).
     */
    default boolean disablesWbt() {
        return false;
    }

    /** Registers the scheduler's own statistics under {@code prefix}. */
    default void registerStats(Stats stats, String prefix) {
    }
}
