package io.stacksim.block;

import java.util.ArrayDeque;

/**
 * {@code none}: blk-mq without an elevator. Requests are dispatched in the order they were
 * inserted; the only merging is the plug merge and the software-queue merge the block queue
 * does itself (block/blk-mq-sched.c: blk_bio_list_merge over the last 8 requests).
 */
public final class NoneScheduler implements IoScheduler {
    private final ArrayDeque<Request> fifo = new ArrayDeque<>();

    @Override
    public String name() {
        return "none";
    }

    @Override
    public void init(BlockQueue queue) {
    }

    @Override
    public boolean bioMerge(Bio bio) {
        return false;
    }

    @Override
    public void insert(Request rq, boolean atHead) {
        if (atHead) {
            fifo.addFirst(rq);
        } else {
            fifo.addLast(rq);
        }
    }

    @Override
    public boolean hasWork() {
        return !fifo.isEmpty();
    }

    @Override
    public Request dispatch() {
        return fifo.pollFirst();
    }
}
