package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.BufferedIo;
import io.stacksim.fs.DirectIo;
import io.stacksim.fs.IoDone;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.PageCacheLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel's asynchronous I/O (fs/aio.c), the interface libaio calls: io_setup makes a
 * context ({@link AioContext}, the kioctx with its completion ring), io_submit starts each
 * iocb, io_getevents reaps completions. Direct I/O is submitted and completes later from the
 * completion interrupt (aio_complete_rw); buffered I/O has no asynchronous path in Linux's aio,
 * so the submitter does the work inside io_submit and may block there.
 */
public final class AioSyscalls {
    private final Kernel kernel;
    private final Simulator sim;
    private final CostModel cost;
    private final PageCacheLayer pc;

    AioSyscalls(Kernel kernel) {
        this.kernel = kernel;
        this.sim = kernel.sim();
        this.cost = kernel.cost();
        this.pc = kernel.pageCache();
    }

    /** io_setup(nr_events). */
    public void ioSetup(Task t, int nrEvents, Consumer<AioContext> k) {
        kernel.enter(t, Syscall.IO_SETUP, 0, () -> {
            AioContext ctx = new AioContext(nrEvents);
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(ctx));
        });
    }

    /**
     * io_submit(ctx, iocbs): starts every iocb and returns the number submitted. Direct I/O
     * completes later in interrupt context; buffered I/O is done synchronously inside the call
     * (Linux's aio has no buffered path: the submitter does the work and may block).
     */
    public void ioSubmit(Task t, AioContext ctx, List<Iocb> iocbs, Kernel.Ret k) {
        long submitCost = 0;
        for (Iocb cb : iocbs) {
            submitCost += cost.vfsCallNs();
            if (cb.file.isDirect()) {
                submitCost += ((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
            }
        }
        SubmitCall call = freeSubmits;
        if (call != null) {
            freeSubmits = call.nextFree;
            call.nextFree = null;
        } else {
            call = new SubmitCall();
        }
        call.t = t;
        call.ctx = ctx;
        call.iocbs = iocbs;
        call.k = k;
        call.step = SubmitCall.BODY;
        kernel.enter(t, Syscall.IO_SUBMIT, submitCost, call);
    }

    /** Calls in io_submit and io_getevents that have returned, for reuse: a call allocates no continuations. */
    private SubmitCall freeSubmits;
    private GeteventsCall freeGetevents;

    /**
     * One io_submit in progress, its continuations as steps of one object (the task's kernel
     * stack frame): each step runs once, in order, and the frame is reused once the call has
     * returned.
     */
    private final class SubmitCall implements Runnable {
        static final int BODY = 0;
        static final int SUBMITTED = 1;
        static final int ALLOCATED = 2;
        static final int EXIT = 3;
        static final int RETURN = 4;
        Task t;
        AioContext ctx;
        List<Iocb> iocbs;
        Kernel.Ret k;
        Plug plug;
        /** The call's result: the iocbs submitted. */
        int n;
        int step;
        SubmitCall nextFree;

        @Override
        public void run() {
            switch (step) {
                case BODY -> {
                    // fs/aio.c: io_submit plugs when it submits more than AIO_PLUG_THRESHOLD (2) iocbs.
                    plug = iocbs.size() > 2 ? Plug.start(t) : null;
                    step = SUBMITTED;
                    submitFrom(t, ctx, iocbs, 0, this);
                }
                case SUBMITTED -> {
                    Plug.finish(t, plug);
                    plug = null;
                    // A submitter that found no free request sleeps in blk_mq_get_tag until its
                    // bios have one (Kernel.afterRequestWait).
                    step = ALLOCATED;
                    if (kernel.whenRequestsAllocated(t, this)) {
                        t.sleep();
                    } else {
                        step = EXIT;
                        run();
                    }
                }
                case ALLOCATED -> {
                    step = EXIT;
                    t.wake(this);
                }
                case EXIT -> {
                    n = iocbs.size();
                    step = RETURN;
                    kernel.exit(t, this);
                }
                case RETURN -> {
                    Kernel.Ret ret = k;
                    t = null;
                    ctx = null;
                    iocbs = null;
                    k = null;
                    step = -1;
                    ret.ret(n);
                    nextFree = freeSubmits;
                    freeSubmits = this;
                }
                default -> throw new IllegalStateException("io_submit continued twice");
            }
        }
    }

    private void submitFrom(Task t, AioContext ctx, List<Iocb> iocbs, int i, Runnable k) {
        for (int j = i; j < iocbs.size(); j++) {
            Iocb cb = iocbs.get(j);
            cb.tSubmitted = sim.now();
            ctx.inFlight++;
            if (!cb.file.isDirect()) {
                int next = j + 1;
                BufferedIo.Done done = (res, waited) -> {
                    aioComplete(ctx, cb, res, waited);
                    submitFrom(t, ctx, iocbs, next, k);
                };
                if (cb.op == Op.READ) {
                    pc.read(t, cb.file, cb.offset, cb.length, done);
                } else {
                    pc.write(t, cb.file, cb.offset, cb.length, done);
                }
                return;
            }
            if (pc.cachedPages(cb.file.file()) > 0) {
                // Cached pages of the range are written back (and for writes dropped) first;
                // the submitter waits for that inside io_submit.
                int next = j + 1;
                Runnable go = () -> {
                    submitDirect(t, ctx, cb);
                    submitFrom(t, ctx, iocbs, next, k);
                };
                if (cb.op == Op.READ) {
                    pc.beforeDirectRead(t, cb.file, cb.offset, cb.length, go);
                } else {
                    pc.beforeDirectWrite(t, cb.file, cb.offset, cb.length, go);
                }
                return;
            }
            submitDirect(t, ctx, cb);
        }
        k.run();
    }

    private void submitDirect(Task t, AioContext ctx, Iocb cb) {
        OpenFile f = cb.file;
        long err = kernel.directIo().checkAlignment(cb.offset, cb.length, 0);
        if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
            aioComplete(ctx, cb, err, null);
            return;
        }
        Plug plug = Plug.start(t); // iomap_dio_rw's own plug
        int flags = cb.op == Op.WRITE ? kernel.dioWriteFlags(f, cb.offset, cb.length) : Kernel.dioFlags(cb.op);
        DirectDone d = cb.aioDone;
        if (d == null) {
            // The iocb's own completion, bio and dio, kept for its next I/O (it is submitted
            // again only after it was reaped).
            d = cb.aioDone = new DirectDone(cb);
            cb.dioSlot = new DirectIo.Slot();
        }
        d.ctx = ctx;
        d.sync = cb.op == Op.WRITE && kernel.dioNeedsSync(f, flags);
        kernel.directIo().submit(t, f, cb.op, cb.offset, cb.length, flags, cb.ioprio, d, cb.dioSlot);
        Plug.finish(t, plug);
    }

    /** aio_complete_rw for a direct iocb: its file's cached range, an O_SYNC write's sync, then the ring. */
    final class DirectDone implements IoDone {
        private final Iocb cb;
        AioContext ctx;
        boolean sync;

        DirectDone(Iocb cb) {
            this.cb = cb;
        }

        @Override
        public void done(long res, Bio last) {
            AioContext c = ctx;
            if (cb.op == Op.WRITE) {
                pc.afterDirectWrite(cb.file, cb.offset, cb.length);
            }
            if (sync) {
                kernel.dioSyncInWorker(cb.file, cb.offset, res, () -> aioComplete(c, cb, res, last));
            } else {
                aioComplete(c, cb, res, last);
            }
        }
    }

    private void aioComplete(AioContext ctx, Iocb cb, long result, Bio last) {
        cb.result = result;
        cb.lastBio = last;
        cb.tCompleted = sim.now();
        ctx.inFlight--;
        ctx.completed.addLast(cb);
        Task w = ctx.waiter;
        if (w != null && ctx.completed.size() >= ctx.waitMin) {
            ctx.waiter = null;
            GeteventsCall call = ctx.waitCall;
            ctx.waitCall = null;
            call.step = GeteventsCall.REAP;
            w.wake(call);
        }
    }

    /**
     * io_getevents(ctx, min_nr, nr): waits for at least {@code minNr} completions, returns up to
     * {@code maxNr}. The list given to {@code k} is the call's and valid only while {@code k} runs.
     */
    public void ioGetevents(Task t, AioContext ctx, int minNr, int maxNr, Kernel.Events k) {
        GeteventsCall call = freeGetevents;
        if (call != null) {
            freeGetevents = call.nextFree;
            call.nextFree = null;
        } else {
            call = new GeteventsCall();
        }
        call.t = t;
        call.ctx = ctx;
        call.minNr = minNr;
        call.maxNr = maxNr;
        call.k = k;
        call.step = GeteventsCall.BODY;
        kernel.enter(t, Syscall.IO_GETEVENTS, 0, call);
    }

    /** One io_getevents in progress (as {@link SubmitCall}); its event list is handed to the caller and reused. */
    final class GeteventsCall implements Runnable {
        static final int BODY = 0;
        static final int REAP = 1;
        static final int RETURN = 2;
        Task t;
        AioContext ctx;
        int minNr;
        int maxNr;
        Kernel.Events k;
        int step;
        final List<Iocb> out = new ArrayList<>();
        GeteventsCall nextFree;

        @Override
        public void run() {
            switch (step) {
                case BODY -> {
                    if (ctx.completed.size() >= minNr) {
                        reap();
                    } else {
                        ctx.waiter = t;
                        ctx.waitMin = minNr;
                        ctx.waitCall = this;
                        t.sleep();
                    }
                }
                case REAP -> reap();
                case RETURN -> {
                    Kernel.Events ret = k;
                    t = null;
                    ctx = null;
                    k = null;
                    step = -1;
                    ret.ret(out);
                    out.clear();
                    nextFree = freeGetevents;
                    freeGetevents = this;
                }
                default -> throw new IllegalStateException("io_getevents continued twice");
            }
        }

        private void reap() {
            while (out.size() < maxNr && !ctx.completed.isEmpty()) {
                out.add(ctx.completed.pollFirst());
            }
            t.counters.modeSwitches++;
            step = RETURN;
            t.compute(cost.modeSwitchNs(), true, this);
        }
    }
}
