package io.stacksim.fs.ext4;

/**
 * The on-disk layout {@code mkfs.ext4} (e2fsprogs 1.47, mke2fs.conf defaults: 4 KiB blocks,
 * 256-byte inodes, inode_ratio 16384, flex_bg 16, sparse_super, resize_inode, 64bit) gives a
 * device of a given size: block groups of 8 x block-size blocks, the superblock and group
 * descriptor copies in groups 0, 1 and the powers of 3, 5 and 7, the reserved GDT blocks that
 * let the file system grow 1024-fold (calc_reserved_gdt_blocks), the block bitmaps, inode
 * bitmaps and inode tables of each flex group packed at the start of its first group, and the
 * journal (inode 8) in the group mke2fs picks near the middle of the device
 * (get_midpoint_journal_block), sized by ext2fs_default_journal_size. Checked against
 * dumpe2fs on images of 1, 3 and 5 GiB.
 *
 * <p>Positions are file-system block numbers; a group's static metadata is computed, never
 * stored per group, so a multi-terabyte device costs nothing until its groups are used.
 */
public final class Ext4Layout {
    /** The root directory's inode (EXT4_ROOT_INO). */
    public static final int ROOT_INO = 2;
    /** The journal's inode (EXT4_JOURNAL_INO). */
    public static final int JOURNAL_INO = 8;
    /** lost+found, the first non-reserved inode (EXT4_GOOD_OLD_FIRST_INO). */
    public static final int LOST_FOUND_INO = 11;
    /** s_log_groups_per_flex = 4: 16 groups per flex group (mke2fs default). */
    public static final int FLEX_BG_SIZE = 16;
    /** Inode size (mke2fs.conf inode_size). */
    public static final int INODE_SIZE = 256;
    /** Bytes of file system per inode (mke2fs.conf inode_ratio). */
    public static final int INODE_RATIO = 16384;
    /** Group descriptor size with the 64bit feature. */
    public static final int DESC_SIZE = 64;

    final int blockSize;
    final long blocks;
    final int blocksPerGroup;
    final int groups;
    final int inodesPerGroup;
    final int inodeTableBlocks;
    final int gdtBlocks;
    final int reservedGdtBlocks;
    final long journalStart;
    final int journalBlocks;
    /** Blocks mkfs gives the root directory, lost+found (4) and the resize inode's DIND block. */
    final long rootDirBlock;
    final long lostFoundBlock;
    final long resizeDindBlock;

    /** Lays out a file system of {@code bytes} bytes (rounded down to whole blocks). */
    public Ext4Layout(long bytes, int blockSize) {
        if (blockSize != 4096) {
            throw new IllegalArgumentException("ext4 here is made with 4096-byte blocks (got " + blockSize + ")");
        }
        this.blockSize = blockSize;
        this.blocksPerGroup = 8 * blockSize;
        long count = bytes / blockSize;
        int itbGuess = itableBlocks(count);
        // The last group is dropped when it could not hold its own metadata and 50 blocks
        // (ext2fs_initialize's overhead check).
        long rem = count % blocksPerGroup;
        long lastGroup = count / blocksPerGroup;
        if (rem != 0 && count > blocksPerGroup) {
            long overhead = 2 + itbGuess + (hasSuper(lastGroup) ? 1 + descBlocks(count) : 0);
            if (rem < overhead + 50) {
                count -= rem;
            }
        }
        if (count < 4096) {
            throw new IllegalArgumentException("an ext4 file system needs at least 16 MiB (got " + bytes + " bytes)");
        }
        this.blocks = count;
        this.groups = (int) ((count + blocksPerGroup - 1) / blocksPerGroup);
        this.inodeTableBlocks = itableBlocks(count);
        this.inodesPerGroup = inodeTableBlocks * blockSize / INODE_SIZE;
        this.gdtBlocks = descBlocks(count);
        this.reservedGdtBlocks = reservedGdt(count);
        this.journalBlocks = journalSize(count);
        this.journalStart = journalGoal();
        long firstFree = flexMetaStart(0) + flexMetaBlocks(0);
        this.rootDirBlock = firstFree;
        this.lostFoundBlock = firstFree + 1;
        this.resizeDindBlock = firstFree + 5;
    }

    private int itableBlocks(long count) {
        int g = (int) ((count + blocksPerGroup - 1) / blocksPerGroup);
        long inodes = count * blockSize / INODE_RATIO;
        long ipg = (inodes + g - 1) / g;
        ipg = Math.min(ipg, blocksPerGroup);
        long itb = (ipg * INODE_SIZE + blockSize - 1) / blockSize;
        ipg = itb * blockSize / INODE_SIZE;
        ipg &= ~7L;
        return (int) ((ipg * INODE_SIZE + blockSize - 1) / blockSize);
    }

    private int descBlocks(long count) {
        long g = (count + blocksPerGroup - 1) / blocksPerGroup;
        int perBlock = blockSize / DESC_SIZE;
        return (int) ((g + perBlock - 1) / perBlock);
    }

    /** calc_reserved_gdt_blocks: room to grow 1024-fold, at most 2^32 blocks, one block of pointers. */
    private int reservedGdt(long count) {
        long max = 0xffffffffL;
        if (count < max / 1024) {
            max = count * 1024;
        }
        long rsvGroups = (max + blocksPerGroup - 1) / blocksPerGroup;
        int perBlock = blockSize / DESC_SIZE;
        long rsv = (rsvGroups + perBlock - 1) / perBlock - descBlocks(count);
        return (int) Math.min(rsv, blockSize / 4);
    }

    /** ext2fs_default_journal_size, in blocks. */
    static int journalSize(long count) {
        if (count < 32768) {
            return 1024;
        } else if (count < 256 * 1024) {
            return 4096;
        } else if (count < 512 * 1024) {
            return 8192;
        } else if (count < 4096 * 1024) {
            return 16384;
        } else if (count < 8192 * 1024) {
            return 32768;
        } else if (count < 16384 * 1024) {
            return 65536;
        } else if (count < 32768 * 1024) {
            return 131072;
        }
        return 262144;
    }

    /** get_midpoint_journal_block, then the first block there not holding static metadata. */
    private long journalGoal() {
        int group = groupOf(blocks / 2);
        int start;
        int end;
        if (group > FLEX_BG_SIZE) {
            group &= ~(FLEX_BG_SIZE - 1);
            start = group;
        } else {
            start = group > 0 ? group - 1 : group;
        }
        end = group + 1 < groups ? group + 1 : group;
        int best = start;
        for (int i = start + 1; i <= end; i++) {
            if (staticFree(i) > staticFree(best)) {
                best = i;
            }
        }
        return firstBlock(best) + staticUsedAtStart(best);
    }

    /** Free blocks of group {@code g} after mkfs's metadata, before the journal and directories. */
    private long staticFree(int g) {
        long n = groupBlocks(g) - superBlocks(g);
        int flexFirst = g & ~(FLEX_BG_SIZE - 1);
        if (g == flexFirst) {
            n -= flexMetaBlocks(g / FLEX_BG_SIZE);
        }
        return n;
    }

    /** Blocks at the start of group {@code g} holding a superblock copy or a flex group's tables. */
    private long staticUsedAtStart(int g) {
        long n = superBlocks(g);
        if ((g & (FLEX_BG_SIZE - 1)) == 0) {
            n += flexMetaBlocks(g / FLEX_BG_SIZE);
        }
        return n;
    }

    // ------------------------------------------------------------------ geometry

    public int blockSize() {
        return blockSize;
    }

    public long blocks() {
        return blocks;
    }

    public int groups() {
        return groups;
    }

    public int blocksPerGroup() {
        return blocksPerGroup;
    }

    public int inodesPerGroup() {
        return inodesPerGroup;
    }

    public int inodeTableBlocks() {
        return inodeTableBlocks;
    }

    public int reservedGdtBlocks() {
        return reservedGdtBlocks;
    }

    /** First block of the journal (inode 8), which is contiguous. */
    public long journalStart() {
        return journalStart;
    }

    public int journalBlocks() {
        return journalBlocks;
    }

    public long firstBlock(int group) {
        return (long) group * blocksPerGroup;
    }

    public int groupOf(long block) {
        return (int) (block / blocksPerGroup);
    }

    /** Blocks in group {@code g} (the last may be short). */
    public int groupBlocks(int g) {
        return (int) Math.min(blocksPerGroup, blocks - firstBlock(g));
    }

    /** sparse_super: groups 0 and 1 and powers of 3, 5 and 7 hold superblock backups (ext2fs_bg_has_super). */
    public static boolean hasSuper(long g) {
        if (g <= 1) {
            return true;
        }
        if ((g & 1) == 0) {
            return false;
        }
        return isPower(g, 3) || isPower(g, 5) || isPower(g, 7);
    }

    private static boolean isPower(long g, int base) {
        long p = base;
        while (p < g) {
            p *= base;
        }
        return p == g;
    }

    /** Superblock + group descriptors + reserved GDT blocks at the start of group {@code g}. */
    public int superBlocks(int g) {
        return hasSuper(g) ? 1 + gdtBlocks + reservedGdtBlocks : 0;
    }

    /** Where flex group {@code f}'s bitmaps and inode tables start (after the superblock copy). */
    long flexMetaStart(int f) {
        int g = f * FLEX_BG_SIZE;
        return firstBlock(g) + superBlocks(g);
    }

    private int flexGroups(int f) {
        return Math.min(FLEX_BG_SIZE, groups - f * FLEX_BG_SIZE);
    }

    long flexMetaBlocks(int f) {
        int n = flexGroups(f);
        return 2L * n + (long) n * inodeTableBlocks;
    }

    /** The block bitmap of group {@code g}. */
    public long blockBitmap(int g) {
        return flexMetaStart(g / FLEX_BG_SIZE) + (g % FLEX_BG_SIZE);
    }

    /** The inode bitmap of group {@code g}. */
    public long inodeBitmap(int g) {
        int f = g / FLEX_BG_SIZE;
        return flexMetaStart(f) + flexGroups(f) + (g % FLEX_BG_SIZE);
    }

    /** The first block of group {@code g}'s inode table. */
    public long inodeTable(int g) {
        int f = g / FLEX_BG_SIZE;
        return flexMetaStart(f) + 2L * flexGroups(f) + (long) (g % FLEX_BG_SIZE) * inodeTableBlocks;
    }

    /** The group descriptor block (in group 0) that describes group {@code g}. */
    public long groupDescriptorBlock(int g) {
        return 1 + g / (blockSize / DESC_SIZE);
    }

    /** The inode table block holding inode {@code ino} (1-based, as ext4 numbers them). */
    public long inodeBlock(long ino) {
        long i = ino - 1;
        int g = (int) (i / inodesPerGroup);
        long index = i % inodesPerGroup;
        return inodeTable(g) + index * INODE_SIZE / blockSize;
    }

    /** The group of inode {@code ino}. */
    public int inodeGroup(long ino) {
        return (int) ((ino - 1) / inodesPerGroup);
    }

    /** The block after the static metadata of group {@code g} ends (the group's first free block after mkfs). */
    long firstDataBlock(int g) {
        return firstBlock(g) + staticUsedAtStart(g);
    }

    @Override
    public String toString() {
        return blocks + " blocks of " + blockSize + " B, " + groups + " groups, " + inodesPerGroup
                + " inodes per group, " + reservedGdtBlocks + " reserved GDT blocks, journal " + journalBlocks
                + " blocks at " + journalStart;
    }
}
