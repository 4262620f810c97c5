package io.stacksim.block;

import io.stacksim.engine.Stats;
import java.util.ArrayList;
import java.util.List;

/**
 * The flush state machine of block/blk-flush.c. A request with REQ_PREFLUSH or REQ_FUA runs the
 * steps its policy needs (blk_flush_policy): PREFLUSH (empty the device's volatile cache),
 * DATA, POSTFLUSH (for FUA on a device that does not honour it), then DONE. Flushes are
 * shared: requests waiting for a flush step collect on the pending list and one flush request
 * ({@code flush_rq}, issued by kblockd, bypassing the scheduler) serves them all; only one is in
 * flight, and while data of the sequence is in flight a new flush waits up to
 * FLUSH_PENDING_TIMEOUT (5 s) (blk_kick_flush). The data step is inserted at the head of the
 * scheduler. A device without a write cache has both flags stripped, and an empty flush for it
 * completes at once.
 */
final class FlushMachine {
    static final int PREFLUSH = 1;
    static final int DATA = 1 << 1;
    static final int POSTFLUSH = 1 << 2;
    static final int DONE = 1 << 3;
    /** RQF_FLUSH_SEQ: the request is inside a flush sequence. */
    static final int IN_SEQUENCE = 1 << 4;
    private static final long PENDING_TIMEOUT_NS = 5_000_000_000L;

    private final BlockQueue q;
    private final boolean writeCache;
    private final boolean fua;
    private List<Request> pending = new ArrayList<>();
    private List<Request> running = new ArrayList<>();
    private boolean flushInFlight;
    private long pendingSince;
    private int dataInFlight;
    private long flushes;
    /** Dispatch time of the latest flush request completed: writes completed before it are durable. */
    private long lastFlushDispatchedNs = Long.MIN_VALUE;

    FlushMachine(BlockQueue q, boolean writeCache, boolean fua) {
        this.q = q;
        this.writeCache = writeCache;
        this.fua = writeCache && fua;
    }

    /** Writes completed before this instant are durable (see {@link BlockTarget#durableBeforeNs}). */
    long durableBeforeNs() {
        return writeCache ? lastFlushDispatchedNs : Long.MAX_VALUE;
    }

    /** op_is_flush: the request needs the flush machinery. */
    static boolean isFlush(Request rq) {
        return (rq.flags & (Bio.PREFLUSH | Bio.FUA)) != 0 || rq.op == Op.FLUSH;
    }

    /**
     * blk_insert_flush: returns true when the machinery took the request, false when it goes
     * the normal way (data only, or data then a post-flush).
     */
    boolean insert(Request rq, IoOwner who) {
        int policy = 0;
        if (rq.nrSectors > 0) {
            policy |= DATA;
        }
        if (writeCache) {
            if (rq.has(Bio.PREFLUSH) || rq.op == Op.FLUSH) {
                policy |= PREFLUSH;
            }
            if (!fua && rq.has(Bio.FUA)) {
                policy |= POSTFLUSH;
            }
        }
        rq.flags &= ~Bio.PREFLUSH;
        if (!fua) {
            rq.flags &= ~Bio.FUA;
        }
        rq.flags |= Bio.SYNC;
        if (policy == 0) {
            q.endWithoutIo(rq);
            return true;
        }
        if (policy == DATA) {
            return false;
        }
        if (policy == (DATA | POSTFLUSH)) {
            rq.flushSeq = IN_SEQUENCE | PREFLUSH; // blk_rq_init_flush + the pre-flush marked done
            dataInFlight++;
            return false;
        }
        rq.flushSeq = IN_SEQUENCE; // blk_rq_init_flush
        completeSeq(rq, (PREFLUSH | DATA | POSTFLUSH) & ~policy);
        return true;
    }

    /** The device finished {@code rq}: the flush request, or the data step of a sequence. */
    void completed(Request rq) {
        if (rq.op == Op.FLUSH && rq.flushOrig != null) {
            flushes++;
            lastFlushDispatchedNs = Math.max(lastFlushDispatchedNs, rq.tDispatched);
            q.stats().flushDone(q.sim().now() - rq.tCreated);
            q.freeRequest(rq);
            flushInFlight = false;
            List<Request> done = running;
            running = new ArrayList<>();
            for (Request r : done) {
                completeSeq(r, firstStep(r));
            }
        } else {
            // mq_flush_data_end_io: the driver tag goes back at once (blk_mq_put_driver_tag).
            dataInFlight--;
            q.freeDriverTag(rq);
            completeSeq(rq, DATA);
        }
        q.runHwQueue(q.kblockd);
    }

    private static int firstStep(Request rq) {
        for (int s = PREFLUSH; s < DONE; s <<= 1) {
            if ((rq.flushSeq & s) == 0) {
                return s;
            }
        }
        return DONE;
    }

    /** blk_flush_complete_seq. */
    private void completeSeq(Request rq, int seq) {
        rq.flushSeq |= seq;
        int step = firstStep(rq);
        switch (step) {
            case PREFLUSH, POSTFLUSH -> {
                if (pending.isEmpty()) {
                    pendingSince = q.sim().now();
                }
                pending.add(rq);
            }
            case DATA -> {
                dataInFlight++;
                q.insertAtHead(rq);
            }
            default -> {
                rq.flushSeq = 0; // blk_flush_restore_request
                long now = q.sim().now();
                rq.tCompleted = now;
                q.traceRq('C', null, rq);
                q.stats().done(rq, now);
                q.endBios(rq);
                q.freeRequest(rq);
            }
        }
        kick();
    }

    /** blk_kick_flush: issue one flush for everything pending, unless one runs or data is out. */
    private void kick() {
        if (flushInFlight || pending.isEmpty()) {
            return;
        }
        if (dataInFlight > 0 && q.sim().now() < pendingSince + PENDING_TIMEOUT_NS) {
            return;
        }
        Request first = pending.get(0);
        List<Request> t = running;
        running = pending;
        pending = t;
        flushInFlight = true;
        Request flushRq = new Request(Op.FLUSH, Bio.PREFLUSH, IoPriority.NONE, first.cpu, q.sim().now());
        flushRq.flushOrig = first;
        if (!q.scheduler().isElevator()) {
            flushRq.tag = BlockQueue.BORROWED_TAG; // flush_rq->tag = first_rq->tag
        }
        q.bypassInsert(flushRq, true);
        q.runHwQueue(q.kblockd);
    }

    void registerStats(Stats stats) {
        stats.counter("block.flush_requests", () -> flushes);
    }
}
