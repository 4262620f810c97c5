package io.stacksim.fs;

/**
 * Where a journalling file system's metadata changes go: jbd2's handles (fs/ext4/ext4_jbd2.c,
 * ext4_journal_start / ext4_handle_dirty_metadata / ext4_jbd2_inode_add_write /
 * ext4_journal_stop). ext4 starts a handle for each operation, names every metadata block it
 * dirtied and, in data=ordered, the data ranges of newly allocated blocks the commit must
 * write first.
 */
public interface MetadataJournal {
    /** ext4_journal_start: a handle in the running transaction. */
    Handle start();

    /** One operation's share of the running transaction. */
    interface Handle {
        /** ext4_handle_dirty_metadata: file-system block {@code fsBlock} was changed. */
        void dirtyMetadata(long fsBlock);

        /** ext4_jbd2_inode_add_write: bytes [start, end) of {@code f} got new blocks (ordered data). */
        void addOrderedData(SimFile f, long start, long end);

        /** ext4_journal_stop. */
        void stop();
    }
}
