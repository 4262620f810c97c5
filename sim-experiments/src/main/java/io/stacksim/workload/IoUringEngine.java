package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.os.IoUring;
import io.stacksim.os.Iocb;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * fio's io_uring engine (engines/io_uring.c): a unit is an SQE written into the ring; commit is
 * io_uring_enter(to_submit, 0, IORING_ENTER_GETEVENTS), after which the submitted units get
 * their issue time (fio_ioring_queued). Reaping reads the CQ ring without a system call and
 * calls io_uring_enter(0, min_complete) only when fewer than {@code min} are ready
 * (fio_ioring_getevents). Sync units are IORING_OP_FSYNC requests.
 */
final class IoUringEngine implements Engine {
    /** io_uring_enter(2) on shared submission and completion rings. */
    static final IoEngineType TYPE = new IoEngineType("io_uring", false, true, (iodepth, direct) -> iodepth,
            IoUringEngine::new);

    private final JobRunner r;
    private IoUring ring;
    /** SQEs written but not submitted, in ring order. */
    private final java.util.ArrayDeque<Iocb> sqes = new java.util.ArrayDeque<>();

    IoUringEngine(JobRunner r) {
        this.r = r;
    }

    IoUring ring() {
        return ring;
    }

    @Override
    public List<io.stacksim.os.Task> threads() {
        return ring == null ? List.of() : ring.workerTasks();
    }

    @Override
    public void report(JobStats stats) {
        if (ring != null) {
            stats.asyncInline = ring.inlineRequests();
            stats.asyncPunted = ring.puntedRequests();
            stats.workerThreads = ring.workers();
        }
    }

    @Override
    public void init(Runnable k) {
        r.kernel().uring().ioUringSetup(r.task(), r.spec().iodepth(), g -> {
            ring = g;
            k.run();
        });
    }

    @Override
    public boolean hasCommit() {
        return true;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        if (sqes.size() == r.spec().iodepth()) {
            status.accept(BUSY);
            return;
        }
        if (u.ddir == JobStats.TRIM) {
            // fio_ioring_queue, FIO_ASYNCIO_SYNC_TRIM: after the queued SQEs, a synchronous trim.
            if (!sqes.isEmpty()) {
                status.accept(BUSY);
                return;
            }
            r.syncTrim(u, status);
            return;
        }
        Op op = u.isSync() ? Op.FLUSH : u.ddir == JobStats.READ ? Op.READ : Op.WRITE;
        u.iocb = new Iocb(r.open(u.file), op, u.offset, u.length, u);
        u.iocb.ioprio = r.cmdprio(u); // fio_ioring_cmdprio_prep: the SQE's ioprio
        if (!ring.push(u.iocb)) {
            status.accept(BUSY);
            return;
        }
        sqes.addLast(u.iocb);
        status.accept(QUEUED);
    }

    @Override
    public void commit(Runnable k) {
        if (sqes.isEmpty()) {
            k.run();
            return;
        }
        r.kernel().uring().ioUringEnter(r.task(), ring, sqes.size(), 0, n -> {
            for (int j = 0; j < n; j++) {
                r.issued((IoUnit) sqes.pollFirst().data);
            }
            r.markBatch(true, (int) n);
            if (!sqes.isEmpty()) {
                commit(k);
            } else {
                k.run();
            }
        });
    }

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        reap(min, max, 0, k);
    }

    private void reap(int min, int max, int events, IntConsumer k) {
        List<Iocb> done = ring.reap(max - events);
        for (Iocb cb : done) {
            IoUnit u = (IoUnit) cb.data;
            u.result = cb.result;
            u.lastBio = cb.lastBio;
            r.reaped(u);
        }
        int total = events + done.size();
        if (total >= min) {
            k.accept(total);
            return;
        }
        r.kernel().uring().ioUringEnter(r.task(), ring, 0, min - total, x -> reap(min, max, total, k));
    }
}
