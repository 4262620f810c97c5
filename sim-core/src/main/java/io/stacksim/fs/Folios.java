package io.stacksim.fs;

import java.util.Arrays;

/**
 * The page frames of the page cache: one slot per cached page holding the fields of its
 * {@code struct folio} that the cache, the LRU and reclaim use (the file and index, the PG_*
 * flags, the LRU links, the map count), as parallel primitive arrays, so millions of pages cost
 * no objects. Slots are taken from a free list and grow up to the cache's capacity.
 */
final class Folios {
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

    /** The most slots there can be. */
    final int capacity;
    /** folio->mapping->host: the inode number. */
    int[] ino;
    /** folio->index. */
    long[] index;
    /** folio->flags. */
    int[] flags;
    /** folio->lru: links on an LRU list (next also chains free slots). */
    int[] prev;
    int[] next;
    /** folio->_mapcount: PTEs mapping the page. */
    short[] mapcount;
    /** The LRU list the page is on ({@link FileLru#INACTIVE}, {@link FileLru#ACTIVE} or none). */
    byte[] list;
    /**
     * folio_order of the folio the page belongs to: the folio is the 2^order pages from
     * {@code index & ~(2^order - 1)}. Pages keep their own slots (the LRU and reclaim work per
     * page); the order shapes the I/O: one bio_vec, and physical segments, per folio.
     */
    byte[] order;
    private int allocated;
    private int freeHead = -1;

    Folios(int capacity) {
        this.capacity = capacity;
        int initial = Math.min(capacity, 1 << 14);
        ino = new int[initial];
        index = new long[initial];
        flags = new int[initial];
        prev = new int[initial];
        next = new int[initial];
        mapcount = new short[initial];
        list = new byte[initial];
        order = new byte[initial];
    }

    /** A free slot, growing the arrays when every slot has been used once. */
    int alloc() {
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
            order = Arrays.copyOf(order, cap);
        }
        return allocated++;
    }

    /** Gives {@code slot} back (its flags cleared). */
    void free(int slot) {
        flags[slot] = 0;
        order[slot] = 0;
        next[slot] = freeHead;
        freeHead = slot;
    }
}
