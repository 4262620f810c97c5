package io.stacksim.engine;

import java.util.Arrays;

/**
 * An open-addressing hash map from long to long (linear probing, backward-shift deletion),
 * for the page cache's index and --check's per-block versions: millions of keys without an object per entry.
 * None of the project's libraries offers a primitive map; this one is small and tested.
 */
public final class LongLongMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private long[] values;
    private int size;
    private int mask;
    private int resizeAt;

    public LongLongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        alloc(cap);
    }

    private void alloc(int cap) {
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
        resizeAt = cap / 4 * 3;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    public int size() {
        return size;
    }

    /** The value for {@code key}, or {@code missing}. */
    public long get(long key, long missing) {
        long[] ks = keys;
        int i = hash(key) & mask;
        while (true) {
            long k = ks[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return missing;
            }
            i = (i + 1) & mask;
        }
    }

    public void put(long key, long value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("reserved key");
        }
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                if (++size > resizeAt) {
                    rehash();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Removes {@code key}; returns its value or {@code missing}. */
    public long remove(long key, long missing) {
        long[] ks = keys;
        int i = hash(key) & mask;
        while (true) {
            long k = ks[i];
            if (k == EMPTY) {
                return missing;
            }
            if (k == key) {
                long v = values[i];
                shiftBack(i);
                size--;
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    /** Backward-shift deletion: pulls later entries of the probe run into the gap. */
    private void shiftBack(int gap) {
        long[] ks = keys;
        int i = gap;
        while (true) {
            i = (i + 1) & mask;
            long k = ks[i];
            if (k == EMPTY) {
                break;
            }
            int home = hash(k) & mask;
            // Move k into the gap if its home is not in (gap, i] cyclically.
            boolean movable = gap <= i ? (home <= gap || home > i) : (home <= gap && home > i);
            if (movable) {
                ks[gap] = k;
                values[gap] = values[i];
                gap = i;
            }
        }
        ks[gap] = EMPTY;
    }

    private void rehash() {
        long[] oldK = keys;
        long[] oldV = values;
        alloc(oldK.length * 2);
        size = 0;
        for (int i = 0; i < oldK.length; i++) {
            if (oldK[i] != EMPTY) {
                put(oldK[i], oldV[i]);
            }
        }
    }
}
