package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
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
import java.util.List;
import java.util.function.Consumer;

/**
 * The system-call layer (fs/open.c, fs/read_write.c, fs/sync.c, mm/fadvise.c, mm/mmap.c).
 * Every call is one mode switch in, kernel CPU time from the cost model, the work of the
 * layers below, and one mode switch out; a call that waits for I/O puts the task to sleep (a
 * voluntary context switch) until the completion interrupt wakes it.
 *
 * <p>Calls are asynchronous in the simulator's sense: they take a continuation that runs, on
 * the task's CPU, when the call returns. Reads and writes go through the page cache unless
 * the file was opened O_DIRECT; direct I/O first writes back (and for writes, invalidates)
 * cached pages of its range, as Linux does to keep the two views coherent. A read or write
 * returns, with its result, the bio it waited for last ({@link IoRet}), for the per-layer
 * latency breakdown. The asynchronous interfaces have their own files: {@link AioSyscalls}
 * (fs/aio.c: io_setup, io_submit, io_getevents) and {@link IoUringSyscalls} (io_uring).
 */
public final class Kernel {
    /** A syscall's return: the result (bytes, a count, or a negative errno). */
    @FunctionalInterface
    public interface Ret {
        void ret(long result);
    }

    /**
     * A read or write's return: the result (bytes or a negative errno) and the bio whose
     * completion the call waited for last, or null when it waited for none.
     */
    @FunctionalInterface
    public interface IoRet {
        void ret(long result, Bio waitedFor);
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
    private final AioSyscalls aio;
    private final IoUringSyscalls uring;

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
        if (fs.ext4() != null) {
            // ext4's metadata lives in the buffer cache of its device's inode.
            fs.setBuffers(pc.metadataBuffers(fs.blockDevice()));
        }
        this.aio = new AioSyscalls(this);
        this.uring = new IoUringSyscalls(this);
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

    /** The kernel's asynchronous I/O (fs/aio.c), which libaio calls. */
    public AioSyscalls aio() {
        return aio;
    }

    /** io_uring. */
    public IoUringSyscalls uring() {
        return uring;
    }

    DirectIo directIo() {
        return directIo;
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

    /** A read or write's exit: {@code result} and the bio it waited for. */
    void exit(Task t, long result, Bio waitedFor, IoRet k) {
        t.counters.modeSwitches++;
        t.compute(cost.modeSwitchNs(), true, () -> k.ret(result, waitedFor));
    }

    /** A task sleeping on one I/O: wakes it when the I/O completes (or returns at once if it already did). */
    private final class IoWait implements IoDone {
        private final Task task;
        private final IoRet k;
        private final Runnable after;
        private boolean sleeping;
        private boolean finished;
        private long result;
        private Bio last;

        IoWait(Task task, IoRet k, Runnable after) {
            this.task = task;
            this.k = k;
            this.after = after;
        }

        @Override
        public void done(long res, Bio lastBio) {
            if (after != null) {
                after.run();
            }
            if (sleeping) {
                task.wake(() -> exit(task, res, lastBio, k));
            } else {
                finished = true;
                result = res;
                last = lastBio;
            }
        }

        /** Called right after submitting: sleep unless the I/O already finished. */
        void block() {
            if (finished) {
                exit(task, result, last, k);
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
            SimFile f = name.startsWith("/dev/") ? fs.blockDevice(name) : fs.lookup(name);
            if (f == null && createSize >= 0) {
                f = fs.create(name, createSize);
            }
            OpenFile of = f == null ? null : new OpenFile(f, flags);
            if (of != null) {
                // OpenFile keeps no access mode: every open counts as one that may write.
                fs.opened(f, true);
            }
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(of));
        });
    }

    /** close. */
    public void close(Task t, OpenFile f, Ret k) {
        enter(t, Syscall.CLOSE, cost.vfsCallNs(), () -> {
            fs.closed(f.file(), true);
            exit(t, 0, k);
        });
    }

    // ------------------------------------------------------------------ read / write

    /** pread64(fd, buf, len, offset). */
    public void pread(Task t, OpenFile f, long offset, long len, long bufAddr, IoRet k) {
        io(t, Syscall.PREAD64, f, Op.READ, offset, len, bufAddr, k);
    }

    /** pwrite64(fd, buf, len, offset). */
    public void pwrite(Task t, OpenFile f, long offset, long len, long bufAddr, IoRet k) {
        io(t, Syscall.PWRITE64, f, Op.WRITE, offset, len, bufAddr, k);
    }

    /** read(fd, buf, len) at the file position, which then advances. */
    public void read(Task t, OpenFile f, long len, long bufAddr, IoRet k) {
        long pos = f.position();
        io(t, Syscall.READ, f, Op.READ, pos, len, bufAddr, (r, waited) -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r, waited);
        });
    }

    /** write(fd, buf, len) at the file position, which then advances. */
    public void write(Task t, OpenFile f, long len, long bufAddr, IoRet k) {
        long pos = f.position();
        io(t, Syscall.WRITE, f, Op.WRITE, pos, len, bufAddr, (r, waited) -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r, waited);
        });
    }

    /** lseek(fd, offset, SEEK_SET). */
    public void lseek(Task t, OpenFile f, long offset, Ret k) {
        enter(t, Syscall.LSEEK, 0, () -> {
            f.seek(offset);
            exit(t, offset, k);
        });
    }

    void io(Task t, Syscall sys, OpenFile f, Op op, long offset, long len, long bufAddr, IoRet k) {
        if (!f.isDirect()) {
            enter(t, sys, cost.vfsCallNs(), () -> {
                BufferedIo.Done done = (res, waited) -> exit(t, res, waited, k);
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
            enter(t, sys, cost.vfsCallNs(), () -> exit(t, err, null, k));
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
     * (kernel time), then {@code then} runs in user mode with the bio the last fault waited
     * for (null if none did). The copy itself is the caller's.
     */
    public void touch(Task t, Mapping m, long offset, long len, boolean write, Consumer<Bio> then) {
        pc.touch(t, m, offset, len, write, then);
    }

    /** iomap_dio_bio_opflags: a direct write is REQ_SYNC | REQ_IDLE, a direct read plain. */
    static int dioFlags(Op op) {
        return op == Op.WRITE ? Bio.SYNC | Bio.IDLE : 0;
    }

    /**
     * A submitter that found no free request sleeps in blk_mq_get_tag until its bios have one;
     * then {@code cont} runs on its CPU. Without such a wait {@code cont} runs at once.
     */
    void afterRequestWait(Task t, Runnable cont) {
        if (!BlockTarget.whenAllAllocated(fs.devices(), 0, t, () -> t.wake(cont))) {
            cont.run();
            return;
        }
        t.sleep();
    }

    // ------------------------------------------------------------------ vectored I/O

    /** readv(fd, iov, iovcnt) at the file position, which then advances. */
    public void readv(Task t, OpenFile f, long[] iovLens, IoRet k) {
        long pos = f.position();
        vectored(t, Syscall.READV, f, Op.READ, pos, iovLens, (r, waited) -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r, waited);
        });
    }

    /** writev(fd, iov, iovcnt) at the file position, which then advances. */
    public void writev(Task t, OpenFile f, long[] iovLens, IoRet k) {
        long pos = f.position();
        vectored(t, Syscall.WRITEV, f, Op.WRITE, pos, iovLens, (r, waited) -> {
            if (r > 0) {
                f.seek(pos + r);
            }
            k.ret(r, waited);
        });
    }

    /** preadv(fd, iov, iovcnt, offset). */
    public void preadv(Task t, OpenFile f, long offset, long[] iovLens, IoRet k) {
        vectored(t, Syscall.PREADV, f, Op.READ, offset, iovLens, k);
    }

    /** pwritev(fd, iov, iovcnt, offset). */
    public void pwritev(Task t, OpenFile f, long offset, long[] iovLens, IoRet k) {
        vectored(t, Syscall.PWRITEV, f, Op.WRITE, offset, iovLens, k);
    }

    /**
     * A vectored call moves the iovecs' bytes as one contiguous file range: buffered, filemap_read
     * and generic_perform_write walk the iov_iter as one; direct, iomap_dio_rw builds bios that
     * take pages from several iovecs (bio_iov_iter_get_pages). O_DIRECT needs every iovec's
     * length aligned to the logical block size (iov_iter_alignment), else EINVAL. Copying the
     * iovec array in (16 bytes each) is not charged.
     */
    private void vectored(Task t, Syscall sys, OpenFile f, Op op, long offset, long[] iovLens, IoRet k) {
        long total = 0;
        boolean misaligned = false;
        int lbs = fs.logicalBlockSize();
        for (long len : iovLens) {
            total += len;
            misaligned |= len % lbs != 0;
        }
        if (f.isDirect() && misaligned) {
            enter(t, sys, cost.vfsCallNs(), () -> exit(t, -io.stacksim.fs.Errno.EINVAL, null, k));
            return;
        }
        io(t, sys, f, op, offset, total, 0, k);
    }

    /** The costs the file layer uses (for callers that model user-space copies). */
    public FsCosts fsCosts() {
        return cost.fsCosts();
    }
}
