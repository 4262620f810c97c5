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
    private List<Extent> extents;
    /** A mapping the file system gave and that is built only when read ({@link #remapLazily}). */
    private java.util.function.Supplier<List<Extent>> pendingExtents;
    private final boolean blockDevice;
    private final BlockTarget bdev;
    /** The file system's mapping side for files allocated during the run (ext4); null for raw files. */
    private BlockMapper mapper;
    /** The file system's own inode (ext4's), opaque here. */
    private Object fsInode;
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

    /** An empty regular file made by a file system during the run (its blocks come from {@link #attach}'s mapper). */
    public static SimFile created(int ino, String name, BlockTarget bdev) {
        return new SimFile(ino, name, 0, List.of(), false, bdev);
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
        return ex();
    }

    /** The mapping, built now if the file system gave it lazily. */
    private List<Extent> ex() {
        if (pendingExtents != null) {
            extents = List.copyOf(pendingExtents.get());
            pendingExtents = null;
        }
        return extents;
    }

    /** Allocated bytes (the file can grow up to this without new allocation); a mapped file grows freely. */
    public long allocated() {
        if (mapper != null) {
            return Long.MAX_VALUE;
        }
        List<Extent> l = ex();
        Extent last = l.get(l.size() - 1);
        return last.fileEnd();
    }

    /** The file system's mapping side (ext4), or null when the blocks were placed at creation. */
    public BlockMapper mapper() {
        return mapper;
    }

    /** The file system's inode behind this file (for the file system that made it). */
    public Object fsInode() {
        return fsInode;
    }

    /** Makes this a file whose blocks {@code mapper} maps during the run, with inode {@code inode}. */
    public void attach(BlockMapper mapper, Object inode) {
        this.mapper = mapper;
        this.fsInode = inode;
    }

    /** The file system changed the file's mapping: {@code extents} in file order, holes between them. */
    public void remap(List<Extent> extents) {
        this.extents = List.copyOf(extents);
        this.pendingExtents = null;
    }

    /**
     * As {@link #remap(List)}, the list built from {@code extents} only when the mapping is next
     * looked at (a file system whose calls change the mapping many times between lookups, as
     * fallocate and punch-hole calls do, builds it once).
     */
    public void remapLazily(java.util.function.Supplier<List<Extent>> extents) {
        this.pendingExtents = extents;
    }

    /** Sets i_size (truncate, fallocate, a direct write's end): for the file system. */
    public void resize(long size) {
        this.size = size;
    }

    void setSize(long size) {
        this.size = size;
    }

    /** Grows the file size to at least {@code end} (a write past EOF), within its allocation. */
    public void extendTo(long end) {
        if (end > size) {
            if (mapper != null) {
                long old = size;
                size = end;
                mapper.sizeChanged(this, old, end);
                return;
            }
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
        Extent e = mappedAt(offset);
        if (e == null) {
            throw new IllegalArgumentException(name + ": offset " + offset + " is not allocated");
        }
        return e;
    }

    /** The extent containing byte {@code offset}, or null in a hole (or an unmapped delayed block). */
    public Extent mappedAt(long offset) {
        List<Extent> extents = ex();
        if (extents.isEmpty()) {
            return null;
        }
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
            return null;
        }
        return e;
    }

    /** Where the next mapped byte at or after {@code offset} is, or {@code limit} if none before it. */
    public long nextMapped(long offset, long limit) {
        for (Extent e : ex()) {
            if (e.fileEnd() > offset) {
                return Math.min(limit, Math.max(offset, e.fileOffset()));
            }
        }
        return limit;
    }

    @Override
    public String toString() {
        return name;
    }
}
