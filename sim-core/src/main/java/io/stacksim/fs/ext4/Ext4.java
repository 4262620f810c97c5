package io.stacksim.fs.ext4;

import io.stacksim.fs.BlockMapper;
import io.stacksim.fs.Errno;
import io.stacksim.fs.Extent;
import io.stacksim.fs.FileStat;
import io.stacksim.fs.FsException;
import io.stacksim.fs.MetadataBuffers;
import io.stacksim.fs.MetadataJournal;
import io.stacksim.fs.SimFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * ext4 on one block device, as the kernel runs it with mkfs.ext4's defaults and the default
 * mount options (delalloc, data=ordered): the namespace (directories of entries), inode
 * allocation (fs/ext4/ialloc.c), the extent trees (fs/ext4/extents.c), block allocation through
 * {@link Mballoc} at writeback (delayed allocation, fs/ext4/inode.c ext4_do_writepages) or at
 * fallocate and direct-write time, and the file operations of the run: create, extend,
 * truncate, punch hole, fallocate (unwritten extents, converted when written), unlink.
 *
 * <p>Each operation names the metadata blocks it dirtied - the inode's table block, block and
 * inode bitmaps, group descriptor blocks, extent-tree blocks, directory blocks, the superblock
 * - to the journal's handle when one is installed, and always to the buffer cache. Files laid
 * out before the run ({@link #layOut}) are allocated the same way with nothing journalled, as if
 * written and synced before the run began.
 */
public final class Ext4 implements BlockMapper {
    /** MAX_WRITEPAGES_EXTENT_LEN: blocks mapped per ext4_map_blocks call at writeback. */
    static final int MAX_WRITEPAGES_EXTENT_LEN = 2048;
    /** FALLOC_FL_KEEP_SIZE. */
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /** FALLOC_FL_PUNCH_HOLE (with KEEP_SIZE). */
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    /** FALLOC_FL_ZERO_RANGE. */
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    private final Ext4Layout layout;
    private final int bs;
    private final DirHash dirHash;
    /** Byte offset of file-system block 0 on the device (the partition's start). */
    private final long deviceOffset;
    private final FreeSpace space;
    /** The kernel time of the last fallocate call (Ext4Costs). */
    private long lastFallocateNs;
    private final Mballoc mballoc;
    private final long[][] inodeBitmaps;
    private final int[] freeInodes;
    private final Map<Long, Ext4Inode> inodes = new HashMap<>();
    private final Ext4Inode root;
    private MetadataJournal journal;
    private MetadataBuffers buffers;
    /** Operations before the run (layOut) journal nothing. */
    private boolean setup;
    /**
     * EXT4_MF_MNTDIR_SAMPLED: s_last_mounted was written in this mount. Files made before the
     * run were made in the same mount (as the captures lay them out), so their opens did it.
     */
    private boolean mntdirSampled;

    /**
     * Makes the file system (mkfs.ext4) on {@code bytes} bytes of a device starting at byte
     * {@code deviceOffset}.
     */
    public Ext4(long bytes, long deviceOffset, int blockSize) {
        this(bytes, deviceOffset, blockSize, new int[4]);
    }

    /**
     * Makes the file system with the directory hash seed {@code hashSeed} (s_hash_seed, four
     * words: mkfs.ext4 writes a random UUID there; all zero means the kernel's default seed).
     */
    public Ext4(long bytes, long deviceOffset, int blockSize, int[] hashSeed) {
        this.dirHash = new DirHash(hashSeed);
        this.layout = new Ext4Layout(bytes, blockSize);
        this.bs = blockSize;
        this.deviceOffset = deviceOffset;
        long j = layout.journalStart();
        this.space = new FreeSpace(layout, new long[] {
            j, j + layout.journalBlocks(),
            layout.rootDirBlock, layout.resizeDindBlock + 1});
        this.mballoc = new Mballoc(layout, space);
        this.inodeBitmaps = new long[layout.groups()][];
        this.freeInodes = new int[layout.groups()];
        for (int g = 0; g < layout.groups(); g++) {
            freeInodes[g] = layout.inodesPerGroup();
        }
        // Inodes 1-11 are mkfs's: the reserved ones, the root directory and lost+found.
        for (int i = 0; i < Ext4Layout.LOST_FOUND_INO; i++) {
            setInodeBit(0, i);
        }
        root = new Ext4Inode(Ext4Layout.ROOT_INO, 0, true, null, bs, dirHash);
        root.dir.init(1);
        root.tree.insert(0, layout.rootDirBlock, 1, false, NO_DIRTY);
        root.size = root.disksize = bs;
        inodes.put(root.ino, root);
        Ext4Inode lf = new Ext4Inode(Ext4Layout.LOST_FOUND_INO, 0, true, root, bs, dirHash);
        lf.dir.init(4);
        lf.tree.insert(0, layout.lostFoundBlock, 4, false, NO_DIRTY);
        lf.size = lf.disksize = 4L * bs;
        inodes.put(lf.ino, lf);
        root.dir.add("lost+found", lf.ino);
    }

    private static final ExtentTree.Dirty NO_DIRTY = new ExtentTree.Dirty() {
        @Override
        public void dirtied(long block) {
        }

        @Override
        public long newMetaBlock(long goal) {
            throw new IllegalStateException("mkfs's directories need no tree blocks");
        }

        @Override
        public void freeMetaBlock(long block) {
        }
    };

    /**
     * s_hash_seed from its UUID text (as dumpe2fs prints "Directory Hash Seed"): the 16 bytes
     * in order, read as four little-endian words as the kernel copies them into its hash buffer.
     */
    public static int[] hashSeed(String uuid) {
        if (!uuid.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new IllegalArgumentException("not a UUID: " + uuid);
        }
        String hex = uuid.replace("-", "");
        int[] w = new int[4];
        for (int i = 0; i < 16; i++) {
            int b = Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            w[i / 4] |= b << (8 * (i % 4));
        }
        return w;
    }

    public Ext4Layout layout() {
        return layout;
    }

    /** Installs jbd2: from now on every operation's metadata goes through its handles. */
    public void setJournal(MetadataJournal journal) {
        this.journal = journal;
    }

    /** The buffer cache (the bdev's page cache) metadata blocks are read into and dirtied in. */
    public void setBuffers(MetadataBuffers buffers) {
        this.buffers = buffers;
    }

    /** Free blocks of the file system (the superblock's s_free_blocks_count). */
    public long freeBlocks() {
        return space.freeTotal();
    }

    // ------------------------------------------------------------------ operations

    /** One operation's dirtied metadata, handed to jbd2 and the buffer cache at its end. */
    private final class Op implements ExtentTree.Dirty {
        final Set<Long> dirtied = new LinkedHashSet<>();
        /** Metadata blocks freed (ext4_free_blocks with EXT4_FREE_BLOCKS_FORGET): revoked, not logged. */
        final Set<Long> revoked = new LinkedHashSet<>();
        final List<long[]> ordered = new ArrayList<>();
        final Ext4Inode inode;
        /** Inodes whose on-disk inode this operation changed (ext4_mark_inode_dirty). */
        final List<Ext4Inode> marked = new ArrayList<>(2);
        /**
         * ext4_do_update_inode's need_datasync: the change matters to fdatasync (i_disksize, the
         * block map); false for a timestamp-only update.
         */
        boolean datasync = true;
        /** Changes of the extent tree, runs freed and runs allocated: what the call's CPU time follows (Ext4Costs). */
        int extentChanges;
        int freedRuns;
        int allocatedRuns;

        Op(Ext4Inode inode) {
            this.inode = inode;
        }

        @Override
        public void dirtied(long block) {
            dirtied.add(block);
        }

        @Override
        public long newMetaBlock(long goal) {
            // ext4_new_meta_blocks: one block, no data hint, near the goal; without one the
            // inode's (ext4_inode_to_goal_block: a regular file's in its flex group's second group).
            long g = goal >= 0 ? goal : goalBlock(inode, !inode.directory);
            Mballoc.Found f = mballoc.allocate(new AllocRequest(inode, 0, 1, g, 0, -1, -1, -1, -1, 0));
            if (f == null) {
                throw new FsException(Errno.ENOSPC, "no space for an extent block");
            }
            allocated(f.start(), f.len());
            revoked.remove(f.start());
            return f.start();
        }

        @Override
        public void freeMetaBlock(long block) {
            mballoc.free(block, 1);
            allocated(block, 1);
            dirtied.remove(block);
            revoked.add(block);
        }

        /** The bitmap and group descriptor of each group a run of blocks changed in. */
        void allocated(long start, int len) {
            for (long b = start; b < start + len; ) {
                int g = layout.groupOf(b);
                dirtied.add(layout.blockBitmap(g));
                dirtied.add(layout.groupDescriptorBlock(g));
                b = layout.firstBlock(g) + layout.blocksPerGroup();
            }
        }

        void inode(Ext4Inode i) {
            dirtied.add(layout.inodeBlock(i.ino));
            if (!marked.contains(i)) {
                marked.add(i);
            }
        }

        void finish() {
            if (!setup) {
                if (journal != null) {
                    MetadataJournal.Handle h = journal.start();
                    for (long b : dirtied) {
                        h.dirtyMetadata(b);
                    }
                    for (long b : revoked) {
                        h.revoke(b);
                    }
                    for (long[] r : ordered) {
                        h.addOrderedData(inode.file, r[0], r[1]);
                    }
                    // ext4_mark_iloc_dirty -> ext4_do_update_inode -> ext4_update_inode_fsync_trans:
                    // fsync of the inode waits for this transaction (fdatasync too when need_datasync).
                    for (Ext4Inode i : marked) {
                        if (i.file != null) {
                            h.updateInodeFsyncTrans(i.file, datasync && !i.directory);
                        }
                    }
                    h.stop();
                }
                if (buffers != null) {
                    for (long b : dirtied) {
                        buffers.touch(deviceOffset + b * bs, bs, journal == null);
                    }
                }
            }
        }
    }

    private static Ext4Inode inodeOf(SimFile f) {
        if (!(f.fsInode() instanceof Ext4Inode i)) {
            throw new IllegalArgumentException(f.name() + " is not an ext4 file");
        }
        return i;
    }

    /**
     * Creates an empty regular file at {@code path} (open with O_CREAT: ext4_create), making
     * the directories on the way as mkdir -p would; {@code make} builds the VFS file for the
     * new inode number.
     */
    public SimFile create(String path, LongFunction<SimFile> make) {
        String[] parts = split(path);
        Ext4Inode dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            long ino = dir.dir.lookup(parts[i]);
            if (ino < 0) {
                dir = mkdir(dir, parts[i]);
            } else {
                dir = inodes.get(ino);
                if (dir == null || !dir.directory) {
                    throw new FsException(Errno.EEXIST, path + ": " + parts[i] + " is not a directory");
                }
            }
        }
        String name = parts[parts.length - 1];
        if (dir.dir.lookup(name) >= 0) {
            throw new FsException(Errno.EEXIST, "file exists: " + path);
        }
        Op op = new Op(dir);
        Ext4Inode inode = newInode(dir, false, op);
        addEntry(dir, name, inode.ino, op);
        SimFile f = make.apply(inode.ino);
        inode.file = f;
        f.attach(this, inode);
        f.remap(List.of());
        op.inode(inode);
        op.finish();
        return f;
    }

    /**
     * A file created before the run, to be laid out with {@link #layOut} or {@link #layOutAged}:
     * its inode, directory entry and bitmaps are allocated as {@link #create} allocates them,
     * but written and synced before the run began, so nothing is journalled.
     */
    public SimFile createBeforeRun(String path, LongFunction<SimFile> make) {
        setup = true;
        mntdirSampled = true;
        try {
            return create(path, make);
        } finally {
            setup = false;
        }
    }

    private static String[] split(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        if (parts.isEmpty()) {
            throw new FsException(Errno.EISDIR, path + " is a directory");
        }
        return parts.toArray(new String[0]);
    }

    /** ext4_mkdir: an inode, a directory block with "." and "..", the entry in the parent. */
    private Ext4Inode mkdir(Ext4Inode parent, String name) {
        Op op = new Op(parent);
        Ext4Inode d = newInode(parent, true, op);
        d.dir.init(1);
        long b = allocDirBlock(d, 0, op);
        d.size = d.disksize = bs;
        op.dirtied(b);
        op.inode(d);
        addEntry(parent, name, d.ino, op);
        op.finish();
        return d;
    }

    private long allocDirBlock(Ext4Inode d, long logical, Op op) {
        long goal = d.tree.size() > 0 ? d.tree.goalFor(logical) : goalBlock(d, false);
        Mballoc.Found f = mballoc.allocate(new AllocRequest(d, logical, 1, goal, 0, -1, -1, -1, -1, 0));
        if (f == null) {
            throw new FsException(Errno.ENOSPC, "no space for a directory block");
        }
        op.allocated(f.start(), 1);
        d.tree.insert(logical, f.start(), 1, false, op);
        return f.start();
    }

    /**
     * ext4_add_entry ({@link Directory}): the blocks the entry dirtied, those it appended
     * allocated first (ext4_append), and the directory's inode (i_size, mtime).
     */
    private void addEntry(Ext4Inode dir, String name, long ino, Op op) {
        int before = dir.dir.blocks();
        int[] dirtied = dir.dir.add(name, ino);
        for (int l = before; l < dir.dir.blocks(); l++) {
            allocDirBlock(dir, l, op);
        }
        if (dir.dir.blocks() != before) {
            dir.size = dir.disksize = (long) dir.dir.blocks() * bs;
        }
        for (int l : dirtied) {
            op.dirtied(dirBlock(dir, l));
        }
        op.inode(dir);
    }

    private long dirBlock(Ext4Inode dir, int logical) {
        int i = dir.tree.find(logical);
        return dir.tree.pblk(i) + (logical - dir.tree.lblk(i));
    }

    /**
     * __ext4_new_inode: a regular file goes to the first group of its parent's flex group with
     * a free inode (find_group_other), the lowest free inode number there; directories the
     * same (find_group_orlov's spreading of top-level directories is not modelled).
     */
    private Ext4Inode newInode(Ext4Inode parent, boolean directory, Op op) {
        int groups = layout.groups();
        int flexStart = parent.group & ~(Ext4Layout.FLEX_BG_SIZE - 1);
        int group = -1;
        for (int n = 0; n < groups && group < 0; n++) {
            int g = (flexStart + n) % groups;
            if (freeInodes[g] > 0) {
                group = g;
            }
        }
        if (group < 0) {
            throw new FsException(Errno.ENOSPC, "no free inode");
        }
        long[] bm = inodeBitmap(group);
        int bit = 0;
        while ((bm[bit >>> 6] & (1L << bit)) != 0) {
            bit++;
        }
        setInodeBit(group, bit);
        long ino = (long) group * layout.inodesPerGroup() + bit + 1;
        Ext4Inode inode = new Ext4Inode(ino, group, directory, parent, bs, dirHash);
        inodes.put(ino, inode);
        op.dirtied(layout.inodeBitmap(group));
        op.dirtied(layout.groupDescriptorBlock(group));
        return inode;
    }

    private long[] inodeBitmap(int g) {
        if (inodeBitmaps[g] == null) {
            inodeBitmaps[g] = new long[(layout.inodesPerGroup() + 63) >>> 6];
        }
        return inodeBitmaps[g];
    }

    private void setInodeBit(int g, int bit) {
        inodeBitmap(g)[bit >>> 6] |= 1L << bit;
        freeInodes[g]--;
    }

    private void clearInodeBit(int g, int bit) {
        inodeBitmap(g)[bit >>> 6] &= ~(1L << bit);
        freeInodes[g]++;
    }

    /**
     * ext4_inode_to_goal_block: the first block of the inode's group, or with flex_bg of its
     * flex group, a regular file's in the flex group's second group (the first is kept for
     * directories and metadata); with delalloc mounted no per-process colour is added.
     */
    private long goalBlock(Ext4Inode inode, boolean regular) {
        int g = inode.group & ~(Ext4Layout.FLEX_BG_SIZE - 1);
        if (regular && g + 1 < layout.groups()) {
            g++;
        }
        return layout.firstBlock(g);
    }

    /** ext4_ext_find_goal: after the extent before {@code logical}, else the inode's goal block. */
    private long dataGoal(Ext4Inode inode, long logical) {
        long g = inode.tree.goalFor(logical);
        if (g < 0 && inode.tree.size() > 0) {
            // Before the first extent: the block that would precede it.
            g = Math.max(0, inode.tree.pblk(0) - (inode.tree.lblk(0) - logical));
        }
        return g >= 0 && g < layout.blocks() ? g : goalBlock(inode, !inode.directory);
    }

    /**
     * ext4_ext_map_blocks with a create flag: allocates [logical, logical+count) (a hole) in
     * one or more extents; returns the first block after what was mapped. {@code ordered}
     * marks newly allocated data for data=ordered.
     */
    private void allocateRange(Ext4Inode inode, long logical, long count, boolean unwritten, boolean noNormalize,
                               Op op, int cpu) {
        long l = logical;
        long end = logical + count;
        while (l < end) {
            int max = unwritten ? ExtentTree.EXT_UNWRITTEN_MAX_LEN : ExtentTree.EXT_INIT_MAX_LEN;
            int want = (int) Math.min(end - l, max);
            int at = inode.tree.find(l);
            int next = -at - 1;
            if (next < inode.tree.size()) {
                want = (int) Math.min(want, inode.tree.lblk(next) - l);
            }
            long lleft = -1;
            long pleft = -1;
            if (next > 0) {
                lleft = inode.tree.lblk(next - 1) + inode.tree.len(next - 1) - 1;
                pleft = inode.tree.pblk(next - 1) + inode.tree.len(next - 1) - 1;
            }
            long lright = -1;
            long pright = -1;
            if (next < inode.tree.size()) {
                lright = inode.tree.lblk(next);
                pright = inode.tree.pblk(next);
            }
            int flags = AllocRequest.HINT_DATA | (noNormalize ? AllocRequest.HINT_NOPREALLOC : 0);
            Mballoc.Found f = mballoc.allocate(new AllocRequest(inode, l, want, dataGoal(inode, l), flags,
                    lleft, pleft, lright, pright, cpu));
            if (f == null) {
                throw new FsException(Errno.ENOSPC, "no space left on the file system for " + inode.file);
            }
            op.allocated(f.start(), f.len());
            op.allocatedRuns++;
            op.extentChanges++;
            inode.tree.insert(l, f.start(), f.len(), unwritten, op);
            if (!unwritten) {
                op.ordered.add(new long[] {l * bs, (l + f.len()) * bs});
            }
            l += f.len();
        }
        op.inode(inode);
    }

    /** The VFS view of the tree: extents in bytes and sectors. */
    private void remap(Ext4Inode inode) {
        if (inode.file == null) {
            return;
        }
        inode.file.remap(extents(inode.tree));
    }

    /**
     * As {@link #remap}, the view built when next looked at: fallocate and punch-hole calls
     * (fio's falloc engine) change a fragmented tree thousands of times between two lookups, and
     * a list rebuilt after each made them quadratic in the extents.
     */
    private void remapLazily(Ext4Inode inode) {
        if (inode.file == null) {
            return;
        }
        inode.file.remapLazily(() -> extents(inode.tree));
    }

    private List<Extent> extents(ExtentTree t) {
        List<Extent> list = new ArrayList<>(t.size());
        for (int i = 0; i < t.size(); i++) {
            list.add(new Extent(t.lblk(i) * bs, (deviceOffset + t.pblk(i) * bs) >> 9, (long) t.len(i) * bs,
                    t.unwritten(i)));
        }
        return list;
    }

    /**
     * A file created and written to {@code size} bytes before the run (fio's layout, a copy
     * source): allocated as writeback would (2048-block pieces through mballoc), written and
     * synced, nothing journalled.
     */
    public void layOut(SimFile f, long size) {
        Ext4Inode inode = inodeOf(f);
        setup = true;
        try {
            inode.openForWrite++;
            inode.size = size;
            f.resize(size);
            long blocks = (size + bs - 1) / bs;
            for (long l = 0; l < blocks; l += MAX_WRITEPAGES_EXTENT_LEN) {
                Op op = new Op(inode);
                allocateRange(inode, l, Math.min(MAX_WRITEPAGES_EXTENT_LEN, blocks - l), false, false, op, 0);
            }
            inode.disksize = size;
            inode.openForWrite--;
            mballoc.discardInodePa(inode, inode.tree);
            remap(inode);
        } finally {
            setup = false;
        }
    }

    /**
     * An aged file system's file ({@code fs.extents_per_file} above 1): laid out like
     * {@link #layOut} in {@code pieces} pieces, with a run of up to one piece's blocks taken
     * by other (older) data right after each piece, so the next piece lands elsewhere.
     */
    public void layOutAged(SimFile f, long size, int pieces, io.stacksim.engine.RandomStream random) {
        Ext4Inode inode = inodeOf(f);
        setup = true;
        try {
            inode.size = size;
            f.resize(size);
            long blocks = Math.max(1, (size + bs - 1) / bs);
            int n = (int) Math.min(pieces, blocks);
            long l = 0;
            for (int i = 0; i < n; i++) {
                long pieceBlocks = blocks / n + (i < blocks % n ? 1 : 0);
                for (long done = 0; done < pieceBlocks; done += MAX_WRITEPAGES_EXTENT_LEN) {
                    Op op = new Op(inode);
                    allocateRange(inode, l + done, Math.min(MAX_WRITEPAGES_EXTENT_LEN, pieceBlocks - done), false, true,
                            op, 0);
                }
                l += pieceBlocks;
                mballoc.discardInodePa(inode, inode.tree);
                if (i + 1 < n) {
                    // Older data right behind the piece: up to a piece's worth of blocks.
                    long gap = 1 + random.nextLong(Math.max(1, pieceBlocks));
                    long at = inode.tree.pblk(inode.tree.size() - 1) + inode.tree.len(inode.tree.size() - 1);
                    while (gap > 0 && at < layout.blocks()) {
                        int run = space.freeRunAt(at, (int) Math.min(gap, layout.blocksPerGroup()));
                        if (run == 0) {
                            at++;
                            continue;
                        }
                        space.markUsed(at, run);
                        gap -= run;
                        at += run;
                    }
                }
            }
            inode.disksize = size;
            remap(inode);
        } finally {
            setup = false;
        }
    }

    // ------------------------------------------------------------------ BlockMapper

    @Override
    public long[] mapForWriteback(SimFile f, long offset, long len) {
        Ext4Inode inode = inodeOf(f);
        long b = offset / bs;
        long end = (offset + len + bs - 1) / bs;
        List<Long> pieces = null;
        long pieceStart = b;
        Op op = null;
        ExtentTree t = inode.tree;
        while (b < end) {
            int i = t.find(b);
            if (i >= 0 && !t.unwritten(i)) {
                b = Math.min(end, t.lblk(i) + t.len(i));
                continue;
            }
            if (op == null) {
                op = new Op(inode);
                pieces = new ArrayList<>();
            }
            // mpage_prepare_extent_to_map: delayed or unwritten blocks up to 2048.
            long chunkEnd = Math.min(end, b + MAX_WRITEPAGES_EXTENT_LEN);
            if (i >= 0) {
                chunkEnd = Math.min(chunkEnd, t.lblk(i) + t.len(i));
                // dioread_nolock: the blocks to write become extents of their own, still
                // unwritten; writebackDone converts them when the I/O has completed.
                t.splitForIo(b, chunkEnd, op);
                op.inode(inode);
            } else {
                int next = -i - 1;
                if (next < t.size()) {
                    chunkEnd = Math.min(chunkEnd, t.lblk(next));
                }
                allocateRange(inode, b, chunkEnd - b, false, false, op, 0);
            }
            b = chunkEnd;
            pieces.add((b - pieceStart) * bs);
            pieceStart = b;
        }
        if (op == null) {
            return null;
        }
        if (pieceStart < end) {
            pieces.add((end - pieceStart) * bs);
        }
        // mpage_map_and_submit_extent: i_disksize follows what was mapped.
        long newDisk = Math.min(inode.size, end * bs);
        if (newDisk > inode.disksize) {
            inode.disksize = newDisk;
            op.inode(inode);
        }
        op.finish();
        remap(inode);
        long[] out = new long[pieces.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = pieces.get(k);
        }
        return out;
    }

    @Override
    public int prepareDirectWrite(SimFile f, long offset, long len) {
        Ext4Inode inode = inodeOf(f);
        long b = offset / bs;
        long end = (offset + len + bs - 1) / bs;
        Op op = null;
        ExtentTree t = inode.tree;
        try {
            while (b < end) {
                int i = t.find(b);
                if (i >= 0) {
                    b = Math.min(end, t.lblk(i) + t.len(i));
                    continue;
                }
                int next = -i - 1;
                long holeEnd = next < t.size() ? Math.min(end, t.lblk(next)) : end;
                if (op == null) {
                    op = new Op(inode);
                }
                // ext4_iomap_alloc: within i_size an unwritten extent, converted at completion; past it a written one.
                boolean within = b * bs < inode.size;
                allocateRange(inode, b, holeEnd - b, within, false, op, 0);
                b = holeEnd;
            }
        } catch (FsException e) {
            return -e.errno();
        }
        if (op != null) {
            op.finish();
            remap(inode);
        }
        return 0;
    }

    @Override
    public void directWriteDone(SimFile f, long offset, long len) {
        Ext4Inode inode = inodeOf(f);
        long b = offset / bs;
        long end = (offset + len + bs - 1) / bs;
        Op op = new Op(inode);
        boolean changed = false;
        for (int i = Math.max(0, inode.tree.find(b) >= 0 ? inode.tree.find(b) : -inode.tree.find(b) - 1);
                i < inode.tree.size() && inode.tree.lblk(i) < end; i++) {
            if (inode.tree.unwritten(i)) {
                changed = true;
                break;
            }
        }
        if (changed) {
            inode.tree.convert(b, end, op);
            op.inode(inode);
        }
        if (offset + len > inode.disksize) {
            // ext4_handle_inode_extension: i_disksize (and i_size) follow the write.
            inode.disksize = Math.max(inode.disksize, offset + len);
            inode.size = Math.max(inode.size, offset + len);
            op.inode(inode);
            changed = true;
        }
        if (changed) {
            op.finish();
            remap(inode);
        }
    }

    /**
     * ext4_end_bio of a write into unwritten extents: the io_end goes to the conversion worker
     * (ext4_end_io_rsv_work), which converts them in a reserved handle
     * (ext4_convert_unwritten_io_end_vec, merging with written neighbours) before the pages end
     * their writeback (ext4_release_io_end).
     */
    @Override
    public void writebackDone(SimFile f, long offset, long len) {
        Ext4Inode inode = inodeOf(f);
        ExtentTree t = inode.tree;
        long b = offset / bs;
        long end = (offset + len + bs - 1) / bs;
        int i = t.find(b);
        if (i < 0) {
            i = -i - 1;
        }
        boolean any = false;
        for (; i < t.size() && t.lblk(i) < end; i++) {
            if (t.unwritten(i)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        Op op = new Op(inode);
        t.convert(b, end, op);
        op.inode(inode);
        op.finish();
        remap(inode);
    }

    @Override
    public void sizeChanged(SimFile f, long oldSize, long newSize) {
        // ext4_da_write_end: i_size moves now; i_disksize when the blocks are written back.
        inodeOf(f).size = newSize;
    }

    // ------------------------------------------------------------------ file operations

    /** ext4_dirty_inode: the inode's table block changes (a timestamp, i_size). */
    public void dirtyInode(SimFile f) {
        Ext4Inode inode = inodeOf(f);
        Op op = new Op(inode);
        op.datasync = false; // timestamps only: I_DIRTY_SYNC, not I_DIRTY_DATASYNC
        op.inode(inode);
        op.finish();
    }

    /**
     * The file was opened ({@code write}: for writing). The first open of a regular file after
     * mount records the mount point in the superblock (ext4_file_open ->
     * ext4_sample_last_mounted: s_last_mounted, once per mount, EXT4_MF_MNTDIR_SAMPLED), which
     * logs the superblock's block 0 in a handle of its own.
     */
    public void opened(SimFile f, boolean write) {
        Ext4Inode inode = inodeOf(f);
        if (write) {
            inode.openForWrite++;
        }
        if (!mntdirSampled) {
            mntdirSampled = true;
            Op op = new Op(inode);
            op.dirtied(0L);
            op.finish();
        }
    }

    /**
     * The file was closed: the last writer's close gives back its inode preallocation
     * (ext4_release_file -> ext4_discard_preallocations).
     */
    public void closed(SimFile f, boolean write) {
        Ext4Inode inode = inodeOf(f);
        if (write && --inode.openForWrite == 0) {
            mballoc.discardInodePa(inode, inode.tree);
        }
    }

    /**
     * ftruncate / truncate(2) (ext4_setattr): shrinking frees the blocks past the new end
     * (ext4_truncate, with the orphan list holding the inode meanwhile: the superblock is
     * dirtied), growing only moves i_size. Returns 0 or -errno.
     */
    public int truncate(SimFile f, long size) {
        Ext4Inode inode = inodeOf(f);
        if (size < 0) {
            return -Errno.EINVAL;
        }
        Op op = new Op(inode);
        op.inode(inode);
        if (size < inode.size) {
            long from = (size + bs - 1) / bs;
            freeRange(inode, from, Long.MAX_VALUE / bs, op);
            mballoc.discardInodePa(inode, inode.tree);
            op.dirtied(0L); // ext4_orphan_add / ext4_orphan_del: s_last_orphan
        }
        inode.size = size;
        inode.disksize = size;
        f.resize(size);
        op.finish();
        remap(inode);
        return 0;
    }

    private void freeRange(Ext4Inode inode, long from, long to, Op op) {
        int freed = op.freedRuns;
        inode.tree.remove(from, to, (p, n) -> {
            mballoc.free(p, n);
            op.allocated(p, n);
            op.freedRuns++;
        }, op);
        if (op.freedRuns > freed) {
            op.extentChanges++; // ext4_ext_remove_space changed the tree (a hole already: a lookup only)
        }
    }

    /**
     * fallocate(2) (ext4_fallocate): mode 0 or KEEP_SIZE allocates the range's holes as
     * unwritten extents (ext4_alloc_file_blocks: at most 32767 blocks per extent, exactly the
     * request when it fits in one, EXT4_GET_BLOCKS_NO_NORMALIZE) and, without KEEP_SIZE, grows
     * i_size; PUNCH_HOLE|KEEP_SIZE frees the whole blocks of the range (ext4_punch_hole);
     * ZERO_RANGE turns the range into unwritten extents, allocating its holes. Returns 0 or -errno.
     */
    public int fallocate(SimFile f, int mode, long offset, long len) {
        lastFallocateNs = 0;
        Ext4Inode inode = inodeOf(f);
        if (offset < 0 || len <= 0) {
            return -Errno.EINVAL;
        }
        if ((mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0) {
            return -Errno.EOPNOTSUPP;
        }
        Op op = new Op(inode);
        try {
            if ((mode & FALLOC_FL_PUNCH_HOLE) != 0) {
                if ((mode & FALLOC_FL_KEEP_SIZE) == 0 || (mode & FALLOC_FL_ZERO_RANGE) != 0) {
                    return -Errno.EOPNOTSUPP;
                }
                long end = Math.min(offset + len, inode.size);
                long from = (offset + bs - 1) / bs;
                long to = end / bs;
                if (end == inode.size) {
                    to = (end + bs - 1) / bs;
                }
                if (from < to) {
                    mballoc.discardInodePa(inode, inode.tree);
                    freeRange(inode, from, to, op);
                }
                op.inode(inode);
            } else {
                long from = offset / bs;
                long to = (offset + len + bs - 1) / bs;
                if ((mode & FALLOC_FL_ZERO_RANGE) != 0) {
                    unwriteRange(inode, from, to, op);
                }
                boolean noNormalize = to - from <= ExtentTree.EXT_UNWRITTEN_MAX_LEN;
                long b = from;
                while (b < to) {
                    int i = inode.tree.find(b);
                    if (i >= 0) {
                        b = inode.tree.lblk(i) + inode.tree.len(i);
                        continue;
                    }
                    int next = -i - 1;
                    long holeEnd = next < inode.tree.size() ? Math.min(to, inode.tree.lblk(next)) : to;
                    allocateRange(inode, b, holeEnd - b, true, noNormalize, op, 0);
                    b = holeEnd;
                }
                if ((mode & FALLOC_FL_KEEP_SIZE) == 0 && offset + len > inode.size) {
                    inode.size = offset + len;
                    inode.disksize = offset + len;
                    f.resize(inode.size);
                }
                op.inode(inode);
            }
        } catch (FsException e) {
            lastFallocateNs = fallocateNs(op);
            op.finish();
            remapLazily(inode);
            return -e.errno();
        }
        lastFallocateNs = fallocateNs(op);
        op.finish();
        remapLazily(inode);
        return 0;
    }

    private static long fallocateNs(Op op) {
        return Ext4Costs.fallocateNs(op.dirtied.size(), op.extentChanges, op.freedRuns, op.allocatedRuns);
    }

    /**
     * The kernel CPU time of the last {@link #fallocate} call, from what it did (Ext4Costs): the
     * caller spends it holding the inode's lock.
     */
    public long lastFallocateNs() {
        return lastFallocateNs;
    }

    /** ZERO_RANGE's conversion of written extents to unwritten: free and re-allocate is not what ext4 does, so split in place. */
    private void unwriteRange(Ext4Inode inode, long from, long to, Op op) {
        ExtentTree t = inode.tree;
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            long s = Math.max(from, t.lblk(i));
            long e = Math.min(to, t.lblk(i) + t.len(i));
            if (s < e && !t.unwritten(i)) {
                runs.add(new long[] {s, t.pblk(i) + (s - t.lblk(i)), e - s});
            }
        }
        for (long[] r : runs) {
            op.extentChanges += 2;
            t.remove(r[0], r[0] + r[2], (p, n) -> { }, op);
            t.insert(r[0], r[1], (int) r[2], true, op);
        }
    }

    /**
     * unlink(2) (ext4_unlink, then ext4_evict_inode when the last reference goes): the entry
     * leaves its directory block, the inode's blocks and extent blocks are freed, its inode
     * bit cleared. Returns 0 or -ENOENT.
     */
    public int unlink(String path) {
        String[] parts = split(path);
        Ext4Inode dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            long ino = dir.dir.lookup(parts[i]);
            dir = ino < 0 ? null : inodes.get(ino);
            if (dir == null || !dir.directory) {
                return -Errno.ENOENT;
            }
        }
        String name = parts[parts.length - 1];
        long ino = dir.dir.lookup(name);
        if (ino < 0) {
            return -Errno.ENOENT;
        }
        Ext4Inode inode = inodes.get(ino);
        if (inode.directory) {
            return -Errno.EISDIR;
        }
        Op op = new Op(inode);
        int b = dir.dir.remove(name);
        op.dirtied(dirBlock(dir, b));
        op.inode(dir);
        mballoc.discardInodePa(inode, inode.tree);
        freeRange(inode, 0, Long.MAX_VALUE / bs, op);
        op.inode(inode);
        int g = inode.group;
        clearInodeBit(g, (int) ((ino - 1) % layout.inodesPerGroup()));
        op.dirtied(layout.inodeBitmap(g));
        op.dirtied(layout.groupDescriptorBlock(g));
        inodes.remove(ino);
        op.finish();
        inode.size = 0;
        remap(inode);
        return 0;
    }

    // ------------------------------------------------------------------ EXT4_IOC_MOVE_EXT

    /** EXT_MAX_BLOCKS: no logical block beyond (ext4_ext_next_allocated_block's "none"). */
    public static final long EXT_MAX_BLOCKS = 0xffffffffL;

    /** The file system's block size in bytes. */
    public int blockSize() {
        return bs;
    }

    /**
     * The extent ext4_find_extent stops at for logical block {@code b} (fs/ext4/move_extent.c's
     * get_ext_path): the one holding it, else the last one before it, else the first one; as
     * {lblk, len, unwritten 0/1}, or null when the tree is empty (-ENODATA).
     */
    public long[] extentNear(SimFile f, long b) {
        ExtentTree t = inodeOf(f).tree;
        if (t.size() == 0) {
            return null;
        }
        int i = t.find(b);
        int k = i >= 0 ? i : Math.max(0, -i - 2);
        return new long[] {t.lblk(k), t.len(k), t.unwritten(k) ? 1 : 0};
    }

    /**
     * ext4_ext_next_allocated_block after ext4_find_extent for {@code b}: the first block of the
     * extent after the one find_extent stopped at, or EXT_MAX_BLOCKS.
     */
    public long nextAllocated(SimFile f, long b) {
        ExtentTree t = inodeOf(f).tree;
        int i = t.find(b);
        int k = i >= 0 ? i : -i - 2;
        return k + 1 < t.size() ? t.lblk(k + 1) : EXT_MAX_BLOCKS;
    }

    /**
     * mext_check_coverage(inode, from, count, unwritten=1): every extent met walking from
     * {@code from} (find_extent's, then on by each extent's length) is unwritten. 1 yes, 0 no,
     * -ENODATA for an empty tree.
     */
    public int coveredUnwritten(SimFile f, long from, long count) {
        ExtentTree t = inodeOf(f).tree;
        long b = from;
        long last = from + count;
        while (b < last) {
            if (t.size() == 0) {
                return -Errno.ENODATA;
            }
            int i = t.find(b);
            int k = i >= 0 ? i : Math.max(0, -i - 2);
            if (!t.unwritten(k)) {
                return 0;
            }
            b += t.len(k);
        }
        return 1;
    }

    /**
     * ext4_swap_extents(handle, orig, donor, lblk1, lblk2, count, mark_unwritten=1) under one
     * journal handle (move_extent_per_page's EXT4_HT_MOVE_EXTENTS): where both files map the
     * blocks, their physical blocks change places - the original keeps its own unwritten state
     * at each logical block (its ee_len is rebuilt from the old extent's), the donor's swapped
     * extents are marked unwritten - with the extents split at the range's ends and merged with
     * neighbours they continue (ext4_force_split_extent_at, ext4_ext_try_to_merge); a hole in
     * either file skips to the further of the two next extents, as the kernel does. Both inodes
     * and the tree blocks touched are journalled; {@code ordered} pins the original's swapped
     * range to the transaction (ext4_jbd2_inode_add_write of the data-copy path). Returns the
     * blocks swapped, or -errno (-ENOSPC: no block for a leaf a split needed).
     */
    public long swapExtents(SimFile orig, SimFile donor, long lblk1, long lblk2, long count, boolean ordered) {
        Ext4Inode i1 = inodeOf(orig);
        Ext4Inode i2 = inodeOf(donor);
        ExtentTree t1 = i1.tree;
        ExtentTree t2 = i2.tree;
        Op op = new Op(i1);
        long replaced = 0;
        long l1 = lblk1;
        long l2 = lblk2;
        long left = count;
        long firstSwapped = -1;
        try {
            while (left > 0) {
                if (t1.size() == 0 || t2.size() == 0) {
                    break;
                }
                int a = t1.find(l1);
                int b = t2.find(l2);
                if (a < 0 || b < 0) {
                    long next1 = a >= 0 ? nextAllocated(orig, l1) : (-a - 1 < t1.size() ? t1.lblk(-a - 1) : EXT_MAX_BLOCKS);
                    long next2 = b >= 0 ? nextAllocated(donor, l2) : (-b - 1 < t2.size() ? t2.lblk(-b - 1) : EXT_MAX_BLOCKS);
                    if (next1 == EXT_MAX_BLOCKS || next2 == EXT_MAX_BLOCKS) {
                        break;
                    }
                    long len = Math.min(left, Math.max(next1 - l1, next2 - l2));
                    l1 += len;
                    l2 += len;
                    left -= len;
                    continue;
                }
                int len = (int) Math.min(left, Math.min(t1.lblk(a) + t1.len(a) - l1, t2.lblk(b) + t2.len(b) - l2));
                long p1 = t1.pblk(a) + (l1 - t1.lblk(a));
                boolean u1 = t1.unwritten(a);
                long p2 = t2.pblk(b) + (l2 - t2.lblk(b));
                t1.remove(l1, l1 + len, (p, n) -> { }, op);
                t2.remove(l2, l2 + len, (p, n) -> { }, op);
                t1.insert(l1, p2, len, u1, op);
                t2.insert(l2, p1, len, true, op);
                if (firstSwapped < 0) {
                    firstSwapped = l1;
                }
                replaced += len;
                l1 += len;
                l2 += len;
                left -= len;
            }
        } catch (FsException e) {
            op.inode(i1);
            op.inode(i2);
            op.finish();
            remap(i1);
            remap(i2);
            return replaced > 0 ? replaced : -e.errno();
        }
        op.inode(i1);
        op.inode(i2);
        if (ordered && replaced > 0) {
            op.ordered.add(new long[] {firstSwapped * bs, (firstSwapped + replaced) * bs});
        }
        op.finish();
        remap(i1);
        remap(i2);
        return replaced;
    }

    /** ext4_discard_preallocations(inode): the inode's preallocated space goes back (ext4_move_extents' end). */
    public void discardPreallocations(SimFile f) {
        Ext4Inode inode = inodeOf(f);
        mballoc.discardInodePa(inode, inode.tree);
    }

    /** stat(2) with FIEMAP's and filefrag's extent counts. */
    public FileStat stat(SimFile f) {
        Ext4Inode inode = inodeOf(f);
        long blocks = inode.tree.mappedBlocks() + inode.tree.metaBlocks();
        return new FileStat(inode.ino, inode.size, blocks * (bs / 512), inode.tree.size(), inode.tree.filefragCount());
    }

    /** The on-disk extents of {@code f} as (logical, physical, length, unwritten 0/1) rows, for tests and reports. */
    public List<long[]> extents(SimFile f) {
        ExtentTree t = inodeOf(f).tree;
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            out.add(new long[] {t.lblk(i), t.pblk(i), t.len(i), t.unwritten(i) ? 1 : 0});
        }
        return out;
    }

    /** The extent tree's depth (0: in the inode). */
    public int treeDepth(SimFile f) {
        return inodeOf(f).tree.depth();
    }

    /** The journal's place: its first file-system block and length in blocks. */
    public long journalStart() {
        return layout.journalStart();
    }

    /** Device byte offset of file-system block {@code block}. */
    public long deviceByte(long block) {
        return deviceOffset + block * bs;
    }
}
