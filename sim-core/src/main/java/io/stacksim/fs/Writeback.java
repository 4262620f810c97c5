package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import java.util.List;

/**
 * Dirty-page writeback (mm/page-writeback.c, fs/fs-writeback.c): the per-device flusher
 * thread, the throttling of dirtying tasks, and fsync.
 *
 * <ul>
 *   <li>The flusher wakes every dirty_writeback_centisecs while inodes are dirty and writes
 *       the inodes dirtied more than dirty_expire_centisecs ago (kupdate); it also runs
 *       whenever dirty pages exceed the background threshold, writing the oldest inodes
 *       first until they drop below it. Each inode is written in file-offset order, in
 *       chunks of at least MIN_WRITEBACK_PAGES (4 MiB) sized to half a second of the
 *       device's write bandwidth (writeback_chunk_size).</li>
 *   <li>balance_dirty_pages: every 32 pages a task dirties it checks the dirty count; below
 *       the freerun ceiling (thresh + bg_thresh) / 2 it goes on; above it sleeps for
 *       pages_dirtied / task_ratelimit, where task_ratelimit = dirty_ratelimit x pos_ratio,
 *       pos_ratio being the cubic control line around the setpoint (1 at the setpoint, 0 at
 *       the hard limit) times the per-device linear line, and dirty_ratelimit tracks the
 *       rate that balances dirtying with the measured write bandwidth
 *       (wb_update_dirty_ratelimit). Pauses are at most MAX_PAUSE (200 ms).</li>
 *   <li>fsync/fdatasync (vfs_fsync_range): write every dirty page of the file with
 *       WB_SYNC_ALL (REQ_SYNC), waiting for pages already under writeback, wait for all of
 *       it, then the file system's part ({@link FsSync}): a journal commit, or a flush of the
 *       device's volatile cache (a PREFLUSH bio) if it has one.</li>
 * </ul>
 */
public final class Writeback {
    /** HZ of the reference kernel (Debian's CONFIG_HZ=250): pauses are whole jiffies. */
    static final long JIFFY_NS = 4_000_000;
    static final long MAX_PAUSE_NS = 200_000_000;
    static final long BANDWIDTH_INTERVAL_NS = 200_000_000;
    /** roundup_pow_of_two(3 * HZ) jiffies: the write-bandwidth averaging period. */
    static final long BW_PERIOD_NS = 1024 * JIFFY_NS;
    static final long MIN_WRITEBACK_PAGES = 1024;
    static final int RATELIMIT_PAGES = 32;
    /** INIT_BW: 100 MB/s in pages per second. */
    static final double INIT_BW = (100 << 20) / (double) VmSettings.PAGE_SIZE;

    private final Simulator sim;
    private final PageCache cache;
    private final PageIo io;
    private final FsCosts costs;
    private final FsContext flusher;
    private final BlockTarget bdev;
    private final boolean volatileCache;
    private final VmSettings vm;
    private final FsSync noJournal = FsSync.noJournal(this::flushDevice);
    private FsSync fsSync = noJournal;

    // flusher state
    private boolean flusherBusy;
    private boolean backgroundWanted;
    private Timer periodic;

    // bandwidth and rate estimation (per device)
    private double writeBw = INIT_BW;
    private double avgWriteBw = INIT_BW;
    private double dirtyRatelimit = INIT_BW;
    private double balancedRatelimit = INIT_BW;
    private long bwStamp;
    private long writtenStamp;
    private long dirtiedStamp;

    // statistics
    long throttleEvents;
    long throttleNs;
    long flusherChunks;
    long fsyncs;
    long flushes;
    long kupdateRuns;
    long backgroundRuns;

    Writeback(Simulator sim, PageCache cache, PageIo io, FsCosts costs, FsContext flusher, boolean volatileCache) {
        this.sim = sim;
        this.cache = cache;
        this.io = io;
        this.costs = costs;
        this.flusher = flusher;
        this.bdev = cache.bdev();
        this.volatileCache = volatileCache;
        this.vm = cache.settings();
        cache.onBackgroundThreshold(this::wakeBackground);
        cache.onInodeDirtied(this::inodeDirtied);
    }

    // ------------------------------------------------------------------ the flusher

    /** An inode became dirty: make sure the periodic flush is armed (wb_wakeup_delayed). */
    void inodeDirtied() {
        if (vm.dirtyWritebackNs() > 0 && (periodic == null || !periodic.isPending()) && !flusherBusy) {
            periodic = sim.timerAfter(vm.dirtyWritebackNs(), this::periodicWake);
        }
    }

    private void periodicWake() {
        if (!flusherBusy) {
            kupdateRuns++;
            runFlusher();
        }
    }

    /** Dirty pages crossed the background threshold. */
    void wakeBackground() {
        backgroundWanted = true;
        if (!flusherBusy) {
            backgroundRuns++;
            runFlusher();
        }
    }

    private void runFlusher() {
        flusherBusy = true;
        if (periodic != null) {
            periodic.cancel();
        }
        flusher.wakeUp(this::flusherLoop);
    }

    private boolean overBackground() {
        return cache.nrDirty() > cache.backgroundThresh();
    }

    /** One pass of wb_do_writeback: background work while over the threshold, then kupdate. */
    private void flusherLoop() {
        updateBandwidth();
        CachedFile target = null;
        if (backgroundWanted && overBackground()) {
            List<CachedFile> dirty = cache.dirtyInodes();
            target = dirty.isEmpty() ? null : dirty.get(0);
        } else {
            backgroundWanted = false;
            long oldest = sim.now() - vm.dirtyExpireNs();
            for (CachedFile cf : cache.dirtyInodes()) {
                if (cf.dirtiedWhen <= oldest) {
                    target = cf;
                    break;
                }
            }
        }
        if (target == null) {
            flusherBusy = false;
            flusher.sleep();
            if (!cache.dirtyInodes().isEmpty() && vm.dirtyWritebackNs() > 0) {
                periodic = sim.timerAfter(vm.dirtyWritebackNs(), this::periodicWake);
            }
            return;
        }
        // wbc_to_write_flags: background and kupdate writeback carry REQ_BACKGROUND (blk-wbt's lower limit).
        writeChunk(flusher, target, chunkPages(), Bio.BACKGROUND, this::paceFlusher);
    }

    /**
     * The flusher goes on once its bios have requests: like any submitter it sleeps in
     * blk_mq_get_tag when nr_requests are all taken, which paces writeback to the device.
     */
    private void paceFlusher() {
        if (bdev.whenRequestsAllocated(flusher, () -> flusher.wakeUp(this::flusherLoop))) {
            flusher.sleep();
        } else {
            flusherLoop();
        }
    }

    /** writeback_chunk_size for WB_SYNC_NONE: half a second of bandwidth, in 4 MiB steps. */
    private long chunkPages() {
        long pages = (long) Math.min(avgWriteBw / 2, cache.dirtyThresh() / 8.0);
        return (pages + MIN_WRITEBACK_PAGES) / MIN_WRITEBACK_PAGES * MIN_WRITEBACK_PAGES;
    }

    /**
     * Writes up to {@code max} dirty pages of {@code cf} not already under writeback, in offset
     * order, charging the CPU work to {@code ctx}; then runs {@code then}.
     */
    private void writeChunk(FsContext ctx, CachedFile cf, long max, int bioFlags, Runnable then) {
        long[] pages = new long[(int) Math.min(max, Math.max(1, cf.dirty.cardinality()))];
        int n = 0;
        for (int i = cf.dirty.nextSetBit(0); i >= 0 && n < pages.length; i = cf.dirty.nextSetBit(i + 1)) {
            int slot = cache.find(cf, i);
            if (slot >= 0 && !cache.isWriteback(slot) && cache.startWriteback(cf, slot)) {
                pages[n++] = i;
            }
        }
        if (n == 0) {
            then.run();
            return;
        }
        flusherChunks++;
        int count = n;
        long cpu = count * costs.pageCacheLookupNs() + bios(pages, count) * costs.blockSubmitNs();
        ctx.computeSys(cpu, () -> {
            io.submitWrites(cf, pages, count, ctx, bioFlags);
            then.run();
        });
    }

    private static long bios(long[] pages, int count) {
        long b = count == 0 ? 0 : 1;
        for (int i = 1; i < count; i++) {
            if (pages[i] != pages[i - 1] + 1) {
                b++;
            }
        }
        return b + count / PageIo.BIO_MAX_VECS;
    }

    // ------------------------------------------------------------------ bandwidth estimation

    /** __wb_update_bandwidth: write bandwidth and dirty ratelimit, every 200 ms. */
    private void updateBandwidth() {
        long now = sim.now();
        long elapsed = now - bwStamp;
        if (elapsed < BANDWIDTH_INTERVAL_NS) {
            return;
        }
        long written = cache.pagesWritten;
        long dirtied = cache.pagesDirtied;
        double seconds = elapsed / 1e9;
        // wb_update_write_bandwidth: the new rate weighs elapsed/period against the old one.
        double rate = (written - writtenStamp) / seconds;
        double old = writeBw;
        double avg = avgWriteBw;
        double w;
        if (elapsed > BW_PERIOD_NS) {
            w = rate;
            avg = rate;
        } else {
            w = (rate * elapsed + old * (BW_PERIOD_NS - elapsed)) / BW_PERIOD_NS;
            if (avg > old && old >= w) {
                avg -= (avg - old) / 8;
            }
            if (avg < old && old <= w) {
                avg += (old - avg) / 8;
            }
        }
        writeBw = w;
        avgWriteBw = Math.max(avg, 1);
        updateDirtyRatelimit((dirtied - dirtiedStamp) / seconds);
        bwStamp = now;
        writtenStamp = written;
        dirtiedStamp = dirtied;
    }

    /** wb_update_dirty_ratelimit: step toward the rate that balances dirtying and writing. */
    private void updateDirtyRatelimit(double dirtyRate) {
        double posRatio = positionRatio();
        long dirty = cache.nrDirty() + cache.nrWriteback();
        double taskRate = dirtyRatelimit * posRatio + 1;
        double balanced = taskRate * writeBw / Math.max(1, dirtyRate);
        balanced = Math.min(balanced, writeBw);
        double setpoint = setpoint();
        double step = 0;
        if (dirty < setpoint) {
            double x = Math.min(Math.min(balancedRatelimit, balanced), taskRate);
            if (dirtyRatelimit < x) {
                step = x - dirtyRatelimit;
            }
        } else {
            double x = Math.max(Math.max(balancedRatelimit, balanced), taskRate);
            if (dirtyRatelimit > x) {
                step = dirtyRatelimit - x;
            }
        }
        // Don't chase the target exactly: slow down as it gets close.
        long shift = (long) (dirtyRatelimit / (2 * step + 1));
        step = shift < 64 ? Math.ceil(((long) step >> shift) / 8.0) : 0;
        dirtyRatelimit = dirtyRatelimit < balanced ? dirtyRatelimit + step : dirtyRatelimit - step;
        dirtyRatelimit = Math.max(dirtyRatelimit, 1);
        balancedRatelimit = balanced;
    }

    private double freerun() {
        return (cache.dirtyThresh() + cache.backgroundThresh()) / 2.0;
    }

    private double setpoint() {
        return (freerun() + cache.dirtyThresh()) / 2.0;
    }

    /**
     * wb_position_ratio for one device: the global cubic line around the setpoint times the
     * device's linear line (its span 8 x write bandwidth).
     */
    double positionRatio() {
        long dirty = cache.nrDirty() + cache.nrWriteback();
        double limit = cache.dirtyThresh();
        if (dirty >= limit) {
            return 0;
        }
        double setpoint = setpoint();
        double x = (setpoint - dirty) / Math.max(1, limit - setpoint);
        double pos = 1 + x * x * x;
        pos = Math.max(0, Math.min(2, pos));
        double span = 8 * writeBw;
        double xIntercept = setpoint + span;
        if (dirty < xIntercept - span / 4) {
            pos = pos * (xIntercept - dirty) / Math.max(1, xIntercept - setpoint);
        } else {
            pos /= 4;
        }
        return pos;
    }

    // ------------------------------------------------------------------ throttling

    /**
     * balance_dirty_pages_ratelimited: called after {@code ctx} dirtied pages; runs
     * {@code then} at once, or after the throttling pause.
     */
    public void balanceDirtyPages(FsContext ctx, Runnable then) {
        if (ctx.nrDirtied() < RATELIMIT_PAGES) {
            then.run();
            return;
        }
        balance(ctx, then);
    }

    private void balance(FsContext ctx, Runnable then) {
        long dirty = cache.nrDirty() + cache.nrWriteback();
        if (cache.nrDirty() > cache.backgroundThresh() && !flusherBusy) {
            wakeBackground();
        }
        if (dirty <= freerun()) {
            ctx.setNrDirtied(0);
            then.run();
            return;
        }
        updateBandwidth();
        double taskRate = dirtyRatelimit * positionRatio();
        long pause;
        if (taskRate <= 0) {
            pause = MAX_PAUSE_NS;
        } else {
            pause = (long) (ctx.nrDirtied() / taskRate * 1e9);
            // Round to jiffies; below one jiffy Linux lets the task dirty more first.
            pause = pause / JIFFY_NS * JIFFY_NS;
            if (pause < JIFFY_NS) {
                then.run();
                return;
            }
            pause = Math.min(pause, MAX_PAUSE_NS);
        }
        throttleEvents++;
        throttleNs += pause;
        boolean overLimit = taskRate <= 0;
        bdev.dirtySleep(sim.now()); // wb->dirty_sleep = now (balance_dirty_pages)
        ctx.sleep();
        sim.after(pause, () -> ctx.wakeUp(() -> {
            ctx.setNrDirtied(0);
            if (overLimit) {
                balance(ctx, then);
            } else {
                then.run();
            }
        }));
    }

    // ------------------------------------------------------------------ sync

    /**
     * filemap_write_and_wait_range: writes every dirty page of [start, end) with WB_SYNC_ALL
     * and waits until none of them is under writeback; then runs {@code then} on {@code ctx}.
     */
    public void writeAndWait(FsContext ctx, CachedFile cf, long start, long end, Runnable then) {
        long[] pages = new long[Math.max(1, cf.dirty.cardinality())];
        int n = 0;
        boolean busy = false;
        int from = (int) Math.min(start, Integer.MAX_VALUE);
        for (int i = cf.dirty.nextSetBit(from); i >= 0 && i < end; i = cf.dirty.nextSetBit(i + 1)) {
            int slot = cache.find(cf, i);
            if (slot < 0) {
                continue;
            }
            if (cache.isWriteback(slot)) {
                busy = true; // redirtied while being written: wait, then write it again
                continue;
            }
            if (cache.startWriteback(cf, slot)) {
                pages[n++] = i;
            }
        }
        int count = n;
        boolean again = busy;
        Runnable wait = () -> {
            ctx.sleep();
            cache.waitWriteback(cf, start, end, () -> ctx.wakeUp(() -> {
                if (again) {
                    writeAndWait(ctx, cf, start, end, then);
                } else {
                    then.run();
                }
            }));
        };
        Runnable afterSubmit = () -> {
            if (!cf.writebackInRange(start, end)) {
                then.run();
            } else {
                wait.run();
            }
        };
        if (count == 0) {
            afterSubmit.run();
            return;
        }
        long cpu = count * costs.pageCacheLookupNs() + bios(pages, count) * costs.blockSubmitNs();
        ctx.computeSys(cpu, () -> {
            io.submitWrites(cf, pages, count, ctx, Bio.SYNC);
            afterSubmit.run();
        });
    }

    /**
     * Writes those of {@code pages} (sorted) that are dirty and not under writeback with
     * {@code bioFlags} under one plug, then waits until none of them is under writeback.
     */
    void writePagesAndWait(FsContext ctx, CachedFile cf, long[] pages, int count, int bioFlags, Runnable then) {
        long[] todo = new long[Math.max(1, count)];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int slot = cache.find(cf, pages[i]);
            if (slot >= 0 && cache.isDirty(slot) && !cache.isWriteback(slot) && cache.startWriteback(cf, slot)) {
                todo[n++] = pages[i];
            }
        }
        if (n > 0) {
            io.submitWrites(cf, todo, n, ctx, bioFlags);
        }
        long lo = count == 0 ? 0 : pages[0];
        long hi = count == 0 ? 0 : pages[count - 1] + 1;
        if (!cf.writebackInRange(lo, hi)) {
            then.run();
            return;
        }
        ctx.sleep();
        cache.waitWriteback(cf, lo, hi, () -> ctx.wakeUp(then));
    }

    /** Starts asynchronous writeback of the dirty pages of [first, last) (WB_SYNC_NONE). */
    void startRange(FsContext ctx, CachedFile cf, long first, long last) {
        startRange(ctx, cf, first, last, 0);
    }

    /** Starts writeback of the dirty pages of [first, last) not yet under writeback, with {@code bioFlags}. */
    void startRange(FsContext ctx, CachedFile cf, long first, long last, int bioFlags) {
        long[] pages = new long[Math.max(1, cf.dirty.cardinality())];
        int n = 0;
        for (int i = cf.dirty.nextSetBit((int) Math.min(first, Integer.MAX_VALUE)); i >= 0 && i < last;
                i = cf.dirty.nextSetBit(i + 1)) {
            int slot = cache.find(cf, i);
            if (slot >= 0 && cache.startWriteback(cf, slot)) {
                pages[n++] = i;
            }
        }
        if (n > 0) {
            io.submitWrites(cf, pages, n, ctx, bioFlags);
        }
    }

    /**
     * fsync / fdatasync (vfs_fsync_range over the whole file): write and wait, then the file
     * system's part ({@link FsSync#syncFile}: a journal commit or a cache flush).
     */
    public void fsync(FsContext ctx, CachedFile cf, boolean datasync, Runnable then) {
        fsyncs++;
        fsyncRange(ctx, cf, 0, Long.MAX_VALUE, datasync, then);
    }

    /**
     * vfs_fsync_range over pages [first, last) (generic_write_sync's range, msync's):
     * file_write_and_wait_range, then the file system's ->fsync tail; a device node's is
     * blkdev_fsync's flush.
     */
    public void fsyncRange(FsContext ctx, CachedFile cf, long first, long last, boolean datasync, Runnable then) {
        FsSync sync = cf.file.isBlockDevice() ? noJournal : fsSync;
        // --check: the pages dirty now must be written, and flushed, when this returns.
        PageCacheChecker c = cache.checker();
        PageCacheChecker.SyncMark mark = c == null ? null
                : c.syncStarted(cf, first, last, first == 0 && last == Long.MAX_VALUE ? "fsync" : "a ranged sync");
        DataChecker data = cache.data();
        DataChecker.SyncMark dataMark = data == null ? null
                : data.syncStarted(cf.file, first, last, first == 0 && last == Long.MAX_VALUE
                        ? (datasync ? "fdatasync" : "fsync") : "a ranged sync (O_SYNC write, msync)");
        Runnable done = mark == null && dataMark == null ? then : () -> {
            if (mark != null) {
                c.syncReturned(mark, bdev);
            }
            if (dataMark != null) {
                data.syncReturned(dataMark);
            }
            then.run();
        };
        writeAndWait(ctx, cf, first, last, () -> sync.syncFile(ctx, cf.file, datasync, done));
    }

    /** The file system's sync tail (a journal's, when one is installed). */
    public void setFsSync(FsSync sync) {
        this.fsSync = sync;
    }

    /** blkdev_issue_flush, for the file system's sync paths. */
    public FsSync.DeviceFlush deviceFlush() {
        return this::flushDevice;
    }

    /**
     * sync(2) / syncfs(2) (ksys_sync, sync_filesystem): every dirty inode written and waited
     * for, then ->sync_fs without and with wait (a journal commit, or a cache flush), then the
     * block device's own page cache (sync_bdevs / sync_blockdev: filemap_write_and_wait, no
     * flush) - which holds the metadata buffers the commit just left dirty at home.
     */
    public void syncAll(FsContext ctx, Runnable then) {
        List<CachedFile> dirty = cache.dirtyInodes();
        DataChecker data = cache.data();
        List<DataChecker.SyncMark> marks = data == null ? null : data.syncAllStarted();
        Runnable done = marks == null ? then : () -> {
            for (DataChecker.SyncMark m : marks) {
                data.syncReturned(m);
            }
            then.run();
        };
        syncNext(ctx, dirty, 0, () -> fsSync.syncFs(ctx, false, () -> fsSync.syncFs(ctx, true,
                () -> syncNext(ctx, cache.dirtyInodes().stream().filter(cf -> cf.file.isBlockDevice()).toList(), 0,
                        done))));
    }

    private void syncNext(FsContext ctx, List<CachedFile> files, int i, Runnable then) {
        if (i == files.size()) {
            then.run();
            return;
        }
        writeAndWait(ctx, files.get(i), 0, Long.MAX_VALUE, () -> syncNext(ctx, files, i + 1, then));
    }

    /**
     * blkdev_issue_flush: an empty REQ_PREFLUSH write; the block layer's flush machinery sends
     * it to the device only if the device has a volatile write cache, else ends it at once.
     */
    void flushDevice(FsContext ctx, Runnable then) {
        if (volatileCache) {
            flushes++;
        }
        ctx.computeSys(costs.blockSubmitNs(), () -> {
            boolean[] done = {false};
            boolean[] sleeping = {false};
            BioEndIo end = b -> {
                done[0] = true;
                if (sleeping[0]) {
                    ctx.wakeUp(then);
                }
            };
            bdev.submitBio(new Bio(0, 0, Op.WRITE, Bio.SYNC | Bio.PREFLUSH, IoPriority.NONE, ctx, end));
            if (done[0]) {
                then.run();
            } else {
                sleeping[0] = true;
                ctx.sleep();
            }
        });
    }

    // ------------------------------------------------------------------ statistics

    public void resetStats() {
        throttleEvents = throttleNs = flusherChunks = fsyncs = flushes = kupdateRuns = backgroundRuns = 0;
    }

    public void registerStats(Stats stats) {
        stats.counter("writeback.throttle_events", () -> throttleEvents);
        stats.gauge("writeback.throttle_ms", () -> throttleNs / 1e6);
        stats.counter("writeback.flusher_chunks", () -> flusherChunks);
        stats.counter("writeback.kupdate_runs", () -> kupdateRuns);
        stats.counter("writeback.background_runs", () -> backgroundRuns);
        stats.counter("writeback.fsyncs", () -> fsyncs);
        stats.counter("writeback.cache_flushes", () -> flushes);
        stats.gauge("writeback.write_bw_MiBps", () -> avgWriteBw * VmSettings.PAGE_SIZE / (1 << 20));
        stats.gauge("writeback.dirty_ratelimit_MiBps", () -> dirtyRatelimit * VmSettings.PAGE_SIZE / (1 << 20));
    }
}
