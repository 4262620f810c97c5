package io.stacksim.block;

import io.stacksim.device.DeviceLimits;
import io.stacksim.engine.LatencyRecorder;
import java.util.IdentityHashMap;

/**
 * A queue's tags (block/blk-mq-tag.c, blk-mq-sched.c): the driver tags - the device's queue
 * depth over its hardware queues - and, with an elevator, the scheduler's nr_requests tags
 * (2 x min(tag set depth, BLKDEV_DEFAULT_RQ = 128) per hardware queue unless set). A request
 * holds a scheduler tag from allocation and a driver tag from dispatch; without an elevator the
 * requests are the driver tags themselves, taken at allocation, and nr_requests can only lower
 * their number (blk_mq_update_nr_requests).
 *
 * <p>A submitter that finds no tag free sleeps in blk_mq_get_tag: its bio waits here in FIFO
 * order with everyone else's, a later bio of the same submitter queues behind it (the task is
 * asleep), and freed tags go to the waiters in arrival order. The wait is measured
 * ({@code block.request_wait}).
 */
final class Tags {
    private final BlockQueue q;
    private final IoScheduler scheduler;
    private final boolean elevator;
    /** Driver tags: the device's total queue depth. */
    final int depth;
    final int nrRequests;
    private final int[] free;
    private int freeCount;
    /** Requests allocated from nr_requests (scheduler tags, or driver tags for none). */
    private int allocated;

    /** Bios waiting for a request (blk_mq_get_tag sleeping), FIFO. */
    private Bio waitHead;
    private Bio waitTail;
    private boolean draining;
    /** Bios waiting per submitter (only while some wait): who is asleep in blk_mq_get_tag. */
    private final IdentityHashMap<IoOwner, int[]> waitingPerOwner = new IdentityHashMap<>();
    /** Each bio's sleep for a request, from enqueue to the request (its count is block.request_waits). */
    final LatencyRecorder requestWait = new LatencyRecorder();

    Tags(BlockQueue q, IoScheduler scheduler, DeviceLimits lim, QueueSettings settings) {
        this.q = q;
        this.scheduler = scheduler;
        this.elevator = scheduler.isElevator();
        this.depth = lim.tagDepth() * lim.hwQueues();
        // blk-mq-sched.c blk_mq_init_sched: 2 x min(tag set depth, BLKDEV_DEFAULT_RQ = 128) with
        // an elevator; without one the requests are the driver tags themselves, and nr_requests
        // resizes them and cannot exceed them (blk_mq_update_nr_requests).
        this.nrRequests = elevator ? (settings.nrRequests() > 0 ? settings.nrRequests()
                : 2 * Math.min(lim.tagDepth(), 128) * lim.hwQueues())
                : settings.nrRequests() > 0 ? Math.min(settings.nrRequests(), depth) : depth;
        int tags = elevator ? depth : nrRequests;
        this.free = new int[tags];
        for (int i = 0; i < tags; i++) {
            free[i] = tags - 1 - i;
        }
        this.freeCount = tags;
    }

    // ------------------------------------------------------------------ tags

    /** A request can be allocated for {@code bio} now (within nr_requests and the scheduler's depth limit). */
    boolean available(Bio bio) {
        if (elevator) {
            // __blk_mq_alloc_requests: limit_depth is not applied to flush or passthrough requests.
            return allocated < nrRequests && (bio.op.isPassthrough() || allocated < scheduler.depthLimit(bio));
        }
        return freeCount > 0;
    }

    /** {@code rq} was allocated: it takes one of nr_requests, and without an elevator its driver tag. */
    void allocate(Request rq) {
        allocated++;
        if (!elevator) {
            rq.tag = free[--freeCount];
        }
        if (q.checks != null) {
            q.checks.requestAllocated(allocated, nrRequests);
            if (!elevator) {
                q.checks.tagTaken(rq.tag, driverTagsInUse(), depth);
            }
        }
    }

    /** The request's own tag (scheduler or none's driver tag) is given back. */
    void release() {
        allocated--;
    }

    int allocated() {
        return allocated;
    }

    boolean hasFreeDriverTag() {
        return freeCount > 0;
    }

    /** blk_mq_get_driver_tag: the caller checked one is free. */
    void getDriverTag(Request rq) {
        rq.tag = free[--freeCount];
        if (q.checks != null) {
            q.checks.tagTaken(rq.tag, driverTagsInUse(), depth);
        }
    }

    /** __blk_mq_put_driver_tag. */
    void putDriverTag(int tag) {
        if (q.checks != null) {
            q.checks.tagPut(tag);
        }
        free[freeCount++] = tag;
    }

    /** Driver tags held. */
    int driverTagsInUse() {
        return free.length - freeCount;
    }

    // ------------------------------------------------------------------ waiting

    /** True when some bio waits for a request. */
    boolean anyWaiting() {
        return waitHead != null;
    }

    /** True when some of {@code owner}'s bios wait: the submitter is asleep in blk_mq_get_tag. */
    boolean isWaiting(IoOwner owner) {
        return waitingPerOwner.containsKey(owner);
    }

    /** {@code bio} waits for a request, behind every bio already waiting. */
    void enqueue(Bio bio) {
        waitingPerOwner.computeIfAbsent(bio.owner, o -> new int[1])[0]++;
        bio.tWaitStart = q.sim().now();
        bio.waitNext = null;
        if (waitTail == null) {
            waitHead = bio;
        } else {
            waitTail.waitNext = bio;
        }
        waitTail = bio;
    }

    /**
     * Gives freed tags to waiting bios in arrival order; a bio queued behind its sleeping
     * submitter first tries to merge. Submitters whose bios all have requests wake.
     */
    void wakeWaiters() {
        if (draining || waitHead == null) {
            return;
        }
        draining = true;
        try {
            while (waitHead != null) {
                Bio b = waitHead;
                if (!b.mergeTried) {
                    b.mergeTried = true;
                    if (q.tryMerges(b, null)) {
                        pop();
                        continue;
                    }
                    // Off the queue before wbt_wait may queue it on its own (the same link).
                    pop();
                    if (q.zonePlugTakes(b)) {
                        continue; // into its zone's write plug (or failed)
                    }
                    if (!q.throttleAfterTagWait(b)) {
                        continue; // now asleep in wbt_wait instead
                    }
                    pushFront(b); // with its wbt slot, first in line for a tag
                }
                if (!available(b)) {
                    break;
                }
                pop();
                requestWait.record(q.sim().now() - b.tWaitStart);
                // The woken submitter continues unplugged: its plug was flushed when it slept.
                q.allocateAndQueue(b, null);
            }
        } finally {
            draining = false;
        }
        q.wakeOwners();
    }

    private void pushFront(Bio b) {
        waitingPerOwner.computeIfAbsent(b.owner, o -> new int[1])[0]++;
        b.waitNext = waitHead;
        waitHead = b;
        if (waitTail == null) {
            waitTail = b;
        }
    }

    private void pop() {
        Bio b = waitHead;
        waitHead = b.waitNext;
        if (waitHead == null) {
            waitTail = null;
        }
        b.waitNext = null;
        int[] n = waitingPerOwner.get(b.owner);
        if (--n[0] == 0) {
            waitingPerOwner.remove(b.owner);
        }
    }
}
