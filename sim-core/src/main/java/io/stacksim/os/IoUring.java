package io.stacksim.os;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One io_uring instance (io_uring/io_uring.c): a submission ring the application fills without
 * a system call, a completion ring the kernel fills and the application reaps without one, and
 * the io-wq worker pool that runs requests that would block. Made by
 * {@link Kernel#ioUringSetup}; requests are submitted with {@link Kernel#ioUringEnter}.
 *
 * <p>Sizes follow io_uring_setup: the SQ has {@code entries} rounded up to a power of two, the
 * CQ twice that (IORING_SETUP_CQSIZE is not modelled).
 */
public final class IoUring {
    final int sqEntries;
    final int cqEntries;
    final ArrayDeque<Iocb> sq = new ArrayDeque<>();
    final ArrayDeque<Iocb> cq = new ArrayDeque<>();
    final IoWq wq;
    int inFlight;
    Task waiter;
    int waitMin;
    Runnable waitCont;
    /** Requests the submitter ran inline, and those punted to io-wq (for the report). */
    long inline;
    long punted;

    IoUring(int entries, IoWq wq) {
        this.sqEntries = entries <= 1 ? 1 : Integer.highestOneBit(entries - 1) << 1;
        this.cqEntries = 2 * sqEntries;
        this.wq = wq;
    }

    public int sqEntries() {
        return sqEntries;
    }

    /** The application writes an SQE into the ring (no system call); false when the SQ is full. */
    public boolean push(Iocb sqe) {
        if (sq.size() >= sqEntries) {
            return false;
        }
        sq.addLast(sqe);
        return true;
    }

    /** SQEs written but not yet submitted. */
    public int pending() {
        return sq.size();
    }

    /** CQEs waiting to be reaped. */
    public int ready() {
        return cq.size();
    }

    /** Requests submitted and not yet completed. */
    public int inFlight() {
        return inFlight;
    }

    /** The application reads up to {@code max} CQEs from the ring (no system call). */
    public List<Iocb> reap(int max) {
        List<Iocb> out = new ArrayList<>(Math.min(max, cq.size()));
        while (out.size() < max && !cq.isEmpty()) {
            out.add(cq.pollFirst());
        }
        return out;
    }

    public long inlineRequests() {
        return inline;
    }

    public long puntedRequests() {
        return punted;
    }

    public int workers() {
        return wq.workers();
    }

    /** The io-wq worker threads made so far (they count in the owning process's CPU time). */
    public List<Task> workerTasks() {
        return wq.tasks();
    }
}
