package io.stacksim.fs;

import io.stacksim.block.BlockTarget;
import io.stacksim.fs.jbd2.JournalInode;
import java.util.List;

/**
 * A file (an inode): its size and the extents that place its blocks on the device. A block
 * device node (/dev/...) is a file with one extent covering the whole device.
 */
public final class SimFile {
    private final int ino;
    private final String name;
    private long size;
    private final List<Extent> extents;
    private final boolean blockDevice;
    private final BlockTarget bdev;
    /** Per-inode page-cache and writeback state, owned by the page cache. */
    public Object cacheState;
    /** ext4's i_sync_tid / i_datasync_tid and the jbd2_inode of ordered data. */
    private final JournalInode jinode = new JournalInode();
    /** i_mtime in jiffies of the coarse clock (-1: older than the run). */
    long mtimeJiffies = -1;

    SimFile(int ino, String name, long size, List<Extent> extents, boolean blockDevice, BlockTarget bdev) {
        this.bdev = bdev;
        this.ino = ino;
        this.name = name;
        this.size = size;
        this.extents = List.copyOf(extents);
        this.blockDevice = blockDevice;
    }

    public int ino() {
        return ino;
    }

    public String name() {
        return name;
    }

    public long size() {
        return size;
    }

    /** The inode's journal state (tids fsync and fdatasync wait for). */
    public JournalInode jinode() {
        return jinode;
    }

    public boolean isBlockDevice() {
        return blockDevice;
    }

    /**
     * The block device its blocks are on: the file system's ({@code inode->i_sb->s_bdev}), or,
     * for a device node, that device ({@code I_BDEV(inode)}).
     */
    public BlockTarget bdev() {
        return bdev;
    }

    public List<Extent> extents() {
        return extents;
    }

    /** Allocated bytes (the file can grow up to this without new allocation). */
    public long allocated() {
        Extent last = extents.get(extents.size() - 1);
        return last.fileEnd();
    }

    void setSize(long size) {
        this.size = size;
    }

    /** Grows the file size to at least {@code end} (a write past EOF), within its allocation. */
    public void extendTo(long end) {
        if (end > size) {
            if (end > allocated()) {
                throw new IllegalArgumentException(name + ": write beyond the allocated " + allocated() + " bytes");
            }
            size = end;
        }
    }

    /** The device sector holding byte {@code offset} of the file. */
    public long sectorOf(long offset) {
        Extent e = extentAt(offset);
        return e.sector() + ((offset - e.fileOffset()) >> 9);
    }

    /** The extent containing byte {@code offset}. */
    public Extent extentAt(long offset) {
        int lo = 0;
        int hi = extents.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (extents.get(mid).fileOffset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Extent e = extents.get(lo);
        if (offset < e.fileOffset() || offset >= e.fileEnd()) {
            throw new IllegalArgumentException(name + ": offset " + offset + " is not allocated");
        }
        return e;
    }

    @Override
    public String toString() {
        return name;
    }
}
