package io.stacksim.fs;

import io.stacksim.engine.LongLongMap;

import static io.stacksim.fs.Folios.PG_ACTIVE;
import static io.stacksim.fs.Folios.PG_DIRTY;
import static io.stacksim.fs.Folios.PG_LOCKED;
import static io.stacksim.fs.Folios.PG_READAHEAD;
import static io.stacksim.fs.Folios.PG_RECLAIM;
import static io.stacksim.fs.Folios.PG_UPTODATE;
import static io.stacksim.fs.Folios.PG_WORKINGSET;
import static io.stacksim.fs.Folios.PG_WRITEBACK;
import static io.stacksim.fs.Folios.PG_YOUNG;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The page cache (mm/filemap.c): a fixed number of 4 KiB pages holding file data, indexed by
 * (inode, page index), with each page's state - uptodate, locked, dirty, under writeback - and
 * the tasks waiting on it. Its parts are one file each, as in the kernel:
 * <ul>
 *   <li>{@link Folios}: the page frames, as parallel primitive arrays;</li>
 *   <li>{@link FileLru}: the inactive and active lists, folio_mark_accessed and reclaim
 *       (mm/swap.c, mm/vmscan.c);</li>
 *   <li>{@link Workingset}: shadow entries and refault activation (mm/workingset.c);</li>
 *   <li>{@link PageIo}: the bios that read missing pages and write dirty ones;</li>
 *   <li>{@link PageCacheChecker}: the invariants {@code --check} verifies.</li>
 * </ul>
 * New pages go to the head of the inactive list, or straight to the active list when they
 * refault within the working set. Dirty pages are counted for the dirty thresholds and kept per
 * inode in offset order for writeback; a page is never evicted before it is clean.
 */
public final class PageCache {
    private final Simulator sim;
    private final BlockTarget bdev;
    private final VmSettings vm;
    private final int capacity;
    private int used;

    final Folios pages;
    final Workingset workingset;
    final FileLru lru;
    private final LongLongMap table;

    private final Map<Integer, CachedFile> files = new HashMap<>();
    private final LinkedHashSet<CachedFile> dirtyInodes = new LinkedHashSet<>();
    private final Map<Integer, List<Consumer<Bio>>> pageWaiters = new HashMap<>();
    private final ArrayDeque<Runnable> memoryWaiters = new ArrayDeque<>();

    long nrDirty;
    long nrWriteback;
    private final long dirtyThresh;
    private final long backgroundThresh;

    // statistics
    long hits;
    long misses;
    long evictions;
    long pagesRead;
    long pagesWritten;
    long pagesDirtied;
    private final PageCacheChecker checker;
    /** --check's data rules (stale reads, syncs on stable media); null when not checked. */
    private final DataChecker data;

    /** Called whenever dirty pages cross the background threshold (wakes the flusher). */
    private Runnable backgroundHook = () -> { };
    /** Called when an inode gets its first dirty page (arms the periodic flush). */
    private Runnable inodeDirtiedHook = () -> { };

    public PageCache(Simulator sim, BlockTarget bdev, VmSettings vm) {
        this.sim = sim;
        this.bdev = bdev;
        this.vm = vm;
        this.capacity = vm.capacityPages();
        this.pages = new Folios(capacity);
        this.workingset = new Workingset(capacity);
        this.lru = new FileLru(pages, workingset, this::evict);
        this.table = new LongLongMap(Math.min(capacity, 1 << 16));
        long[] th = vm.thresholds();
        dirtyThresh = th[0];
        backgroundThresh = th[1];
        checker = vm.check() || sim.invariants() != null ? new PageCacheChecker(this, sim.invariants()) : null;
        data = sim.invariants() == null ? null : new DataChecker(sim, sim.invariants());
    }

    public VmSettings settings() {
        return vm;
    }

    long now() {
        return sim.now();
    }

    /** The block device the cached files live on. */
    public BlockTarget bdev() {
        return bdev;
    }

    public int capacity() {
        return capacity;
    }

    public int pages() {
        return used;
    }

    public long nrDirty() {
        return nrDirty;
    }

    public long nrWriteback() {
        return nrWriteback;
    }

    /** Hard dirty threshold in pages (dirty_ratio or dirty_bytes). */
    public long dirtyThresh() {
        return dirtyThresh;
    }

    /** Background dirty threshold in pages. */
    public long backgroundThresh() {
        return backgroundThresh;
    }

    void onBackgroundThreshold(Runnable hook) {
        this.backgroundHook = hook;
    }

    void onInodeDirtied(Runnable hook) {
        this.inodeDirtiedHook = hook;
    }

    /** --check's data rules, or null when --check is off. */
    public DataChecker data() {
        return data;
    }

    /** The invariant checker, or null when --check is off. */
    public PageCacheChecker checker() {
        return checker;
    }

    /** The page-cache state of {@code f}. */
    /** Pages cached of block-device inodes ({@code bdev}) or of regular files. */
    long pagesOf(boolean bdev) {
        long n = 0;
        for (CachedFile cf : files.values()) {
            if (cf.file.isBlockDevice() == bdev) {
                n += cf.nrPages();
            }
        }
        return n;
    }

    public CachedFile state(SimFile f) {
        CachedFile cf = (CachedFile) f.cacheState;
        if (cf == null) {
            cf = new CachedFile(f);
            f.cacheState = cf;
            files.put(f.ino(), cf);
        }
        return cf;
    }

    /** Inodes with dirty pages, oldest dirtied first (the flusher's b_dirty list). */
    List<CachedFile> dirtyInodes() {
        return new ArrayList<>(dirtyInodes);
    }

    static long key(int ino, long idx) {
        return ((long) ino << 40) | idx;
    }

    // ------------------------------------------------------------------ lookup and state

    /** The slot holding page {@code idx} of {@code cf}, or -1. */
    public int find(CachedFile cf, long idx) {
        return (int) table.get(key(cf.file.ino(), idx), -1);
    }

    boolean isUptodate(int slot) {
        return (pages.flags[slot] & PG_UPTODATE) != 0;
    }

    boolean isLocked(int slot) {
        return (pages.flags[slot] & PG_LOCKED) != 0;
    }

    boolean isDirty(int slot) {
        return (pages.flags[slot] & PG_DIRTY) != 0;
    }

    boolean isWriteback(int slot) {
        return (pages.flags[slot] & PG_WRITEBACK) != 0;
    }

    boolean hasReadaheadMark(int slot) {
        return (pages.flags[slot] & PG_READAHEAD) != 0;
    }

    void clearReadaheadMark(int slot) {
        pages.flags[slot] &= ~PG_READAHEAD;
    }

    void setReadaheadMark(int slot) {
        pages.flags[slot] |= PG_READAHEAD;
    }

    long pageIndex(int slot) {
        return pages.index[slot];
    }

    /** Counts a lookup that found its page (for the hit ratio). */
    void countHit() {
        hits++;
    }

    void countMiss() {
        misses++;
    }

    /** Number of consecutive cached pages just before {@code idx}, looking back at most {@code max}. */
    long contiguousCachedBefore(CachedFile cf, long idx, long max) {
        long n = 0;
        for (long i = idx - 1; i >= 0 && n < max; i--, n++) {
            if (find(cf, i) < 0) {
                return n;
            }
        }
        return n;
    }

    /** True when pages 0..idx-1 are all cached (page_cache_prev_miss found no hole). */
    boolean cachedFromStart(CachedFile cf, long idx, long max) {
        return idx <= max && contiguousCachedBefore(cf, idx, max) == idx;
    }

    /** First index at or after {@code idx} (within {@code max}) that is not cached, or -1. */
    long nextMiss(CachedFile cf, long idx, long max) {
        for (long i = idx; i < idx + max; i++) {
            if (find(cf, i) < 0) {
                return i;
            }
        }
        return -1;
    }

    /** folio_mark_accessed: the LRU's promotion rule. */
    /** folio_order of the folio holding the page in {@code slot}. */
    int folioOrder(int slot) {
        return pages.order[slot];
    }

    /** True when none of pages [first, first+n) of {@code cf} is cached (filemap_add_folio would not hit -EEXIST). */
    boolean noneCached(CachedFile cf, long first, long n) {
        for (long i = first; i < first + n; i++) {
            if (find(cf, i) >= 0) {
                return false;
            }
        }
        return true;
    }

    void markAccessed(int slot) {
        lru.markAccessed(slot);
    }

    /** A mapped page was touched through its PTE. */
    void markYoung(int slot) {
        pages.flags[slot] |= PG_YOUNG;
    }

    // ------------------------------------------------------------------ allocation

    /**
     * Adds page {@code idx} of {@code cf}, locked and not uptodate, reclaiming memory if the
     * cache is full. Returns the slot, or -1 if nothing could be reclaimed right now (every
     * page is dirty, under I/O or in use) — the caller then waits with {@link #waitForMemory}.
     */
    int addLocked(CachedFile cf, long idx) {
        return addLocked(cf, idx, 0);
    }

    /** Room for {@code n} more pages, reclaiming if need be (the folio allocation of filemap_alloc_folio). */
    boolean canAdd(long n) {
        long over = used + n - capacity;
        return over <= 0 || lru.reclaim((int) over);
    }

    /** {@link #addLocked(CachedFile, long)} for a page of a folio of {@code order} (filemap_add_folio). */
    int addLocked(CachedFile cf, long idx, int order) {
        if (used >= capacity && !lru.reclaim(1)) {
            return -1;
        }
        int slot = pages.alloc();
        int i = cf.file.ino();
        pages.ino[slot] = i;
        pages.index[slot] = idx;
        pages.flags[slot] = PG_LOCKED;
        pages.mapcount[slot] = 0;
        pages.order[slot] = (byte) order;
        long k = key(i, idx);
        table.put(k, slot);
        cf.nrPages++;
        used++;
        if (workingset.refault(k, lru.size(FileLru.ACTIVE))) {
            // A recent refault is part of the working set.
            pages.flags[slot] |= PG_ACTIVE | PG_WORKINGSET;
            lru.pushHead(FileLru.ACTIVE, slot);
            return slot;
        }
        lru.pushHead(FileLru.INACTIVE, slot);
        return slot;
    }

    /** Runs {@code k} once a page may be allocatable again (a page became clean or unlocked). */
    void waitForMemory(Runnable k) {
        memoryWaiters.addLast(k);
    }

    void memoryMayBeFree() {
        int n = memoryWaiters.size();
        for (int i = 0; i < n; i++) {
            memoryWaiters.pollFirst().run();
        }
    }

    /** Removes a clean, unlocked page, leaving a shadow entry for refault detection. */
    private void evict(int slot) {
        lru.unlink(slot);
        int i = pages.ino[slot];
        long idx = pages.index[slot];
        CachedFile cf = files.get(i);
        if (pages.mapcount[slot] > 0) {
            for (Mapping m : cf.mappings) {
                m.unmapPage(idx);
            }
            pages.mapcount[slot] = 0;
        }
        long k = key(i, idx);
        table.remove(k, -1);
        cf.nrPages--;
        used--;
        evictions++;
        workingset.evicted(k);
        pages.free(slot);
    }

    /**
     * invalidate_inode_pages2_range: drops the clean, unlocked pages of [start, end) (after a
     * direct write, or POSIX_FADV_DONTNEED). Returns the number dropped.
     */
    public int invalidateRange(CachedFile cf, long start, long end) {
        return invalidate(cf, start, end);
    }

    int invalidate(CachedFile cf, long start, long end) {
        int n = 0;
        // A file the file system maps as it grows (ext4) has no allocation bound: i_size is it.
        long bound = cf.file.mapper() != null ? Math.max(cf.file.size(), (long) cf.dirty.length() << VmSettings.PAGE_SHIFT)
                : cf.file.allocated();
        long last = Math.min(end, (bound + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT);
        for (long i = start; i < last && cf.nrPages > 0; i++) {
            int s = find(cf, i);
            if (s >= 0 && (pages.flags[s] & (PG_LOCKED | PG_DIRTY | PG_WRITEBACK)) == 0) {
                evict(s);
                n++;
            }
        }
        if (n > 0) {
            memoryMayBeFree();
        }
        return n;
    }

    /**
     * truncate_inode_pages_range from page {@code start} to the end of the file (ftruncate,
     * O_TRUNC, and the eviction of an unlinked inode): dirty pages are cancelled unwritten and
     * every page not locked or under writeback is removed. Unlike reclaim this leaves no shadow
     * entry and counts no eviction. The caller waited for the range's writeback first;
     * {@code oldSize} is i_size before the truncation.
     */
    void truncate(CachedFile cf, long start, long oldSize) {
        if (cf.nrPages == 0) {
            return;
        }
        long last = Math.max((oldSize + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT, cf.dirty.length());
        boolean freed = false;
        for (long i = start; i < last && cf.nrPages > 0; i++) {
            int s = find(cf, i);
            if (s < 0 || (pages.flags[s] & (PG_LOCKED | PG_WRITEBACK)) != 0) {
                continue;
            }
            cancelDirty(cf, s);
            lru.unlink(s);
            if (pages.mapcount[s] > 0) {
                for (Mapping m : cf.mappings) {
                    m.unmapPage(i);
                }
                pages.mapcount[s] = 0;
            }
            long k = key(cf.file.ino(), i);
            table.remove(k, -1);
            workingset.forget(k);
            cf.nrPages--;
            used--;
            pages.free(s);
            freed = true;
        }
        if (freed) {
            memoryMayBeFree();
        }
    }

    /** The inode is gone (unlinked and evicted): its page-cache state is dropped with it. */
    void forget(CachedFile cf) {
        truncate(cf, 0, cf.file.size());
        if (files.get(cf.file.ino()) == cf) {
            files.remove(cf.file.ino());
        }
        if (cf.file.cacheState == cf) {
            cf.file.cacheState = null;
        }
    }

    // ------------------------------------------------------------------ waiting on pages

    /**
     * Runs {@code k} (in completion context) once the locked page in {@code slot} is unlocked;
     * it receives the bio whose completion unlocked it (null if none).
     */
    void waitUnlocked(int slot, Consumer<Bio> k) {
        pageWaiters.computeIfAbsent(slot, s -> new ArrayList<>(2)).add(k);
    }

    /** Locks a page for a writer (folio_lock in write_begin); the caller checked it was unlocked. */
    void lock(int slot) {
        pages.flags[slot] |= PG_LOCKED;
    }

    /** Unlocks a page and wakes those waiting on it. */
    void unlock(int slot, Bio by) {
        pages.flags[slot] &= ~PG_LOCKED;
        List<Consumer<Bio>> w = pageWaiters.remove(slot);
        if (w != null) {
            for (Consumer<Bio> r : w) {
                r.accept(by);
            }
        }
    }

    /** end_page_read: the page's read finished; it is uptodate and unlocked. */
    void readDone(int slot, Bio bio) {
        pagesRead++;
        pages.flags[slot] |= PG_UPTODATE;
        unlock(slot, bio);
    }

    // ------------------------------------------------------------------ dirty pages

    /** Marks a page dirty (folio_mark_dirty): counts it and dates the inode if it was clean. */
    void markDirty(int slot, CachedFile cf) {
        int f = pages.flags[slot];
        if ((f & PG_DIRTY) != 0) {
            return;
        }
        pages.flags[slot] = f | PG_DIRTY;
        nrDirty++;
        pagesDirtied++;
        cf.dirty.set((int) pages.index[slot]);
        if (cf.dirtiedWhen < 0) {
            cf.dirtiedWhen = sim.now();
            dirtyInodes.add(cf);
            inodeDirtiedHook.run();
        }
        if (checker != null) {
            checker.dirtied(cf, pages.index[slot]);
        }
        if (nrDirty == backgroundThresh + 1) {
            backgroundHook.run();
        }
    }

    void setUptodate(int slot) {
        pages.flags[slot] |= PG_UPTODATE;
    }

    /** Maps a page into a mapping (a PTE now points to it). */
    void mapped(int slot) {
        pages.mapcount[slot]++;
    }

    /** A PTE to the page went away (munmap). */
    void unmapped(int slot) {
        if (pages.mapcount[slot] > 0) {
            pages.mapcount[slot]--;
        }
    }

    /**
     * Starts writeback of page {@code idx} (clear_page_dirty_for_io + set_page_writeback):
     * returns false if the page is not dirty or already under writeback.
     */
    boolean startWriteback(CachedFile cf, int slot) {
        int f = pages.flags[slot];
        if ((f & PG_DIRTY) == 0 || (f & PG_WRITEBACK) != 0) {
            return false;
        }
        long idx = pages.index[slot];
        pages.flags[slot] = (f & ~PG_DIRTY) | PG_WRITEBACK;
        nrDirty--;
        nrWriteback++;
        cf.dirty.clear((int) idx);
        cf.writeback.set((int) idx);
        for (Mapping m : cf.mappings) {
            if (m.shared) {
                m.writeProtect(idx);
            }
        }
        if (cf.dirty.isEmpty()) {
            cf.dirtiedWhen = -1;
            dirtyInodes.remove(cf);
        }
        if (checker != null) {
            checker.writebackStarted(cf, idx);
        }
        return true;
    }

    /**
     * folio_cancel_dirty: a dirty page not under writeback becomes clean without being written
     * (its contents no longer matter: a freed metadata block's bforget).
     */
    void cancelDirty(CachedFile cf, int slot) {
        int f = pages.flags[slot];
        if ((f & PG_DIRTY) == 0 || (f & PG_WRITEBACK) != 0) {
            return;
        }
        long idx = pages.index[slot];
        pages.flags[slot] = f & ~PG_DIRTY;
        nrDirty--;
        cf.dirty.clear((int) idx);
        if (cf.dirty.isEmpty()) {
            cf.dirtiedWhen = -1;
            dirtyInodes.remove(cf);
        }
        if (checker != null) {
            checker.cancelled(cf, idx);
        }
        memoryMayBeFree();
    }

    /** folio_end_writeback for page {@code idx} in {@code s}. */
    void endWriteback(CachedFile cf, int s, long idx) {
        pagesWritten++;
        nrWriteback--;
        cf.writeback.clear((int) idx);
        int f = pages.flags[s] & ~PG_WRITEBACK;
        if ((f & PG_RECLAIM) != 0) {
            // folio_rotate_reclaimable: reclaim wanted it, so put it where reclaim looks first.
            f &= ~PG_RECLAIM;
            if ((f & PG_DIRTY) == 0) {
                lru.rotateReclaimable(s);
            }
        }
        pages.flags[s] = f;
        if (checker != null) {
            checker.written(cf, idx);
        }
    }

    /** Runs {@code then} once no page of [start, end) is under writeback. */
    void waitWriteback(CachedFile cf, long start, long end, Runnable then) {
        if (!cf.writebackInRange(start, end)) {
            then.run();
            return;
        }
        cf.writebackWaiters.add(new CachedFile.RangeWaiter(start, end, then));
    }

    void wakeWritebackWaiters(CachedFile cf) {
        if (cf.writebackWaiters.isEmpty()) {
            return;
        }
        List<CachedFile.RangeWaiter> ready = new ArrayList<>();
        cf.writebackWaiters.removeIf(w -> {
            if (!cf.writebackInRange(w.start(), w.end())) {
                ready.add(w);
                return true;
            }
            return false;
        });
        for (CachedFile.RangeWaiter w : ready) {
            w.then().run();
        }
    }

    // ------------------------------------------------------------------ statistics

    public void resetStats() {
        hits = misses = evictions = lru.activations = workingset.refaults = workingset.refaultActivations = 0;
        pagesRead = pagesWritten = pagesDirtied = lru.reclaimScanned = 0;
    }

    public void registerStats(Stats stats) {
        stats.counter("cache.hits", () -> hits);
        stats.counter("cache.misses", () -> misses);
        stats.gauge("cache.hit_ratio", () -> hits + misses == 0 ? 0 : (double) hits / (hits + misses));
        stats.counter("cache.pages", () -> used);
        stats.counter("cache.capacity_pages", () -> capacity);
        stats.counter("cache.active_pages", () -> lru.size(FileLru.ACTIVE));
        stats.counter("cache.inactive_pages", () -> lru.size(FileLru.INACTIVE));
        stats.counter("cache.dirty_pages", () -> nrDirty);
        stats.counter("cache.writeback_pages", () -> nrWriteback);
        stats.counter("cache.evictions", () -> evictions);
        stats.counter("cache.activations", () -> lru.activations);
        stats.counter("cache.refaults", () -> workingset.refaults);
        stats.counter("cache.refault_activations", () -> workingset.refaultActivations);
        stats.counter("cache.pages_read", () -> pagesRead);
        stats.counter("cache.pages_written", () -> pagesWritten);
        stats.counter("cache.pages_dirtied", () -> pagesDirtied);
        stats.counter("cache.reclaim_scanned", () -> lru.reclaimScanned);
        stats.counter("cache.dirty_thresh_pages", () -> dirtyThresh);
        stats.counter("cache.background_thresh_pages", () -> backgroundThresh);
    }
}
