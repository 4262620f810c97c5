package io.stacksim.fs;

import io.stacksim.block.BlockTarget;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;

/**
 * The page cache of one block device with the machinery around it: readahead, writeback
 * (and its flusher thread), buffered I/O and mmap. Built once per stack.
 */
public final class PageCacheLayer {
    public final PageCache cache;
    public final Readahead readahead;
    public final Writeback writeback;
    public final BufferedIo buffered;
    public final MmapIo mmap;

    /**
     * @param flusher the kernel thread that runs writeback (sleeping until needed)
     */
    public PageCacheLayer(Simulator sim, BlockTarget bdev, VmSettings vm, FsCosts costs, FsContext flusher) {
        this.cache = new PageCache(sim, bdev, vm);
        this.readahead = new Readahead(cache, bdev.readAheadPages(), bdev.limits().ioPages());
        this.writeback = new Writeback(sim, cache, costs, flusher, bdev.limits().volatileWriteCache());
        this.buffered = new BufferedIo(cache, readahead, writeback, costs);
        this.mmap = new MmapIo(cache, readahead, writeback, costs);
    }

    /** POSIX_FADV_SEQUENTIAL (true) or NORMAL (false): the file's readahead window. */
    public void readaheadSequential(OpenFile f, boolean sequential) {
        readahead.setSequential(f, sequential);
    }

    /** POSIX_FADV_WILLNEED / readahead(2): read [first, first+n) pages now (force_page_cache_ra). */
    public void forceReadahead(OpenFile f, CachedFile cf, long first, long n, FsContext owner) {
        readahead.forceRa(readahead.state(f), cf, first, n, owner);
    }

    /** __filemap_fdatawrite_range with WB_SYNC_NONE: start writing the range, do not wait. */
    public void startWriteback(FsContext owner, CachedFile cf, long first, long last) {
        writeback.startRange(owner, cf, first, last);
    }

    public void resetStats() {
        cache.resetStats();
        writeback.resetStats();
        readahead.windows = 0;
        readahead.pagesRequested = 0;
    }

    public void registerStats(Stats stats) {
        cache.registerStats(stats);
        writeback.registerStats(stats);
        stats.counter("readahead.windows", () -> readahead.windows);
        stats.counter("readahead.pages", () -> readahead.pagesRequested);
    }
}
