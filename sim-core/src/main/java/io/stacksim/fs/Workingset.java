package io.stacksim.fs;

import io.stacksim.engine.LongLongMap;

import java.util.Arrays;

/**
 * Refault detection (mm/workingset.c): an evicted page leaves a shadow entry stamped with the
 * non-resident age (a clock of evictions and activations); when the page is read again, its
 * refault distance - the age now minus the stamp - says whether it would have stayed in memory
 * had the active list been given to it: a distance at most the active list's size makes the
 * refault part of the working set, and the page goes straight to the active list. Shadows are
 * bounded by the cache's capacity (the oldest is forgotten first).
 */
final class Workingset {
    private final LongLongMap shadows;
    private final long[] shadowRing;
    private int shadowPos;
    /** lruvec->nonresident_age. */
    private long nonresidentAge;

    long refaults;
    long refaultActivations;

    Workingset(int capacity) {
        shadows = new LongLongMap(Math.min(capacity, 1 << 16));
        shadowRing = new long[capacity];
        Arrays.fill(shadowRing, Long.MIN_VALUE);
    }

    /** workingset_age_nonresident: an eviction or activation ages the clock. */
    void age() {
        nonresidentAge++;
    }

    /** workingset_eviction: page {@code key} leaves a shadow with the current age. */
    void evicted(long key) {
        nonresidentAge++;
        shadows.put(key, nonresidentAge);
        long old = shadowRing[shadowPos];
        if (old != Long.MIN_VALUE && old != key) {
            shadows.remove(old, 0);
        }
        shadowRing[shadowPos] = key;
        shadowPos = (shadowPos + 1) % shadowRing.length;
    }

    /** A truncated page's shadow entry goes with it (truncate_inode_pages leaves none). */
    void forget(long key) {
        shadows.remove(key, 0);
    }

    /**
     * workingset_refault: page {@code key} is being added again; true when its shadow says it
     * refaulted within the working set ({@code activeSize} pages), so it should be activated.
     */
    boolean refault(long key, int activeSize) {
        long shadow = shadows.remove(key, Long.MIN_VALUE);
        if (shadow == Long.MIN_VALUE) {
            return false;
        }
        refaults++;
        long distance = nonresidentAge - shadow;
        if (distance <= activeSize) {
            refaultActivations++;
            nonresidentAge++;
            return true;
        }
        return false;
    }
}
