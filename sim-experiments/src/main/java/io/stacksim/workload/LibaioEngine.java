package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.os.AioContext;
import io.stacksim.os.Iocb;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * fio's libaio engine (engines/libaio.c): queued units are submitted together with one
 * io_submit(2); their issue time is stamped when it returns (fio_libaio_queued), so slat covers
 * the submission. Completions are reaped with io_getevents(min, max). Linux has no aio fsync:
 * a sync unit waits until nothing is queued (FIO_Q_BUSY), then runs fsync(2) in place.
 */
final class LibaioEngine implements Engine {
    /** io_submit(2)/io_getevents(2); buffered I/O completes inside io_submit, one at a time. */
    static final IoEngineType TYPE = new IoEngineType("libaio", false, true,
            (iodepth, direct) -> direct ? iodepth : 1, LibaioEngine::new);

    private final JobRunner r;
    private List<Iocb> pending = new ArrayList<>();
    /** The list of the batch submitted last, for the next batch: a commit allocates no list. */
    private List<Iocb> spare = new ArrayList<>();
    /** The batch in io_submit and what runs after it (the job's thread submits one at a time). */
    private List<Iocb> submitting;
    private Runnable afterSubmit;
    private final Kernel.Ret submitted = this::submitted;
    private AioContext ctx;

    LibaioEngine(JobRunner r) {
        this.r = r;
    }

    @Override
    public void init(Runnable k) {
        r.kernel().aio().ioSetup(r.task(), r.spec().iodepth(), c -> {
            ctx = c;
            k.run();
        });
    }

    @Override
    public boolean hasCommit() {
        return true;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        if (u.isSync()) {
            if (!pending.isEmpty()) {
                status.accept(BUSY);
                return;
            }
            Task t = r.task();
            r.issued(u);
            Kernel.Ret done = res -> {
                u.result = res;
                r.completed(u);
                status.accept(COMPLETED);
            };
            r.syncCall(u, done);
            return;
        }
        if (u.ddir == JobStats.TRIM) {
            // fio_libaio_queue: a trim waits for the queued units, then is done synchronously.
            if (!pending.isEmpty()) {
                status.accept(BUSY);
                return;
            }
            r.syncTrim(u, status);
            return;
        }
        // fio's io_u carries its own struct iocb (io_u->iocb), filled again for each use.
        Op op = u.ddir == JobStats.READ ? Op.READ : Op.WRITE;
        if (u.ownIocb == null) {
            u.ownIocb = new Iocb(r.open(u.file), op, u.offset, u.length, u);
        } else {
            u.ownIocb.prepare(r.open(u.file), op, u.offset, u.length);
        }
        u.iocb = u.ownIocb;
        u.iocb.ioprio = r.cmdprio(u); // fio_libaio_cmdprio_prep: aio_reqprio with IOCB_FLAG_IOPRIO
        pending.add(u.iocb);
        status.accept(QUEUED);
    }

    @Override
    public void commit(Runnable k) {
        if (pending.isEmpty()) {
            k.run();
            return;
        }
        List<Iocb> batch = pending;
        pending = spare != null ? spare : new ArrayList<>();
        spare = null;
        submitting = batch;
        afterSubmit = k;
        r.kernel().aio().ioSubmit(r.task(), ctx, batch, submitted);
    }

    /** io_submit has returned: the batch's units are issued, its list is free again. */
    private void submitted(long n) {
        List<Iocb> batch = submitting;
        Runnable k = afterSubmit;
        submitting = null;
        afterSubmit = null;
        int size = batch.size();
        for (int i = 0; i < size; i++) {
            r.issued((IoUnit) batch.get(i).data);
        }
        r.markBatch(true, size);
        batch.clear();
        spare = batch; // the kernel holds the iocbs now, not the array
        k.run();
    }

    /** What runs after the io_getevents in progress, or null (one at a time on the job's thread). */
    private IntConsumer afterReap;
    private final Kernel.Events reapedEvents = this::reapedEvents;

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        if (afterReap != null) {
            // a second io_getevents before the first returned: its own continuation
            r.kernel().aio().ioGetevents(r.task(), ctx, min, max, events -> {
                reapAll(events);
                k.accept(events.size());
            });
            return;
        }
        afterReap = k;
        r.kernel().aio().ioGetevents(r.task(), ctx, min, max, reapedEvents);
    }

    private void reapedEvents(List<Iocb> events) {
        IntConsumer k = afterReap;
        afterReap = null;
        reapAll(events);
        k.accept(events.size());
    }

    private void reapAll(List<Iocb> events) {
        for (int i = 0; i < events.size(); i++) {
            Iocb cb = events.get(i);
            IoUnit u = (IoUnit) cb.data;
            u.result = cb.result;
            u.lastBio = cb.lastBio;
            r.reaped(u);
        }
    }
}
