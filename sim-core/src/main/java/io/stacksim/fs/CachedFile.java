package io.stacksim.fs;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The page-cache side of one inode (its address_space): which pages are dirty or under
 * writeback (as sorted bit sets, so writeback can walk them in offset order), when the inode
 * was first dirtied (dirtied_when, for dirty_expire), and the tasks waiting for its writeback.
 */
public final class CachedFile {
    final SimFile file;
    final BitSet dirty = new BitSet();
    final BitSet writeback = new BitSet();
    int nrPages;
    long dirtiedWhen = -1;
    /** Waiters for writeback of a page range to finish: {start, end, continuation}. */
    final List<RangeWaiter> writebackWaiters = new ArrayList<>(1);
    /** mmap regions of this file, for reverse mapping on eviction and write-protection. */
    final List<Mapping> mappings = new ArrayList<>(1);

    CachedFile(SimFile file) {
        this.file = file;
    }

    public SimFile file() {
        return file;
    }

    public int nrPages() {
        return nrPages;
    }

    public int nrDirty() {
        return dirty.cardinality();
    }

    public boolean hasDirty() {
        return !dirty.isEmpty();
    }

    /** True when a page in [start, end) is under writeback. */
    boolean writebackInRange(long start, long end) {
        int i = writeback.nextSetBit((int) Math.min(start, Integer.MAX_VALUE));
        return i >= 0 && i < end;
    }

    /** A task waiting until no page of [start, end) is under writeback. */
    record RangeWaiter(long start, long end, Runnable then) {
    }

    @Override
    public String toString() {
        return file.name();
    }
}
