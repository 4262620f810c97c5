package io.stacksim.fs.jbd2;

import io.stacksim.fs.FsContext;
import io.stacksim.fs.FsSync;
import io.stacksim.fs.SimFile;

/**
 * ext4's sync paths over its journal, after the VFS wrote and waited for the data.
 * <ul>
 *   <li>fsync / fdatasync (ext4_sync_file, ext4_fsync_journal): the tid to see committed is the
 *       inode's i_sync_tid, or i_datasync_tid for fdatasync, so an fdatasync after changes of
 *       the timestamps alone commits nothing. If that transaction's commit will not carry the
 *       flush (it is committed already, or its commit block is on its way:
 *       jbd2_trans_will_send_data_barrier) the fsync sends one itself (blkdev_issue_flush);
 *       a commit it waits for sends none of its own. jbd2_complete_transaction asks for the
 *       commit and waits.</li>
 *   <li>sync_fs (ext4_sync_fs): commit the latest transaction (jbd2_journal_start_commit), and
 *       with wait, wait for it; flush if that commit will not.</li>
 * </ul>
 */
public final class JournalSync implements FsSync {
    private final Journal journal;
    private final DeviceFlush flush;

    public JournalSync(Journal journal, DeviceFlush flush) {
        this.journal = journal;
        this.flush = flush;
    }

    @Override
    public void syncFile(FsContext ctx, SimFile f, boolean datasync, Runnable then) {
        JournalInode ji = f.jinode();
        long tid = datasync ? ji.datasyncTid : ji.syncTid;
        boolean needsBarrier = journal.barrier() && !journal.willSendDataBarrier(tid);
        // --check: the transaction allocating the file's written blocks must be waited for too.
        long mustCommit = journal.checking() ? Math.max(tid, journal.uncommittedTidOf(f)) : tid;
        Runnable done = !journal.checking() ? then : () -> {
            journal.checkStable(mustCommit, f, datasync ? "fdatasync" : "fsync");
            then.run();
        };
        journal.completeTransaction(ctx, tid, () -> {
            if (needsBarrier) {
                flush.flush(ctx, done);
            } else {
                done.run();
            }
        });
    }

    @Override
    public void syncFs(FsContext ctx, boolean wait, Runnable then) {
        long target = journal.latestTid();
        boolean needsBarrier = wait && journal.barrier() && !journal.willSendDataBarrier(target);
        Runnable barrier = () -> {
            if (needsBarrier) {
                flush.flush(ctx, then);
            } else {
                then.run();
            }
        };
        long tid = journal.startCommitLatest();
        if (tid >= 0 && wait) {
            journal.waitCommit(ctx, tid, barrier);
        } else {
            barrier.run();
        }
    }
}
