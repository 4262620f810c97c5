package io.stacksim.fs;

import io.stacksim.block.BlockTarget;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;

/**
 * The page cache of one block device with the machinery around it - readahead, writeback (and
 * its flusher thread), buffered I/O and mmap - and the entry points the system-call layer uses:
 * the generic_file_* read and write paths, the direct-I/O coherence steps, fsync and sync,
 * fadvise's cache operations and the mmap calls. Built once per stack.
 */
public final class PageCacheLayer {
    private final PageCache cache;
    private final Readahead readahead;
    private final Writeback writeback;
    private final BufferedIo buffered;
    private final MmapIo mmap;

    /**
     * @param flusher the kernel thread that runs writeback (sleeping until needed)
     */
    public PageCacheLayer(Simulator sim, BlockTarget bdev, VmSettings vm, FsCosts costs, FsContext flusher) {
        this.cache = new PageCache(sim, bdev, vm);
        PageIo io = new PageIo(cache);
        this.readahead = new Readahead(cache, io, bdev.readAheadPages(), bdev.limits().ioPages(), vm.largeFolios());
        this.writeback = new Writeback(sim, cache, io, costs, flusher, bdev.limits().volatileWriteCache());
        this.buffered = new BufferedIo(cache, io, readahead, writeback, costs);
        this.mmap = new MmapIo(cache, io, readahead, writeback, costs);
    }

    // ------------------------------------------------------------------ read and write

    /** filemap_read: a buffered read of [pos, pos+len); {@code done} gets the bytes and the bio waited for. */
    public void read(FsContext ctx, OpenFile f, long pos, long len, BufferedIo.Done done) {
        buffered.read(ctx, f, pos, len, done);
    }

    /** generic_perform_write: a buffered write of [pos, pos+len), throttled by balance_dirty_pages. */
    public void write(FsContext ctx, OpenFile f, long pos, long len, BufferedIo.Done done) {
        buffered.write(ctx, f, pos, len, done);
    }

    /** filemap_splice_read: the cached pages of [pos, pos+len) handed on without a copy. */
    public void spliceRead(FsContext ctx, OpenFile f, long pos, long len, BufferedIo.Done done) {
        buffered.spliceRead(ctx, f, pos, len, done);
    }

    /** kiocb_write_and_wait before a direct read: dirty cached pages of the range reach the device first. */
    public void beforeDirectRead(FsContext ctx, OpenFile f, long pos, long len, Runnable then) {
        buffered.beforeDirectRead(ctx, f, pos, len, then);
    }

    /** kiocb_invalidate_pages before a direct write: the range is written back and dropped. */
    public void beforeDirectWrite(FsContext ctx, OpenFile f, long pos, long len, Runnable then) {
        buffered.beforeDirectWrite(ctx, f, pos, len, then);
    }

    /** kiocb_invalidate_post_direct_write: pages read in meanwhile are dropped. */
    public void afterDirectWrite(OpenFile f, long pos, long len) {
        buffered.afterDirectWrite(f, pos, len);
    }

    /**
     * The buffer cache over block device {@code bdevFile}'s pages (buffer heads on the bdev
     * inode, __getblk / mark_buffer_dirty): a metadata block the file system touches is brought
     * in (the read itself is not simulated: the block is taken as already read, as it is for
     * the hot metadata of a mounted file system) and, when asked, dirtied for writeback. With
     * no memory left the block is simply not kept.
     */
    public MetadataBuffers metadataBuffers(SimFile bdevFile) {
        return (deviceOffset, blockSize, dirty) -> {
            CachedFile cf = cache.state(bdevFile);
            long idx = deviceOffset >> VmSettings.PAGE_SHIFT;
            int s = cache.find(cf, idx);
            if (s < 0) {
                s = cache.addLocked(cf, idx);
                if (s < 0) {
                    return;
                }
                cache.setUptodate(s);
                cache.unlock(s, null);
            } else {
                cache.markAccessed(s);
            }
            if (dirty) {
                cache.markDirty(s, cf);
            }
        };
    }

    /** Pages of block devices' inodes in the cache: /proc/meminfo's Buffers. */
    public long bufferPages() {
        return cache.pagesOf(true);
    }

    /** Pages of regular files in the cache: /proc/meminfo's Cached (shared memory aside). */
    public long cachedFilePages() {
        return cache.pagesOf(false);
    }

    /** Pages of {@code f} in the cache (mapping->nrpages). */
    public long cachedPages(SimFile f) {
        return cache.state(f).nrPages();
    }

    /** True when page {@code index} of {@code f} is in the cache (filemap_get_folio found it). */
    public boolean isCached(SimFile f, long index) {
        return cache.find(cache.state(f), index) >= 0;
    }

    // ------------------------------------------------------------------ sync

    /** vfs_fsync_range over the whole file: its dirty pages to the device, then a cache flush. */
    public void fsync(FsContext ctx, OpenFile f, Runnable then) {
        writeback.fsync(ctx, cache.state(f.file()), then);
    }

    /** ksys_sync: every dirty file, then a cache flush. */
    public void syncAll(FsContext ctx, Runnable then) {
        writeback.syncAll(ctx, then);
    }

    // ------------------------------------------------------------------ fadvise

    /** POSIX_FADV_SEQUENTIAL (true) or NORMAL (false): the file's readahead window. */
    public void readaheadSequential(OpenFile f, boolean sequential) {
        readahead.setSequential(f, sequential);
    }

    /** POSIX_FADV_WILLNEED / readahead(2): read [first, first+n) pages now (force_page_cache_ra). */
    public void forceReadahead(OpenFile f, long first, long n, FsContext owner) {
        readahead.forceRa(readahead.state(f), cache.state(f.file()), first, n, owner);
    }

    /** __filemap_fdatawrite_range with WB_SYNC_NONE: start writing pages [first, last), do not wait. */
    public void startWriteback(FsContext owner, OpenFile f, long first, long last) {
        writeback.startRange(owner, cache.state(f.file()), first, last);
    }

    /** invalidate_mapping_pages: drop the clean, unlocked pages of [first, last). */
    public int invalidate(OpenFile f, long first, long last) {
        return cache.invalidateRange(cache.state(f.file()), first, last);
    }

    // ------------------------------------------------------------------ mmap

    /** mmap of {@code len} bytes of {@code f} from {@code offset}. */
    public Mapping map(OpenFile f, long offset, long len, boolean shared, boolean writable) {
        return mmap.map(f, offset, len, shared, writable);
    }

    public void unmap(Mapping m) {
        mmap.unmap(m);
    }

    /** msync(MS_SYNC or MS_ASYNC) of the mapping. */
    public void msync(FsContext ctx, Mapping m, boolean sync, Runnable then) {
        mmap.msync(ctx, m, sync, then);
    }

    /** madvise(MADV_NORMAL / MADV_SEQUENTIAL / MADV_RANDOM). */
    public void madvise(Mapping m, boolean sequential, boolean random) {
        mmap.advise(m, sequential, random);
    }

    /**
     * Loads or stores over [offset, offset+len) of a mapping: faults where needed, then
     * {@code then} gets the bio the last fault waited for (null if none did).
     */
    public void touch(FsContext ctx, Mapping m, long offset, long len, boolean write, java.util.function.Consumer<io.stacksim.block.Bio> then) {
        mmap.touch(ctx, m, offset, len, write, then);
    }

    // ------------------------------------------------------------------ statistics and checks

    /** The invariant checker of --check, or null. */
    public PageCacheChecker checker() {
        return cache.checker();
    }

    PageCache cache() {
        return cache;
    }

    Writeback writeback() {
        return writeback;
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
