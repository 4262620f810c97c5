package io.stacksim.fs.ext4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An inode's extent tree (fs/ext4/extents.c): the extents in logical order, held four in the
 * inode's i_block while they fit (depth 0), else in leaf blocks of (block size - 12) / 12
 * entries under an index. Inserting into a full leaf splits it at the insertion point
 * (ext4_ext_split: the extents after it move to a new leaf, so appends start an almost empty
 * leaf); a full in-inode root moves into a block of its own (ext4_ext_grow_indepth). An
 * initialised extent holds at most 32768 blocks (EXT_INIT_MAX_LEN), an unwritten one 32767
 * (EXT_UNWRITTEN_MAX_LEN); a new extent merges with a neighbour it continues, logically and
 * physically, in the same state (ext4_ext_try_to_merge).
 *
 * <p>Every change reports the tree blocks it dirtied to the caller's {@link Dirty} (the
 * inode's own table block is the caller's to dirty: depth 0 lives there).
 */
final class ExtentTree {
    static final int EXT_INIT_MAX_LEN = 1 << 15;
    static final int EXT_UNWRITTEN_MAX_LEN = EXT_INIT_MAX_LEN - 1;
    /** Extents (or index entries) in the inode's 60-byte i_block: 12-byte header + 4 x 12. */
    static final int IN_INODE = 4;

    /** Allocates and frees the tree's own blocks and hears which it dirtied. */
    interface Dirty {
        void dirtied(long block);

        /** A block for a new leaf or index node, near {@code goal}, or at the inode's goal when negative (ext4_new_meta_blocks). */
        long newMetaBlock(long goal);

        void freeMetaBlock(long block);
    }

    private final int perBlock;
    private long[] lblk = new long[IN_INODE];
    private long[] pblk = new long[IN_INODE];
    private int[] len = new int[IN_INODE];
    private boolean[] unwritten = new boolean[IN_INODE];
    private int n;
    /** Leaves in order: how many extents each holds and its block (-1: the inode's i_block). */
    private final List<long[]> leaves = new ArrayList<>();
    /** Index blocks above the leaves when the root's four entries do not reach them all. */
    private final List<Long> indexBlocks = new ArrayList<>();

    ExtentTree(int blockSize) {
        this.perBlock = (blockSize - 12) / 12;
        leaves.add(new long[] {0, -1});
    }

    int size() {
        return n;
    }

    long lblk(int i) {
        return lblk[i];
    }

    long pblk(int i) {
        return pblk[i];
    }

    int len(int i) {
        return len[i];
    }

    boolean unwritten(int i) {
        return unwritten[i];
    }

    /** 0 while the extents fit in the inode, else the levels of index above the leaves plus one. */
    int depth() {
        if (leaves.size() == 1 && leaves.get(0)[1] < 0) {
            return 0;
        }
        return indexBlocks.isEmpty() ? 1 : 2;
    }

    /** Blocks the tree occupies outside the inode (leaves and index blocks). */
    int metaBlocks() {
        return depth() == 0 ? 0 : leaves.size() + indexBlocks.size();
    }

    /** The index of the extent holding logical block {@code b}, or -(insertion point) - 1. */
    int find(long b) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (lblk[mid] + len[mid] <= b) {
                lo = mid + 1;
            } else if (lblk[mid] > b) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** The physical block after the extent before logical {@code b} ends, or -1 (ext4_ext_find_goal). */
    long goalFor(long b) {
        int i = find(b);
        int prev = i >= 0 ? i : -i - 2;
        if (prev < 0) {
            return -1;
        }
        return pblk[prev] + (b - lblk[prev]);
    }

    /** The last block of the tree touched by a change at extent {@code i} (its leaf's block, -1 for the inode). */
    private int leafOf(int i) {
        int acc = 0;
        for (int l = 0; l < leaves.size(); l++) {
            acc += (int) leaves.get(l)[0];
            if (i < acc) {
                return l;
            }
        }
        return leaves.size() - 1;
    }

    private void dirtyLeaf(int leaf, Dirty d) {
        long b = leaves.get(leaf)[1];
        if (b >= 0) {
            d.dirtied(b);
        }
    }

    /**
     * Inserts [l, l+count) at physical {@code p} (a hole in the tree, count within the extent
     * limit), merging with a neighbour where it continues one.
     */
    void insert(long l, long p, int count, boolean unw, Dirty d) {
        int at = find(l);
        if (at >= 0) {
            throw new IllegalStateException("logical block " + l + " is already mapped");
        }
        at = -at - 1;
        int max = unw ? EXT_UNWRITTEN_MAX_LEN : EXT_INIT_MAX_LEN;
        if (at > 0 && canMerge(at - 1, l, p, unw, count, max)) {
            len[at - 1] += count;
            dirtyLeaf(leafOf(at - 1), d);
            tryMergeRight(at - 1, d);
            tryMergeUp(d);
            return;
        }
        if (at < n && unwritten[at] == unw && lblk[at] == l + count && pblk[at] == p + count && len[at] + count <= max) {
            lblk[at] = l;
            pblk[at] = p;
            len[at] += count;
            dirtyLeaf(leafOf(at), d);
            tryMergeUp(d);
            return;
        }
        insertAt(at, l, p, count, unw, d);
        tryMergeUp(d);
    }

    /**
     * ext4_ext_try_to_merge_up, after every merge attempt: a tree of depth 1 whose single leaf
     * holds no more extents than the inode does moves back into the inode, and the leaf block
     * is freed (EXT4_FREE_BLOCKS_METADATA | EXT4_FREE_BLOCKS_FORGET: a revoke record).
     */
    private void tryMergeUp(Dirty d) {
        if (depth() == 1 && leaves.size() == 1 && n <= IN_INODE) {
            long b = leaves.get(0)[1];
            leaves.get(0)[1] = -1;
            d.freeMetaBlock(b);
        }
    }

    private boolean canMerge(int i, long l, long p, boolean unw, int count, int max) {
        return unwritten[i] == unw && lblk[i] + len[i] == l && pblk[i] + len[i] == p && len[i] + count <= max;
    }

    private void tryMergeRight(int i, Dirty d) {
        int max = unwritten[i] ? EXT_UNWRITTEN_MAX_LEN : EXT_INIT_MAX_LEN;
        if (i + 1 < n && canMerge(i, lblk[i + 1], pblk[i + 1], unwritten[i + 1], len[i + 1], max)
                && leafOf(i) == leafOf(i + 1)) {
            len[i] += len[i + 1];
            removeAt(i + 1, d);
        }
    }

    /** Places a new entry at index {@code at}, splitting or growing the tree when its leaf is full. */
    private void insertAt(int at, long l, long p, int count, boolean unw, Dirty d) {
        int leaf = at == 0 ? 0 : leafOf(at - 1);
        long[] lf = leaves.get(leaf);
        int cap = lf[1] < 0 ? IN_INODE : perBlock;
        if (lf[0] >= cap) {
            if (lf[1] < 0) {
                // ext4_ext_grow_indepth: the root's extents move into a new leaf block, taken
                // at the inode's goal (ext4_inode_to_goal_block) when the tree had no block yet.
                lf[1] = d.newMetaBlock(-1);
                d.dirtied(lf[1]);
            } else {
                // ext4_ext_split at the insertion point: what follows moves to a new leaf.
                int firstOfLeaf = firstIndex(leaf);
                int keep = at - firstOfLeaf;
                long nb = d.newMetaBlock(lf[1]);
                long[] nl = {lf[0] - keep, nb};
                lf[0] = keep;
                leaves.add(leaf + 1, nl);
                d.dirtied(nb);
                d.dirtied(lf[1]);
                growIndex(d);
                if (keep == cap) {
                    // Appending after a full leaf: the new extent starts the new leaf.
                    leaf++;
                    lf = nl;
                }
            }
        }
        grow();
        System.arraycopy(lblk, at, lblk, at + 1, n - at);
        System.arraycopy(pblk, at, pblk, at + 1, n - at);
        System.arraycopy(len, at, len, at + 1, n - at);
        System.arraycopy(unwritten, at, unwritten, at + 1, n - at);
        lblk[at] = l;
        pblk[at] = p;
        len[at] = count;
        unwritten[at] = unw;
        n++;
        lf[0]++;
        dirtyLeaf(leaf, d);
    }

    /** Index blocks: the root holds four entries; more leaves need a level of index blocks. */
    private void growIndex(Dirty d) {
        int need = leaves.size() <= IN_INODE ? 0 : (leaves.size() + perBlock - 1) / perBlock;
        while (indexBlocks.size() < need) {
            long b = d.newMetaBlock(leaves.get(0)[1]);
            indexBlocks.add(b);
            d.dirtied(b);
        }
        for (long b : indexBlocks) {
            d.dirtied(b);
        }
    }

    private int firstIndex(int leaf) {
        int acc = 0;
        for (int l = 0; l < leaf; l++) {
            acc += (int) leaves.get(l)[0];
        }
        return acc;
    }

    private void grow() {
        if (n == lblk.length) {
            int c = Math.max(8, n * 2);
            lblk = Arrays.copyOf(lblk, c);
            pblk = Arrays.copyOf(pblk, c);
            len = Arrays.copyOf(len, c);
            unwritten = Arrays.copyOf(unwritten, c);
        }
    }

    private void removeAt(int i, Dirty d) {
        int leaf = leafOf(i);
        System.arraycopy(lblk, i + 1, lblk, i, n - i - 1);
        System.arraycopy(pblk, i + 1, pblk, i, n - i - 1);
        System.arraycopy(len, i + 1, len, i, n - i - 1);
        System.arraycopy(unwritten, i + 1, unwritten, i, n - i - 1);
        n--;
        long[] lf = leaves.get(leaf);
        lf[0]--;
        dirtyLeaf(leaf, d);
        if (lf[0] == 0 && leaves.size() > 1) {
            // ext4_ext_rm_idx: an emptied leaf is freed and its index entry removed.
            d.freeMetaBlock(lf[1]);
            leaves.remove(leaf);
            for (long b : indexBlocks) {
                d.dirtied(b);
            }
        }
        if (n == 0 && depth() > 0) {
            // The tree shrinks back into the inode (ext4_ext_truncate leaves depth 0 when empty).
            for (long[] l : leaves) {
                d.freeMetaBlock(l[1]);
            }
            for (long b : indexBlocks) {
                d.freeMetaBlock(b);
            }
            leaves.clear();
            indexBlocks.clear();
            leaves.add(new long[] {0, -1});
        }
    }

    /**
     * Removes the mapping of [from, to) (ext4_ext_remove_space), splitting extents that stick
     * out of it; each freed physical run goes to {@code freed} as (pblk, count).
     */
    void remove(long from, long to, Freed freed, Dirty d) {
        int i = find(from);
        if (i < 0) {
            i = -i - 1;
        }
        while (i < n && lblk[i] < to) {
            long s = Math.max(from, lblk[i]);
            long e = Math.min(to, lblk[i] + len[i]);
            freed.free(pblk[i] + (s - lblk[i]), (int) (e - s));
            if (s > lblk[i] && e < lblk[i] + len[i]) {
                // A hole punched inside one extent: the tail becomes an extent of its own.
                long tailL = e;
                long tailP = pblk[i] + (e - lblk[i]);
                int tailLen = (int) (lblk[i] + len[i] - e);
                boolean unw = unwritten[i];
                len[i] = (int) (s - lblk[i]);
                dirtyLeaf(leafOf(i), d);
                insertAt(i + 1, tailL, tailP, tailLen, unw, d);
                return;
            } else if (s > lblk[i]) {
                len[i] = (int) (s - lblk[i]);
                dirtyLeaf(leafOf(i), d);
                i++;
            } else if (e < lblk[i] + len[i]) {
                int cut = (int) (e - lblk[i]);
                lblk[i] += cut;
                pblk[i] += cut;
                len[i] -= cut;
                dirtyLeaf(leafOf(i), d);
                i++;
            } else {
                removeAt(i, d);
            }
        }
    }

    /** Receives a freed physical run. */
    interface Freed {
        void free(long pblk, int count);
    }

    /**
     * Marks [from, to) initialised where it is unwritten (ext4_ext_convert_to_initialized /
     * ext4_convert_unwritten_extents), splitting the unwritten extents it partly covers and
     * merging the result with written neighbours it continues.
     */
    void convert(long from, long to, Dirty d) {
        int i = find(from);
        if (i < 0) {
            i = -i - 1;
        }
        while (i < n && lblk[i] < to) {
            if (!unwritten[i]) {
                i++;
                continue;
            }
            long s = Math.max(from, lblk[i]);
            long e = Math.min(to, lblk[i] + len[i]);
            long l0 = lblk[i];
            long p0 = pblk[i];
            int len0 = len[i];
            if (e < l0 + len0) {
                // The unwritten tail after the written part.
                insertAt(i + 1, e, p0 + (e - l0), (int) (l0 + len0 - e), true, d);
            }
            if (s > l0) {
                len[i] = (int) (s - l0);
                dirtyLeaf(leafOf(i), d);
                insertAt(i + 1, s, p0 + (s - l0), (int) (e - s), false, d);
                i++;
            } else {
                lblk[i] = s;
                pblk[i] = p0;
                len[i] = (int) (e - s);
                unwritten[i] = false;
                dirtyLeaf(leafOf(i), d);
            }
            // ext4_ext_try_to_merge: the written piece joins a written neighbour it continues.
            if (i + 1 < n) {
                tryMergeRight(i, d);
            }
            if (i > 0 && !unwritten[i - 1]) {
                int before = n;
                tryMergeRight(i - 1, d);
                if (n < before) {
                    i--;
                }
            }
            i++;
        }
        tryMergeUp(d);
    }

    /**
     * ext4_split_convert_extents with EXT4_GET_BLOCKS_PRE_IO (writeback of unwritten blocks,
     * dioread_nolock): the unwritten extents that [from, to) partly covers are split so that
     * [from, to) is extents of its own, still unwritten and not merged with anything, to be
     * converted when the I/O completes ({@link #convert}).
     */
    void splitForIo(long from, long to, Dirty d) {
        int i = find(from);
        if (i < 0) {
            i = -i - 1;
        }
        while (i < n && lblk[i] < to) {
            if (!unwritten[i]) {
                i++;
                continue;
            }
            long s = Math.max(from, lblk[i]);
            long e = Math.min(to, lblk[i] + len[i]);
            long l0 = lblk[i];
            long p0 = pblk[i];
            int len0 = len[i];
            if (e < l0 + len0) {
                len[i] = (int) (e - l0);
                dirtyLeaf(leafOf(i), d);
                insertAt(i + 1, e, p0 + (e - l0), (int) (l0 + len0 - e), true, d);
            }
            if (s > l0) {
                len[i] = (int) (s - l0);
                dirtyLeaf(leafOf(i), d);
                insertAt(i + 1, s, p0 + (s - l0), (int) (e - s), true, d);
                i++;
            }
            i++;
        }
    }

    /**
     * What filefrag prints as "N extents found": a new extent is counted only where the next
     * mapping does not continue the previous one physically (e2fsprogs misc/filefrag.c).
     */
    int filefragCount() {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || pblk[i] != pblk[i - 1] + len[i - 1] + (lblk[i] - lblk[i - 1] - len[i - 1])
                    && pblk[i] != pblk[i - 1] + len[i - 1]) {
                count++;
            }
        }
        return count;
    }

    /** Blocks mapped (written or unwritten). */
    long mappedBlocks() {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += len[i];
        }
        return s;
    }
}
