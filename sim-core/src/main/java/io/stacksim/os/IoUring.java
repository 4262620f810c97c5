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
    /** IORING_SETUP_SQPOLL: the kernel thread that submits the SQ (io_uring/sqpoll.c), or null. */
    Task sqThread;
    /** sq_thread_idle: how long it polls an empty SQ before it sleeps. */
    long sqIdleNs;
    /** When it last found work (io_sq_thread's timeout is this plus sq_thread_idle). */
    long sqLastWorkNs;
    /** IORING_SQ_NEED_WAKEUP: the thread sleeps and only io_uring_enter(SQ_WAKEUP) wakes it. */
    boolean sqNeedWakeup;
    /** The ring was closed: the SQ thread exits (io_sq_thread_finish). */
    boolean closed;
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

    /** The io-wq worker threads made so far, and the SQ thread (they count in the owning process's CPU time). */
    public List<Task> workerTasks() {
        if (sqThread == null) {
            return wq.tasks();
        }
        List<Task> out = new ArrayList<>(wq.tasks());
        out.add(sqThread);
        return out;
    }

    /** IORING_SETUP_SQPOLL: the kernel's thread submits what the application writes into the SQ. */
    public boolean sqPoll() {
        return sqThread != null;
    }

    /** The SQ's flags word has IORING_SQ_NEED_WAKEUP: the SQ thread went to sleep. */
    public boolean needsWakeup() {
        return sqNeedWakeup;
    }
}
