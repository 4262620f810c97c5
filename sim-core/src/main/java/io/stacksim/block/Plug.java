package io.stacksim.block;

/**
 * A per-task plug list ({@code struct blk_plug}, block/blk-core.c and blk-mq.c): while a task
 * holds a plug, the requests it creates collect here instead of going to the queue, and new bios
 * first try to merge into the newest of them. The plug is flushed when
 * <ul>
 *   <li>the task unplugs ({@link #finish}, blk_finish_plug): blkparse shows {@code U};</li>
 *   <li>the task sleeps (kernel/sched/core.c sched_submit_work -> blk_flush_plug(plug, true)):
 *       {@code UT}, because blk_mq_dispatch_list traces an unplug from the scheduler as
 *       not explicit;</li>
 *   <li>a request is added while the plug already holds BLK_MAX_REQUEST_COUNT (32) requests,
 *       or while merges are allowed and its first request is at least BLK_PLUG_FLUSH_SIZE
 *       (128 KiB) (blk_add_rq_to_plug; since Linux 6.12 the list is appended at the tail and
 *       {@code rq_list_peek} reads its head).</li>
 * </ul>
 * Nested {@link #start} calls are no-ops, as blk_start_plug is when {@code current->plug} is set.
 */
public final class Plug {
    /** BLK_MAX_REQUEST_COUNT (block/blk.h, 32 since Linux 5.16). */
    public static final int MAX_REQUEST_COUNT = 32;
    /** BLK_PLUG_FLUSH_SIZE (block/blk.h): 128 KiB. */
    public static final long FLUSH_SIZE = 128 * 1024;

    private final IoOwner owner;
    Request head;
    Request tail;
    int rqCount;
    boolean hasElevator;
    /** plug->multiple_queues: the plug holds requests of more than one queue (a stacked device's members). */
    boolean multipleQueues;

    private Plug(IoOwner owner) {
        this.owner = owner;
    }

    /** blk_start_plug: gives {@code owner} a plug unless it has one; returns it, or null if nested. */
    public static Plug start(IoOwner owner) {
        if (owner == null || owner.plug() != null) {
            return null;
        }
        Plug p = owner.sparePlug();
        if (p != null) {
            owner.setSparePlug(null);
        } else {
            p = new Plug(owner);
        }
        owner.setPlug(p);
        return p;
    }

    /** blk_finish_plug: flushes and removes {@code plug} if it is the owner's current one. */
    public static void finish(IoOwner owner, Plug plug) {
        if (plug == null || owner.plug() != plug) {
            return;
        }
        plug.flush(false);
        owner.setPlug(null);
        if (plug.rqCount == 0) {
            owner.setSparePlug(plug); // flushed: empty, ready for the owner's next start
        }
    }

    public IoOwner owner() {
        return owner;
    }

    /** Requests waiting in the plug. */
    public int requestCount() {
        return rqCount;
    }

    /**
     * blk_flush_plug: hands every plugged request to its queue; {@code fromSchedule} when the
     * task is about to sleep.
     */
    public void flush(boolean fromSchedule) {
        if (rqCount == 0) {
            return;
        }
        if (!multipleQueues) {
            head.queue.flushPlug(this, fromSchedule);
            return;
        }
        // blk_mq_flush_plug_list with plug->multiple_queues: each queue's requests, in order,
        // go to their queue (blk_mq_dispatch_multiple_queue_requests, blk_mq_dispatch_list).
        boolean viaScheduler = hasElevator || fromSchedule;
        Request rest = takeAll();
        while (rest != null) {
            BlockQueue q = rest.queue;
            Request mine = null;
            Request mineTail = null;
            Request others = null;
            Request othersTail = null;
            int depth = 0;
            for (Request rq = rest; rq != null; ) {
                Request next = rq.listNext;
                rq.listNext = null;
                if (rq.queue == q) {
                    if (mineTail == null) {
                        mine = rq;
                    } else {
                        mineTail.listNext = rq;
                    }
                    mineTail = rq;
                    depth++;
                } else {
                    if (othersTail == null) {
                        others = rq;
                    } else {
                        othersTail.listNext = rq;
                    }
                    othersTail = rq;
                }
                rq = next;
            }
            q.dispatchPlugged(owner, mine, depth, viaScheduler, fromSchedule);
            rest = others;
        }
    }

    /** blk_plug_max_rq_count: twice BLK_MAX_REQUEST_COUNT when the plug spans several queues. */
    int maxRequestCount() {
        return multipleQueues ? 2 * MAX_REQUEST_COUNT : MAX_REQUEST_COUNT;
    }

    void add(Request rq) {
        rq.listNext = null;
        if (head != null && head.queue != rq.queue) {
            multipleQueues = true;
        }
        if (tail == null) {
            head = rq;
        } else {
            tail.listNext = rq;
        }
        tail = rq;
        rqCount++;
        if (rq.schedTag) {
            hasElevator = true;
        }
    }

    /** Detaches and returns the plugged requests (a list through {@code listNext}). */
    Request takeAll() {
        Request h = head;
        head = null;
        tail = null;
        rqCount = 0;
        hasElevator = false;
        multipleQueues = false;
        return h;
    }
}
