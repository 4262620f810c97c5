package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The page cache: a fixed number of 4 KiB pages holding file data, indexed by (inode, page
 * index), kept on the kernel's two LRU lists and reclaimed as mm/vmscan.c does.
 *
 * <p>Pages live in parallel primitive arrays (one slot per page) so millions of them cost no
 * objects. The rules follow Linux:
 * <ul>
 *   <li>New pages go to the head of the inactive list, or straight to the active list when
 *       they refault within the working set (mm/workingset.c: the refault distance, measured
 *       in evictions and activations since the page's eviction, is at most the active list's
 *       size).</li>
 *   <li>{@link #markAccessed} is folio_mark_accessed (mm/swap.c): inactive,unreferenced ->
 *       inactive,referenced -> active,unreferenced -> active,referenced.</li>
 *   <li>Reclaim scans the inactive tail; locked, dirty and under-writeback pages are rotated
 *       (dirty ones marked PG_reclaim so they go to the tail once written), mapped pages whose
 *       PTE was young are kept or activated (folio_check_references), clean ones are evicted.
 *       Before scanning, the active list is shrunk while inactive_is_low: inactive x
 *       sqrt(10 x GB of LRU) < active.</li>
 *   <li>Dirty pages are counted for the dirty thresholds and kept per inode in offset order
 *       for writeback; a page is never evicted before it is clean.</li>
 * </ul>
 * Page I/O is built here: reads of runs of missing pages (for readahead and faults) and writes
 * of runs of dirty pages (for writeback and fsync), one bio per contiguous run within an
 * extent, up to 256 pages (BIO_MAX_VECS).
 */
public final class PageCache {
    static final int PG_UPTODATE = 1;
    static final int PG_LOCKED = 1 << 1;
    static final int PG_DIRTY = 1 << 2;
    static final int PG_WRITEBACK = 1 << 3;
    static final int PG_READAHEAD = 1 << 4;
    static final int PG_REFERENCED = 1 << 5;
    static final int PG_ACTIVE = 1 << 6;
    static final int PG_WORKINGSET = 1 << 7;
    static final int PG_RECLAIM = 1 << 8;
    /** Accessed through a mapping since reclaim last looked (the PTE young bit). */
    static final int PG_YOUNG = 1 << 9;

    static final int INACTIVE = 0;
    static final int ACTIVE = 1;
    private static final int NONE = 2;
    /** BIO_MAX_VECS: pages per bio. */
    static final int BIO_MAX_PAGES = 256;
    private static final int SWAP_CLUSTER_MAX = 32;

    private final Simulator sim;
    private final BlockTarget bdev;
    private final VmSettings vm;
    private final int capacity;

    // Per-slot page state; arrays grow up to capacity as pages are first used.
    private int[] ino;
    private long[] index;
    private int[] flags;
    private int[] prev;
    private int[] next;
    private short[] mapcount;
    private byte[] list;
    private int allocated;
    private int freeHead = -1;
    private int used;

    private final int[] head = {-1, -1};
    private final int[] tail = {-1, -1};
    private final int[] lruSize = {0, 0};

    private final LongLongMap table;
    private final LongLongMap shadows;
    private final long[] shadowRing;
    private int shadowPos;
    private long nonresidentAge;

    private final Map<Integer, CachedFile> files = new HashMap<>();
    private final LinkedHashSet<CachedFile> dirtyInodes = new LinkedHashSet<>();
    private final Map<Integer, List<Consumer<Bio>>> pageWaiters = new HashMap<>();
    private final ArrayDeque<Runnable> memoryWaiters = new ArrayDeque<>();

    private long nrDirty;
    private long nrWriteback;
    private final long dirtyThresh;
    private final long backgroundThresh;

    // statistics
    long hits;
    long misses;
    long evictions;
    long activations;
    long refaults;
    long refaultActivations;
    long pagesRead;
    long pagesWritten;
    long pagesDirtied;
    long reclaimScanned;
    private final Checker checker;

    /** Called whenever dirty pages cross the background threshold (wakes the flusher). */
    private Runnable backgroundHook = () -> { };
    /** Called when an inode gets its first dirty page (arms the periodic flush). */
    private Runnable inodeDirtiedHook = () -> { };

    public PageCache(Simulator sim, BlockTarget bdev, VmSettings vm) {
        this.sim = sim;
        this.bdev = bdev;
        this.vm = vm;
        this.capacity = vm.capacityPages();
        int initial = Math.min(capacity, 1 << 14);
        ino = new int[initial];
        index = new long[initial];
        flags = new int[initial];
        prev = new int[initial];
        next = new int[initial];
        mapcount = new short[initial];
        list = new byte[initial];
        table = new LongLongMap(Math.min(capacity, 1 << 16));
        shadows = new LongLongMap(Math.min(capacity, 1 << 16));
        shadowRing = new long[capacity];
        Arrays.fill(shadowRing, Long.MIN_VALUE);
        long[] th = vm.thresholds();
        dirtyThresh = th[0];
        backgroundThresh = th[1];
        checker = vm.check() ? new Checker() : null;
    }

    public VmSettings settings() {
        return vm;
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

    /** The invariant checker, or null when --check is off. */
    public Checker checker() {
        return checker;
    }

    /** The page-cache state of {@code f}. */
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

    private static long key(int ino, long idx) {
        return ((long) ino << 40) | idx;
    }

    // ------------------------------------------------------------------ lookup and state

    /** The slot holding page {@code idx} of {@code cf}, or -1. */
    public int find(CachedFile cf, long idx) {
        return (int) table.get(key(cf.file.ino(), idx), -1);
    }

    boolean isUptodate(int slot) {
        return (flags[slot] & PG_UPTODATE) != 0;
    }

    boolean isLocked(int slot) {
        return (flags[slot] & PG_LOCKED) != 0;
    }

    boolean isDirty(int slot) {
        return (flags[slot] & PG_DIRTY) != 0;
    }

    boolean isWriteback(int slot) {
        return (flags[slot] & PG_WRITEBACK) != 0;
    }

    boolean hasReadaheadMark(int slot) {
        return (flags[slot] & PG_READAHEAD) != 0;
    }

    void clearReadaheadMark(int slot) {
        flags[slot] &= ~PG_READAHEAD;
    }

    long pageIndex(int slot) {
        return index[slot];
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

    /** folio_mark_accessed (mm/swap.c). */
    void markAccessed(int slot) {
        int f = flags[slot];
        if ((f & PG_REFERENCED) == 0) {
            flags[slot] = f | PG_REFERENCED;
        } else if ((f & PG_ACTIVE) == 0 && list[slot] == INACTIVE) {
            activate(slot);
            flags[slot] &= ~PG_REFERENCED;
        }
    }

    /** A mapped page was touched through its PTE. */
    void markYoung(int slot) {
        flags[slot] |= PG_YOUNG;
    }

    private void activate(int slot) {
        unlink(slot);
        flags[slot] |= PG_ACTIVE;
        pushHead(ACTIVE, slot);
        activations++;
        nonresidentAge++; // workingset_activation ages the non-resident clock
    }

    // ------------------------------------------------------------------ allocation

    /**
     * Adds page {@code idx} of {@code cf}, locked and not uptodate, reclaiming memory if the
     * cache is full. Returns the slot, or -1 if nothing could be reclaimed right now (every
     * page is dirty, under I/O or in use) — the caller then waits with {@link #waitForMemory}.
     */
    int addLocked(CachedFile cf, long idx) {
        if (used >= capacity && !reclaim(1)) {
            return -1;
        }
        int slot = allocSlot();
        int i = cf.file.ino();
        ino[slot] = i;
        index[slot] = idx;
        flags[slot] = PG_LOCKED;
        mapcount[slot] = 0;
        long k = key(i, idx);
        table.put(k, slot);
        cf.nrPages++;
        used++;
        long shadow = shadows.remove(k, Long.MIN_VALUE);
        if (shadow != Long.MIN_VALUE) {
            refaults++;
            long distance = nonresidentAge - shadow;
            if (distance <= lruSize[ACTIVE]) {
                // workingset_refault: a recent refault is part of the working set.
                flags[slot] |= PG_ACTIVE | PG_WORKINGSET;
                pushHead(ACTIVE, slot);
                refaultActivations++;
                nonresidentAge++;
                return slot;
            }
        }
        pushHead(INACTIVE, slot);
        return slot;
    }

    private int allocSlot() {
        if (freeHead >= 0) {
            int s = freeHead;
            freeHead = next[s];
            return s;
        }
        if (allocated == ino.length) {
            int cap = Math.min(capacity, Math.max(16, ino.length * 2));
            ino = Arrays.copyOf(ino, cap);
            index = Arrays.copyOf(index, cap);
            flags = Arrays.copyOf(flags, cap);
            prev = Arrays.copyOf(prev, cap);
            next = Arrays.copyOf(next, cap);
            mapcount = Arrays.copyOf(mapcount, cap);
            list = Arrays.copyOf(list, cap);
        }
        return allocated++;
    }

    /** Runs {@code k} once a page may be allocatable again (a page became clean or unlocked). */
    void waitForMemory(Runnable k) {
        memoryWaiters.addLast(k);
    }

    private void memoryMayBeFree() {
        int n = memoryWaiters.size();
        for (int i = 0; i < n; i++) {
            memoryWaiters.pollFirst().run();
        }
    }

    // ------------------------------------------------------------------ LRU lists

    private void pushHead(int l, int slot) {
        list[slot] = (byte) l;
        prev[slot] = -1;
        next[slot] = head[l];
        if (head[l] >= 0) {
            prev[head[l]] = slot;
        } else {
            tail[l] = slot;
        }
        head[l] = slot;
        lruSize[l]++;
    }

    private void pushTail(int l, int slot) {
        list[slot] = (byte) l;
        next[slot] = -1;
        prev[slot] = tail[l];
        if (tail[l] >= 0) {
            next[tail[l]] = slot;
        } else {
            head[l] = slot;
        }
        tail[l] = slot;
        lruSize[l]++;
    }

    private void unlink(int slot) {
        int l = list[slot];
        if (l == NONE) {
            return;
        }
        int p = prev[slot];
        int n = next[slot];
        if (p >= 0) {
            next[p] = n;
        } else {
            head[l] = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            tail[l] = p;
        }
        lruSize[l]--;
        list[slot] = NONE;
    }

    /** inactive_is_low (mm/vmscan.c) for the file LRU. */
    private boolean inactiveIsLow() {
        long gb = ((long) lruSize[INACTIVE] + lruSize[ACTIVE]) >> (30 - VmSettings.PAGE_SHIFT);
        long ratio = gb > 0 ? (long) Math.sqrt(10.0 * gb) : 1;
        return (long) lruSize[INACTIVE] * ratio < lruSize[ACTIVE];
    }

    /** shrink_active_list: moves pages from the active tail to the inactive head. */
    private void shrinkActive(int n) {
        for (int i = 0; i < n && tail[ACTIVE] >= 0; i++) {
            int s = tail[ACTIVE];
            unlink(s);
            int f = flags[s];
            if (mapcount[s] > 0 && (f & PG_YOUNG) != 0) {
                // A mapped page in use stays active (its young bit is consumed).
                flags[s] = f & ~PG_YOUNG;
                pushHead(ACTIVE, s);
                continue;
            }
            flags[s] = (f & ~PG_ACTIVE) | PG_WORKINGSET;
            pushHead(INACTIVE, s);
        }
    }

    /**
     * Frees at least {@code wanted} pages from the inactive tail (shrink_inactive_list).
     * Returns false if it could not.
     */
    private boolean reclaim(int wanted) {
        int freed = 0;
        long budget = 2L * (lruSize[INACTIVE] + lruSize[ACTIVE]) + SWAP_CLUSTER_MAX;
        while (freed < wanted && budget-- > 0) {
            if (inactiveIsLow() || tail[INACTIVE] < 0) {
                if (tail[ACTIVE] < 0 && tail[INACTIVE] < 0) {
                    break;
                }
                shrinkActive(SWAP_CLUSTER_MAX);
                if (tail[INACTIVE] < 0) {
                    continue;
                }
            }
            int s = tail[INACTIVE];
            reclaimScanned++;
            int f = flags[s];
            if ((f & (PG_LOCKED | PG_WRITEBACK | PG_DIRTY)) != 0) {
                unlink(s);
                if ((f & PG_DIRTY) != 0) {
                    flags[s] = f | PG_RECLAIM;
                }
                pushHead(INACTIVE, s);
                continue;
            }
            if (mapcount[s] > 0 && (f & PG_YOUNG) != 0) {
                // folio_check_references: referenced through a PTE.
                flags[s] = f & ~PG_YOUNG;
                unlink(s);
                if ((f & PG_REFERENCED) != 0) {
                    flags[s] &= ~PG_REFERENCED;
                    flags[s] |= PG_ACTIVE;
                    pushHead(ACTIVE, s);
                    activations++;
                    nonresidentAge++;
                } else {
                    flags[s] |= PG_REFERENCED;
                    pushHead(INACTIVE, s);
                }
                continue;
            }
            evict(s);
            freed++;
        }
        return freed >= wanted;
    }

    /** Removes a clean, unlocked page, leaving a shadow entry for refault detection. */
    private void evict(int slot) {
        unlink(slot);
        int i = ino[slot];
        long idx = index[slot];
        CachedFile cf = files.get(i);
        if (mapcount[slot] > 0) {
            for (Mapping m : cf.mappings) {
                m.unmapPage(idx);
            }
            mapcount[slot] = 0;
        }
        long k = key(i, idx);
        table.remove(k, -1);
        cf.nrPages--;
        used--;
        evictions++;
        nonresidentAge++;
        shadows.put(k, nonresidentAge);
        long old = shadowRing[shadowPos];
        if (old != Long.MIN_VALUE && old != k) {
            shadows.remove(old, 0);
        }
        shadowRing[shadowPos] = k;
        shadowPos = (shadowPos + 1) % shadowRing.length;
        flags[slot] = 0;
        next[slot] = freeHead;
        freeHead = slot;
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
        long last = Math.min(end, (cf.file.allocated() + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT);
        for (long i = start; i < last && cf.nrPages > 0; i++) {
            int s = find(cf, i);
            if (s >= 0 && (flags[s] & (PG_LOCKED | PG_DIRTY | PG_WRITEBACK)) == 0) {
                evict(s);
                n++;
            }
        }
        if (n > 0) {
            memoryMayBeFree();
        }
        return n;
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
        flags[slot] |= PG_LOCKED;
    }

    /** Unlocks a page and wakes those waiting on it. */
    void unlock(int slot, Bio by) {
        flags[slot] &= ~PG_LOCKED;
        List<Consumer<Bio>> w = pageWaiters.remove(slot);
        if (w != null) {
            for (Consumer<Bio> r : w) {
                r.accept(by);
            }
        }
    }

    // ------------------------------------------------------------------ dirty pages

    /** Marks a page dirty (folio_mark_dirty): counts it and dates the inode if it was clean. */
    void markDirty(int slot, CachedFile cf) {
        int f = flags[slot];
        if ((f & PG_DIRTY) != 0) {
            return;
        }
        flags[slot] = f | PG_DIRTY;
        nrDirty++;
        pagesDirtied++;
        cf.dirty.set((int) index[slot]);
        if (cf.dirtiedWhen < 0) {
            cf.dirtiedWhen = sim.now();
            dirtyInodes.add(cf);
            inodeDirtiedHook.run();
        }
        if (checker != null) {
            checker.dirtied(cf, index[slot]);
        }
        if (nrDirty == backgroundThresh + 1) {
            backgroundHook.run();
        }
    }

    void setUptodate(int slot) {
        flags[slot] |= PG_UPTODATE;
    }

    /** Maps a page into a mapping (a PTE now points to it). */
    void mapped(int slot) {
        mapcount[slot]++;
    }

    /** A PTE to the page went away (munmap). */
    void unmapped(int slot) {
        if (mapcount[slot] > 0) {
            mapcount[slot]--;
        }
    }

    // ------------------------------------------------------------------ page I/O

    /**
     * Reads pages [start, start+n) of {@code cf} that are not cached (page_cache_ra_unbounded):
     * allocates them locked, marks the one at {@code mark} PG_readahead, and submits one bio
     * per contiguous run. Stops early if memory cannot be reclaimed. Returns pages queued.
     */
    int readPages(CachedFile cf, long start, long n, long mark, IoOwner owner, int bioFlags) {
        long eof = (cf.file.size() + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT;
        long end = Math.min(start + n, eof);
        long runStart = -1;
        long runEnd = -1;
        int queued = 0;
        Plug plug = Plug.start(owner); // read_pages plugs around ->readahead
        for (long i = start; i < end; i++) {
            if (find(cf, i) >= 0) {
                if (runStart >= 0) {
                    // An already cached page ends the run: kick off what we have (read_pages).
                    submitRead(cf, runStart, runEnd - runStart, owner, bioFlags);
                    runStart = -1;
                }
                continue;
            }
            int s = addLocked(cf, i);
            if (s < 0) {
                break;
            }
            if (i == mark) {
                flags[s] |= PG_READAHEAD;
            }
            queued++;
            if (runStart < 0) {
                runStart = i;
            }
            runEnd = i + 1;
        }
        if (runStart >= 0) {
            submitRead(cf, runStart, runEnd - runStart, owner, bioFlags);
        }
        Plug.finish(owner, plug);
        return queued;
    }

    /** Reads one locked page outside readahead (filemap_read_folio): no REQ_RAHEAD. */
    void readPage(CachedFile cf, long idx, IoOwner owner) {
        Plug plug = Plug.start(owner);
        submitRead(cf, idx, 1, owner, 0);
        Plug.finish(owner, plug);
    }

    private void submitRead(CachedFile cf, long first, long count, IoOwner owner, int bioFlags) {
        forEachBioRun(cf, first, count, (sector, pageStart, pages) -> {
            PageBio done = new PageBio(cf, pageStart, pages, false);
            bdev.submitBio(new Bio(sector, pages << 3, Op.READ, bioFlags, IoPriority.NONE, owner, done));
        });
    }

    /**
     * Starts writeback of page {@code idx} (clear_page_dirty_for_io + set_page_writeback):
     * returns false if the page is not dirty or already under writeback.
     */
    boolean startWriteback(CachedFile cf, int slot) {
        int f = flags[slot];
        if ((f & PG_DIRTY) == 0 || (f & PG_WRITEBACK) != 0) {
            return false;
        }
        long idx = index[slot];
        flags[slot] = (f & ~PG_DIRTY) | PG_WRITEBACK;
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
     * Writes the given pages (which the caller has moved to writeback with
     * {@link #startWriteback}) as bios of contiguous runs; per page for a raw block device,
     * whose mpage-style writepage submits one bio per page.
     */
    void submitWrites(CachedFile cf, long[] pages, int count, IoOwner owner, int bioFlags) {
        Plug plug = Plug.start(owner); // writepages runs under a plug, so per-page bios merge
        int i = 0;
        boolean perPage = cf.file.isBlockDevice();
        while (i < count) {
            int j = i + 1;
            if (!perPage) {
                while (j < count && pages[j] == pages[j - 1] + 1) {
                    j++;
                }
            }
            long first = pages[i];
            long n = j - i;
            forEachBioRun(cf, first, n, (sector, pageStart, np) -> {
                PageBio done = new PageBio(cf, pageStart, np, true);
                bdev.submitBio(new Bio(sector, np << 3, Op.WRITE, bioFlags, IoPriority.NONE, owner, done));
            });
            i = j;
        }
        Plug.finish(owner, plug);
    }

    @FunctionalInterface
    private interface RunConsumer {
        void accept(long sector, long pageStart, int pages);
    }

    /** Splits file pages [first, first+count) into runs contiguous on the device, <= 256 pages. */
    private void forEachBioRun(CachedFile cf, long first, long count, RunConsumer c) {
        long p = first;
        long end = first + count;
        while (p < end) {
            Extent e = cf.file.extentAt(p << VmSettings.PAGE_SHIFT);
            long extentEndPage = e.fileEnd() >> VmSettings.PAGE_SHIFT;
            int n = (int) Math.min(Math.min(end, extentEndPage) - p, BIO_MAX_PAGES);
            long sector = e.sector() + (((p << VmSettings.PAGE_SHIFT) - e.fileOffset()) >> 9);
            c.accept(sector, p, n);
            p += n;
        }
    }

    /** Completion of a page bio: end_page_read or end_page_writeback for each page. */
    private final class PageBio implements BioEndIo {
        private final CachedFile cf;
        private final long first;
        private final int count;
        private final boolean write;

        PageBio(CachedFile cf, long first, int count, boolean write) {
            this.cf = cf;
            this.first = first;
            this.count = count;
            this.write = write;
        }

        @Override
        public void endIo(Bio bio) {
            for (long i = first; i < first + count; i++) {
                int s = find(cf, i);
                if (write) {
                    endWriteback(cf, s, i);
                } else {
                    pagesRead++;
                    flags[s] |= PG_UPTODATE;
                    unlock(s, bio);
                }
            }
            if (write) {
                wakeWritebackWaiters(cf);
            }
            memoryMayBeFree();
        }
    }

    private void endWriteback(CachedFile cf, int s, long idx) {
        pagesWritten++;
        nrWriteback--;
        cf.writeback.clear((int) idx);
        int f = flags[s] & ~PG_WRITEBACK;
        if ((f & PG_RECLAIM) != 0) {
            // folio_rotate_reclaimable: reclaim wanted it, so put it where reclaim looks first.
            f &= ~PG_RECLAIM;
            if ((f & PG_DIRTY) == 0 && list[s] == INACTIVE) {
                unlink(s);
                pushTail(INACTIVE, s);
            }
        }
        flags[s] = f;
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

    private void wakeWritebackWaiters(CachedFile cf) {
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
        hits = misses = evictions = activations = refaults = refaultActivations = 0;
        pagesRead = pagesWritten = pagesDirtied = reclaimScanned = 0;
    }

    public void registerStats(Stats stats) {
        stats.counter("cache.hits", () -> hits);
        stats.counter("cache.misses", () -> misses);
        stats.gauge("cache.hit_ratio", () -> hits + misses == 0 ? 0 : (double) hits / (hits + misses));
        stats.counter("cache.pages", () -> used);
        stats.counter("cache.capacity_pages", () -> capacity);
        stats.counter("cache.active_pages", () -> lruSize[ACTIVE]);
        stats.counter("cache.inactive_pages", () -> lruSize[INACTIVE]);
        stats.counter("cache.dirty_pages", () -> nrDirty);
        stats.counter("cache.writeback_pages", () -> nrWriteback);
        stats.counter("cache.evictions", () -> evictions);
        stats.counter("cache.activations", () -> activations);
        stats.counter("cache.refaults", () -> refaults);
        stats.counter("cache.refault_activations", () -> refaultActivations);
        stats.counter("cache.pages_read", () -> pagesRead);
        stats.counter("cache.pages_written", () -> pagesWritten);
        stats.counter("cache.pages_dirtied", () -> pagesDirtied);
        stats.counter("cache.reclaim_scanned", () -> reclaimScanned);
        stats.counter("cache.dirty_thresh_pages", () -> dirtyThresh);
        stats.counter("cache.background_thresh_pages", () -> backgroundThresh);
    }

    /** Consistency of the counters with the page states (for --check and tests). */
    List<String> audit() {
        List<String> problems = new ArrayList<>();
        if (used > capacity) {
            problems.add("cache holds " + used + " pages, capacity " + capacity);
        }
        if (lruSize[ACTIVE] + lruSize[INACTIVE] != used) {
            problems.add("LRU lists hold " + (lruSize[ACTIVE] + lruSize[INACTIVE]) + " pages, cache " + used);
        }
        long dirty = 0;
        long wb = 0;
        for (int l = 0; l < 2; l++) {
            for (int s = head[l]; s >= 0; s = next[s]) {
                dirty += (flags[s] & PG_DIRTY) != 0 ? 1 : 0;
                wb += (flags[s] & PG_WRITEBACK) != 0 ? 1 : 0;
            }
        }
        if (dirty != nrDirty) {
            problems.add("dirty pages counted " + nrDirty + ", found " + dirty);
        }
        if (wb != nrWriteback) {
            problems.add("writeback pages counted " + nrWriteback + ", found " + wb);
        }
        return problems;
    }

    /**
     * The run-time invariant checks of {@code --check}: every page dirtied is written back
     * exactly once per dirty period; the cache never exceeds its capacity; reads never see
     * data older than the last completed write (versions per page).
     */
    public final class Checker {
        private final LongLongMap dirtyPeriods = new LongLongMap(1024);
        private long violations;
        private final List<String> messages = new ArrayList<>();
        long periodsOpened;
        long periodsClosed;

        void dirtied(CachedFile cf, long idx) {
            periodsOpened++;
            long k = key(cf.file.ino(), idx);
            dirtyPeriods.put(k, dirtyPeriods.get(k, 0) + 1);
            if (used > capacity) {
                violation("cache over capacity: " + used + " > " + capacity);
            }
        }

        void writebackStarted(CachedFile cf, long idx) {
            long k = key(cf.file.ino(), idx);
            long open = dirtyPeriods.get(k, 0);
            if (open != 1) {
                violation("page " + cf + ":" + idx + " written back with " + open + " open dirty periods");
            }
            dirtyPeriods.remove(k, 0);
        }

        void written(CachedFile cf, long idx) {
            periodsClosed++;
        }

        void violation(String m) {
            violations++;
            if (messages.size() < 20) {
                messages.add(m);
            }
        }

        /** End of run: after a final sync every dirty period must have been written once. */
        public void finish(boolean synced) {
            for (String p : audit()) {
                violation(p);
            }
            if (synced) {
                if (nrDirty != 0 || nrWriteback != 0) {
                    violation("after sync " + nrDirty + " dirty and " + nrWriteback + " writeback pages remain");
                }
                if (periodsOpened != periodsClosed) {
                    violation(periodsOpened + " dirty periods but " + periodsClosed + " page writes");
                }
            }
        }

        public long violations() {
            return violations;
        }

        public List<String> messages() {
            return messages;
        }
    }
}
