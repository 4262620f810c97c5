package io.stacksim.block;

import java.util.List;

/**
 * {@code noop}: the legacy single-queue noop elevator (block/noop-iosched.c, removed in Linux
 * 5.0), run as an elevator under blk-mq. Requests wait in one FIFO and are dispatched from its
 * head; all merging is the elevator core's: the last_merge one-hit cache, back merges through
 * the hash, insert merges, and request merges with the FIFO neighbours (noop_latter_request,
 * noop_former_request). It has no front-merge lookup of its own.
 *
 * <p>How it differs from {@code none}: noop is an elevator, so requests come from its own
 * nr_requests (2 x min(depth, 128)) and wait in the FIFO until a driver tag is free, where they
 * keep merging with later bios; {@code none} has only the driver tags, issues requests at once,
 * and merges a bio only in the plug or with the last 8 requests still in the software queue.
 */
public final class NoopScheduler extends Elevator {
    /** Registered in {@link Schedulers#ALL}. */
    public static final SchedulerType TYPE = new SchedulerType("noop", List.of(), null, iosched -> new NoopScheduler());

    private final RequestList fifo = new RequestList();

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public boolean insert(Request rq, boolean atHead) {
        if (insertMerge(rq)) {
            return false;
        }
        if (atHead) {
            fifo.addHead(rq);
        } else {
            fifo.addTail(rq);
            addMergeable(rq);
        }
        return true;
    }

    @Override
    public boolean hasWork() {
        return !fifo.isEmpty();
    }

    @Override
    public Request dispatch() {
        Request rq = fifo.pollFirst();
        if (rq != null) {
            forget(rq);
        }
        return rq;
    }

    @Override
    protected void mergedRequests(Request rq, Request next) {
        fifo.remove(next);
    }

    @Override
    protected Request latterRequest(Request rq) {
        return rq.schedData == fifo ? rq.schedNext : null;
    }

    @Override
    protected Request formerRequest(Request rq) {
        return rq.schedData == fifo ? rq.schedPrev : null;
    }
}
