package io.stacksim.fs.ext4;

import io.stacksim.fs.SimFile;
import java.util.ArrayList;
import java.util.List;

/**
 * ext4's in-memory inode (struct ext4_inode_info): its number and group, i_size and
 * i_disksize, the extent tree, the preallocations mballoc keeps for it, and for a directory
 * its entries.
 */
final class Ext4Inode {
    final long ino;
    final int group;
    final boolean directory;
    final ExtentTree tree;
    /** i_size: what the VFS sees (grows at write time with delayed allocation). */
    long size;
    /** i_disksize: what the on-disk inode says (grows when the blocks are written back). */
    long disksize;
    /** Blocks reserved for delayed allocation (i_reserved_data_blocks). */
    long reservedBlocks;
    /** The inode's PAs, most recently used first (i_prealloc_list). */
    final List<Prealloc> prealloc = new ArrayList<>();
    int openForWrite;
    /** The file the VFS knows, null for directories. */
    SimFile file;
    /** A directory's entries. */
    final Directory dir;
    final Ext4Inode parent;

    Ext4Inode(long ino, int group, boolean directory, Ext4Inode parent, int blockSize, DirHash hash) {
        this.ino = ino;
        this.group = group;
        this.directory = directory;
        this.parent = parent;
        this.tree = new ExtentTree(blockSize);
        this.dir = directory ? new Directory(blockSize, hash) : null;
    }
}
