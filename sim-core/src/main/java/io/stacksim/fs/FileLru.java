package io.stacksim.fs;

import static io.stacksim.fs.Folios.PG_ACTIVE;
import static io.stacksim.fs.Folios.PG_DIRTY;
import static io.stacksim.fs.Folios.PG_LOCKED;
import static io.stacksim.fs.Folios.PG_RECLAIM;
import static io.stacksim.fs.Folios.PG_REFERENCED;
import static io.stacksim.fs.Folios.PG_WORKINGSET;
import static io.stacksim.fs.Folios.PG_WRITEBACK;
import static io.stacksim.fs.Folios.PG_YOUNG;

import java.util.function.IntConsumer;

/**
 * The file LRU of the page cache and its reclaim (mm/swap.c, mm/vmscan.c): an inactive and an
 * active list of page slots, newest at the head.
 * <ul>
 *   <li>{@link #markAccessed} is folio_mark_accessed: inactive,unreferenced ->
 *       inactive,referenced -> active,unreferenced -> active,referenced.</li>
 *   <li>{@link #reclaim} is shrink_inactive_list: it scans the inactive tail; locked, dirty and
 *       under-writeback pages are rotated (dirty ones marked PG_reclaim so they go to the tail
 *       once written), mapped pages whose PTE was young are kept or activated
 *       (folio_check_references), clean ones are evicted. Before scanning, the active list is
 *       shrunk while inactive_is_low: inactive x sqrt(10 x GB of LRU) < active.</li>
 * </ul>
 */
final class FileLru {
    static final int INACTIVE = 0;
    static final int ACTIVE = 1;
    /** On no list. */
    static final int NONE = 2;
    private static final int SWAP_CLUSTER_MAX = 32;

    private final Folios pages;
    private final Workingset workingset;
    /** Removes a clean, unlocked page from the cache (the cache's eviction). */
    private final IntConsumer evict;
    private final int[] head = {-1, -1};
    private final int[] tail = {-1, -1};
    private final int[] size = {0, 0};

    long activations;
    long reclaimScanned;

    FileLru(Folios pages, Workingset workingset, IntConsumer evict) {
        this.pages = pages;
        this.workingset = workingset;
        this.evict = evict;
    }

    /** Pages on list {@code l}. */
    int size(int l) {
        return size[l];
    }

    /** The page at the head of list {@code l}, or -1; {@link #next} walks on. */
    int head(int l) {
        return head[l];
    }

    int next(int slot) {
        return pages.next[slot];
    }

    void pushHead(int l, int slot) {
        int[] prev = pages.prev;
        int[] next = pages.next;
        pages.list[slot] = (byte) l;
        prev[slot] = -1;
        next[slot] = head[l];
        if (head[l] >= 0) {
            prev[head[l]] = slot;
        } else {
            tail[l] = slot;
        }
        head[l] = slot;
        size[l]++;
    }

    void pushTail(int l, int slot) {
        int[] prev = pages.prev;
        int[] next = pages.next;
        pages.list[slot] = (byte) l;
        next[slot] = -1;
        prev[slot] = tail[l];
        if (tail[l] >= 0) {
            next[tail[l]] = slot;
        } else {
            head[l] = slot;
        }
        tail[l] = slot;
        size[l]++;
    }

    void unlink(int slot) {
        int l = pages.list[slot];
        if (l == NONE) {
            return;
        }
        int[] prev = pages.prev;
        int[] next = pages.next;
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
        size[l]--;
        pages.list[slot] = NONE;
    }

    /** folio_mark_accessed (mm/swap.c). */
    void markAccessed(int slot) {
        int[] flags = pages.flags;
        int f = flags[slot];
        if ((f & PG_REFERENCED) == 0) {
            flags[slot] = f | PG_REFERENCED;
        } else if ((f & PG_ACTIVE) == 0 && pages.list[slot] == INACTIVE) {
            activate(slot);
            flags[slot] &= ~PG_REFERENCED;
        }
    }

    private void activate(int slot) {
        unlink(slot);
        pages.flags[slot] |= PG_ACTIVE;
        pushHead(ACTIVE, slot);
        activations++;
        workingset.age(); // workingset_activation ages the non-resident clock
    }

    /** folio_rotate_reclaimable: a page reclaim wanted is clean now; put it where reclaim looks first. */
    void rotateReclaimable(int slot) {
        if (pages.list[slot] == INACTIVE) {
            unlink(slot);
            pushTail(INACTIVE, slot);
        }
    }

    /** inactive_is_low (mm/vmscan.c) for the file LRU. */
    private boolean inactiveIsLow() {
        long gb = ((long) size[INACTIVE] + size[ACTIVE]) >> (30 - VmSettings.PAGE_SHIFT);
        long ratio = gb > 0 ? (long) Math.sqrt(10.0 * gb) : 1;
        return (long) size[INACTIVE] * ratio < size[ACTIVE];
    }

    /** shrink_active_list: moves pages from the active tail to the inactive head. */
    private void shrinkActive(int n) {
        int[] flags = pages.flags;
        for (int i = 0; i < n && tail[ACTIVE] >= 0; i++) {
            int s = tail[ACTIVE];
            unlink(s);
            int f = flags[s];
            if (pages.mapcount[s] > 0 && (f & PG_YOUNG) != 0) {
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
    boolean reclaim(int wanted) {
        int[] flags = pages.flags;
        int freed = 0;
        long budget = 2L * (size[INACTIVE] + size[ACTIVE]) + SWAP_CLUSTER_MAX;
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
            if (pages.mapcount[s] > 0 && (f & PG_YOUNG) != 0) {
                // folio_check_references: referenced through a PTE.
                flags[s] = f & ~PG_YOUNG;
                unlink(s);
                if ((f & PG_REFERENCED) != 0) {
                    flags[s] &= ~PG_REFERENCED;
                    flags[s] |= PG_ACTIVE;
                    pushHead(ACTIVE, s);
                    activations++;
                    workingset.age();
                } else {
                    flags[s] |= PG_REFERENCED;
                    pushHead(INACTIVE, s);
                }
                continue;
            }
            evict.accept(s);
            freed++;
        }
        return freed >= wanted;
    }
}
