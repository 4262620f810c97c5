package io.stacksim.fs;

/**
 * The file system's journal as ext4 uses it (jbd2 in data=ordered: {@code
 * io.stacksim.fs.jbd2.Journal}): metadata changes of one operation go through a handle on the
 * running transaction. Installed on the {@link FileSystem} for fs.type ext4; raw has none.
 */
public interface MetadataJournal {
    /** ext4_journal_start: a handle on the running transaction. */
    Handle start();

    /**
     * Work done before the run (files laid out, then synced) was committed: the journal
     * superblock already records a log tail (JBD2_FLUSHED is clear), so the run's first commit
     * does not write it, as after the capture's layout and sync. A journal that keeps no
     * superblock state has nothing to note.
     */
    default void committedBeforeRun() {
    }

    /** handle_t: one operation's metadata changes, all in one transaction. */
    interface Handle {
        /** jbd2_journal_dirty_metadata: the file-system block {@code fsBlock} (its home location) is logged. */
        void dirtyMetadata(long fsBlock);

        /**
         * jbd2_journal_revoke (ext4_forget, ext4_free_blocks with EXT4_FREE_BLOCKS_FORGET): the
         * metadata block {@code fsBlock} was freed; the commit logs a revoke record for it.
         */
        void revoke(long fsBlock);

        /**
         * ext4_jbd2_inode_add_write: newly allocated blocks of {@code f} hold data in
         * [start, end) bytes that the commit writes and waits for first (data=ordered).
         */
        void addOrderedData(SimFile f, long start, long end);

        /**
         * ext4_update_inode_fsync_trans: fsync of {@code f} must see this transaction
         * committed; fdatasync too when {@code datasync} (size or block map, not timestamps).
         */
        void updateInodeFsyncTrans(SimFile f, boolean datasync);

        /** ext4_journal_stop. */
        void stop();
    }
}
