package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
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
        if (!f.isDirect()) {
            throw new UnsupportedOperationException("buffered I/O needs the page cache");
        }
        // The checks cost no simulated time; the CPU work of the call is one segment.
        long err = directIo.checkAlignment(offset, len, bufAddr);
        if (err != 0 || (op == Op.READ && offset >= f.file().size())) {
            enter(t, sys, cost.vfsCallNs(), () -> exit(t, err, k));
            return;
        }
        long bytes = op == Op.READ ? Math.min(len, f.file().size() - offset) : len;
        int bios = directIo.pieces(f.file(), offset, bytes).size();
        long pages = (len + 4095) >>> 12;
        long work = cost.vfsCallNs() + pages * cost.dioPagePinNs() + bios * cost.blockSubmitNs();
        enter(t, sys, work, () -> {
            IoWait wait = new IoWait(t, k);
            directIo.submit(t, f, op, offset, len, Bio.SYNC | Bio.IDLE, wait);
            wait.block();
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
        long submitCost = 0;
        for (Iocb cb : iocbs) {
            submitCost += cost.vfsCallNs() + ((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
        }
        enter(t, Syscall.IO_SUBMIT, submitCost, () -> {
            for (Iocb cb : iocbs) {
                submitOne(t, ctx, cb);
            }
            exit(t, iocbs.size(), k);
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
        directIo.submit(t, f, cb.op, cb.offset, cb.length, Bio.SYNC, (res, last) -> aioComplete(ctx, cb, res, last));
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
