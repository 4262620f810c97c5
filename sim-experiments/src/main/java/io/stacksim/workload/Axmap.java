package io.stacksim.workload;

import java.util.Arrays;

/**
 * fio's random map (lib/axmap.c): a set of block numbers 0 .. n-1 kept as a bitmap of bitmaps.
 * Level 0 has a bit per block; a set bit at level i+1 says the 64-bit word under it at level i is
 * full. Looking for the next free block therefore skips 64^i full blocks with one word test at
 * level i (axmap_find_first_free walks from the top), which keeps a nearly full pass as cheap
 * as an empty one; a plain bitmap scans every full word.
 *
 * <p>The semantics are fio's: {@link #setNr} sets a run of bits up to the first one already
 * set (axmap_set_nr, which mark_random_map uses to cut an I/O short), {@link #nextFree} is
 * axmap_next_free (the next free bit after a used one, wrapping to 0 at the end).
 */
final class Axmap {
    private static final int SHIFT = 6; // UNIT_SHIFT for BITS_PER_LONG == 64
    private static final int MASK = 63;

    private final long nrBits;
    private final long[][] levels;

    /** axmap_new: a set for 0 .. nrBits-1; log64(nrBits) levels. */
    Axmap(long nrBits) {
        if (nrBits <= 0) {
            throw new IllegalArgumentException("axmap of " + nrBits + " bits");
        }
        this.nrBits = nrBits;
        int n = 1;
        long words = (nrBits + MASK) >>> SHIFT;
        while (words > 1) {
            words = (words + MASK) >>> SHIFT;
            n++;
        }
        levels = new long[n][];
        long bits = nrBits;
        for (int i = 0; i < n; i++) {
            bits = (bits + MASK) >>> SHIFT;
            if (bits > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("random map over " + nrBits + " blocks: use norandommap");
            }
            levels[i] = new long[(int) bits];
        }
    }

    long size() {
        return nrBits;
    }

    /** axmap_reset: every block free. */
    void reset() {
        for (long[] l : levels) {
            Arrays.fill(l, 0L);
        }
    }

    /** axmap_isset: level 0's bit (the upper levels only summarise it). */
    boolean isSet(long bit) {
        if (bit >= nrBits || bit < 0) {
            return false;
        }
        return (levels[0][(int) (bit >>> SHIFT)] & (1L << (bit & MASK))) != 0;
    }

    /**
     * axmap_set_nr: sets up to {@code nr} bits from {@code bit}, stopping at the first bit already
     * set or at the end of the map; returns how many were set.
     */
    long setNr(long bit, long nr) {
        long set = 0;
        while (nr > 0 && bit < nrBits) {
            int inWord = (int) (bit & MASK);
            int n = (int) Math.min(Math.min(nr, 64 - inWord), nrBits - bit);
            long mask = (n == 64 ? -1L : (1L << n) - 1) << inWord;
            long[] l0 = levels[0];
            int w = (int) (bit >>> SHIFT);
            long overlap = l0[w] & mask;
            if (overlap != 0) {
                // only the contiguous free run before the first set bit (axmap_set_fn)
                n = Long.numberOfTrailingZeros(overlap) - inWord;
                if (n == 0) {
                    break;
                }
                mask = ((1L << n) - 1) << inWord;
            }
            l0[w] |= mask;
            set += n;
            if (l0[w] == -1L) {
                markFull(w);
            }
            if (overlap != 0) {
                break;
            }
            nr -= n;
            bit += n;
        }
        return set;
    }

    /** A full word at level 0: its bit at level 1 is set, and so on while words fill up. */
    private void markFull(long index) {
        for (int i = 1; i < levels.length; i++) {
            long[] l = levels[i];
            int w = (int) (index >>> SHIFT);
            l[w] |= 1L << (index & MASK);
            if (l[w] != -1L) {
                return;
            }
            index = w;
        }
    }

    /**
     * axmap_next_free: {@code bit} is set; the first free bit after it, wrapping round to the start
     * of the map; -1 when none is free.
     */
    long nextFree(long bit) {
        if (bit >= nrBits) {
            return -1;
        }
        long next = bit + 1;
        if (next == nrBits) {
            next = 0;
        }
        int w = (int) (next >>> SHIFT);
        long temp = ~levels[0][w] & (-1L << (next & MASK));
        long ret;
        if (temp != 0) {
            ret = ((long) w << SHIFT) + Long.numberOfTrailingZeros(temp);
            if (ret >= nrBits) {
                ret = -1;
            }
        } else {
            ret = firstFree(next);
        }
        if (ret == -1 && next != 0) {
            ret = firstFree(0);
        }
        return ret;
    }

    /** axmap_find_first_free: the first free bit at or after {@code bit}, top level down; -1 if none. */
    long firstFree(long bit) {
        long index = 0;
        for (int i = levels.length - 1; i >= 0; i--) {
            long[] l = levels[i];
            index <<= SHIFT;
            long base = bit >>> (SHIFT * i);
            if (index < base) {
                index = base;
            }
            long offset = index >>> SHIFT;
            if (offset >= l.length) {
                return -1;
            }
            long temp = ~l[(int) offset] & (-1L << (index & MASK));
            while (temp == 0) {
                if (++offset >= l.length) {
                    return -1;
                }
                temp = ~l[(int) offset];
            }
            index = (offset << SHIFT) + Long.numberOfTrailingZeros(temp);
        }
        return index >= nrBits ? -1 : index;
    }
}
