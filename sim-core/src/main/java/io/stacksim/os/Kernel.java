package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.BufferedIo;
import io.stacksim.fs.DirectIo;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.FsCosts;
import io.stacksim.fs.IoDone;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.PageCacheLayer;
import io.stacksim.fs.SimFile;
import io.stacksim.fs.VmSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The system-call layer. Every call is one mode switch in, kernel CPU time from the cost
 * model, the work of the layers below, and one mode switch out; a call that waits for I/O
 * puts the task to sleep (a voluntary context switch) until the completion interrupt wakes it.
 *
 * <p>Calls are asynchronous in the simulator's sense: they take a continuation that runs, on
 * the task's CPU, when the call returns. Reads and writes go through the page cache unless
 * the file was opened O_DIRECT; direct I/O first writes back (and for writes, invalidates)
 * cached pages of its range, as Linux does to keep the two views coherent.
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

    /** posix_fadvise advice values (include/uapi/linux/fadvise.h). */
    public enum Advice { NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED, NOREUSE }

    private final Simulator sim;
    private final Cpus cpus;
    private final CostModel cost;
    private final FileSystem fs;
    private final DirectIo directIo;
    private final PageCacheLayer pc;
    private final Task flusher;

    public Kernel(Simulator sim, Cpus cpus, FileSystem fs, VmSettings vm) {
        this.sim = sim;
        this.cpus = cpus;
        this.cost = cpus.cost();
        this.fs = fs;
        this.directIo = new DirectIo(fs);
        String dev = fs.bdev().name();
        this.flusher = cpus.newTask("kworker/u" + 2 * cpus.count() + ":1-flush-" + dev);
        flusher.startAsleep();
        this.pc = new PageCacheLayer(sim, fs.bdev(), vm, cost.fsCosts(), flusher);
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

    public PageCacheLayer pageCache() {
        return pc;
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
        private final Runnable after;
        private boolean sleeping;
        private boolean finished;
        private long result;

        IoWait(Task task, Ret k, Runnable after) {
            this.task = task;
            this.k = k;
            this.after = after;
        }

        @Override
        public void done(long res, Bio last) {
            task.lastIo = last;
            if (after != null) {
                after.run();
            }
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

    // ------------------------------------------------------------------ open / close

    /** openat: opens (creating if asked) a file; returns the open file, or null with ENOENT. */
    public void open(Task t, String name, int flags, long createSize, Consumer<OpenFile> k) {
        enter(t, Syscall.OPENAT, cost.vfsCallNs() + cost.pageCacheLookupNs(), () -> {
            SimFile f = name.startsWith("/dev/") ? fs.blockDevice() : fs.lookup(name);
            if (f == null && createSize >= 0) {
                f = fs.create(name, createSize);
            }
            OpenFile of = f == null ? null : new OpenFile(f, flags);
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(of));
        });
    }

    /** close. */
    public void close(Task t, OpenFile f, Ret k) {
        enter(t, Syscall.CLOSE, cost.vfsCallNs(), () -> exit(t, 0, k));
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

    /** lseek(fd, offset, SEEK_SET). */
    public void lseek(Task t, OpenFile f, long offset, Ret k) {
        enter(t, Syscall.LSEEK, 0, () -> {
            f.seek(offset);
            exit(t, offset, k);
        });
    }

    private void io(Task t, Syscall sys, OpenFile f, Op op, long offset, long len, long bufAddr, Ret k) {
        if (!f.isDirect()) {
            enter(t, sys, cost.vfsCallNs(), () -> {
                BufferedIo.Done done = (res, waited) -> {
                    t.lastIo = waited;
                    exit(t, res, k);
                };
                if (op == Op.READ) {
                    pc.read(t, f, offset, len, done);
                } else {
                    pc.write(t, f, offset, len, done);
                }
            });
            return;
        }
        // The checks cost no simulated time; the CPU work of the call is one segment.
        long err = directIo.checkAlignment(offset, len, bufAddr);
        if (err != 0 || (op == Op.READ && offset >= f.file().size())) {
            enter(t, sys, cost.vfsCallNs(), () -> exit(t, err, k));
            return;
        }
        long bytes = op == Op.READ ? Math.min(len, f.file().size() - offset) : len;
        int bios = directIo.bioCount(f.file(), offset, bytes);
        long pages = (len + 4095) >>> 12;
        long work = cost.vfsCallNs() + pages * cost.dioPagePinNs() + bios * cost.blockSubmitNs();
        enter(t, sys, work, () -> {
            Runnable submit = () -> {
                IoWait wait = new IoWait(t, k, op == Op.WRITE ? () -> pc.afterDirectWrite(f, offset, len) : null);
                // iomap_dio_rw plugs around its bios.
                Plug plug = Plug.start(t);
                directIo.submit(t, f, op, offset, len, dioFlags(op), wait);
                Plug.finish(t, plug);
                afterRequestWait(t, wait::block);
            };
            if (op == Op.READ) {
                pc.beforeDirectRead(t, f, offset, len, submit);
            } else {
                pc.beforeDirectWrite(t, f, offset, len, submit);
            }
        });
    }

    // ------------------------------------------------------------------ sync

    /** fsync(fd): the file's dirty pages to the device, then a cache flush. */
    public void fsync(Task t, OpenFile f, Ret k) {
        sync(t, Syscall.FSYNC, f, k);
    }

    /** fdatasync(fd): as fsync; no metadata is simulated, so the data work is the same. */
    public void fdatasync(Task t, OpenFile f, Ret k) {
        sync(t, Syscall.FDATASYNC, f, k);
    }

    private void sync(Task t, Syscall sys, OpenFile f, Ret k) {
        enter(t, sys, cost.vfsCallNs(), () -> {
            pc.fsync(t, f, () -> exit(t, 0, k));
        });
    }

    /** sync(2): every dirty file, then a cache flush. Counted under fsync's number. */
    public void syncAll(Task t, Ret k) {
        enter(t, Syscall.FSYNC, cost.vfsCallNs(), () -> pc.syncAll(t, () -> exit(t, 0, k)));
    }

    /** posix_fadvise(fd, offset, len, advice), as mm/fadvise.c. */
    public void fadvise(Task t, OpenFile f, long offset, long len, Advice advice, Ret k) {
        enter(t, Syscall.FADVISE64, cost.vfsCallNs(), () -> {
            long end = len == 0 ? f.file().size() : offset + len;
            long first = offset >>> VmSettings.PAGE_SHIFT;
            long last = (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
            switch (advice) {
                case NORMAL -> {
                    f.randomHint = false;
                    pc.readaheadSequential(f, false);
                }
                case RANDOM -> f.randomHint = true;
                case SEQUENTIAL -> {
                    f.randomHint = false;
                    pc.readaheadSequential(f, true);
                }
                case WILLNEED -> pc.forceReadahead(f, first, last - first, t);
                case DONTNEED -> {
                    // Start writeback of the range without waiting, then drop what is clean.
                    pc.startWriteback(t, f, first, last);
                    pc.invalidate(f, first, last);
                }
                case NOREUSE -> { }
            }
            exit(t, 0, k);
        });
    }

    // ------------------------------------------------------------------ mmap

    /** mmap(NULL, len, prot, shared ? MAP_SHARED : MAP_PRIVATE, fd, offset). */
    public void mmap(Task t, OpenFile f, long offset, long len, boolean shared, boolean writable, Consumer<Mapping> k) {
        enter(t, Syscall.MMAP, cost.vfsCallNs(), () -> {
            Mapping m = pc.map(f, offset, len, shared, writable);
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(m));
        });
    }

    /** munmap. */
    public void munmap(Task t, Mapping m, Ret k) {
        enter(t, Syscall.MUNMAP, cost.vfsCallNs() + m.pages() * cost.pageCacheLookupNs() / 16, () -> {
            pc.unmap(m);
            exit(t, 0, k);
        });
    }

    /** msync(addr, len, MS_SYNC or MS_ASYNC). */
    public void msync(Task t, Mapping m, boolean sync, Ret k) {
        enter(t, Syscall.MSYNC, cost.vfsCallNs(), () -> pc.msync(t, m, sync, () -> exit(t, 0, k)));
    }

    /** madvise(MADV_NORMAL / MADV_SEQUENTIAL / MADV_RANDOM). */
    public void madvise(Task t, Mapping m, boolean sequential, boolean random, Ret k) {
        enter(t, Syscall.MADVISE, cost.vfsCallNs(), () -> {
            pc.madvise(m, sequential, random);
            exit(t, 0, k);
        });
    }

    /**
     * A user-space load or store over [offset, offset+len) of a mapping: faults where needed
     * (kernel time), then {@code then} runs in user mode. The copy itself is the caller's.
     */
    public void touch(Task t, Mapping m, long offset, long len, boolean write, Runnable then) {
        pc.touch(t, m, offset, len, write, then);
    }

    // ------------------------------------------------------------------ libaio

    /** io_setup(nr_events). */
    public void ioSetup(Task t, int nrEvents, Consumer<AioContext> k) {
        enter(t, Syscall.IO_SETUP, 0, () -> {
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
    public void ioSubmit(Task t, AioContext ctx, List<Iocb> iocbs, Ret k) {
        long submitCost = 0;
        for (Iocb cb : iocbs) {
            submitCost += cost.vfsCallNs();
            if (cb.file.isDirect()) {
                submitCost += ((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
            }
        }
        // fs/aio.c: io_submit plugs when it submits more than AIO_PLUG_THRESHOLD (2) iocbs.
        enter(t, Syscall.IO_SUBMIT, submitCost, () -> {
            Plug plug = iocbs.size() > 2 ? Plug.start(t) : null;
            submitFrom(t, ctx, iocbs, 0, () -> {
                Plug.finish(t, plug);
                afterRequestWait(t, () -> exit(t, iocbs.size(), k));
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
        long err = directIo.checkAlignment(cb.offset, cb.length, 0);
        if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
            aioComplete(ctx, cb, err, null);
            return;
        }
        Plug plug = Plug.start(t); // iomap_dio_rw's own plug
        directIo.submit(t, f, cb.op, cb.offset, cb.length, dioFlags(cb.op), (res, last) -> {
            if (cb.op == Op.WRITE) {
                pc.afterDirectWrite(f, cb.offset, cb.length);
            }
            aioComplete(ctx, cb, res, last);
        });
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
        if (!fs.bdev().whenRequestsAllocated(t, () -> t.wake(cont))) {
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

    // ================================================================== fio engines: vectored I/O,
    // io_uring and glibc's POSIX AIO (a self-contained section: readv/writev/preadv/pwritev,
    // io_uring_setup/io_uring_enter with the io-wq workers; PosixAio drives the syscalls above).

    /** readv(fd, iov, iovcnt) at the file position, which then advances. */
    public void readv(Task t, OpenFile f, long[] iovLens, Ret k) {
        long pos = f.position();
        vectored(t, Syscall.READV, f, Op.READ, pos, iovLens, r -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r);
        });
    }

    /** writev(fd, iov, iovcnt) at the file position, which then advances. */
    public void writev(Task t, OpenFile f, long[] iovLens, Ret k) {
        long pos = f.position();
        vectored(t, Syscall.WRITEV, f, Op.WRITE, pos, iovLens, r -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r);
        });
    }

    /** preadv(fd, iov, iovcnt, offset). */
    public void preadv(Task t, OpenFile f, long offset, long[] iovLens, Ret k) {
        vectored(t, Syscall.PREADV, f, Op.READ, offset, iovLens, k);
    }

    /** pwritev(fd, iov, iovcnt, offset). */
    public void pwritev(Task t, OpenFile f, long offset, long[] iovLens, Ret k) {
        vectored(t, Syscall.PWRITEV, f, Op.WRITE, offset, iovLens, k);
    }

    /**
     * A vectored call moves the iovecs' bytes as one contiguous file range: buffered, filemap_read
     * and generic_perform_write walk the iov_iter as one; direct, iomap_dio_rw builds bios that
     * take pages from several iovecs (bio_iov_iter_get_pages). O_DIRECT needs every iovec's
     * length aligned to the logical block size (iov_iter_alignment), else EINVAL. Copying the
     * iovec array in (16 bytes each) is not charged.
     */
    private void vectored(Task t, Syscall sys, OpenFile f, Op op, long offset, long[] iovLens, Ret k) {
        long total = 0;
        boolean misaligned = false;
        int lbs = fs.logicalBlockSize();
        for (long len : iovLens) {
            total += len;
            misaligned |= len % lbs != 0;
        }
        if (f.isDirect() && misaligned) {
            enter(t, sys, cost.vfsCallNs(), () -> exit(t, -io.stacksim.fs.Errno.EINVAL, k));
            return;
        }
        io(t, sys, f, op, offset, total, 0, k);
    }

    /** io_uring_setup(entries): a ring with its io-wq pool (bounded workers: min(SQ, 4 x CPUs)). */
    public void ioUringSetup(Task t, int entries, Consumer<IoUring> k) {
        enter(t, Syscall.IO_URING_SETUP, cost.vfsCallNs(), () -> {
            int sq = entries <= 1 ? 1 : Integer.highestOneBit(entries - 1) << 1;
            IoUring ring = new IoUring(entries, new IoWq(this, t.comm(), sq));
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(ring));
        });
    }

    /**
     * io_uring_enter(fd, to_submit, min_complete, IORING_ENTER_GETEVENTS): submits up to
     * {@code toSubmit} SQEs, then waits until the CQ holds {@code minComplete} entries; returns
     * the number submitted (io_submit_sqes, io_cqring_wait).
     *
     * <p>Each request is first issued non-blocking in the submitter (IO_URING_F_NONBLOCK):
     * <ul>
     *   <li>direct reads and writes submit their bios and complete later from the completion
     *       interrupt, unless the file has cached pages (writing them back could block:
     *       kiocb_write_and_wait returns -EAGAIN under IOCB_NOWAIT);</li>
     *   <li>a buffered read whose pages are all in the cache is copied at once;</li>
     *   <li>anything else - a buffered read that misses, every buffered write (the simulated
     *       file system, like ext4, does not set FOP_BUFFER_WASYNC), fsync - gets -EAGAIN and
     *       is punted to an io-wq worker, which does the blocking call in its own context while
     *       the submitter carries on (io_queue_iowq).</li>
     * </ul>
     * Submission plugs when more than two requests go in at once (io_submit_state_start). The
     * CQE of an interrupt-completed request is posted at completion (task_work delivery is not
     * modelled separately). Deviation: a cached page still being read counts as cached, since
     * the page cache does not expose its uptodate bit outside fs.
     */
    public void ioUringEnter(Task t, IoUring ring, int toSubmit, int minComplete, Ret k) {
        int n = Math.min(toSubmit, ring.sq.size());
        long work = 0;
        int i = 0;
        for (Iocb cb : ring.sq) {
            if (i++ == n) {
                break;
            }
            work += cost.vfsCallNs();
            if (cb.file.isDirect() && cb.op != Op.FLUSH) {
                work += ((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
            }
        }
        enter(t, Syscall.IO_URING_ENTER, work, () -> {
            Plug plug = n > 2 ? Plug.start(t) : null;
            uringSubmit(t, ring, n, () -> {
                Plug.finish(t, plug);
                afterRequestWait(t, () -> {
                    if (minComplete > 0 && ring.cq.size() < minComplete) {
                        ring.waiter = t;
                        ring.waitMin = minComplete;
                        ring.waitCont = () -> exit(t, n, k);
                        t.sleep();
                    } else {
                        exit(t, n, k);
                    }
                });
            });
        });
    }

    private void uringSubmit(Task t, IoUring ring, int left, Runnable done) {
        for (int j = 0; j < left; j++) {
            Iocb cb = ring.sq.pollFirst();
            cb.tSubmitted = sim.now();
            ring.inFlight++;
            OpenFile f = cb.file;
            if (cb.op == Op.FLUSH || (f.isDirect() && pc.cachedPages(f.file()) > 0)) {
                punt(ring, cb);
            } else if (f.isDirect()) {
                ring.inline++;
                long err = directIo.checkAlignment(cb.offset, cb.length, 0);
                if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
                    uringComplete(ring, cb, err, null);
                    continue;
                }
                Plug plug = Plug.start(t);
                directIo.submit(t, f, cb.op, cb.offset, cb.length, dioFlags(cb.op), (res, last) -> {
                    if (cb.op == Op.WRITE) {
                        pc.afterDirectWrite(f, cb.offset, cb.length);
                    }
                    uringComplete(ring, cb, res, last);
                });
                Plug.finish(t, plug);
            } else if (cb.op == Op.READ && rangeCached(f, cb.offset, cb.length)) {
                ring.inline++;
                int rest = left - j - 1;
                pc.read(t, f, cb.offset, cb.length, (res, waited) -> {
                    uringComplete(ring, cb, res, waited);
                    uringSubmit(t, ring, rest, done);
                });
                return;
            } else {
                punt(ring, cb);
            }
        }
        done.run();
    }

    private void punt(IoUring ring, Iocb cb) {
        ring.punted++;
        ring.wq.enqueue(cb, ring);
    }

    /** Every page of [offset, offset+len) is in the page cache. */
    private boolean rangeCached(OpenFile f, long offset, long len) {
        long end = Math.min(offset + len, f.file().size());
        for (long idx = offset >>> VmSettings.PAGE_SHIFT; (idx << VmSettings.PAGE_SHIFT) < end; idx++) {
            if (!pc.isCached(f.file(), idx)) {
                return false;
            }
        }
        return true;
    }

    /** Posts {@code cb}'s CQE and wakes a submitter waiting in io_uring_enter for enough of them. */
    private void uringComplete(IoUring ring, Iocb cb, long result, Bio last) {
        cb.result = result;
        cb.lastBio = last;
        cb.tCompleted = sim.now();
        ring.inFlight--;
        ring.cq.addLast(cb);
        Task w = ring.waiter;
        if (w != null && ring.cq.size() >= ring.waitMin) {
            ring.waiter = null;
            w.wake(ring.waitCont);
        }
    }

    /** A kernel thread sleeping on its own direct I/O: no syscall frame around the wait. */
    private static final class WorkerWait implements IoDone {
        private final Task task;
        private final IoDone then;
        private boolean sleeping;
        private boolean finished;
        private long result;
        private Bio last;

        WorkerWait(Task task, IoDone then) {
            this.task = task;
            this.then = then;
        }

        @Override
        public void done(long res, Bio lastBio) {
            if (sleeping) {
                task.wake(() -> then.done(res, lastBio));
            } else {
                finished = true;
                result = res;
                last = lastBio;
            }
        }

        void block() {
            if (finished) {
                then.done(result, last);
            } else {
                sleeping = true;
                task.sleep();
            }
        }
    }

    /**
     * io_wq_submit_work on worker {@code w}: the request issued blocking, in the worker's
     * context (kernel time, its own sleeps); {@code then} runs on the worker afterwards.
     */
    void ioWqExecute(Task w, Iocb cb, IoUring ring, Runnable then) {
        OpenFile f = cb.file;
        w.compute(cost.vfsCallNs(), true, () -> {
            if (cb.op == Op.FLUSH) {
                pc.fsync(w, f, () -> {
                    uringComplete(ring, cb, 0, w.lastIo);
                    then.run();
                });
            } else if (f.isDirect()) {
                Runnable submit = () -> {
                    long err = directIo.checkAlignment(cb.offset, cb.length, 0);
                    if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
                        uringComplete(ring, cb, err, null);
                        then.run();
                        return;
                    }
                    WorkerWait wait = new WorkerWait(w, (r, last) -> {
                        if (cb.op == Op.WRITE) {
                            pc.afterDirectWrite(f, cb.offset, cb.length);
                        }
                        uringComplete(ring, cb, r, last);
                        then.run();
                    });
                    w.compute(((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs(), true, () -> {
                        Plug plug = Plug.start(w);
                        directIo.submit(w, f, cb.op, cb.offset, cb.length, dioFlags(cb.op), wait);
                        Plug.finish(w, plug);
                        afterRequestWait(w, wait::block);
                    });
                };
                if (cb.op == Op.READ) {
                    pc.beforeDirectRead(w, f, cb.offset, cb.length, submit);
                } else {
                    pc.beforeDirectWrite(w, f, cb.offset, cb.length, submit);
                }
            } else {
                BufferedIo.Done done = (res, waited) -> {
                    uringComplete(ring, cb, res, waited);
                    then.run();
                };
                if (cb.op == Op.READ) {
                    pc.read(w, f, cb.offset, cb.length, done);
                } else {
                    pc.write(w, f, cb.offset, cb.length, done);
                }
            }
        });
    }

    /** The costs the file layer uses (for callers that model user-space copies). */
    public FsCosts fsCosts() {
        return cost.fsCosts();
    }
}
