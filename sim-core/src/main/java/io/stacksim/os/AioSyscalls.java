package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.BufferedIo;
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
        // fs/aio.c: io_submit plugs when it submits more than AIO_PLUG_THRESHOLD (2) iocbs.
        kernel.enter(t, Syscall.IO_SUBMIT, submitCost, () -> {
            Plug plug = iocbs.size() > 2 ? Plug.start(t) : null;
            submitFrom(t, ctx, iocbs, 0, () -> {
                Plug.finish(t, plug);
                kernel.afterRequestWait(t, () -> kernel.exit(t, iocbs.size(), k));
            });
        });
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
        boolean sync = cb.op == Op.WRITE && kernel.dioNeedsSync(f, flags);
        kernel.directIo().submit(t, f, cb.op, cb.offset, cb.length, flags, cb.ioprio, (res, last) -> {
            if (cb.op == Op.WRITE) {
                pc.afterDirectWrite(f, cb.offset, cb.length);
            }
            if (sync) {
                kernel.dioSyncInWorker(f, cb.offset, res, () -> aioComplete(ctx, cb, res, last));
            } else {
                aioComplete(ctx, cb, res, last);
            }
        });
        Plug.finish(t, plug);
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
            w.wake(() -> reap(w, ctx, ctx.waitMax, ctx.waitCont));
        }
    }

    /** io_getevents(ctx, min_nr, nr): waits for at least {@code minNr} completions, returns up to {@code maxNr}. */
    public void ioGetevents(Task t, AioContext ctx, int minNr, int maxNr, Kernel.Events k) {
        kernel.enter(t, Syscall.IO_GETEVENTS, 0, () -> {
            if (ctx.completed.size() >= minNr) {
                reap(t, ctx, maxNr, k);
            } else {
                ctx.waiter = t;
                ctx.waitMin = minNr;
                ctx.waitMax = maxNr;
                ctx.waitCont = k;
                t.sleep();
            }
        });
    }

    private void reap(Task t, AioContext ctx, int maxNr, Kernel.Events k) {
        List<Iocb> out = new ArrayList<>(Math.min(maxNr, ctx.completed.size()));
        while (out.size() < maxNr && !ctx.completed.isEmpty()) {
            out.add(ctx.completed.pollFirst());
        }
        t.counters.modeSwitches++;
        t.compute(cost.modeSwitchNs(), true, () -> k.ret(out));
    }
}
