package io.stacksim.fs;

import static io.stacksim.fs.Folios.PG_DIRTY;
import static io.stacksim.fs.Folios.PG_WRITEBACK;

import java.util.ArrayList;
import java.util.List;

/**
 * The run-time invariant checks of {@code --check}: every page dirtied is written back exactly
 * once per dirty period; the cache never exceeds its capacity; the counters agree with the
 * page states on the LRU lists.
 */
public final class PageCacheChecker {
    private final PageCache cache;
    private final LongLongMap dirtyPeriods = new LongLongMap(1024);
    private long violations;
    private final List<String> messages = new ArrayList<>();
    long periodsOpened;
    long periodsClosed;

    PageCacheChecker(PageCache cache) {
        this.cache = cache;
    }

    void dirtied(CachedFile cf, long idx) {
        periodsOpened++;
        long k = PageCache.key(cf.file.ino(), idx);
        dirtyPeriods.put(k, dirtyPeriods.get(k, 0) + 1);
        if (cache.pages() > cache.capacity()) {
            violation("cache over capacity: " + cache.pages() + " > " + cache.capacity());
        }
    }

    void writebackStarted(CachedFile cf, long idx) {
        long k = PageCache.key(cf.file.ino(), idx);
        long open = dirtyPeriods.get(k, 0);
        if (open != 1) {
            violation("page " + cf + ":" + idx + " written back with " + open + " open dirty periods");
        }
        dirtyPeriods.remove(k, 0);
    }

    void written(CachedFile cf, long idx) {
        periodsClosed++;
    }

    /** A dirty page cleaned without being written (its data was discarded: bforget). */
    void cancelled(CachedFile cf, long idx) {
        dirtyPeriods.remove(PageCache.key(cf.file.ino(), idx), 0);
        periodsClosed++;
    }

    void violation(String m) {
        violations++;
        if (messages.size() < 20) {
            messages.add(m);
        }
    }

    /** Consistency of the counters with the page states (for --check and tests). */
    List<String> audit() {
        List<String> problems = new ArrayList<>();
        int used = cache.pages();
        FileLru lru = cache.lru;
        if (used > cache.capacity()) {
            problems.add("cache holds " + used + " pages, capacity " + cache.capacity());
        }
        if (lru.size(FileLru.ACTIVE) + lru.size(FileLru.INACTIVE) != used) {
            problems.add("LRU lists hold " + (lru.size(FileLru.ACTIVE) + lru.size(FileLru.INACTIVE))
                    + " pages, cache " + used);
        }
        long dirty = 0;
        long wb = 0;
        int[] flags = cache.pages.flags;
        for (int l = 0; l < 2; l++) {
            for (int s = lru.head(l); s >= 0; s = lru.next(s)) {
                dirty += (flags[s] & PG_DIRTY) != 0 ? 1 : 0;
                wb += (flags[s] & PG_WRITEBACK) != 0 ? 1 : 0;
            }
        }
        if (dirty != cache.nrDirty()) {
            problems.add("dirty pages counted " + cache.nrDirty() + ", found " + dirty);
        }
        if (wb != cache.nrWriteback()) {
            problems.add("writeback pages counted " + cache.nrWriteback() + ", found " + wb);
        }
        return problems;
    }

    /** End of run: after a final sync every dirty period must have been written once. */
    public void finish(boolean synced) {
        for (String p : audit()) {
            violation(p);
        }
        if (synced) {
            if (cache.nrDirty() != 0 || cache.nrWriteback() != 0) {
                violation("after sync " + cache.nrDirty() + " dirty and " + cache.nrWriteback() + " writeback pages remain");
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
