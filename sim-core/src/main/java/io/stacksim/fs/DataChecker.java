package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.DataShadow;
import io.stacksim.engine.Invariants;
import io.stacksim.engine.LongLongMap;
import io.stacksim.engine.Simulator;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * --check's data rules, on versions per 4 KiB page rather than bytes. Every write a task makes
 * (a buffered write's write_end, a page_mkwrite, a direct write's bios) gets a new version; the
 * page cache's pages, the bios ({@link DataShadow}) and each device ({@code MediaShadow}) carry
 * versions, never data.
 *
 * <ul>
 *   <li>{@code fs.no-stale-read}: a read returns, for every page, at least the version of the
 *       latest write that had completed when the read began (a buffered write once its data is in
 *       the page cache, a direct write once its bios ended): from the page cache on a hit, else
 *       from what the device holds, which for a direct read follows the kernel's
 *       filemap_write_and_wait_range of the dirty cached range before the bios go out.</li>
 *   <li>{@code fs.sync-on-stable-media}: once fsync, fdatasync, an O_SYNC/O_DSYNC write (buffered
 *       or direct), msync(MS_SYNC) or sync(2) returns, every page it covers that was written
 *       before it began is on stable media at least at that version on every copy (each md and
 *       dm member): written to a device without a volatile cache, with FUA to one that honours
 *       it, or followed by a flush the device completed.</li>
 * </ul>
 * Pages this run never wrote are not checked (a raw file's blocks hold whatever was there), nor
 * is a page a direct write covered only in part, nor a block a device cannot tell (RAID-5).
 */
public final class DataChecker {
    private final Simulator sim;
    private final Invariants.Rule noStaleRead;
    private final Invariants.Rule stable;
    private long versions;
    /** (ino, page) -> the version of the latest completed write (absent: never written). */
    private final LongLongMap latest = new LongLongMap(1024);
    /** (ino, page) -> the version the cached page holds. */
    private final LongLongMap cached = new LongLongMap(1024);
    /** ino -> pages written and not yet seen on stable media. */
    private final Map<Integer, BitSet> unsynced = new HashMap<>();
    private final Map<Integer, SimFile> files = new HashMap<>();

    DataChecker(Simulator sim, Invariants inv) {
        this.sim = sim;
        this.noStaleRead = inv.rule("fs.no-stale-read",
                "a read returns at least the latest completed write of each page: the cached page, or the device's"
                        + " block (after filemap_write_and_wait_range for O_DIRECT)");
        this.stable = inv.rule("fs.sync-on-stable-media",
                "when fsync, fdatasync, O_SYNC/O_DSYNC writes, msync or sync return, what they cover is on stable media"
                        + " on every copy: no volatile cache, FUA, or written then a completed flush (md/dm members too)");
    }

    private static long key(SimFile f, long idx) {
        return PageCache.key(f.ino(), idx);
    }

    private String now() {
        return String.format(Locale.ROOT, "at %.6f s", sim.now() / 1e9);
    }

    private void wrote(SimFile f, long idx, long v) {
        long k = key(f, idx);
        latest.put(k, v);
        unsynced.computeIfAbsent(f.ino(), i -> new BitSet()).set((int) Math.min(idx, Integer.MAX_VALUE));
        files.putIfAbsent(f.ino(), f);
    }

    // ------------------------------------------------------------------ the page cache

    /** write_end of a buffered write (or page_mkwrite of a shared mapping) to page {@code idx}: new data in the cache. */
    void pageWritten(SimFile f, long idx) {
        long v = ++versions;
        cached.put(key(f, idx), v);
        wrote(f, idx, v);
    }

    /** A page became uptodate without I/O (a hole or an unwritten extent): zeros. */
    void pageZeroed(SimFile f, long idx) {
        cached.put(key(f, idx), 0);
        long want = latest.get(key(f, idx), 0);
        if (want > 0) {
            noStaleRead.fail(now() + ": page " + idx + " of " + f + " read as a hole, but version " + want
                    + " had been written to it");
        }
    }

    /** A buffered read copies cached page {@code idx} to the user: it must hold the latest completed write. */
    void readHit(SimFile f, long idx) {
        long want = latest.get(key(f, idx), 0);
        if (want <= 0) {
            return;
        }
        long got = cached.get(key(f, idx), DataShadow.UNKNOWN);
        if (got == DataShadow.UNKNOWN) {
            return;
        }
        if (got >= want) {
            noStaleRead.ok();
        } else {
            noStaleRead.fail(now() + ": a read of page " + idx + " of " + f + " from the page cache got version " + got
                    + ", the latest completed write is version " + want);
        }
    }

    /** The versions a read must see: the latest completed writes of pages [first, first+n) as it starts. */
    long[] expected(SimFile f, long first, int n) {
        long[] want = new long[n];
        for (int i = 0; i < n; i++) {
            want[i] = latest.get(key(f, first + i), 0);
        }
        return want;
    }

    /** A read into the page cache ended: the pages hold what the device gave, which must not be stale. */
    void pagesRead(SimFile f, long first, int n, Bio bio, long[] want) {
        DataShadow sh = bio.shadow;
        if (sh == null || bio.error != 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            long got = sh.version(i);
            boolean fresh = check(f, first + i, got, want[i], bio.sector + 8L * i, "the page cache");
            // a page found stale here is reported once, not again at every hit on it
            cached.put(key(f, first + i), fresh ? got : DataShadow.UNKNOWN);
        }
    }

    /** Checks one page read from the device; false if it was stale. */
    private boolean check(SimFile f, long idx, long got, long want, long sector, String into) {
        if (want <= 0 || got == DataShadow.UNKNOWN) {
            return true;
        }
        if (got >= want) {
            noStaleRead.ok();
            return true;
        }
        noStaleRead.fail(now() + ": a read of page " + idx + " of " + f + " into " + into + " from " + f.bdev().name()
                + " sector " + sector + " got version " + got + ", the latest completed write is version " + want);
        return false;
    }

    /** The shadow of a writeback bio of cached pages [first, first+n): the versions the pages hold. */
    DataShadow writeShadow(SimFile f, long first, int n, long sector) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = cached.get(key(f, first + i), DataShadow.UNKNOWN);
        }
        return DataShadow.write(sector, v);
    }

    // ------------------------------------------------------------------ direct I/O

    /** A direct write of [offset, offset+len) is about to submit its bios: the version they carry. */
    long directWriteVersion() {
        return ++versions;
    }

    /** The shadow of one bio of a direct write of {@code version} at {@code sector} + {@code nrSectors}. */
    static DataShadow directWriteShadow(long sector, int nrSectors, long version) {
        long[] v = new long[DataShadow.blocks(sector, nrSectors)];
        java.util.Arrays.fill(v, version);
        return DataShadow.write(sector, v);
    }

    /** A direct write of [offset, offset+len) with {@code version} completed: it is the pages' latest data. */
    void directWriteDone(SimFile f, long offset, long len, long version) {
        long first = offset >> VmSettings.PAGE_SHIFT;
        long end = (offset + len + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT;
        for (long i = first; i < end; i++) {
            boolean whole = (i << VmSettings.PAGE_SHIFT) >= offset && ((i + 1) << VmSettings.PAGE_SHIFT) <= offset + len;
            wrote(f, i, whole ? version : DataShadow.UNKNOWN);
        }
    }

    /**
     * A discard of bytes [offset, offset+len) of block device file {@code f} (BLKDISCARD)
     * completed: what the pages hold now is the device's rule for deallocated blocks, zeroes
     * for every device here that takes discards (NVMe DLFEAT 001b, ATA RZAT, brd, loop), so a
     * page the discard covers whole has the zeroes of a page never written (version 0) and one it
     * covers in part is unknown. A later read must return at least that, and any write after it
     * again its own version.
     */
    public void discarded(SimFile f, long offset, long len) {
        long first = offset >> VmSettings.PAGE_SHIFT;
        long end = (offset + len + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT;
        for (long i = first; i < end; i++) {
            boolean whole = (i << VmSettings.PAGE_SHIFT) >= offset && ((i + 1) << VmSettings.PAGE_SHIFT) <= offset + len;
            long k = key(f, i);
            latest.put(k, whole ? 0 : DataShadow.UNKNOWN);
            cached.remove(k, 0);
        }
    }

    /** A direct read's bio ended: each whole page it read must not be stale. */
    void directReadEnded(SimFile f, long fileOffset, Bio bio, long[] want, long wantFirst) {
        DataShadow sh = bio.shadow;
        if (sh == null || bio.error != 0) {
            return;
        }
        long first = (fileOffset + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT;
        long end = (fileOffset + bio.bytes()) >> VmSettings.PAGE_SHIFT;
        for (long i = first; i < end; i++) {
            long sector = bio.sector + (((i << VmSettings.PAGE_SHIFT) - fileOffset) >> 9);
            int block = (int) ((sector >> 3) - (bio.sector >> 3));
            check(f, i, sh.version(block), want[(int) (i - wantFirst)], sector, "a user buffer (O_DIRECT)");
        }
    }

    // ------------------------------------------------------------------ syncs

    /** What a sync must find on stable media when it returns: the pages it covers and their versions as it began. */
    public record SyncMark(SimFile file, long[] pages, long[] versions, String what) {
    }

    /** A sync of pages [first, last) of {@code f} begins. */
    SyncMark syncStarted(SimFile f, long first, long last, String what) {
        BitSet b = unsynced.get(f.ino());
        if (b == null || b.isEmpty()) {
            return new SyncMark(f, new long[0], new long[0], what);
        }
        int lo = (int) Math.min(first, Integer.MAX_VALUE);
        int hi = (int) Math.min(last, Integer.MAX_VALUE);
        int n = 0;
        for (int i = b.nextSetBit(lo); i >= 0 && i < hi; i = b.nextSetBit(i + 1)) {
            n++;
        }
        long[] pages = new long[n];
        long[] vs = new long[n];
        n = 0;
        for (int i = b.nextSetBit(lo); i >= 0 && i < hi; i = b.nextSetBit(i + 1)) {
            pages[n] = i;
            vs[n++] = latest.get(key(f, i), 0);
        }
        return new SyncMark(f, pages, vs, what);
    }

    /** The sync of {@code m} returns: every page it covers must be on stable media at its version or later. */
    void syncReturned(SyncMark m) {
        SimFile f = m.file();
        BitSet b = unsynced.get(f.ino());
        BlockTarget bdev = f.bdev();
        for (int i = 0; i < m.pages().length; i++) {
            long idx = m.pages()[i];
            long want = m.versions()[i];
            if (want <= 0) {
                clearIfLatest(b, f, idx, want);
                continue;
            }
            Extent e = f.mappedAt(idx << VmSettings.PAGE_SHIFT);
            if (e == null || e.unwritten()) {
                stable.fail(now() + ": " + m.what() + " of " + f + " returned with page " + idx
                        + " (version " + want + ") not on the device at all (no block mapped)");
                clearIfLatest(b, f, idx, want);
                continue;
            }
            long sector = e.sector() + (((idx << VmSettings.PAGE_SHIFT) - e.fileOffset()) >> 9);
            long got = bdev.stableVersion(sector);
            if (got == DataShadow.UNKNOWN) {
                continue;
            }
            if (got >= want) {
                stable.ok();
            } else {
                stable.fail(now() + ": " + m.what() + " of " + f + " returned with page " + idx + " (" + bdev.name()
                        + " sector " + sector + ") on stable media at version " + got + ", not " + want
                        + (bdev.unstableCopies(sector, want).isEmpty() ? "" : " (" + bdev.unstableCopies(sector, want) + ")"));
            }
            clearIfLatest(b, f, idx, want);
        }
    }

    private void clearIfLatest(BitSet b, SimFile f, long idx, long v) {
        if (b != null && latest.get(key(f, idx), 0) == v) {
            b.clear((int) idx);
        }
    }

    /** sync(2) / syncfs(2) begins: every file with writes not yet seen stable. */
    java.util.List<SyncMark> syncAllStarted() {
        java.util.List<SyncMark> marks = new java.util.ArrayList<>();
        java.util.List<Integer> inos = new java.util.ArrayList<>(unsynced.keySet());
        java.util.Collections.sort(inos);
        for (int ino : inos) {
            marks.add(syncStarted(files.get(ino), 0, Long.MAX_VALUE, "sync"));
        }
        return marks;
    }
}
