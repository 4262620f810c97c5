package io.stacksim.fs;

/**
 * file_update_time (fs/inode.c) as a write calls it (file_modified, before the data is
 * copied): mtime and ctime take current_time(), the coarse clock, which advances once a
 * jiffy (HZ=250 here: 4 ms), so only a write in a new jiffy changes them
 * (inode_needs_update_time) and marks the inode dirty (generic_update_time ->
 * __mark_inode_dirty(I_DIRTY_SYNC) -> ->dirty_inode). ext4's multigrain timestamps take a fine
 * time only after a stat queried the ctime, which the workloads here never do.
 */
public final class FileTimes {
    /** One jiffy at CONFIG_HZ=250 (Debian's kernel, as on the reference machine). */
    public static final long JIFFY_NS = 4_000_000;

    private FileTimes() {
    }

    /**
     * Updates {@code f}'s mtime to the coarse time of {@code nowNs}; returns true (and tells
     * the file system) when it changed.
     */
    public static boolean update(FileSystem fs, SimFile f, long nowNs) {
        if (f.isBlockDevice()) {
            return false; // a device node's times live in devtmpfs, not on this file system
        }
        long jiffies = nowNs / JIFFY_NS;
        if (f.mtimeJiffies == jiffies) {
            return false;
        }
        f.mtimeJiffies = jiffies;
        fs.dirtyInode(f);
        return true;
    }

    /**
     * A change that logs the inode itself (creation, ftruncate, fallocate: ext4_setattr and
     * ext4_fallocate set mtime and ctime under the handle that logs the inode) stamps the
     * times with the coarse clock of {@code nowNs} without a separate dirtying.
     */
    public static void stamp(SimFile f, long nowNs) {
        f.mtimeJiffies = nowNs / JIFFY_NS;
    }
}
