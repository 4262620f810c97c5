package io.stacksim.fs;

import io.stacksim.block.Bio;

/**
 * Buffered reads and writes through the page cache (mm/filemap.c: filemap_read;
 * generic_perform_write).
 *
 * <p>A read takes batches of contiguous cached pages from the requested position
 * (filemap_get_read_batch, at most a folio batch of 31): a miss starts synchronous readahead;
 * a PG_readahead mark on the batch's last page starts asynchronous readahead; a last page
 * still being read is waited for; then the batch is copied to the user buffer (a CPU copy at
 * memcpy bandwidth, plus a lookup per page) and the next batch follows. The first page of a
 * read is marked accessed unless the previous read ended in it, the others always.
 *
 * <p>A write locks each page (reading it first when only part of a page that holds data is
 * overwritten), copies the user data in, marks it dirty and unlocks it, in batches of up to
 * 32 pages after which balance_dirty_pages may make the writer sleep. O_SYNC and O_DSYNC
 * writes then sync the range as fsync and fdatasync do (generic_write_sync).
 */
public final class BufferedIo {
    /** PAGEVEC_SIZE: folios per read batch. */
    static final int READ_BATCH = 31;
    /** Pages written between two balance_dirty_pages checks. */
    static final int WRITE_BATCH = 32;

    private final PageCache cache;
    private final PageIo io;
    private final Readahead readahead;
    private final Writeback writeback;
    private final FsCosts costs;

    BufferedIo(PageCache cache, PageIo io, Readahead readahead, Writeback writeback, FsCosts costs) {
        this.cache = cache;
        this.io = io;
        this.readahead = readahead;
        this.writeback = writeback;
        this.costs = costs;
    }

    public Readahead readahead() {
        return readahead;
    }

    public Writeback writeback() {
        return writeback;
    }

    /** The outcome of a buffered call, with the bio the caller last waited for (or null). */
    @FunctionalInterface
    public interface Done {
        void done(long result, Bio waitedFor);
    }

    // ------------------------------------------------------------------ read

    /** filemap_read of [pos, pos+len) on {@code ctx}'s CPU; {@code done} runs on it too. */
    public void read(FsContext ctx, OpenFile f, long pos, long len, Done done) {
        long end = Math.min(pos + len, f.file().size());
        if (pos >= end) {
            done.done(0, null);
            return;
        }
        new ReadOp(ctx, f, pos, end, true, done).step();
    }

    /**
     * filemap_splice_read of [pos, pos+len): the same page lookup, readahead and waiting as
     * {@link #read}, but the uptodate pages are not copied to a user buffer: the caller (splice,
     * sendfile) takes references to them instead. Charges the lookups, counts no copy.
     */
    public void spliceRead(FsContext ctx, OpenFile f, long pos, long len, Done done) {
        long end = Math.min(pos + len, f.file().size());
        if (pos >= end) {
            done.done(0, null);
            return;
        }
        new ReadOp(ctx, f, pos, end, false, done).step();
    }

    private final class ReadOp {
        private final FsContext ctx;
        private final OpenFile f;
        private final CachedFile cf;
        private final Readahead.State ra;
        private final long end;
        private final Done done;
        /** copy_to_user (read) or page references only (splice). */
        private final boolean copy;
        private final int[] batch = new int[READ_BATCH];
        private long pos;
        private long lastPos;
        private long copied;
        private Bio waited;
        /** Pages below this index have been counted as hits or misses already. */
        private long counted;

        ReadOp(FsContext ctx, OpenFile f, long pos, long end, boolean copy, Done done) {
            this.ctx = ctx;
            this.copy = copy;
            this.f = f;
            this.cf = cache.state(f.file());
            this.ra = readahead.state(f);
            this.pos = pos;
            this.end = end;
            this.done = done;
            this.lastPos = ra.prevPos;
        }

        void step() {
            if (pos >= end) {
                finish();
                return;
            }
            long index = pos >>> VmSettings.PAGE_SHIFT;
            long lastIndex = (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
            int slot = cache.find(cf, index);
            if (slot < 0) {
                count(index, false);
                readahead.syncRa(f, cf, index, lastIndex - index, ctx);
                slot = cache.find(cf, index);
                if (slot < 0) {
                    // Readahead found no memory: allocate this one page, waiting if need be.
                    slot = cache.addLocked(cf, index);
                    if (slot < 0) {
                        ctx.sleep();
                        cache.waitForMemory(() -> ctx.wakeUp(this::step));
                        return;
                    }
                    io.readPage(cf, index, ctx);
                }
            } else {
                count(index, true);
            }
            int n = 0;
            for (long i = index; i < lastIndex && n < READ_BATCH; i++) {
                int s = i == index ? slot : cache.find(cf, i);
                if (s < 0) {
                    break;
                }
                count(i, true);
                batch[n++] = s;
                // filemap_get_read_batch stops after a page still being read or one marked
                // PG_readahead, so that the mark is seen as the batch's last page below.
                if (!cache.isUptodate(s) || cache.hasReadaheadMark(s)) {
                    break;
                }
            }
            int last = batch[n - 1];
            long lastIdx = index + n - 1;
            if (cache.hasReadaheadMark(last)) {
                readahead.asyncRa(f, cf, last, lastIdx, lastIndex - lastIdx, ctx);
            }
            if (!cache.isUptodate(last)) {
                // filemap_update_page: wait for the page's read to finish, then look again.
                ctx.sleep();
                cache.waitUnlocked(last, bio -> {
                    waited = bio;
                    ctx.wakeUp(this::step);
                });
                return;
            }
            if (cache.data() != null) {
                for (int i = 0; i < n; i++) {
                    cache.data().readHit(f.file(), index + i);
                }
            }
            long batchEnd = Math.min(end, (index + n) << VmSettings.PAGE_SHIFT);
            long bytes = batchEnd - pos;
            boolean samePage = lastPos > 0 && ((lastPos - 1) >>> VmSettings.PAGE_SHIFT) == index;
            if (!samePage) {
                cache.markAccessed(batch[0]);
            }
            for (int i = 1; i < n; i++) {
                cache.markAccessed(batch[i]);
            }
            long cpu = n * costs.pageCacheLookupNs() + (copy ? costs.copyNs(bytes) : 0);
            ctx.computeSys(cpu, () -> {
                pos += bytes;
                copied += bytes;
                lastPos = pos;
                step();
            });
        }

        /** Counts page {@code i} once per read: present when first looked up is a hit. */
        private void count(long i, boolean hit) {
            if (i < counted) {
                return;
            }
            counted = i + 1;
            if (hit) {
                cache.countHit();
            } else {
                cache.countMiss();
            }
        }

        private void finish() {
            ra.prevPos = lastPos;
            if (copy) {
                ctx.countCopy(copied);
            }
            done.done(copied, waited);
        }
    }

    // ------------------------------------------------------------------ write

    /** generic_perform_write of {@code len} bytes at {@code pos}; {@code done} runs on ctx's CPU. */
    public void write(FsContext ctx, OpenFile f, long pos, long len, Done done) {
        if (len == 0) {
            done.done(0, null);
            return;
        }
        new WriteOp(ctx, f, pos, pos + len, done).step();
    }

    private final class WriteOp {
        private final FsContext ctx;
        private final OpenFile f;
        private final CachedFile cf;
        private final long end;
        private final Done done;
        private final int[] slots = new int[WRITE_BATCH];
        private long pos;
        private long written;
        private Bio waited;
        /** The folio this write last started: its first page and order. */
        private long folioStart = -1;
        private int folioOrder;

        WriteOp(FsContext ctx, OpenFile f, long pos, long end, Done done) {
            this.ctx = ctx;
            this.f = f;
            this.cf = cache.state(f.file());
            this.pos = pos;
            this.end = end;
            this.done = done;
        }

        void step() {
            if (pos >= end) {
                finish();
                return;
            }
            int n = 0;
            long p = pos;
            long cpu = 0;
            while (p < end && n < WRITE_BATCH) {
                long index = p >>> VmSettings.PAGE_SHIFT;
                long off = p & (VmSettings.PAGE_SIZE - 1);
                long bytes = Math.min(VmSettings.PAGE_SIZE - off, end - p);
                int s = cache.find(cf, index);
                if (s >= 0 && cache.isLocked(s)) {
                    if (n > 0) {
                        break; // copy what we have first
                    }
                    waitFor(s);
                    return;
                }
                if (s < 0) {
                    s = cache.addLocked(cf, index, folioOrder(index, p));
                    if (s < 0) {
                        if (n > 0) {
                            break;
                        }
                        ctx.sleep();
                        cache.waitForMemory(() -> ctx.wakeUp(this::step));
                        return;
                    }
                    cpu += costs.pageCacheLookupNs();
                    boolean hasData = (index << VmSettings.PAGE_SHIFT) < f.file().size();
                    if (bytes < VmSettings.PAGE_SIZE && hasData) {
                        // A partial write over existing data reads the page first (block_write_begin).
                        io.readPage(cf, index, ctx);
                        if (!zeroedInPlace(s)) {
                            if (n > 0) {
                                break;
                            }
                            waitFor(s);
                            return;
                        }
                    }
                } else {
                    if (!cache.isUptodate(s) && bytes < VmSettings.PAGE_SIZE) {
                        cache.lock(s);
                        io.readPage(cf, index, ctx);
                        if (!zeroedInPlace(s)) {
                            if (n > 0) {
                                break;
                            }
                            waitFor(s);
                            return;
                        }
                    } else {
                        cache.lock(s);
                    }
                }
                cpu += costs.pageCacheLookupNs() + costs.copyNs(bytes);
                slots[n++] = s;
                p += bytes;
            }
            int count = n;
            long upTo = p;
            ctx.computeSys(cpu, () -> {
                // write_end: the data is in; the pages become uptodate and dirty.
                long firstIdx = pos >>> VmSettings.PAGE_SHIFT;
                for (int i = 0; i < count; i++) {
                    int s = slots[i];
                    if (cache.data() != null) {
                        cache.data().pageWritten(f.file(), firstIdx + i);
                    }
                    cache.setUptodate(s);
                    boolean wasDirty = cache.isDirty(s);
                    cache.markDirty(s, cf);
                    if (!wasDirty) {
                        ctx.setNrDirtied(ctx.nrDirtied() + 1);
                    }
                    cache.unlock(s, null);
                }
                f.file().extendTo(upTo);
                written += upTo - pos;
                pos = upTo;
                writeback.balanceDirtyPages(ctx, this::step);
            });
        }

        /**
         * The order of the folio that page {@code index} (written from byte {@code p}) joins:
         * the one this write already started there, else a new one as write_begin gets it
         * (__filemap_get_folio with fgf_set_order(len)): ilog2 of the bytes left of the write
         * within a 2 MiB chunk (generic_perform_write), in pages, no larger than the index's
         * alignment, smaller while it would cover a page already cached.
         */
        private int folioOrder(long index, long p) {
            if (!cache.settings().largeFolios()) {
                return 0;
            }
            if (index >= folioStart && index < folioStart + (1L << folioOrder)) {
                return folioOrder;
            }
            long chunk = (long) VmSettings.PAGE_SIZE << Readahead.MAX_PAGECACHE_ORDER;
            long len = Math.min(chunk - (p & (chunk - 1)), end - p);
            int order = Math.max(0, 63 - Long.numberOfLeadingZeros(len) - VmSettings.PAGE_SHIFT);
            if ((index & ((1L << order) - 1)) != 0) {
                order = Long.numberOfTrailingZeros(index);
            }
            while (order > 0 && !cache.noneCached(cf, index, 1L << order)) {
                order--;
            }
            folioStart = index;
            folioOrder = order;
            return order;
        }

        /**
         * True when the read just started finished at once: ext4 maps no block under the page (a
         * hole or an unwritten extent), so the page was zero-filled without I/O and unlocked
         * (iomap's IOMAP_HOLE / IOMAP_UNWRITTEN). The writer takes its lock back and copies in;
         * waiting for an unlock that already happened would never wake.
         */
        private boolean zeroedInPlace(int slot) {
            if (cache.isLocked(slot)) {
                return false;
            }
            cache.lock(slot);
            return true;
        }

        private void waitFor(int slot) {
            ctx.sleep();
            cache.waitUnlocked(slot, bio -> {
                if (bio != null) {
                    waited = bio;
                }
                ctx.wakeUp(this::step);
            });
        }

        private void finish() {
            ctx.countCopy(written);
            if (f.isSync()) {
                // generic_write_sync: vfs_fsync_range of the written range, datasync unless O_SYNC.
                long first = (end - written) >>> VmSettings.PAGE_SHIFT;
                long last = (end + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
                writeback.fsyncRange(ctx, cf, first, last, !f.isFullSync(), () -> done.done(written, waited));
                return;
            }
            done.done(written, waited);
        }
    }

    // ------------------------------------------------------------------ EXT4_IOC_MOVE_EXT

    /**
     * move_extent_per_page's page-cache steps (fs/ext4/move_extent.c) for page {@code oIdx} of
     * {@code orig} and {@code dIdx} of {@code donor}. Both pages are taken locked, created when
     * absent, the lower inode's first (mext_folio_double_lock: __filemap_get_folio with
     * FGP_WRITEBEGIN), and waited for while under writeback (folio_wait_writeback). Under the
     * locks {@code copy} says whether data must move; if so the original's page is made uptodate
     * first (mext_page_mkuptodate: its block read from the device, or zeroes over a hole or an
     * unwritten extent). Then {@code swap} exchanges the blocks, and after a copy the original's
     * page is marked dirty (block_commit_write), so writeback puts its data into the block it
     * maps now. A page left not uptodate is dropped as it is unlocked (the kernel keeps it for the
     * next reader's read_folio; the simulated cache reads only pages it does not hold). No CPU
     * is charged here (the caller charges the per-page step whole); {@code then} runs on ctx's CPU.
     */
    public void movePage(FsContext ctx, SimFile orig, long oIdx, SimFile donor, long dIdx,
                         java.util.function.BooleanSupplier copy, Runnable swap, Runnable then) {
        new MovePage(ctx, orig, oIdx, donor, dIdx, copy, swap, then).start();
    }

    private final class MovePage {
        private final FsContext ctx;
        private final CachedFile co;
        private final long oIdx;
        private final CachedFile cd;
        private final long dIdx;
        private final java.util.function.BooleanSupplier copy;
        private final Runnable swap;
        private final Runnable then;
        /** The original's inode is the lower one: its page is locked first. */
        private final boolean origFirst;
        private int oSlot = -1;
        private int dSlot = -1;

        MovePage(FsContext ctx, SimFile orig, long oIdx, SimFile donor, long dIdx,
                 java.util.function.BooleanSupplier copy, Runnable swap, Runnable then) {
            this.ctx = ctx;
            this.co = cache.state(orig);
            this.oIdx = oIdx;
            this.cd = cache.state(donor);
            this.dIdx = dIdx;
            this.copy = copy;
            this.swap = swap;
            this.then = then;
            this.origFirst = orig.ino() <= donor.ino();
        }

        void start() {
            oSlot = -1;
            dSlot = -1;
            lockNext();
        }

        /** Takes the next page of the pair, in inode order; waits and retries when it is busy. */
        private void lockNext() {
            boolean origNext = origFirst ? oSlot < 0 : dSlot >= 0;
            if (oSlot >= 0 && dSlot >= 0) {
                locked();
                return;
            }
            CachedFile cf = origNext ? co : cd;
            long idx = origNext ? oIdx : dIdx;
            int s = cache.find(cf, idx);
            if (s >= 0 && cache.isLocked(s)) {
                ctx.sleep();
                cache.waitUnlocked(s, b -> ctx.wakeUp(this::lockNext));
                return;
            }
            if (s >= 0) {
                cache.lock(s);
            } else {
                s = cache.addLocked(cf, idx);
                if (s < 0) {
                    ctx.sleep();
                    cache.waitForMemory(() -> ctx.wakeUp(this::lockNext));
                    return;
                }
            }
            if (origNext) {
                oSlot = s;
            } else {
                dSlot = s;
            }
            lockNext();
        }

        /** Both pages locked: wait out their writeback, then the copy or the swap alone. */
        private void locked() {
            if (cache.isWriteback(oSlot) || cache.isWriteback(dSlot)) {
                ctx.sleep();
                cache.waitWriteback(co, oIdx, oIdx + 1, () -> cache.waitWriteback(cd, dIdx, dIdx + 1,
                        () -> ctx.wakeUp(this::locked)));
                return;
            }
            boolean moveData = copy.getAsBoolean();
            if (moveData && !cache.isUptodate(oSlot)) {
                // mext_page_mkuptodate: the block read in with the page kept locked; here the
                // read's end unlocks it, so the donor's page is let go and both are taken again.
                release(cd, dIdx, dSlot);
                int s = oSlot;
                oSlot = -1;
                dSlot = -1;
                io.readPage(co, oIdx, ctx);
                if (!cache.isLocked(s)) {
                    start(); // zero-filled at once: no block under the page
                    return;
                }
                ctx.sleep();
                cache.waitUnlocked(s, b -> ctx.wakeUp(this::start));
                return;
            }
            swap.run();
            if (moveData) {
                // block_commit_write: the page, uptodate, is dirty against its new block.
                if (cache.data() != null) {
                    cache.data().pageWritten(co.file, oIdx);
                }
                boolean wasDirty = cache.isDirty(oSlot);
                cache.markDirty(oSlot, co);
                if (!wasDirty) {
                    ctx.setNrDirtied(ctx.nrDirtied() + 1);
                }
            }
            unlockBoth();
            then.run();
        }

        private void unlockBoth() {
            release(co, oIdx, oSlot);
            release(cd, dIdx, dSlot);
            oSlot = -1;
            dSlot = -1;
        }

        private void release(CachedFile cf, long idx, int slot) {
            cache.unlock(slot, null);
            if (!cache.isUptodate(slot) && !cache.isLocked(slot) && !cache.isDirty(slot)) {
                cache.invalidate(cf, idx, idx + 1);
            }
        }
    }

    // ------------------------------------------------------------------ direct I/O coherence

    /** kiocb_write_and_wait before a direct read: dirty cached data in range reaches the device first. */
    public void beforeDirectRead(FsContext ctx, OpenFile f, long pos, long len, Runnable then) {
        CachedFile cf = cache.state(f.file());
        if (cf.nrPages == 0) {
            then.run();
            return;
        }
        writeback.writeAndWait(ctx, cf, pos >>> VmSettings.PAGE_SHIFT,
                (pos + len + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT, then);
    }

    /**
     * kiocb_invalidate_pages before a direct write: write back and wait, then drop the cached
     * pages of the range so later buffered reads see the new data.
     */
    public void beforeDirectWrite(FsContext ctx, OpenFile f, long pos, long len, Runnable then) {
        CachedFile cf = cache.state(f.file());
        if (cf.nrPages == 0) {
            then.run();
            return;
        }
        long first = pos >>> VmSettings.PAGE_SHIFT;
        long last = (pos + len + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
        writeback.writeAndWait(ctx, cf, first, last, () -> {
            cache.invalidate(cf, first, last);
            then.run();
        });
    }

    /** The invalidation after a direct write completes (pages read in meanwhile are dropped). */
    public void afterDirectWrite(OpenFile f, long pos, long len) {
        CachedFile cf = cache.state(f.file());
        if (cf.nrPages > 0) {
            cache.invalidate(cf, pos >>> VmSettings.PAGE_SHIFT,
                    (pos + len + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT);
        }
    }
}
