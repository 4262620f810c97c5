/**
 * The jbd2 journal in data=ordered mode (fs/jbd2/transaction.c, commit.c, checkpoint.c,
 * journal.c) and ext4's sync paths over it (fs/ext4/fsync.c ext4_sync_file, fs/ext4/super.c
 * ext4_sync_fs): the running and committing transactions, the commit thread woken by its
 * timer (commit=5 s) or by fsync, the commit's I/O (ordered data, the journal superblock after
 * mount, descriptor and logged metadata blocks, the commit block with REQ_PREFLUSH|REQ_FUA),
 * checkpointing and the log's wrap. The file system dirties metadata through a {@link
 * io.stacksim.fs.MetadataJournal.Handle}; each inode's {@link io.stacksim.fs.jbd2.JournalInode} keeps the
 * tids fsync and fdatasync must see committed.
 */
package io.stacksim.fs.jbd2;
