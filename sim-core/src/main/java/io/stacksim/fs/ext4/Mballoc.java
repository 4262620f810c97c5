package io.stacksim.fs.ext4;

import java.util.ArrayList;
import java.util.List;

/**
 * The multi-block allocator (fs/ext4/mballoc.c, ext4_mb_new_blocks), which ext4 calls when
 * delayed allocation maps pages at writeback, when fallocate or direct I/O fills a hole, and
 * for extent-tree blocks:
 * <ol>
 * <li>ext4_mb_group_or_file: data of a file no bigger than {@code mb_stream_req} blocks (16)
 * is allocated from the CPU's locality group; bigger files are stream allocations with a
 * per-inode preallocation;
 * <li>ext4_mb_use_preallocated: an inode PA covering the logical block, else the locality
 * group's PA nearest the goal;
 * <li>ext4_mb_normalize_request: a file's request grows to a predicted file size (16 KiB ...
 * 1 MiB, then 2, 4 or 8 MiB aligned chunks), trimmed to the neighbours' mapped blocks; a
 * locality-group request becomes {@code mb_group_prealloc} (512) blocks;
 * <li>ext4_mb_regular_allocator: the goal itself if the request continues a neighbour
 * (find_by_goal), then for a stream allocation the global goal where the last one ended
 * (s_mb_last_group), then the criteria rounds over the groups from the goal's: cr0 a
 * power-of-two request from the buddy (smallest order first; never the first group of a flex
 * group for data), cr1 a group whose average free extent is big enough, cr2 one with enough
 * free blocks, cr3 any; each scanning the group's free extents for the first that fits, else
 * taking the largest seen (ext4_mb_try_best_found);
 * <li>the blocks beyond the request become the inode's or the locality group's PA.
 * </ol>
 * Groups are scanned in order from the goal's (mb_optimize_scan's order lists are not
 * modelled; the linear scan is what the kernel does below 16 groups and at cr3).
 */
final class Mballoc {
    /** MB_DEFAULT_STREAM_THRESHOLD: files up to 16 blocks use the locality group. */
    static final int MB_STREAM_REQ = 16;
    /** MB_DEFAULT_GROUP_PREALLOC: a locality group's PA is 512 blocks (2 MiB of 4 KiB). */
    static final int MB_GROUP_PREALLOC = 512;
    static final int MB_MAX_TO_SCAN = 200;
    static final int MB_MIN_TO_SCAN = 10;
    static final int MB_ORDER2_REQS = 2;
    static final int PREALLOC_TB_SIZE = 10;
    /** EXT4_FLEX_SIZE_DIR_ALLOC_SCHEME: from 4 groups per flex group, data avoids its first group. */
    static final int FLEX_SIZE_DIR_ALLOC_SCHEME = 4;

    private final Ext4Layout layout;
    private final FreeSpace space;
    private final int maxOrder;
    /** Per-CPU locality groups: each a table of PA lists by order of their free blocks. */
    private final List<List<List<Prealloc>>> localityGroups = new ArrayList<>();
    private int lastGroup;
    private int lastStart;
    private final int[] runLen = new int[1];

    Mballoc(Ext4Layout layout, FreeSpace space) {
        this.layout = layout;
        this.space = space;
        this.maxOrder = Integer.numberOfTrailingZeros(layout.blockSize()) + 1;
    }

    /** Blocks the allocation found: {@code start} and {@code len} (fewer than asked when space is short). */
    record Found(long start, int len) {
    }

    /** The allocation context while one request is served (struct ext4_allocation_context). */
    private static final class Ctx {
        AllocRequest ar;
        int flags;
        boolean streamAlloc;
        boolean groupAlloc;
        /** The goal extent (ac_g_ex): logical start, group, group offset, length. */
        long gLogical;
        int gGroup;
        int gStart;
        int gLen;
        /** Best found so far (ac_b_ex), as a block number and length. */
        long bStart = -1;
        int bLen;
        int found;
        boolean done;
        int order2;
    }

    /** ext4_mb_new_blocks: returns the blocks given to {@code ar} or null (ENOSPC). */
    Found allocate(AllocRequest ar) {
        Ctx ac = new Ctx();
        ac.ar = ar;
        ac.flags = ar.flags();
        int len = Math.min(ar.len(), layout.blocksPerGroup());
        long goal = ar.goal() < 0 || ar.goal() >= layout.blocks() ? 0 : ar.goal();
        ac.gGroup = layout.groupOf(goal);
        ac.gStart = (int) (goal - layout.firstBlock(ac.gGroup));
        ac.gLogical = ar.logical();
        ac.gLen = len;
        groupOrFile(ac, len);
        Found pa = usePreallocated(ac, len);
        if (pa != null) {
            return pa;
        }
        normalize(ac, len);
        regularAllocator(ac);
        if (ac.bStart < 0) {
            return null;
        }
        return takeFound(ac, len);
    }

    /** ext4_mb_group_or_file. */
    private void groupOrFile(Ctx ac, int len) {
        if ((ac.flags & AllocRequest.HINT_DATA) == 0) {
            return;
        }
        Ext4Inode inode = ac.ar.inode();
        long size = ac.ar.logical() + len;
        long isize = (inode.size + layout.blockSize() - 1) / layout.blockSize();
        boolean inodePaEligible = !(size == isize && inode.openForWrite == 0);
        size = Math.max(size, isize);
        if (size > MB_STREAM_REQ) {
            if (inodePaEligible) {
                ac.streamAlloc = true;
            } else {
                ac.flags |= AllocRequest.HINT_NOPREALLOC;
            }
            return;
        }
        ac.groupAlloc = true;
    }

    private List<List<Prealloc>> localityGroup(int cpu) {
        while (localityGroups.size() <= cpu) {
            List<List<Prealloc>> lg = new ArrayList<>();
            for (int i = 0; i < PREALLOC_TB_SIZE; i++) {
                lg.add(new ArrayList<>());
            }
            localityGroups.add(lg);
        }
        return localityGroups.get(cpu);
    }

    private static int fls(long v) {
        return 64 - Long.numberOfLeadingZeros(v);
    }

    /** ext4_mb_use_preallocated: the inode's PA holding the block, else the nearest group PA. */
    private Found usePreallocated(Ctx ac, int len) {
        if ((ac.flags & AllocRequest.HINT_DATA) == 0) {
            return null;
        }
        Ext4Inode inode = ac.ar.inode();
        long logical = ac.ar.logical();
        for (int i = 0; i < inode.prealloc.size(); i++) {
            Prealloc pa = inode.prealloc.get(i);
            if (logical < pa.lstart || logical >= pa.logicalEnd() || pa.deleted || pa.free == 0) {
                continue;
            }
            // ext4_mb_use_inode_pa.
            long start = pa.pstart + (logical - pa.lstart);
            long end = Math.min(pa.pstart + pa.len, start + len);
            int n = (int) (end - start);
            pa.free -= n;
            // The inode's PA list is kept as an LRU (ext4_mb_release_context).
            inode.prealloc.remove(i);
            inode.prealloc.add(0, pa);
            if (pa.free == 0) {
                inode.prealloc.remove(0);
            }
            // The PA's blocks were marked in the bitmap when it was made.
            return new Found(start, n);
        }
        if (!ac.groupAlloc) {
            return null;
        }
        List<List<Prealloc>> lg = localityGroup(ac.ar.cpu());
        int order = Math.min(fls(len) - 1, PREALLOC_TB_SIZE - 1);
        long goalBlock = layout.firstBlock(ac.gGroup) + ac.gStart;
        Prealloc best = null;
        for (int i = order; i < PREALLOC_TB_SIZE; i++) {
            for (Prealloc pa : lg.get(i)) {
                if (!pa.deleted && pa.free >= len
                        && (best == null || Math.abs(goalBlock - pa.pstart) < Math.abs(goalBlock - best.pstart))) {
                    best = pa;
                }
            }
        }
        if (best == null) {
            return null;
        }
        // ext4_mb_use_group_pa, then ext4_mb_release_context moves the PA's start on.
        long start = best.pstart;
        best.pstart += len;
        best.lstart += len;
        best.free -= len;
        best.len -= len;
        rebucket(lg, best);
        return new Found(start, len);
    }

    /** ext4_mb_add_n_trim: a group PA is filed under the order of its free blocks; empty ones go. */
    private void rebucket(List<List<Prealloc>> lg, Prealloc pa) {
        for (List<Prealloc> l : lg) {
            l.remove(pa);
        }
        if (pa.free > 0) {
            int order = Math.min(fls(pa.free) - 1, PREALLOC_TB_SIZE - 1);
            List<Prealloc> list = lg.get(order);
            int at = 0;
            while (at < list.size() && list.get(at).free <= pa.free) {
                at++;
            }
            list.add(at, pa);
            // Keep at most 8 PAs per list (ext4_mb_discard_lg_preallocations keeps 5).
            int total = list.size();
            for (int i = list.size() - 1; i >= 0 && total > 8; i--) {
                Prealloc old = list.get(i);
                if (old != pa) {
                    list.remove(i);
                    release(old);
                    total--;
                    if (total <= 5) {
                        break;
                    }
                }
            }
        }
    }

    /** ext4_mb_normalize_request / ext4_mb_normalize_group_request. */
    private void normalize(Ctx ac, int len) {
        if ((ac.flags & AllocRequest.HINT_DATA) == 0 || (ac.flags & AllocRequest.HINT_NOPREALLOC) != 0) {
            return;
        }
        if (ac.groupAlloc) {
            ac.gLen = MB_GROUP_PREALLOC;
            return;
        }
        int bs = layout.blockSize();
        int bits = Integer.numberOfTrailingZeros(bs);
        Ext4Inode inode = ac.ar.inode();
        long logical = ac.ar.logical();
        long size = Math.max((logical + len) << bits, inode.size);
        long max = 2L << bits;
        long startOff = 0;
        if (size <= 16 * 1024) {
            size = 16 * 1024;
        } else if (size <= 32 * 1024) {
            size = 32 * 1024;
        } else if (size <= 64 * 1024) {
            size = 64 * 1024;
        } else if (size <= 128 * 1024) {
            size = 128 * 1024;
        } else if (size <= 256 * 1024) {
            size = 256 * 1024;
        } else if (size <= 512 * 1024) {
            size = 512 * 1024;
        } else if (size <= 1024 * 1024) {
            size = 1024 * 1024;
        } else if (size <= 4 * 1024 * 1024 || max <= 2 * 1024) {
            startOff = (logical >> (21 - bits)) << 21;
            size = 2 * 1024 * 1024;
        } else if (size <= 8 * 1024 * 1024 || max <= 4 * 1024) {
            startOff = (logical >> (22 - bits)) << 22;
            size = 4 * 1024 * 1024;
        } else if (len <= (8 << 20) >> bits || max <= 8 * 1024) {
            startOff = (logical >> (23 - bits)) << 23;
            size = 8 * 1024 * 1024;
        } else {
            startOff = logical << bits;
            size = (long) len << bits;
        }
        long blocks = size >> bits;
        long start = startOff >> bits;
        start = Math.max(start, logical / layout.blocksPerGroup() * layout.blocksPerGroup());
        AllocRequest ar = ac.ar;
        // Don't cover blocks already mapped on either side.
        if (ar.pleft() >= 0 && start <= ar.lleft()) {
            blocks -= ar.lleft() + 1 - start;
            start = ar.lleft() + 1;
        }
        if (ar.pright() >= 0 && start + blocks - 1 >= ar.lright()) {
            blocks -= start + blocks - ar.lright();
        }
        blocks = Math.min(blocks, layout.blocksPerGroup());
        long end = start + blocks;
        // Nor the inode's other PAs.
        for (Prealloc pa : inode.prealloc) {
            if (pa.deleted || pa.lstart >= end || pa.logicalEnd() <= start) {
                continue;
            }
            if (pa.logicalEnd() <= logical) {
                start = pa.logicalEnd();
            } else if (pa.lstart > logical) {
                end = pa.lstart;
            }
        }
        blocks = end - start;
        ac.gLogical = start;
        ac.gLen = (int) blocks;
        // Merge with a neighbour: aim right after the left one, or right before the right one.
        if (ar.pright() >= 0 && ar.lright() == start + blocks && ar.pright() >= blocks) {
            setGoal(ac, ar.pright() - blocks);
            ac.flags |= AllocRequest.HINT_TRY_GOAL;
        }
        if (ar.pleft() >= 0 && ar.lleft() + 1 == start && ar.pleft() + 1 < layout.blocks()) {
            setGoal(ac, ar.pleft() + 1);
            ac.flags |= AllocRequest.HINT_TRY_GOAL;
        }
    }

    private void setGoal(Ctx ac, long block) {
        ac.gGroup = layout.groupOf(block);
        ac.gStart = (int) (block - layout.firstBlock(ac.gGroup));
    }

    /** ext4_mb_regular_allocator. */
    private void regularAllocator(Ctx ac) {
        if ((ac.flags & AllocRequest.HINT_TRY_GOAL) != 0) {
            // ext4_mb_find_by_goal: the goal block, if the whole goal length is free there.
            long goal = layout.firstBlock(ac.gGroup) + ac.gStart;
            int max = space.freeRunAt(goal, ac.gLen);
            if (max >= ac.gLen) {
                useBestFound(ac, goal, max);
                return;
            }
        }
        int i = fls(ac.gLen);
        ac.order2 = 0;
        if (i >= MB_ORDER2_REQS && i <= maxOrder + 1 && (ac.gLen & ~(1 << (i - 1))) == 0) {
            ac.order2 = i - 1;
        }
        if (ac.streamAlloc) {
            ac.gGroup = lastGroup;
            ac.gStart = lastStart;
        }
        int groups = layout.groups();
        for (int cr = ac.order2 != 0 ? 0 : 1; cr < 4 && !ac.done; cr++) {
            int group = ac.gGroup;
            for (int n = 0; n < groups && !ac.done; n++, group = (group + 1) % groups) {
                if (!goodGroup(ac, group, cr)) {
                    continue;
                }
                if (cr == 0) {
                    simpleScan(ac, group);
                } else {
                    complexScan(ac, group);
                }
            }
        }
        if (!ac.done && ac.bStart >= 0) {
            // ext4_mb_try_best_found: the best chunk seen.
            useBestFound(ac, ac.bStart, ac.bLen);
        }
    }

    /** ext4_mb_good_group. */
    private boolean goodGroup(Ctx ac, int group, int cr) {
        int free = space.freeInGroup(group);
        if (free == 0) {
            return false;
        }
        switch (cr) {
            case 0 -> {
                if ((ac.flags & AllocRequest.HINT_DATA) != 0 && Ext4Layout.FLEX_BG_SIZE >= FLEX_SIZE_DIR_ALLOC_SCHEME
                        && group % Ext4Layout.FLEX_BG_SIZE == 0) {
                    return false;
                }
                return free >= ac.gLen;
            }
            case 1, 2 -> {
                // cr1 asks free / fragments >= len; the fragment count is not kept, so cr1
                // and cr2 both take a group with enough free blocks and let the scan decide.
                return free >= ac.gLen;
            }
            default -> {
                return true;
            }
        }
    }

    /** ext4_mb_simple_scan_group: the first buddy of the smallest order that holds the request. */
    private void simpleScan(Ctx ac, int group) {
        for (int order = ac.order2; order <= maxOrder; order++) {
            int off = buddyChunk(group, order);
            if (off >= 0) {
                ac.found++;
                useBestFound(ac, layout.firstBlock(group) + off, Math.min(1 << order, ac.gLen));
                return;
            }
        }
    }

    /**
     * A free chunk of exactly order {@code order} in the buddy (the first aligned free 2^order
     * run whose aligned parent is not wholly free, or any at the top order).
     */
    private int buddyChunk(int group, int order) {
        int size = 1 << order;
        int from = 0;
        while (true) {
            int off = space.alignedChunk(group, order, from);
            if (off < 0) {
                return -1;
            }
            if (order == maxOrder) {
                return off;
            }
            int parent = off & ~((size << 1) - 1);
            int sibling = off == parent ? off + size : parent;
            if (space.freeRunAt(layout.firstBlock(group) + sibling, size) < size) {
                return off;
            }
            from = off + size;
        }
    }

    /** ext4_mb_complex_scan_group with ext4_mb_measure_extent and ext4_mb_check_limits. */
    private void complexScan(Ctx ac, int group) {
        int off = space.firstFit(group, ac.gLen, true, runLen);
        if (off < 0) {
            return;
        }
        long start = layout.firstBlock(group) + off;
        int len = Math.min(runLen[0], ac.gLen);
        ac.found++;
        if (len >= ac.gLen) {
            useBestFound(ac, start, len);
            return;
        }
        if (len > ac.bLen) {
            ac.bStart = start;
            ac.bLen = len;
        }
        if (ac.found > MB_MAX_TO_SCAN) {
            useBestFound(ac, ac.bStart, ac.bLen);
        }
    }

    private void useBestFound(Ctx ac, long start, int len) {
        ac.bStart = start;
        ac.bLen = Math.min(len, ac.gLen);
        ac.done = true;
        if (ac.streamAlloc) {
            lastGroup = layout.groupOf(start);
            lastStart = (int) (start - layout.firstBlock(lastGroup));
        }
    }

    /**
     * The request's share of what was found; the rest becomes a PA (ext4_mb_new_inode_pa /
     * ext4_mb_new_group_pa) for data, or is simply not taken for metadata.
     */
    private Found takeFound(Ctx ac, int len) {
        long logical = ac.ar.logical();
        boolean prealloc = (ac.flags & AllocRequest.HINT_DATA) != 0 && (ac.flags & AllocRequest.HINT_NOPREALLOC) == 0
                && ac.bLen > len;
        if (!prealloc) {
            int n = Math.min(len, ac.bLen);
            markUsed(ac.bStart, n);
            return new Found(ac.bStart, n);
        }
        if (ac.groupAlloc) {
            Prealloc pa = new Prealloc(false, 0, ac.bStart + len, ac.bLen - len);
            markUsed(ac.bStart, len);
            // The PA's blocks are taken from the bitmap too (ext4_mb_mark_diskspace_used marks the
            // whole found extent; the PA owns the tail).
            markUsed(pa.pstart, pa.len);
            rebucket(localityGroup(ac.ar.cpu()), pa);
            return new Found(ac.bStart, len);
        }
        // An inode PA over the normalized range the found blocks cover, the request inside it.
        long lstart = ac.gLogical;
        if (logical >= lstart + ac.bLen) {
            lstart = logical + len - ac.bLen;
        }
        lstart = Math.max(lstart, logical + len - ac.bLen);
        lstart = Math.min(lstart, logical);
        Prealloc pa = new Prealloc(true, lstart, ac.bStart, ac.bLen);
        long start = pa.pstart + (logical - pa.lstart);
        int n = (int) Math.min(len, pa.pstart + pa.len - start);
        markUsed(pa.pstart, pa.len);
        pa.free = pa.len - n;
        if (pa.free > 0) {
            ac.ar.inode().prealloc.add(0, pa);
        }
        return new Found(start, n);
    }

    private void markUsed(long start, int len) {
        // A run may cross a group boundary only when found by goal: mark it group by group.
        long s = start;
        long end = start + len;
        while (s < end) {
            int g = layout.groupOf(s);
            long groupEnd = layout.firstBlock(g) + layout.blocksPerGroup();
            int n = (int) (Math.min(end, groupEnd) - s);
            space.markUsed(s, n);
            s += n;
        }
    }

    /** Frees data blocks (ext4_free_blocks / ext4_mb_free_blocks). */
    void free(long start, int len) {
        long s = start;
        long end = start + len;
        while (s < end) {
            int g = layout.groupOf(s);
            long groupEnd = layout.firstBlock(g) + layout.blocksPerGroup();
            int n = (int) (Math.min(end, groupEnd) - s);
            space.markFree(s, n);
            s += n;
        }
    }

    /**
     * Gives back a PA's unused blocks (ext4_mb_release_inode_pa / _group_pa): the used part of
     * the PA stays allocated to what used it.
     */
    void release(Prealloc pa) {
        if (pa.deleted) {
            return;
        }
        pa.deleted = true;
        if (pa.inodePa) {
            // The unused blocks of an inode PA are those not yet handed out: pa.free of them,
            // which ext4_mb_release_inode_pa finds as the bitmap's clear bits in the PA; here
            // they are the PA's blocks not mapped by the inode.
            return;
        }
        if (pa.free > 0) {
            free(pa.pstart, pa.free);
        }
    }

    /** ext4_discard_preallocations: the inode's PAs go back (on truncate, unlink, close of the last writer). */
    void discardInodePa(Ext4Inode inode, ExtentTree tree) {
        for (Prealloc pa : inode.prealloc) {
            // Blocks of the PA not mapped by the file are free again.
            for (long b = pa.pstart; b < pa.pstart + pa.len; b++) {
                long l = pa.lstart + (b - pa.pstart);
                int i = tree.find(l);
                boolean mapped = i >= 0 && tree.pblk(i) + (l - tree.lblk(i)) == b;
                if (!mapped && !space.isFree(b)) {
                    space.markFree(b, 1);
                }
            }
            pa.deleted = true;
        }
        inode.prealloc.clear();
    }
}
