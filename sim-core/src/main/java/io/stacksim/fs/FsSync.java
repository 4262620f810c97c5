package io.stacksim.fs;

/**
 * The file system's part of the sync calls, after the VFS has written and waited for the
 * data (vfs_fsync_range -> {@code ->fsync}; sync_filesystem -> {@code ->sync_fs}). Without a
 * journal ({@link #noJournal}) it is one cache flush; with one it is ext4_sync_file /
 * ext4_sync_fs over jbd2 ({@code io.stacksim.fs.jbd2.JournalSync}).
 */
public interface FsSync {
    /** blkdev_issue_flush: an empty PREFLUSH to the file system's device, waited for. */
    @FunctionalInterface
    interface DeviceFlush {
        void flush(FsContext ctx, Runnable then);
    }

    /**
     * The tail of {@code ->fsync} once the data of {@code f} is on the device: commit what the
     * file needs ({@code datasync}: only what fdatasync needs), or flush the device cache.
     */
    void syncFile(FsContext ctx, SimFile f, boolean datasync, Runnable then);

    /** {@code ->sync_fs(sb, wait)}: with {@code wait}, make the whole file system durable. */
    void syncFs(FsContext ctx, boolean wait, Runnable then);

    /**
     * No journal (fs.type raw; ext4_fsync_nojournal with barrier=1, blkdev_fsync for a device
     * node): every fsync and fdatasync ends with one flush, and so does sync_fs(wait).
     */
    static FsSync noJournal(DeviceFlush flush) {
        return new FsSync() {
            @Override
            public void syncFile(FsContext ctx, SimFile f, boolean datasync, Runnable then) {
                flush.flush(ctx, then);
            }

            @Override
            public void syncFs(FsContext ctx, boolean wait, Runnable then) {
                if (wait) {
                    flush.flush(ctx, then);
                } else {
                    then.run();
                }
            }
        };
    }
}
