package io.stacksim.block;

import io.stacksim.engine.Invariants;
import java.util.BitSet;

/**
 * The block layer's invariants under {@code --check}, for one queue: every bio ends exactly
 * once and none is left in flight at the end; a request is dispatched once and completed once
 * per dispatch; no driver tag is held twice and no more are held than the tag set's depth; no
 * more requests are allocated than nr_requests; no request handed to the device exceeds
 * max_sectors or max_segments (blk_rq_get_max_sectors, blk_rq_nr_phys_segments). The queue calls
 * it only when checks are on.
 */
final class BlockChecks {
    private static final byte BIO_IN_FLIGHT = 1;
    private static final byte BIO_ENDED = 2;

    private final String queue;
    private final Invariants.Rule bioEndsOnce;
    private final Invariants.Rule biosAllEnd;
    private final Invariants.Rule dispatchedOnce;
    private final Invariants.Rule completedOnce;
    private final Invariants.Rule driverTags;
    private final Invariants.Rule schedTags;
    private final Invariants.Rule withinLimits;
    private final Invariants.Rule timeParts;
    private final BitSet heldTags = new BitSet();
    private long biosInFlight;

    BlockChecks(Invariants inv, String queue) {
        this.queue = queue;
        this.bioEndsOnce = inv.rule("block.bio-ends-once", "bio_endio runs once per bio submitted");
        this.biosAllEnd = inv.rule("block.no-bio-left", "every bio submitted has ended once the run is over");
        this.dispatchedOnce = inv.rule("block.request-dispatched-once", "queue_rq is called once per request");
        this.completedOnce = inv.rule("block.request-completed-once", "a dispatched request completes once");
        this.driverTags = inv.rule("block.driver-tags",
                "a driver tag is held by one request at a time, and at most the tag set's depth are held");
        this.schedTags = inv.rule("block.nr_requests", "requests allocated never exceed nr_requests");
        this.withinLimits = inv.rule("block.request-limits",
                "a request handed to the device is within max_sectors and max_segments");
        this.timeParts = inv.rule("device.time-parts",
                "a request's device queue, media and transfer times are disjoint parts of its dispatch-to-completion"
                        + " time, none negative (the breakdown's overhead is what is left, never below 0)");
    }

    /** submit_bio, or a split piece made: the bio is in flight. */
    void bioSubmitted(Bio b) {
        if (b.checkState != BIO_IN_FLIGHT) {
            b.checkState = BIO_IN_FLIGHT;
            biosInFlight++;
        }
    }

    /** bio_endio. */
    void bioEnded(Bio b) {
        if (b.checkState == BIO_IN_FLIGHT) {
            b.checkState = BIO_ENDED;
            biosInFlight--;
            bioEndsOnce.ok();
        } else if (b.checkState == BIO_ENDED) {
            bioEndsOnce.fail(queue + ": bio " + b + " ended twice");
        }
        // a bio this queue never saw (a stacked driver's own) is another queue's to check
    }

    void requestAllocated(int allocated, int nrRequests) {
        if (allocated <= nrRequests) {
            schedTags.ok();
        } else {
            schedTags.fail(queue + ": " + allocated + " requests allocated, nr_requests " + nrRequests);
        }
    }

    /** A driver tag was taken (blk_mq_get_driver_tag, or none's request allocation). */
    void tagTaken(int tag, int inUse, int depth) {
        if (heldTags.get(tag)) {
            driverTags.fail(queue + ": driver tag " + tag + " given to a second request");
        } else if (inUse > depth) {
            driverTags.fail(queue + ": " + inUse + " driver tags held, depth " + depth);
        } else {
            driverTags.ok();
        }
        heldTags.set(tag);
    }

    void tagPut(int tag) {
        if (!heldTags.get(tag)) {
            driverTags.fail(queue + ": driver tag " + tag + " put back but not held");
        }
        heldTags.clear(tag);
    }

    /** queue_rq: the request goes to the device. */
    void dispatched(Request rq, QueueLimits limits) {
        if (rq.checkDispatches++ == 0) {
            dispatchedOnce.ok();
        } else {
            dispatchedOnce.fail(queue + ": request " + rq + " dispatched " + rq.checkDispatches + " times");
        }
        if (rq.op.hasData() && rq.op != Op.DISCARD) {
            if (rq.nrSectors <= limits.maxSectors() && rq.nrSegments <= limits.maxSegments()) {
                withinLimits.ok();
            } else {
                withinLimits.fail(queue + ": request of " + rq.nrSectors + " sectors, " + rq.nrSegments
                        + " segments; max_sectors " + limits.maxSectors() + ", max_segments " + limits.maxSegments());
            }
        }
    }

    /** The device completed the request. */
    void completed(Request rq) {
        long window = rq.tCompleted - rq.tDispatched;
        long parts = rq.devQueueNs + rq.devMediaNs + rq.devTransferNs;
        if (rq.devQueueNs >= 0 && rq.devMediaNs >= 0 && rq.devTransferNs >= 0 && parts <= window) {
            timeParts.ok();
        } else {
            timeParts.fail(queue + ": request " + rq + " took " + window + " ns on the device but reports queue "
                    + rq.devQueueNs + " + media " + rq.devMediaNs + " + transfer " + rq.devTransferNs + " ns");
        }
        if (rq.checkCompletions++ < rq.checkDispatches) {
            completedOnce.ok();
        } else {
            completedOnce.fail(queue + ": request " + rq + " completed " + rq.checkCompletions + " times after "
                    + rq.checkDispatches + " dispatches");
        }
    }

    /** The run is over (after the final sync): nothing may be left in flight. */
    void finish() {
        if (biosInFlight == 0) {
            biosAllEnd.ok();
        } else {
            biosAllEnd.fail(queue + ": " + biosInFlight + " bios never ended");
        }
    }
}
