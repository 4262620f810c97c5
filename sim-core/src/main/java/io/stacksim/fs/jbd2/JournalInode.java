package io.stacksim.fs.jbd2;

/**
 * An inode's journal state: ext4_inode_info's i_sync_tid and i_datasync_tid (the transaction
 * fsync, and fdatasync, must see committed: ext4_update_inode_fsync_trans) and its jbd2_inode
 * (the transaction whose commit writes the inode's ordered data first, and the byte range).
 */
public final class JournalInode {
    /** i_sync_tid: the last transaction that changed anything of the inode. */
    long syncTid;
    /** i_datasync_tid: the last transaction that changed what fdatasync needs (size, block map). */
    long datasyncTid;
    /** jinode->i_transaction: the transaction with ordered data of this inode, or null. */
    Transaction orderedIn;
    /** i_dirty_start / i_dirty_end of the ordered range, bytes. */
    long dirtyStart;
    long dirtyEnd;

    public long syncTid() {
        return syncTid;
    }

    public long datasyncTid() {
        return datasyncTid;
    }
}
