package io.stacksim.fs;

import io.stacksim.engine.LongLongMap;

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
    /** The run's rules when --check is on (null for a checker a test made alone). */
    private final io.stacksim.engine.Invariants.Rule capacityRule;
    private final io.stacksim.engine.Invariants.Rule writebackOnce;
    private final io.stacksim.engine.Invariants.Rule noDirtyLost;
    private final io.stacksim.engine.Invariants.Rule counters;
    private final io.stacksim.engine.Invariants.Rule durable;
    /** When each page's latest writeback ended (for the durability rule; kept only under --check). */
    private final LongLongMap lastWritten = new LongLongMap(1024);

    PageCacheChecker(PageCache cache, io.stacksim.engine.Invariants inv) {
        this.cache = cache;
        this.capacityRule = inv == null ? null : inv.rule("page-cache.capacity",
                "the page cache never holds more pages than its capacity");
        this.writebackOnce = inv == null ? null : inv.rule("page-cache.writeback-once",
                "a page dirtied is written back once per dirty period (no write lost, none doubled)");
        this.noDirtyLost = inv == null ? null : inv.rule("page-cache.no-dirty-lost",
                "after a final sync no page is dirty or under writeback, and every dirty period was written");
        this.counters = inv == null ? null : inv.rule("page-cache.counters",
                "the dirty, writeback and LRU counters agree with the pages' states");
        this.durable = inv == null ? null : inv.rule("fs.sync-durable",
                "fsync and O_SYNC writes return only once the pages dirty when they began were written,"
                        + " and a cache flush dispatched after those writes (volatile write cache) completed");
    }

    private void record(io.stacksim.engine.Invariants.Rule r, boolean holds, String message) {
        if (holds) {
            if (r != null) {
                r.ok();
            }
            return;
        }
        violations++;
        if (messages.size() < 20) {
            messages.add(message);
        }
        if (r != null) {
            r.fail(message);
        }
    }

    void dirtied(CachedFile cf, long idx) {
        periodsOpened++;
        long k = PageCache.key(cf.file.ino(), idx);
        dirtyPeriods.put(k, dirtyPeriods.get(k, 0) + 1);
        boolean within = cache.pages() <= cache.capacity();
        record(capacityRule, within, within ? null : "cache over capacity: " + cache.pages() + " > " + cache.capacity());
    }

    void writebackStarted(CachedFile cf, long idx) {
        long k = PageCache.key(cf.file.ino(), idx);
        long open = dirtyPeriods.get(k, 0);
        record(writebackOnce, open == 1, open == 1 ? null
                : "page " + cf + ":" + idx + " written back with " + open + " open dirty periods");
        dirtyPeriods.remove(k, 0);
    }

    void written(CachedFile cf, long idx) {
        periodsClosed++;
        if (durable != null) {
            lastWritten.put(PageCache.key(cf.file.ino(), idx), cache.now());
        }
    }

    /** What an fsync or O_SYNC write must have made durable when it returns. */
    public record SyncMark(CachedFile file, java.util.BitSet pages, long startNs, String what) {
    }

    /**
     * An fsync (or the write-back of an O_SYNC write) of pages [first, last) of {@code cf}
     * begins: the pages dirty or under writeback now are the ones it must make durable. Null
     * when --check is off.
     */
    public SyncMark syncStarted(CachedFile cf, long first, long last, String what) {
        if (durable == null) {
            return null;
        }
        java.util.BitSet p = (java.util.BitSet) cf.dirty.clone();
        p.or(cf.writeback);
        int lo = (int) Math.min(first, Integer.MAX_VALUE);
        int hi = (int) Math.min(last, Integer.MAX_VALUE);
        if (lo > 0) {
            p.clear(0, lo);
        }
        if (hi < Integer.MAX_VALUE) {
            p.clear(hi, Integer.MAX_VALUE);
        }
        return new SyncMark(cf, p, cache.now(), what);
    }

    /** The sync of {@code m} returns to its caller: were its pages written, then flushed? */
    public void syncReturned(SyncMark m, io.stacksim.block.BlockTarget bdev) {
        if (m == null) {
            return;
        }
        long latest = Long.MIN_VALUE;
        for (int i = m.pages().nextSetBit(0); i >= 0; i = m.pages().nextSetBit(i + 1)) {
            long w = lastWritten.get(PageCache.key(m.file().file.ino(), i), -1);
            if (w < m.startNs()) {
                record(durable, false, m.what() + " of " + m.file() + " returned with page " + i
                        + " not written since it began");
                return;
            }
            latest = Math.max(latest, w);
        }
        long flushed = bdev.durableBeforeNs();
        boolean ok = latest == Long.MIN_VALUE || flushed >= latest;
        record(durable, ok, ok ? null : m.what() + " of " + m.file() + " returned with data written at " + latest
                + " ns but the last completed cache flush dispatched at " + flushed + " ns");
    }

    /** A dirty page cleaned without being written (its data was discarded: bforget). */
    void cancelled(CachedFile cf, long idx) {
        dirtyPeriods.remove(PageCache.key(cf.file.ino(), idx), 0);
        periodsClosed++;
    }

    void violation(String m) {
        record(counters, false, m);
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
        List<String> audit = audit();
        for (String p : audit) {
            violation(p);
        }
        if (audit.isEmpty()) {
            record(counters, true, null);
        }
        if (synced) {
            boolean clean = cache.nrDirty() == 0 && cache.nrWriteback() == 0;
            record(noDirtyLost, clean, clean ? null
                    : "after sync " + cache.nrDirty() + " dirty and " + cache.nrWriteback() + " writeback pages remain");
            record(noDirtyLost, periodsOpened == periodsClosed, periodsOpened == periodsClosed ? null
                    : periodsOpened + " dirty periods but " + periodsClosed + " page writes");
        }
    }

    public long violations() {
        return violations;
    }

    public List<String> messages() {
        return messages;
    }
}
