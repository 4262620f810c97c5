package io.stacksim.fs;

import io.stacksim.block.Bio;
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

    /**
     * vfs_fsync_range over the whole file: its dirty pages to the device, then the file
     * system's part (a journal commit of what fsync, or with {@code datasync} fdatasync, needs;
     * or a cache flush).
     */
    public void fsync(FsContext ctx, OpenFile f, boolean datasync, Runnable then) {
        writeback.fsync(ctx, cache.state(f.file()), datasync, then);
    }

    /** vfs_fsync_range over bytes [start, end) (generic_write_sync after an O_SYNC / O_DSYNC write). */
    public void fsyncRange(FsContext ctx, OpenFile f, long start, long end, boolean datasync, Runnable then) {
        writeback.fsyncRange(ctx, cache.state(f.file()), start >>> VmSettings.PAGE_SHIFT,
                (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT, datasync, then);
    }

    /** ksys_sync / syncfs: every dirty file, then the file system's sync_fs. */
    public void syncAll(FsContext ctx, Runnable then) {
        writeback.syncAll(ctx, then);
    }

    /**
     * sync_file_range(2) over pages [first, last) (fs/sync.c): WAIT_BEFORE waits for writeback
     * already running, WRITE starts writeback of the dirty pages (WB_SYNC_NONE, no REQ_SYNC),
     * WAIT_AFTER waits for it; all three (SYNC_FILE_RANGE_WRITE_AND_WAIT) write with WB_SYNC_ALL
     * (REQ_SYNC, pages redirtied under writeback written again), as fsync's first half does.
     * No metadata and no cache flush, whatever the file system.
     */
    public void syncFileRange(FsContext ctx, OpenFile f, long first, long last, boolean waitBefore, boolean write,
                              boolean waitAfter, Runnable then) {
        CachedFile cf = cache.state(f.file());
        if (waitBefore && write && waitAfter) {
            awaitWriteback(ctx, cf, first, last, () -> writeback.writeAndWait(ctx, cf, first, last, then));
            return;
        }
        Runnable after = () -> {
            if (waitAfter) {
                awaitWriteback(ctx, cf, first, last, then);
            } else {
                then.run();
            }
        };
        Runnable doWrite = () -> {
            if (write) {
                writeback.startRange(ctx, cf, first, last);
            }
            after.run();
        };
        if (waitBefore) {
            awaitWriteback(ctx, cf, first, last, doWrite);
        } else {
            doWrite.run();
        }
    }

    private void awaitWriteback(FsContext ctx, CachedFile cf, long first, long last, Runnable then) {
        if (!cf.writebackInRange(first, last)) {
            then.run();
            return;
        }
        ctx.sleep();
        cache.waitWriteback(cf, first, last, () -> ctx.wakeUp(then));
    }

    // ------------------------------------------------------------------ the journal's seams

    /** What a store's page_mkwrite does to the file's times (file_update_time). */
    public void onFileModified(java.util.function.Consumer<SimFile> hook) {
        mmap.onFileModified(hook);
    }

    /** Installs the file system's sync tail (ext4 over jbd2); without one fsync ends in a flush. */
    public void setFsSync(FsSync sync) {
        writeback.setFsSync(sync);
    }

    /** blkdev_issue_flush on the cache's device, waited for by the calling task. */
    public FsSync.DeviceFlush deviceFlush() {
        return writeback.deviceFlush();
    }

    /** The ordered-data writes of a commit: WB_SYNC_ALL writeback of a range, and the wait for it. */
    public io.stacksim.fs.jbd2.Journal.OrderedData orderedData() {
        return new io.stacksim.fs.jbd2.Journal.OrderedData() {
            @Override
            public void submit(FsContext ctx, SimFile f, long start, long end) {
                CachedFile cf = cache.state(f);
                if (cf.hasDirty()) {
                    writeback.startRange(ctx, cf, start >>> VmSettings.PAGE_SHIFT,
                            (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT, Bio.SYNC);
                }
            }

            @Override
            public void await(FsContext ctx, SimFile f, long start, long end, Runnable then) {
                awaitWriteback(ctx, cache.state(f), start >>> VmSettings.PAGE_SHIFT,
                        (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT, then);
            }
        };
    }

    /**
     * Metadata blocks at home in the block device's page cache ({@code bdevFile}; file-system
     * block 0 at byte {@code fsOffset} of the device): dirty after their commit until the
     * flusher or a checkpoint writes them.
     */
    public io.stacksim.fs.jbd2.Journal.HomeBlocks homeBlocks(SimFile bdevFile, long fsOffset, int blockSize) {
        CachedFile cf = cache.state(bdevFile);
        return new io.stacksim.fs.jbd2.Journal.HomeBlocks() {
            private long page(long block) {
                return (fsOffset + block * blockSize) >>> VmSettings.PAGE_SHIFT;
            }

            @Override
            public void markDirty(long block) {
                long idx = page(block);
                int slot = cache.find(cf, idx);
                if (slot < 0) {
                    slot = cache.addLocked(cf, idx);
                    if (slot < 0) {
                        return; // no page to hold it now: nothing for writeback to write later
                    }
                    cache.setUptodate(slot);
                    cache.markDirty(slot, cf);
                    cache.unlock(slot, null);
                    return;
                }
                cache.markDirty(slot, cf);
            }

            @Override
            public void forget(long block) {
                int slot = cache.find(cf, page(block));
                if (slot >= 0 && blockSize == VmSettings.PAGE_SIZE) {
                    cache.cancelDirty(cf, slot); // a page holds other blocks when they are smaller
                }
            }

            @Override
            public boolean isDirty(long block) {
                int slot = cache.find(cf, page(block));
                return slot >= 0 && (cache.isDirty(slot) || cache.isWriteback(slot));
            }

            @Override
            public void writeAndWait(FsContext ctx, long[] blocks, int n, Runnable then) {
                long[] pages = new long[n];
                for (int i = 0; i < n; i++) {
                    pages[i] = page(blocks[i]);
                }
                java.util.Arrays.sort(pages);
                writeback.writePagesAndWait(ctx, cf, pages, n, Bio.SYNC | Bio.META, then);
            }
        };
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

    /** EXT4_IOC_MOVE_EXT's page steps for one page of each file ({@link BufferedIo#movePage}). */
    public void movePage(FsContext ctx, SimFile orig, long oIdx, SimFile donor, long dIdx,
                         java.util.function.BooleanSupplier copy, Runnable swap, Runnable then) {
        buffered.movePage(ctx, orig, oIdx, donor, dIdx, copy, swap, then);
    }

    /** __filemap_fdatawrite_range with WB_SYNC_NONE: start writing pages [first, last), do not wait. */
    public void startWriteback(FsContext owner, OpenFile f, long first, long last) {
        writeback.startRange(owner, cache.state(f.file()), first, last);
    }

    /** invalidate_mapping_pages: drop the clean, unlocked pages of [first, last). */
    public int invalidate(OpenFile f, long first, long last) {
        return cache.invalidateRange(cache.state(f.file()), first, last);
    }

    /**
     * truncate_pagecache for a file shrunk from {@code oldSize} to {@code newSize} (ftruncate,
     * O_TRUNC): waits for writeback of the pages past the new end, then drops them, dirty ones
     * unwritten; then {@code then}. A partial last page stays.
     */
    public void truncate(SimFile f, long oldSize, long newSize, Runnable then) {
        CachedFile cf = cache.state(f);
        long first = (newSize + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
        cache.waitWriteback(cf, first, Long.MAX_VALUE, () -> {
            cache.truncate(cf, first, oldSize);
            then.run();
        });
    }

    /**
     * The unlinked inode's eviction (ext4_evict_inode -> truncate_inode_pages_final): waits for
     * its writeback, drops every page, dirty ones unwritten, and forgets the inode; then
     * {@code then}.
     */
    public void evictInode(SimFile f, Runnable then) {
        CachedFile cf = cache.state(f);
        cache.waitWriteback(cf, 0, Long.MAX_VALUE, () -> {
            cache.forget(cf);
            then.run();
        });
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

    /** --check's data rules (stale reads, syncs on stable media), or null. */
    public DataChecker dataChecker() {
        return cache.data();
    }

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
