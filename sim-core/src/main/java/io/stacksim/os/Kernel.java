package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.DirectIo;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.IoDone;
import io.stacksim.fs.OpenFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The system-call layer. Every call is one mode switch in, kernel CPU time from the cost
 * model, the work of the layers below, and one mode switch out; a call that waits for I/O
 * puts the task to sleep (a voluntary context switch) until the completion interrupt wakes it.
 *
 * <p>Calls are asynchronous in the simulator's sense: they take a continuation that runs, on
 * the task's CPU, when the call returns.
 */
public final class Kernel {
    /** A syscall's return: the result (bytes, a count, or a negative errno). */
    @FunctionalInterface
    public interface Ret {
        void ret(long result);
    }

    /** io_getevents' return: the reaped iocbs. */
    @FunctionalInterface
    public interface Events {
        void ret(List<Iocb> events);
    }

    private final Simulator sim;
    private final Cpus cpus;
    private final CostModel cost;
    private final FileSystem fs;
    private final DirectIo directIo;

    public Kernel(Simulator sim, Cpus cpus, FileSystem fs) {
        this.sim = sim;
        this.cpus = cpus;
        this.cost = cpus.cost();
        this.fs = fs;
        this.directIo = new DirectIo(fs);
    }

    public Simulator sim() {
        return sim;
    }

    public Cpus cpus() {
        return cpus;
    }

    public CostModel cost() {
        return cost;
    }

    public FileSystem fs() {
        return fs;
    }

    // ------------------------------------------------------------------ syscall frame

    /** Syscall entry: count it, switch to kernel mode and run the VFS dispatch before {@code body}. */
    void enter(Task t, Syscall sys, long extraNs, Runnable body) {
        t.counters.syscalls[sys.ordinal()]++;
        t.counters.modeSwitches++;
        t.compute(cost.modeSwitchNs() + extraNs, true, body);
    }

    /** Syscall exit: switch back to user mode and return {@code result}. */
    void exit(Task t, long result, Ret k) {
        t.counters.modeSwitches++;
        t.compute(cost.modeSwitchNs(), true, () -> k.ret(result));
    }

    /** A task sleeping on one I/O: wakes it when the I/O completes (or returns at once if it already did). */
    private final class IoWait implements IoDone {
        private final Task task;
        private final Ret k;
        private boolean sleeping;
        private boolean finished;
        private long result;

        IoWait(Task task, Ret k) {
            this.task = task;
            this.k = k;
        }

        @Override
        public void done(long res, Bio last) {
            task.lastIo = last;
            if (sleeping) {
                task.wake(() -> exit(task, res, k));
            } else {
                finished = true;
                result = res;
            }
        }

        /** Called right after submitting: sleep unless the I/O already finished. */
        void block() {
            if (finished) {
                exit(task, result, k);
            } else {
                sleeping = true;
                task.sleep();
            }
        }
    }

    // ------------------------------------------------------------------ read / write

    /** pread64(fd, buf, len, offset). */
    public void pread(Task t, OpenFile f, long offset, long len, long bufAddr, Ret k) {
        io(t, Syscall.PREAD64, f, Op.READ, offset, len, bufAddr, k);
    }

    /** pwrite64(fd, buf, len, offset). */
    public void pwrite(Task t, OpenFile f, long offset, long len, long bufAddr, Ret k) {
        io(t, Syscall.PWRITE64, f, Op.WRITE, offset, len, bufAddr, k);
    }

    /** read(fd, buf, len) at the file position, which then advances. */
    public void read(Task t, OpenFile f, long len, long bufAddr, Ret k) {
        long pos = f.position();
        io(t, Syscall.READ, f, Op.READ, pos, len, bufAddr, r -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r);
        });
    }

    /** write(fd, buf, len) at the file position, which then advances. */
    public void write(Task t, OpenFile f, long len, long bufAddr, Ret k) {
        long pos = f.position();
        io(t, Syscall.WRITE, f, Op.WRITE, pos, len, bufAddr, r -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r);
        });
    }

    private void io(Task t, Syscall sys, OpenFile f, Op op, long offset, long len, long bufAddr, Ret k) {
        enter(t, sys, cost.vfsCallNs(), () -> {
            if (!f.isDirect()) {
                throw new UnsupportedOperationException("buffered I/O needs the page cache");
            }
            long err = directIo.checkAlignment(offset, len, bufAddr);
            if (err != 0) {
                exit(t, err, k);
                return;
            }
            if (op == Op.READ && offset >= f.file().size()) {
                exit(t, 0, k);
                return;
            }
            List<long[]> pieces = directIo.pieces(f.file(), offset,
                    op == Op.READ ? Math.min(len, f.file().size() - offset) : len);
            long pages = (len + 4095) >>> 12;
            long submitCost = pages * cost.dioPagePinNs() + pieces.size() * cost.blockSubmitNs();
            t.compute(submitCost, true, () -> {
                IoWait wait = new IoWait(t, k);
                // iomap_dio_rw plugs around its bios; iomap_dio_bio_opflags marks only writes
                // REQ_SYNC | REQ_IDLE.
                Plug plug = Plug.start(t);
                directIo.submit(t, f, op, offset, len, dioFlags(op), wait);
                Plug.finish(t, plug);
                afterRequestWait(t, wait::block);
            });
        });
    }

    // ------------------------------------------------------------------ libaio

    /** io_setup(nr_events). */
    public void ioSetup(Task t, int nrEvents, java.util.function.Consumer<AioContext> k) {
        enter(t, Syscall.IO_SETUP, 0, () -> {
            AioContext ctx = new AioContext(nrEvents);
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(ctx));
        });
    }

    /**
     * io_submit(ctx, iocbs): starts every iocb and returns the number submitted. Completions
     * land in the context's ring, in interrupt context.
     */
    public void ioSubmit(Task t, AioContext ctx, List<Iocb> iocbs, Ret k) {
        enter(t, Syscall.IO_SUBMIT, 0, () -> {
            long submitCost = 0;
            for (Iocb cb : iocbs) {
                submitCost += cost.vfsCallNs() + ((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
            }
            t.compute(submitCost, true, () -> {
                // fs/aio.c: io_submit plugs when it submits more than AIO_PLUG_THRESHOLD (2).
                Plug plug = iocbs.size() > 2 ? Plug.start(t) : null;
                for (Iocb cb : iocbs) {
                    submitOne(t, ctx, cb);
                }
                Plug.finish(t, plug);
                afterRequestWait(t, () -> exit(t, iocbs.size(), k));
            });
        });
    }

    private void submitOne(Task t, AioContext ctx, Iocb cb) {
        cb.tSubmitted = sim.now();
        ctx.inFlight++;
        OpenFile f = cb.file;
        if (!f.isDirect()) {
            throw new UnsupportedOperationException("buffered libaio needs the page cache");
        }
        long err = directIo.checkAlignment(cb.offset, cb.length, 0);
        if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
            aioComplete(ctx, cb, err, null);
            return;
        }
        Plug plug = Plug.start(t); // iomap_dio_rw's own plug
        directIo.submit(t, f, cb.op, cb.offset, cb.length, dioFlags(cb.op), (res, last) -> aioComplete(ctx, cb, res, last));
        Plug.finish(t, plug);
    }

    /** iomap_dio_bio_opflags: a direct write is REQ_SYNC | REQ_IDLE, a direct read plain. */
    private static int dioFlags(Op op) {
        return op == Op.WRITE ? Bio.SYNC | Bio.IDLE : 0;
    }

    /**
     * A submitter that found no free request sleeps in blk_mq_get_tag until its bios have one;
     * then {@code cont} runs on its CPU. Without such a wait {@code cont} runs at once.
     */
    private void afterRequestWait(Task t, Runnable cont) {
        if (!fs.queue().whenRequestsAllocated(t, () -> t.wake(cont))) {
            cont.run();
            return;
        }
        t.sleep();
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
    public void ioGetevents(Task t, AioContext ctx, int minNr, int maxNr, Events k) {
        enter(t, Syscall.IO_GETEVENTS, 0, () -> {
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

    private void reap(Task t, AioContext ctx, int maxNr, Events k) {
        List<Iocb> out = new ArrayList<>(Math.min(maxNr, ctx.completed.size()));
        while (out.size() < maxNr && !ctx.completed.isEmpty()) {
            out.add(ctx.completed.pollFirst());
        }
        t.counters.modeSwitches++;
        t.compute(cost.modeSwitchNs(), true, () -> k.ret(out));
    }
}
