package io.stacksim.fs.jbd2;

import io.stacksim.fs.MetadataJournal;
import io.stacksim.fs.SimFile;

/**
 * A journal handle (handle_t, ext4_journal_start .. ext4_journal_stop): the file system's
 * metadata changes of one operation, all in the running transaction.
 */
final class JournalHandle implements MetadataJournal.Handle {
    private final Journal journal;
    private final Transaction t;
    private boolean stopped;

    JournalHandle(Journal journal, Transaction t) {
        this.journal = journal;
        this.t = t;
    }

    /** The transaction's tid. */
    public long tid() {
        return t.tid;
    }

    /**
     * jbd2_journal_dirty_metadata: file-system block {@code block} (its home location) is
     * logged by this transaction; a block already in it is not logged twice.
     */
    @Override
    public void dirtyMetadata(long block) {
        check();
        journal.dirtyMetadata(t, block);
    }

    /**
     * ext4_update_inode_fsync_trans: fsync of {@code f} must see this transaction committed;
     * fdatasync too when {@code datasync} (size or block-map changes, not timestamps alone).
     */
    @Override
    public void revoke(long block) {
        check();
        journal.revoke(t, block);
    }

    @Override
    public void updateInodeFsyncTrans(SimFile f, boolean datasync) {
        check();
        JournalInode ji = f.jinode();
        ji.syncTid = t.tid;
        if (datasync) {
            ji.datasyncTid = t.tid;
        }
    }

    /**
     * ext4_jbd2_inode_add_write (jbd2_journal_inode_ranged_write): newly allocated blocks of
     * {@code f} hold data in [start, end) that this transaction's commit writes and waits for
     * before its commit block (data=ordered).
     */
    @Override
    public void addOrderedData(SimFile f, long start, long end) {
        check();
        journal.addOrderedData(t, f, start, end);
    }

    /** jbd2_journal_stop: a handle past its transaction's expiry starts the commit. */
    @Override
    public void stop() {
        check();
        stopped = true;
        journal.handleStopped(t);
    }

    private void check() {
        if (stopped) {
            throw new IllegalStateException("handle of T" + t.tid + " used after stop");
        }
    }
}
