package io.stacksim.fs.ext4;

/**
 * The block bitmaps of every group and their free counts (the group descriptors'
 * bg_free_blocks_count). A group's bitmap is made the first time it is looked at, from the
 * static metadata mkfs put there (the kernel's BLOCK_UNINIT groups are the same:
 * ext4_init_block_bitmap computes them), so an untouched group costs one counter.
 *
 * <p>The searches mballoc needs: the free run at a block (mb_find_extent), the first free
 * chunk of 2^order blocks aligned to 2^order in a group (the buddy bitmap's free order,
 * ext4_mb_simple_scan_group), and the first free run of a given length (the bitmap scan of
 * ext4_mb_complex_scan_group).
 */
final class FreeSpace {
    private final Ext4Layout layout;
    private final long[][] bitmaps;
    private final int[] free;
    /** Used ranges outside the per-group formula: [start, end) pairs (journal, mkfs's directories). */
    private final long[] extraUsed;
    private long freeTotal;

    FreeSpace(Ext4Layout layout, long[] extraUsed) {
        this.layout = layout;
        this.extraUsed = extraUsed.clone();
        int groups = layout.groups();
        this.bitmaps = new long[groups][];
        this.free = new int[groups];
        for (int g = 0; g < groups; g++) {
            free[g] = layout.groupBlocks(g) - staticUsed(g);
            freeTotal += free[g];
        }
    }

    /** Blocks of group {@code g} mkfs used: superblock copy, flex tables, the extra ranges. */
    private int staticUsed(int g) {
        long start = layout.firstBlock(g);
        long end = start + layout.groupBlocks(g);
        long used = layout.firstDataBlock(g) - start;
        for (int i = 0; i < extraUsed.length; i += 2) {
            used += Math.max(0, Math.min(end, extraUsed[i + 1]) - Math.max(start, extraUsed[i]));
        }
        // A flex group's tables may run past its first group (never with 4 KiB blocks and 16 groups).
        return (int) Math.min(used, end - start);
    }

    private long[] bitmap(int g) {
        long[] b = bitmaps[g];
        if (b == null) {
            b = new long[(layout.blocksPerGroup() + 63) >>> 6];
            long start = layout.firstBlock(g);
            int n = layout.groupBlocks(g);
            setBits(b, 0, (int) (layout.firstDataBlock(g) - start));
            for (int i = 0; i < extraUsed.length; i += 2) {
                long s = Math.max(start, extraUsed[i]);
                long e = Math.min(start + n, extraUsed[i + 1]);
                if (s < e) {
                    setBits(b, (int) (s - start), (int) (e - s));
                }
            }
            // Blocks past the end of a short last group never exist.
            setBits(b, n, layout.blocksPerGroup() - n);
            bitmaps[g] = b;
        }
        return b;
    }

    private static void setBits(long[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            b[i >>> 6] |= 1L << i;
        }
    }

    private static void clearBits(long[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            b[i >>> 6] &= ~(1L << i);
        }
    }

    boolean isFree(long block) {
        int g = layout.groupOf(block);
        int off = (int) (block - layout.firstBlock(g));
        return (bitmap(g)[off >>> 6] & (1L << off)) == 0;
    }

    int freeInGroup(int g) {
        return free[g];
    }

    long freeTotal() {
        return freeTotal;
    }

    /** Marks [start, start+len) used; the range lies in one group and is free. */
    void markUsed(long start, int len) {
        int g = layout.groupOf(start);
        setBits(bitmap(g), (int) (start - layout.firstBlock(g)), len);
        free[g] -= len;
        freeTotal -= len;
    }

    /** Marks [start, start+len) free again (ext4_free_blocks); the range lies in one group. */
    void markFree(long start, int len) {
        int g = layout.groupOf(start);
        clearBits(bitmap(g), (int) (start - layout.firstBlock(g)), len);
        free[g] += len;
        freeTotal += len;
    }

    /**
     * mb_find_extent: the length of the free run starting at {@code block}, at most {@code max}
     * and not past its group; 0 if the block is used.
     */
    int freeRunAt(long block, int max) {
        int g = layout.groupOf(block);
        long[] b = bitmap(g);
        int off = (int) (block - layout.firstBlock(g));
        int end = Math.min(layout.blocksPerGroup(), off + max);
        int i = off;
        while (i < end && (b[i >>> 6] & (1L << i)) == 0) {
            i++;
        }
        return i - off;
    }

    /**
     * The first free, 2^order-aligned chunk of 2^order blocks in group {@code g} at or after
     * group offset {@code from}, as a group offset; -1 if none (the buddy's free list of that order).
     */
    int alignedChunk(int g, int order, int from) {
        if (free[g] < (1 << order)) {
            return -1;
        }
        long[] b = bitmap(g);
        int size = 1 << order;
        int bpg = layout.blocksPerGroup();
        for (int off = (from + size - 1) & ~(size - 1); off + size <= bpg; off += size) {
            if (rangeFree(b, off, size)) {
                return off;
            }
        }
        return -1;
    }

    /**
     * The first free run of at least {@code len} blocks in group {@code g} (as a group offset),
     * or, with {@code best}, the longest run if none is that long; -1 if the group is full.
     * Writes the run's length to {@code runLen[0]}.
     */
    int firstFit(int g, int len, boolean best, int[] runLen) {
        if (free[g] == 0) {
            return -1;
        }
        long[] b = bitmap(g);
        int bpg = layout.blocksPerGroup();
        int bestOff = -1;
        int bestLen = 0;
        int i = 0;
        while (i < bpg) {
            int s = nextClear(b, i, bpg);
            if (s >= bpg) {
                break;
            }
            int e = nextSet(b, s, bpg);
            int run = e - s;
            if (run >= len) {
                runLen[0] = run;
                return s;
            }
            if (run > bestLen) {
                bestLen = run;
                bestOff = s;
            }
            i = e;
        }
        if (best && bestOff >= 0) {
            runLen[0] = bestLen;
            return bestOff;
        }
        return -1;
    }

    private static boolean rangeFree(long[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if ((i & 63) == 0 && end - i >= 64) {
                if (b[i >>> 6] != 0) {
                    return false;
                }
                i += 64;
            } else {
                if ((b[i >>> 6] & (1L << i)) != 0) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static int nextClear(long[] b, int from, int limit) {
        int w = from >>> 6;
        if (w >= b.length) {
            return limit;
        }
        long word = ~b[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return Math.min(limit, (w << 6) + Long.numberOfTrailingZeros(word));
            }
            if (++w >= b.length) {
                return limit;
            }
            word = ~b[w];
        }
    }

    private static int nextSet(long[] b, int from, int limit) {
        int w = from >>> 6;
        if (w >= b.length) {
            return limit;
        }
        long word = b[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return Math.min(limit, (w << 6) + Long.numberOfTrailingZeros(word));
            }
            if (++w >= b.length) {
                return limit;
            }
            word = b[w];
        }
    }
}
