package io.stacksim.block;

import java.util.List;

/**
 * {@code none}: blk-mq without an elevator. Requests hold a driver tag from allocation
 * (nr_requests is the hardware depth), so they are normally issued straight to the driver, from
 * the plug or directly. Requests that do wait sit in the per-CPU software queue in arrival order
 * ({@code ctx->rq_lists}) and are dispatched from its head; a new bio may merge into one of the
 * last 8 of them (block/blk-mq-sched.c blk_bio_list_merge, BLK_MQ... "checked = 8"). There is
 * no sorting, no deadline, and no request-to-request merging.
 */
public final class NoneScheduler implements IoScheduler {
    /** Registered in {@link Schedulers#ALL}. */
    public static final SchedulerType TYPE = new SchedulerType("none", List.of(), null, iosched -> new NoneScheduler());

    /** blk_bio_list_merge looks at this many requests from the tail. */
    static final int LIST_MERGE_DEPTH = 8;

    private final RequestList swQueue = new RequestList();
    private BlockQueue q;

    @Override
    public String name() {
        return "none";
    }

    /** Its lists hold only requests not yet dispatched; a dispatched one is off them (and off the hash and last_merge). */
    @Override
    public boolean forgetsCompletedRequests() {
        return true;
    }

    @Override
    public boolean isElevator() {
        return false;
    }

    @Override
    public void init(BlockQueue queue) {
        this.q = queue;
    }

    @Override
    public boolean bioMerge(Bio bio) {
        return listMerge(q, swQueue, bio);
    }

    /**
     * blk_bio_list_merge (block/blk-mq-sched.c): tries the last {@link #LIST_MERGE_DEPTH}
     * requests of a software-queue list, newest first, and stops at the first refused merge.
     */
    static boolean listMerge(BlockQueue q, RequestList list, Bio bio) {
        int checked = LIST_MERGE_DEPTH;
        for (Request rq = list.last(); rq != null && checked-- > 0; rq = rq.schedPrev) {
            switch (q.merge.attemptBioMerge(rq, bio)) {
                case OK:
                    return true;
                case FAILED:
                    return false;
                default:
                    break;
            }
        }
        return false;
    }

    @Override
    public boolean insert(Request rq, boolean atHead) {
        if (atHead) {
            swQueue.addHead(rq);
        } else {
            swQueue.addTail(rq);
        }
        return true;
    }

    @Override
    public boolean hasWork() {
        return !swQueue.isEmpty();
    }

    @Override
    public Request dispatch() {
        return swQueue.pollFirst();
    }
}
