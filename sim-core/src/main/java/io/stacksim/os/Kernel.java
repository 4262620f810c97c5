package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.BufferedIo;
import io.stacksim.fs.DirectIo;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.FileTimes;
import io.stacksim.fs.JournalArea;
import io.stacksim.fs.FsCosts;
import io.stacksim.fs.IoDone;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.PageCacheLayer;
import io.stacksim.fs.SimFile;
import io.stacksim.fs.VmSettings;
import io.stacksim.fs.jbd2.Journal;
import io.stacksim.fs.jbd2.JournalSync;
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
    private final Passthru passthru;
    /** The inodes' i_rwsem as fallocate takes it (inode_lock). */
    private final InodeLock inodeLock;
    /** The file system's journal (ext4's jbd2), or null. */
    private Journal journal;

    public Kernel(Simulator sim, Cpus cpus, FileSystem fs, VmSettings vm) {
        this.sim = sim;
        this.inodeLock = new InodeLock(sim);
        this.cpus = cpus;
        this.cost = cpus.cost();
        this.fs = fs;
        String dev = fs.bdev().name();
        this.flusher = cpus.newTask("kworker/u" + 2 * cpus.count() + ":1-flush-" + dev);
        flusher.startAsleep();
        this.pc = new PageCacheLayer(sim, fs.bdev(), vm, cost.fsCosts(), flusher);
        this.directIo = new DirectIo(fs, pc.dataChecker());
        if (fs.ext4() != null) {
            // ext4's metadata lives in the buffer cache of its device's inode.
            fs.setBuffers(pc.metadataBuffers(fs.blockDevice()));
        }
        pc.onFileModified(f -> FileTimes.update(fs, f, sim.now()));
        if (fs.journalArea() != null) {
            mountJournal(fs.journalArea());
        }
        this.aio = new AioSyscalls(this);
        this.uring = new IoUringSyscalls(this);
        this.passthru = new Passthru(this);
    }

    /**
     * ext4_load_journal: the journal mkfs laid out in {@code area}, its commit thread
     * (jbd2/DEV-8, asleep until a commit is asked for), ext4's sync paths over it. The kernel
     * mounts the file system's journal area when it has one.
     */
    public Journal mountJournal(JournalArea area) {
        if (journal != null) {
            throw new IllegalStateException("the journal is mounted already");
        }
        Task kjournald = cpus.newTask("jbd2/" + fs.bdev().name() + "-8");
        kjournald.startAsleep();
        Journal j = new Journal(sim, fs.bdev(), area.firstFsBlock(), area.firstSector(), area.blocks(), area.blockSize(),
                kjournald, cost.fsCosts(), fs.commitIntervalNs(), fs.barrier(), pc.orderedData(),
                pc.homeBlocks(fs.blockDevice(), area.fsStartSector() * 512, area.blockSize()));
        pc.setFsSync(new JournalSync(j, pc.deviceFlush()));
        fs.setJournal(j);
        journal = j;
        return j;
    }

    /** The journal, or null (no journal: fs.type raw). */
    public Journal journal() {
        return journal;
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
    /** The passthrough interfaces: SG_IO, /dev/sgN, io_uring's uring_cmd. */
    public Passthru passthru() {
        return passthru;
    }

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

    /** Syscall exit without a result: switch back to user mode, then {@code then} (which returns the call's). */
    void exit(Task t, Runnable then) {
        t.counters.modeSwitches++;
        t.compute(cost.modeSwitchNs(), true, then);
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

        /**
         * iomap_dio_complete's generic_write_sync for an O_SYNC or O_DSYNC direct write of
         * {@code f} at {@code offset}: vfs_fsync_range of the written range (fdatasync's for
         * O_DSYNC) before the call returns. (iomap's FUA write-through of O_DSYNC overwrites
         * is not taken: it needs the block map ext4's iomap_begin reports.)
         */
        void syncAfter(OpenFile f, long offset) {
            this.syncFile = f;
            this.syncOffset = offset;
        }

        private OpenFile syncFile;
        private long syncOffset;

        @Override
        public void done(long res, Bio lastBio) {
            if (after != null) {
                after.run();
            }
            if (sleeping) {
                task.wake(() -> finish(res, lastBio));
            } else {
                finished = true;
                result = res;
                last = lastBio;
            }
        }

        private void finish(long res, Bio lastBio) {
            if (syncFile != null && res > 0) {
                pc.fsyncRange(task, syncFile, syncOffset, syncOffset + res, !syncFile.isFullSync(),
                        () -> exit(task, res, lastBio, k));
            } else {
                exit(task, res, lastBio, k);
            }
        }

        /** Called right after submitting: sleep unless the I/O already finished. */
        void block() {
            if (finished) {
                finish(result, last);
            } else {
                sleeping = true;
                task.sleep();
            }
        }
    }

    // ------------------------------------------------------------------ open / close

    /**
     * openat: opens a file; returns the open file, or null with ENOENT. {@code createSize} >= 0
     * makes a missing file as one laid out (written and synced) before the run; with
     * {@link OpenFile#O_CREAT} a missing file is created empty in the run (ext4_create, its
     * inode, bitmaps and directory block journalled), and {@link OpenFile#O_TRUNC} truncates an
     * existing regular file to 0 (do_truncate, its pages dropped).
     */
    public void open(Task t, String name, int flags, long createSize, Consumer<OpenFile> k) {
        enter(t, Syscall.OPENAT, cost.vfsCallNs() + cost.pageCacheLookupNs(), () -> {
            SimFile f = name.startsWith("/dev/") ? fs.blockDevice(name) : fs.lookup(name);
            boolean created = false;
            if (f == null && createSize >= 0) {
                f = fs.create(name, createSize);
            } else if (f == null && (flags & OpenFile.O_CREAT) != 0) {
                f = fs.create(name);
                FileTimes.stamp(f, sim.now());
                created = true;
            }
            OpenFile of = f == null ? null : new OpenFile(f, flags & ~(OpenFile.O_CREAT | OpenFile.O_TRUNC));
            if (of != null) {
                // OpenFile keeps no access mode: every open counts as one that may write.
                fs.opened(f, true);
            }
            Runnable ret = () -> {
                t.counters.modeSwitches++;
                t.compute(cost.modeSwitchNs(), true, () -> k.accept(of));
            };
            SimFile file = f;
            if (of != null && !created && (flags & OpenFile.O_TRUNC) != 0 && !f.isBlockDevice() && f.size() > 0) {
                truncateTo(file, 0, r -> ret.run());
            } else {
                ret.run();
            }
        });
    }

    /** do_truncate / ext4_setattr: the pages past {@code size} dropped, then the blocks freed or i_size moved. */
    private void truncateTo(SimFile f, long size, Ret k) {
        long old = f.size();
        Runnable setattr = () -> {
            int r = fs.truncate(f, size);
            if (r == 0) {
                FileTimes.stamp(f, sim.now());
            }
            k.ret(r);
        };
        if (size < old) {
            pc.truncate(f, old, size, setattr);
        } else {
            setattr.run();
        }
    }

    /**
     * unlink(2) (do_unlinkat): the directory entry goes, and with the last link the inode is
     * evicted - its pages dropped after their writeback (truncate_inode_pages_final), its
     * blocks and inode freed (ext4_evict_inode). 0 or -ENOENT.
     */
    public void unlink(Task t, String name, Ret k) {
        enter(t, Syscall.UNLINK, cost.vfsCallNs() + cost.pageCacheLookupNs(), () -> {
            SimFile f = fs.lookup(name);
            if (f == null || f.isBlockDevice()) {
                exit(t, -io.stacksim.fs.Errno.ENOENT, k);
                return;
            }
            pc.evictInode(f, () -> exit(t, fs.unlink(name), k));
        });
    }

    /** ftruncate(fd, length): the pages past the new end dropped, blocks freed, or i_size grown. 0 or -errno. */
    public void ftruncate(Task t, OpenFile f, long length, Ret k) {
        enter(t, Syscall.FTRUNCATE, cost.vfsCallNs(), () -> {
            if (length < 0 || f.file().isBlockDevice()) {
                exit(t, -io.stacksim.fs.Errno.EINVAL, k);
                return;
            }
            truncateTo(f.file(), length, r -> exit(t, r, k));
        });
    }

    /**
     * fallocate(fd, mode, offset, len) (vfs_fallocate -> ext4_fallocate): preallocates unwritten
     * extents (mode 0 or FALLOC_FL_KEEP_SIZE), punches a hole (its cached pages dropped first,
     * truncate_pagecache_range) or zeroes a range. 0 or -errno; -EOPNOTSUPP on a device node.
     * ext4_fallocate holds the inode's i_rwsem (inode_lock) over the whole call, so calls on one
     * file run one at a time, each for the CPU time its work takes (Ext4Costs).
     */
    public void fallocate(Task t, OpenFile f, int mode, long offset, long len, Ret k) {
        enter(t, Syscall.FALLOCATE, cost.vfsCallNs(), () -> {
            SimFile file = f.file();
            if (offset < 0 || len <= 0) {
                exit(t, -io.stacksim.fs.Errno.EINVAL, k);
                return;
            }
            if (file.isBlockDevice()) {
                exit(t, fs.fallocate(file, mode, offset, len), k);
                return;
            }
            inodeLock.lock(t, file, () -> {
                if ((mode & (FileSystem.FALLOC_FL_PUNCH_HOLE | FileSystem.FALLOC_FL_ZERO_RANGE)) != 0) {
                    long first = (offset + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
                    long last = (offset + len) >>> VmSettings.PAGE_SHIFT;
                    if (first < last) {
                        pc.startWriteback(t, f, first, last);
                        pc.invalidate(f, first, last);
                    }
                }
                int r = fs.fallocate(file, mode, offset, len);
                if (r == 0) {
                    FileTimes.stamp(file, sim.now()); // ext4_fallocate's file_modified, under its handle
                }
                long work = fs.lastFallocateNs();
                if (work <= 0) {
                    inodeLock.unlock(t, file);
                    exit(t, r, k);
                    return;
                }
                inodeLock.holdUntil(file, sim.now() + work);
                t.compute(work, true, () -> {
                    inodeLock.unlock(t, file); // inode_unlock
                    exit(t, r, k);
                });
            });
        });
    }

    /**
     * stat(2) and lstat(2) (newfstatat) or statx(2) of {@code name}: a path walk and the
     * inode's attributes, in memory (the inode is cached once the file was created or opened).
     * 0 or -ENOENT.
     */
    public void stat(Task t, String name, boolean statx, Ret k) {
        enter(t, statx ? Syscall.STATX : Syscall.NEWFSTATAT, cost.vfsCallNs() + cost.pageCacheLookupNs(), () -> {
            SimFile f = name.startsWith("/dev/") ? fs.blockDevice(name) : fs.lookup(name);
            exit(t, f == null ? -io.stacksim.fs.Errno.ENOENT : 0, k);
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
                    if (len > 0) {
                        FileTimes.update(fs, f.file(), sim.now()); // file_modified in the write checks
                    }
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
            if (op == Op.WRITE) {
                FileTimes.update(fs, f.file(), sim.now()); // ext4_dio_write_checks -> file_modified
            }
            Runnable submit = () -> {
                IoWait wait = new IoWait(t, k, op == Op.WRITE ? () -> pc.afterDirectWrite(f, offset, len) : null);
                int flags = op == Op.WRITE ? dioWriteFlags(f, offset, len) : dioFlags(op);
                if (op == Op.WRITE && dioNeedsSync(f, flags)) {
                    wait.syncAfter(f, offset);
                }
                // iomap_dio_rw plugs around its bios.
                Plug plug = Plug.start(t);
                directIo.submit(t, f, op, offset, len, flags, wait);
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

    /** fsync(fd): the file's dirty pages to the device, then the file system's commit or a cache flush. */
    public void fsync(Task t, OpenFile f, Ret k) {
        enter(t, Syscall.FSYNC, cost.vfsCallNs(), () -> pc.fsync(t, f, false, () -> exit(t, 0, k)));
    }

    /**
     * fdatasync(fd): as fsync, but the journal commits only what fdatasync needs (ext4's
     * i_datasync_tid: not for timestamps alone), else it sends a cache flush.
     */
    public void fdatasync(Task t, OpenFile f, Ret k) {
        enter(t, Syscall.FDATASYNC, cost.vfsCallNs(), () -> pc.fsync(t, f, true, () -> exit(t, 0, k)));
    }

    /** sync(2): every dirty file, then each file system's sync_fs. Counted under fsync's number. */
    public void syncAll(Task t, Ret k) {
        enter(t, Syscall.FSYNC, cost.vfsCallNs(), () -> pc.syncAll(t, () -> exit(t, 0, k)));
    }

    /** syncfs(fd): sync_filesystem of the file's file system (one here). */
    public void syncfs(Task t, OpenFile f, Ret k) {
        enter(t, Syscall.SYNCFS, cost.vfsCallNs(), () -> pc.syncAll(t, () -> exit(t, 0, k)));
    }

    /** sync_file_range flags (include/uapi/linux/fs.h). */
    public static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
    public static final int SYNC_FILE_RANGE_WRITE = 2;
    public static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;

    /**
     * sync_file_range(fd, offset, nbytes, flags) (ksys_sync_file_range): page writeback of the
     * range only - no metadata, no journal, no flush; nbytes 0 means to the end of the file;
     * unknown flags are EINVAL.
     */
    public void syncFileRange(Task t, OpenFile f, long offset, long nbytes, int flags, Ret k) {
        enter(t, Syscall.SYNC_FILE_RANGE, cost.vfsCallNs(), () -> {
            if (offset < 0 || nbytes < 0 || (flags & ~7) != 0) {
                exit(t, -io.stacksim.fs.Errno.EINVAL, k);
                return;
            }
            long end = nbytes == 0 ? Long.MAX_VALUE : offset + nbytes;
            long first = offset >>> VmSettings.PAGE_SHIFT;
            long last = end == Long.MAX_VALUE ? Long.MAX_VALUE : (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
            pc.syncFileRange(t, f, first, last, (flags & SYNC_FILE_RANGE_WAIT_BEFORE) != 0,
                    (flags & SYNC_FILE_RANGE_WRITE) != 0, (flags & SYNC_FILE_RANGE_WAIT_AFTER) != 0, () -> exit(t, 0, k));
        });
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

    /**
     * The bio flags of a direct write of [offset, offset+len) of {@code f}: REQ_SYNC|REQ_IDLE,
     * plus REQ_FUA for a dsync write to a device node (block/fops.c dio_bio_write_op) or one
     * iomap writes through ({@link #writeThrough}).
     */
    int dioWriteFlags(OpenFile f, long offset, long len) {
        int flags = dioFlags(Op.WRITE);
        if (f.isSync() && (f.file().isBlockDevice() || writeThrough(f, offset, len))) {
            flags |= Bio.FUA;
        }
        return flags;
    }

    /**
     * A dsync direct write sent with {@code flags} still needs generic_write_sync once its data
     * is written: always for a device node (blkdev_write_iter), unless written through for a file.
     */
    boolean dioNeedsSync(OpenFile f, int flags) {
        return f.isSync() && (f.file().isBlockDevice() || (flags & Bio.FUA) == 0);
    }

    /**
     * iomap_dio_complete_work for an asynchronous dsync direct write: its completion is deferred
     * to the dio/DEV workqueue, whose worker runs generic_write_sync over [offset, offset+res)
     * before the iocb completes ({@code then}). Workers are taken from a pool as a workqueue's are.
     */
    void dioSyncInWorker(OpenFile f, long offset, long res, Runnable then) {
        if (res <= 0) {
            then.run();
            return;
        }
        Task w = dioWorkers.isEmpty() ? newDioWorker() : dioWorkers.pop();
        w.wakeUp(() -> pc.fsyncRange(w, f, offset, offset + res, !f.isFullSync(), () -> {
            then.run();
            w.sleep();
            dioWorkers.push(w);
        }));
    }

    private Task newDioWorker() {
        Task w = cpus.newTask("kworker/u" + 2 * cpus.count() + ":" + (dioWorkersMade++ + 2) + "-dio/" + fs.bdev().name());
        w.startAsleep();
        return w;
    }

    private final java.util.ArrayDeque<Task> dioWorkers = new java.util.ArrayDeque<>();
    private int dioWorkersMade;

    /**
     * IOMAP_DIO_WRITE_THROUGH (__iomap_dio_rw, iomap_dio_bio_iter): an O_DSYNC (not O_SYNC)
     * direct write that overwrites blocks already mapped inside i_size, of an inode with no
     * metadata fdatasync would still need (IOMAP_F_DIRTY: ext4_inode_datasync_dirty), on a
     * device that honours FUA or has no volatile cache, goes out as REQ_FUA and needs no
     * generic_write_sync afterwards.
     */
    private boolean writeThrough(OpenFile f, long offset, long len) {
        if (f.isFullSync()) {
            return false;
        }
        io.stacksim.block.QueueLimits lim = f.file().bdev().limits();
        if (!lim.fua() && lim.volatileWriteCache()) {
            return false;
        }
        if (offset + len > f.file().size()) {
            return false; // an extending write updates i_disksize after the I/O (ext4_handle_inode_extension)
        }
        return journal == null || journal.isCommitted(f.file().jinode().datasyncTid());
    }

    /** iomap_dio_bio_opflags: a direct write is REQ_SYNC | REQ_IDLE, a direct read plain. */
    static int dioFlags(Op op) {
        return op == Op.WRITE ? Bio.SYNC | Bio.IDLE : 0;
    }

    /**
     * When some of {@code t}'s bios wait for a request (blk_mq_get_tag), runs {@code allocated}
     * once they all have one, in block context, and returns true: the task is to sleep until
     * then. Else returns false.
     */
    boolean whenRequestsAllocated(Task t, Runnable allocated) {
        return BlockTarget.whenAllAllocated(fs.devices(), 0, t, allocated);
    }

    /**
     * A submitter that found no free request sleeps in blk_mq_get_tag until its bios have one;
     * then {@code cont} runs on its CPU. Without such a wait {@code cont} runs at once.
     */
    void afterRequestWait(Task t, Runnable cont) {
        if (!whenRequestsAllocated(t, () -> t.wake(cont))) {
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
