package io.stacksim.fs.jbd2;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import io.stacksim.fs.FsContext;
import io.stacksim.fs.FsCosts;
import io.stacksim.fs.MetadataJournal;
import io.stacksim.fs.SimFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A jbd2 journal inside the file system's device (journal_t), data=ordered, with barriers
 * (JBD2_BARRIER, ext4's default barrier=1) unless mounted nobarrier.
 *
 * <p>Metadata changes join the running transaction (start_this_handle creates one and arms
 * the commit timer at now + commit interval). Its commit, run by the journal's kernel thread
 * (kjournald2, "jbd2/DEV-8") when the timer fires, a handle stops past the expiry, or a sync
 * asks (jbd2_log_start_commit), follows jbd2_journal_commit_transaction:
 * <ol>
 *   <li>the journal superblock, the first time after mount (JBD2_FLUSHED:
 *       jbd2_journal_update_sb_log_tail), written and waited for;</li>
 *   <li>the ordered data of the transaction's inodes submitted (journal_submit_data_buffers);</li>
 *   <li>descriptor blocks (253 tags each with csum v3) and the logged copies of the metadata,
 *       consecutive log blocks, one bio each under a plug (so they merge into one request up to
 *       max_sectors), REQ_SYNC|REQ_META|REQ_IDLE;</li>
 *   <li>wait for the ordered data, then for the log blocks;</li>
 *   <li>the commit block with REQ_PREFLUSH|REQ_FUA (t_state T_COMMIT_JFLUSH), which the block
 *       layer (blk_flush_policy) turns into flush, write, flush without FUA support, a flush and
 *       a FUA write with it, a plain write without a volatile cache;</li>
 *   <li>the transaction goes on the checkpoint list: its blocks are dirty at home (the block
 *       device's page cache) until writeback or a checkpoint writes them; the log tail moves
 *       (a superblock write with REQ_FUA) once a third of the log is freed
 *       (jbd2_journal_get_log_tail's freed >= j_max_transaction_buffers).</li>
 * </ol>
 * The log is circular over blocks 1 .. len-1; a commit that crosses the end wraps
 * (jbd2_journal_next_log_block). When the free space would not hold a full transaction
 * (jbd2_log_space_left below j_max_transaction_buffers = len/3) the oldest checkpointed
 * transactions are written home and the tail moved (jbd2_log_do_checkpoint,
 * jbd2_cleanup_journal_tail: a flush, then the superblock with FUA). In the kernel the task whose
 * handle needs the space does that; here the commit thread does it before it writes the log.
 */
public final class Journal implements MetadataJournal {
    /** ext4's commit= mount option (JBD2_DEFAULT_MAX_COMMIT_AGE 5 s). */
    public static final Tunable<Long> COMMIT = Tunable.duration("commit", 5_000_000_000L, 1_000_000_000L)
            .range("1 s .. 300 s; whole seconds as the mount option; 0 = the default, as ext4").help("ext4 commit= : the journal's commit interval");

    /** The largest commit= this model takes (five minutes). */
    static final long MAX_COMMIT_NS = 300_000_000_000L;

    /**
     * {@link #COMMIT} as ext4's parser takes it (fs/ext4/super.c, Opt_commit): whole seconds, and
     * 0 for JBD2_DEFAULT_MAX_COMMIT_AGE; a fraction, a negative or a value over 300 s is an error
     * at its line.
     */
    public static long commitInterval(io.stacksim.config.ConfigNode fs) {
        long ns = COMMIT.read(fs);
        if (ns == 0) {
            return COMMIT.defaultValue();
        }
        if (ns % 1_000_000_000L != 0 || ns < 0 || ns > MAX_COMMIT_NS) {
            throw COMMIT.error(fs, "expected whole seconds from 1 s to 300 s (or 0 for ext4's default of 5 s), as the"
                    + " commit= mount option takes them");
        }
        return ns;
    }

    /** ext4's barrier / nobarrier mount option (JBD2_BARRIER). */
    public static final Tunable<Boolean> BARRIER = Tunable.flag("barrier", true)
            .help("ext4 barrier=1: commit blocks carry PREFLUSH|FUA and fsync flushes; false = nobarrier");

    /** Tags per descriptor block of 4 KiB with csum v3 (16-byte tags, the UUID after the first, the 4-byte tail). */
    static int tagsPerDescriptor(int blockSize) {
        int header = 12;
        int tag = 16;
        int tail = 4;
        int space = blockSize - header;
        int n = 0;
        // journal_write_metadata_buffer's loop in jbd2_journal_commit_transaction.
        while (true) {
            space -= tag + (n == 0 ? 16 : 0);
            n++;
            if (space < tag + 16 + tail) {
                return n;
            }
        }
    }

    /** ext2fs_default_journal_size (lib/ext2fs/mkjournal.c): journal blocks for a file system of {@code fsBlocks}. */
    public static int defaultBlocks(long fsBlocks) {
        if (fsBlocks < 2048) {
            return -1;
        }
        long[][] steps = {{32768, 1024}, {256 * 1024, 4096}, {512 * 1024, 8192}, {4096 * 1024, 16384},
                {8192 * 1024, 32768}, {16384 * 1024, 65536}, {32768 * 1024, 131072}};
        for (long[] s : steps) {
            if (fsBlocks < s[0]) {
                return (int) s[1];
            }
        }
        return 262144;
    }

    /** How the file system writes and waits for an inode's ordered data (ext4_journal_submit_inode_data_buffers). */
    public interface OrderedData {
        /** Submits the dirty, mapped pages of [start, end) of {@code f} with WB_SYNC_ALL. */
        void submit(FsContext ctx, SimFile f, long start, long end);

        /** Waits until no page of [start, end) of {@code f} is under writeback, then runs {@code then}. */
        void await(FsContext ctx, SimFile f, long start, long end, Runnable then);
    }

    /** The metadata blocks' home locations, cached in the block device's page cache (the "Buffers"). */
    public interface HomeBlocks {
        /** After the commit the buffer is dirty at home (mark_buffer_dirty in __jbd2_journal_refile_buffer). */
        void markDirty(long block);

        /** bforget: the freed block's buffer is clean again without being written. */
        void forget(long block);

        /** True while the block's buffer is dirty or under writeback. */
        boolean isDirty(long block);

        /** Writes the blocks that are dirty (write_dirty_buffer, REQ_SYNC, under a plug) and waits for them all. */
        void writeAndWait(FsContext ctx, long[] blocks, int n, Runnable then);
    }

    private final Simulator sim;
    private final BlockTarget bdev;
    private final long firstBlock;
    private final long firstSector;
    private final long len;
    private final int blockSize;
    private final int sectorsPerBlock;
    private final FsContext kjournald;
    private final FsCosts costs;
    private final long commitIntervalNs;
    private final boolean barrier;
    private final OrderedData ordered;
    private final HomeBlocks home;
    private final long maxTransactionBuffers;
    private final int tagsPerDescriptor;

    private long transactionSequence = 1;
    private long commitSequence;
    private long commitRequest;
    private Transaction running;
    private Transaction committing;
    /** Committed transactions with blocks not yet home, oldest first (j_checkpoint_transactions). */
    private final LinkedHashSet<Transaction> checkpointList = new LinkedHashSet<>();
    /** The checkpoint transaction of each block not yet home (jh->b_cp_transaction). */
    private final HashMap<Long, Transaction> checkpointOwner = new HashMap<>();
    /** j_head, j_tail: log blocks in [1, len); j_free between them. */
    private long head = 1;
    private long tail = 1;
    private long free;
    /** JBD2_FLUSHED: the superblock is written at the next commit (set at mount: s_start == 0). */
    private boolean flushed = true;
    private Timer commitTimer;
    private boolean threadBusy;
    private final List<Waiter> waiters = new ArrayList<>();

    // statistics
    long commits;
    long logBlocksWritten;
    long superblockWrites;
    long checkpointBlocks;
    long checkpoints;
    long wraps;

    private record Waiter(long tid, Runnable then) {
    }

    /** --check: after fsync the transaction it waited for is on stable media (null when not checked). */
    private final io.stacksim.engine.Invariants.Rule logStable;
    /** --check: the version of each log block written (its own numbering, for the journal's area only). */
    private long logVersions;
    /** --check: tid -> (sector, version) pairs of every block its commit logged, the commit record last. */
    private final java.util.Map<Long, long[]> logged = new HashMap<>();
    private long[] logging = new long[16];
    private int nLogging;

    /**
     * @param firstBlock  file-system block of the journal's superblock (block 0 of the log)
     * @param firstSector its device sector
     * @param len         journal blocks (j_total_len)
     * @param kjournald  the commit thread (jbd2/DEV-8), asleep until a commit is asked for
     */
    public Journal(Simulator sim, BlockTarget bdev, long firstBlock, long firstSector, long len, int blockSize,
                   FsContext kjournald,
                   FsCosts costs, long commitIntervalNs, boolean barrier, OrderedData ordered, HomeBlocks home) {
        if (len < 1024) {
            throw new IllegalArgumentException("a journal needs at least 1024 blocks (JBD2_MIN_JOURNAL_BLOCKS), not " + len);
        }
        this.sim = sim;
        this.bdev = bdev;
        this.firstBlock = firstBlock;
        this.firstSector = firstSector;
        this.len = len;
        this.blockSize = blockSize;
        this.sectorsPerBlock = blockSize / 512;
        this.kjournald = kjournald;
        this.costs = costs;
        this.commitIntervalNs = commitIntervalNs;
        this.barrier = barrier;
        this.ordered = ordered;
        this.home = home;
        // jbd2_journal_get_max_txn_bufs: a third of the log since 6.11 ("jbd2: Increase maximum
        // transaction size"; a quarter before), with no fast-commit area (mkfs's default).
        this.maxTransactionBuffers = len / 3;
        this.tagsPerDescriptor = tagsPerDescriptor(blockSize);
        this.free = len - 1;
        this.logStable = sim.invariants() == null ? null : sim.invariants().rule("fs.fsync-journal-stable",
                "when fsync (fdatasync) returns on a journalled file system, the transaction holding the inode's"
                        + " changes (i_sync_tid, i_datasync_tid) has committed and every block it logged, commit record"
                        + " included, is on stable media");
    }

    /**
     * --check, as fsync or fdatasync of {@code f} returns having waited for transaction
     * {@code tid}: it must have committed, and each block its commit logged must be on stable
     * media (jbd2 replays a transaction only if its commit record survived, with the blocks before it).
     */
    public void checkStable(long tid, SimFile f, String what) {
        if (logStable == null) {
            return;
        }
        String at = String.format(java.util.Locale.ROOT, "at %.6f s", sim.now() / 1e9);
        if (!isCommitted(tid)) {
            logStable.fail(at + ": " + what + " of " + f + " returned before transaction " + tid + " committed");
            return;
        }
        long[] blocks = logged.get(tid);
        if (blocks == null) {
            return; // committed before the run, or nothing logged for it
        }
        for (int i = 0; i < blocks.length; i += 2) {
            long v = bdev.stableVersion(blocks[i]);
            if (v != io.stacksim.block.DataShadow.UNKNOWN && v < blocks[i + 1]) {
                logStable.fail(at + ": " + what + " of " + f + " returned with transaction " + tid + "'s log block at "
                        + bdev.name() + " sector " + blocks[i] + " not on stable media"
                        + (i == blocks.length - 2 ? " (its commit record)" : "") + " " + bdev.unstableCopies(blocks[i], blocks[i + 1]));
                return;
            }
        }
        logStable.ok();
    }

    /**
     * --check: the newest uncommitted transaction holding ordered data of {@code f} (blocks
     * allocated for it, ext4_map_blocks in a handle that also sets i_sync_tid and
     * i_datasync_tid), or 0: whatever fsync's tids say, fsync must not return before it commits.
     */
    public long uncommittedTidOf(SimFile f) {
        if (running != null && running.inodes.contains(f)) {
            return running.tid;
        }
        if (committing != null && committing.inodes.contains(f)) {
            return committing.tid;
        }
        return 0;
    }

    /** True when the run is checked (--check). */
    public boolean checking() {
        return logStable != null;
    }

    // ------------------------------------------------------------------ handles

    /** jbd2_journal_start: a handle on the running transaction, created (and its timer armed) if none runs. */
    @Override
    public MetadataJournal.Handle start() {
        if (running == null) {
            running = new Transaction(transactionSequence++, sim.now() + commitIntervalNs);
            // jbd2_get_transaction: t_expires = jiffies + j_commit_interval; add_timer.
            commitTimer = sim.timerAfter(commitIntervalNs, this::commitTimeout);
        }
        if (spaceLeft(committing != null ? logBlocksFor(committing) : 0) < maxTransactionBuffers) {
            running.spaceShort = true; // add_transaction_credits: the log is short for a full transaction
        }
        return new JournalHandle(this, running);
    }

    @Override
    public void committedBeforeRun() {
        if (commits == 0) {
            flushed = false;
        }
    }

    void dirtyMetadata(Transaction t, long block) {
        if (block < 0) {
            throw new IllegalArgumentException("metadata block " + block);
        }
        t.revoked.remove(block); // jbd2_journal_cancel_revoke: the block is metadata again
        if (t.blocks.add(block) && t.blocks.size() > maxTransactionBuffers) {
            // start_this_handle: a transaction that would outgrow a third of the log is committed.
            startCommit(t.tid);
        }
    }

    /**
     * jbd2_journal_revoke (ext4_free_blocks of a metadata block, ext4_forget): the block is
     * freed; a revoke record in this transaction keeps replay from writing an older logged copy
     * over the block's next use. A copy this transaction was to log is forgotten
     * (jbd2_journal_forget), and the block leaves the checkpoint list it was on, its buffer at
     * home cleaned without being written (__bforget).
     */
    void revoke(Transaction t, long block) {
        t.blocks.remove(block);
        t.revoked.add(block);
        Transaction owner = checkpointOwner.remove(block);
        if (owner != null) {
            owner.checkpoint.remove(block);
            if (owner.checkpoint.isEmpty()) {
                checkpointList.remove(owner);
            }
            home.forget(block);
        }
    }

    void addOrderedData(Transaction t, SimFile f, long start, long end) {
        JournalInode ji = f.jinode();
        if (ji.orderedIn != t) {
            if (ji.orderedIn == null || ji.orderedIn.state == Transaction.State.FINISHED) {
                ji.orderedIn = t;
                ji.dirtyStart = start;
                ji.dirtyEnd = end;
                t.inodes.add(f);
                return;
            }
            // The inode's data is in the committing transaction: that commit writes it.
            t.inodes.add(f);
            ji.orderedIn = t;
        }
        ji.dirtyStart = Math.min(ji.dirtyStart, start);
        ji.dirtyEnd = Math.max(ji.dirtyEnd, end);
    }

    void handleStopped(Transaction t) {
        if (t == running && sim.now() >= t.expires) {
            startCommit(t.tid);
        }
    }

    // ------------------------------------------------------------------ tids and waiting

    /** The tid fsync of an inode last dirtied by no transaction would wait for: the last committed. */
    public long commitSequence() {
        return commitSequence;
    }

    /** JBD2_BARRIER: sync paths flush the device (mounted with barrier=1). */
    public boolean barrier() {
        return barrier;
    }

    /** jbd2_transaction_committed: {@code tid} is neither running nor committing. */
    public boolean isCommitted(long tid) {
        return !(running != null && running.tid == tid) && !(committing != null && committing.tid == tid);
    }

    /** jbd2_get_latest_transaction: the running tid, else the committing one, else the last committed. */
    public long latestTid() {
        if (running != null) {
            return running.tid;
        }
        return committing != null ? committing.tid : commitSequence;
    }

    /**
     * jbd2_trans_will_send_data_barrier: false when {@code tid} is committed, or its commit
     * block (which carries the flush) is already on its way; true when that commit still will.
     */
    public boolean willSendDataBarrier(long tid) {
        if (commitSequence >= tid) {
            return false;
        }
        if (committing == null || committing.tid != tid) {
            return true;
        }
        return committing.state.compareTo(Transaction.State.COMMIT_JFLUSH) < 0;
    }

    /** __jbd2_log_start_commit: asks the commit thread to commit {@code tid} if it is running. */
    public boolean startCommit(long tid) {
        if (commitRequest == tid) {
            return false;
        }
        if (running != null && running.tid == tid) {
            commitRequest = tid;
            wakeThread();
            return true;
        }
        return false;
    }

    /**
     * jbd2_journal_start_commit: commits the running transaction (or lets the committing one
     * finish); returns the tid to wait for, or -1 when nothing is to be committed.
     */
    public long startCommitLatest() {
        if (running != null) {
            long tid = running.tid;
            startCommit(tid);
            return tid;
        }
        return committing != null ? committing.tid : -1;
    }

    /** jbd2_log_wait_commit: runs {@code then} on {@code ctx} once {@code tid} is committed. */
    public void waitCommit(FsContext ctx, long tid, Runnable then) {
        if (commitSequence >= tid) {
            then.run();
            return;
        }
        ctx.sleep();
        waiters.add(new Waiter(tid, () -> ctx.wakeUp(then)));
    }

    /**
     * jbd2_complete_transaction: commits {@code tid} if it is running (asking for the commit
     * unless already asked) or waits for it if it is committing; returns at once otherwise.
     */
    public void completeTransaction(FsContext ctx, long tid, Runnable then) {
        if (running != null && running.tid == tid) {
            if (commitRequest != tid) {
                startCommit(tid);
            }
            waitCommit(ctx, tid, then);
        } else if (committing != null && committing.tid == tid) {
            waitCommit(ctx, tid, then);
        } else {
            then.run();
        }
    }

    // ------------------------------------------------------------------ the commit thread

    private void commitTimeout() {
        wakeThread();
    }

    private void wakeThread() {
        if (!threadBusy) {
            threadBusy = true;
            kjournald.wakeUp(this::threadLoop);
        }
    }

    /** kjournald2: commit while asked (or the running transaction expired), else sleep. */
    private void threadLoop() {
        if (running != null && sim.now() >= running.expires) {
            commitRequest = Math.max(commitRequest, running.tid); // "woke because of timeout"
        }
        if (committing == null && running != null && commitSequence != commitRequest && running.tid <= commitRequest) {
            commit(running);
            return;
        }
        threadBusy = false;
        kjournald.sleep();
    }

    /**
     * jbd2_journal_commit_transaction's start: the first commit after mount writes the journal
     * superblock (JBD2_FLUSHED) and waits for it before it locks the transaction down
     * (T_LOCKED), so handles that start meanwhile still join it.
     */
    private void commit(Transaction t) {
        if (flushed) {
            flushed = false;
            writeSuperblock(0, () -> lockDown(t));
        } else {
            lockDown(t);
        }
    }

    private void lockDown(Transaction t) {
        running = null;
        committing = t;
        t.state = Transaction.State.COMMIT;
        if (commitTimer != null) {
            commitTimer.cancel();
        }
        cleanCheckpointList();
        long needed = logBlocksFor(t);
        Runnable body = () -> writeLog(t, needed);
        if (needed > free || t.spaceShort) {
            checkpointUntil(needed, body);
        } else {
            body.run();
        }
    }

    /**
     * jbd2_log_space_left: the free log less 32 blocks of slack and the credits of the
     * transaction committing meanwhile ({@code committing} log blocks).
     * start_this_handle's add_transaction_credits waits for space (__jbd2_log_wait_for_space)
     * while it is below j_max_transaction_buffers; here the handle notes it on its transaction
     * ({@link Transaction#spaceShort}) and that transaction's commit checkpoints first, before
     * its log blocks are written.
     */
    private long spaceLeft(long committing) {
        return Math.max(0, free - 32 - committing);
    }

    /** Log blocks a commit of {@code t} takes: revoke blocks, descriptors, the logged copies, the commit block. */
    private long logBlocksFor(Transaction t) {
        long n = t.blocks.size();
        return revokeBlocks(t) + n + (n + tagsPerDescriptor - 1) / tagsPerDescriptor + 1;
    }

    /**
     * Revoke blocks of {@code t}: 8-byte records (64bit) after the 16-byte header and before the
     * 4-byte checksum tail, 509 a 4 KiB block (write_one_revoke_record).
     */
    private long revokeBlocks(Transaction t) {
        int perBlock = (blockSize - 16 - 4) / 8;
        return (t.revoked.size() + perBlock - 1) / perBlock;
    }

    private void writeLog(Transaction t, long needed) {
        t.logStart = head;
        t.logBlocks = needed;
        int nrInodes = t.inodes.size();
        long cpu = (t.blocks.size() + nrInodes) * costs.blockSubmitNs();
        kjournald.computeSys(cpu, () -> {
            // journal_submit_data_buffers: each inode's ordered data of this transaction.
            for (SimFile f : t.inodes) {
                JournalInode ji = f.jinode();
                ordered.submit(kjournald, f, ji.dirtyStart, ji.dirtyEnd);
            }
            Counter logIo = new Counter();
            Plug plug = Plug.start(kjournald);
            // jbd2_journal_write_revoke_records: the revoke blocks come first in the log.
            for (long r = revokeBlocks(t); r > 0; r--) {
                submitLogBlock(nextLogBlock(), logIo);
            }
            int inDescriptor = tagsPerDescriptor;
            for (long ignored : t.blocks) {
                if (inDescriptor == tagsPerDescriptor) {
                    submitLogBlock(nextLogBlock(), logIo); // the descriptor block
                    inDescriptor = 0;
                }
                submitLogBlock(nextLogBlock(), logIo);
                inDescriptor++;
            }
            Plug.finish(kjournald, plug);
            awaitOrdered(t, 0, () -> logIo.await(kjournald, () -> commitRecord(t)));
        });
    }

    private void awaitOrdered(Transaction t, int i, Runnable then) {
        if (i == t.inodes.size()) {
            then.run();
            return;
        }
        SimFile f = t.inodes.get(i);
        JournalInode ji = f.jinode();
        ordered.await(kjournald, f, ji.dirtyStart, ji.dirtyEnd, () -> awaitOrdered(t, i + 1, then));
    }

    private void commitRecord(Transaction t) {
        t.state = Transaction.State.COMMIT_JFLUSH;
        Counter c = new Counter();
        // journal_submit_commit_record: with JBD2_BARRIER, REQ_SYNC | REQ_PREFLUSH | REQ_FUA.
        submit(nextLogBlock(), Bio.SYNC | Bio.META | (barrier ? Bio.PREFLUSH | Bio.FUA : 0), c);
        c.await(kjournald, () -> finishCommit(t));
    }

    private void finishCommit(Transaction t) {
        if (logStable != null) {
            logged.put(t.tid, java.util.Arrays.copyOf(logging, nLogging));
            nLogging = 0;
        }
        free -= t.logBlocks;
        logBlocksWritten += t.logBlocks;
        commits++;
        t.state = Transaction.State.FINISHED;
        for (long b : t.blocks) {
            // A block still on an older checkpoint list leaves it for this one ("cs_dropped").
            Transaction old = checkpointOwner.put(b, t);
            if (old != null) {
                old.checkpoint.remove(b);
                if (old.checkpoint.isEmpty()) {
                    checkpointList.remove(old);
                }
            }
            t.checkpoint.add(b);
            home.markDirty(b);
        }
        checkpointList.add(t);
        commitSequence = t.tid;
        committing = null;
        for (SimFile f : t.inodes) {
            if (f.jinode().orderedIn == t) {
                f.jinode().orderedIn = null;
            }
        }
        List<Waiter> done = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.tid <= commitSequence) {
                done.add(w);
                it.remove();
            }
        }
        Runnable next = () -> {
            for (Waiter w : done) {
                w.then.run();
            }
            threadLoop();
        };
        // The commit's update_tail: move the tail in the superblock once a third of the log is free.
        cleanCheckpointList();
        long freed = logDistance(tail, firstLogBlockInUse());
        if (freed >= maxTransactionBuffers) {
            moveTail(() -> writeSuperblock(Bio.FUA, next));
        } else {
            next.run();
        }
    }

    // ------------------------------------------------------------------ the log

    private long nextLogBlock() {
        long b = head;
        head++;
        if (head == len) {
            head = 1; // j_last: wrap to j_first
            wraps++;
        }
        return b;
    }

    /** Blocks from {@code from} forward to {@code to} around the circular log [1, len). */
    private long logDistance(long from, long to) {
        long d = to - from;
        return d < 0 ? d + len - 1 : d;
    }

    /** jbd2_journal_get_log_tail: the oldest transaction still in the log, else the head. */
    private long firstLogBlockInUse() {
        Transaction oldest = oldestCheckpoint();
        if (oldest != null) {
            return oldest.logStart;
        }
        return committing != null ? committing.logStart : head;
    }

    private void moveTail(Runnable then) {
        long to = firstLogBlockInUse();
        free += logDistance(tail, to);
        tail = to;
        then.run();
    }

    private Transaction oldestCheckpoint() {
        return checkpointList.isEmpty() ? null : checkpointList.iterator().next();
    }

    /**
     * __jbd2_journal_clean_checkpoint_list: drop transactions whose blocks are all home
     * (written back since). Only the oldest ones matter to the log's tail, so the walk stops at
     * the first transaction that still has a dirty block.
     */
    private void cleanCheckpointList() {
        for (Iterator<Transaction> it = checkpointList.iterator(); it.hasNext(); ) {
            Transaction t = it.next();
            t.checkpoint.removeIf(b -> {
                if (home.isDirty(b)) {
                    return false;
                }
                checkpointOwner.remove(b);
                return true;
            });
            if (!t.checkpoint.isEmpty()) {
                return;
            }
            it.remove();
        }
    }

    /**
     * __jbd2_log_wait_for_space: write the oldest transaction's blocks home
     * (jbd2_log_do_checkpoint), then jbd2_cleanup_journal_tail (a flush, the superblock with
     * FUA), until {@code needed} log blocks are free.
     */
    private void checkpointUntil(long needed, Runnable then) {
        cleanCheckpointList();
        if (free >= needed && spaceLeft(0) >= maxTransactionBuffers) {
            then.run();
            return;
        }
        if (checkpointList.isEmpty()) {
            if (logDistance(tail, firstLogBlockInUse()) == 0) {
                if (free >= needed) {
                    then.run(); // nothing left to checkpoint: the commit still fits
                    return;
                }
                throw new IllegalStateException("journal of " + len + " blocks cannot hold a commit of " + needed);
            }
            cleanupTail(() -> checkpointUntil(needed, then));
            return;
        }
        Transaction oldest = oldestCheckpoint();
        long[] blocks = new long[oldest.checkpoint.size()];
        int n = 0;
        for (long b : oldest.checkpoint) {
            blocks[n++] = b;
        }
        checkpoints++;
        checkpointBlocks += n;
        home.writeAndWait(kjournald, blocks, n, () -> {
            for (long b : oldest.checkpoint) {
                checkpointOwner.remove(b);
            }
            oldest.checkpoint.clear();
            checkpointList.remove(oldest);
            cleanupTail(() -> checkpointUntil(needed, then));
        });
    }

    /** jbd2_cleanup_journal_tail: with barriers, flush the device, then record the new tail. */
    private void cleanupTail(Runnable then) {
        Counter c = new Counter();
        if (barrier) {
            submitFlush(c);
        }
        c.await(kjournald, () -> moveTail(() -> writeSuperblock(Bio.FUA, then)));
    }

    // ------------------------------------------------------------------ I/O

    private void writeSuperblock(int extraFlags, Runnable then) {
        superblockWrites++;
        Counter c = new Counter();
        // jbd2_write_superblock: without JBD2_BARRIER the FUA is dropped.
        submit(0, Bio.SYNC | Bio.META | (barrier ? extraFlags : extraFlags & ~Bio.FUA), c);
        c.await(kjournald, then);
    }

    private void submitLogBlock(long logBlock, Counter c) {
        submit(logBlock, Bio.SYNC | Bio.META | Bio.IDLE, c);
    }

    private void submit(long logBlock, int flags, Counter c) {
        c.pending++;
        long sector = firstSector + logBlock * sectorsPerBlock;
        Bio bio = new Bio(sector, sectorsPerBlock, Op.WRITE, flags, IoPriority.NONE, kjournald, c);
        if (logStable != null && logBlock != 0 && committing != null) {
            long v = ++logVersions;
            long[] vs = new long[io.stacksim.block.DataShadow.blocks(sector, sectorsPerBlock)];
            java.util.Arrays.fill(vs, v);
            io.stacksim.block.DataShadow.write(sector, vs).attach(bio);
            if (nLogging + 2 > logging.length) {
                logging = java.util.Arrays.copyOf(logging, logging.length * 2);
            }
            logging[nLogging++] = sector;
            logging[nLogging++] = v;
        }
        bdev.submitBio(bio);
    }

    private void submitFlush(Counter c) {
        c.pending++;
        bdev.submitBio(new Bio(0, 0, Op.WRITE, Bio.SYNC | Bio.PREFLUSH, IoPriority.NONE, kjournald, c));
    }

    /** Bios in flight for the commit thread; {@link #await} sleeps it until the last has ended. */
    private static final class Counter implements BioEndIo {
        int pending;
        private Runnable waiter;
        private FsContext ctx;

        @Override
        public void endIo(Bio bio) {
            if (--pending == 0 && waiter != null) {
                Runnable w = waiter;
                waiter = null;
                ctx.wakeUp(w);
            }
        }

        void await(FsContext ctx, Runnable then) {
            if (pending == 0) {
                then.run();
                return;
            }
            this.ctx = ctx;
            this.waiter = then;
            ctx.sleep();
        }
    }

    // ------------------------------------------------------------------ statistics

    /** The journal's superblock block and length, for reports. */
    public long firstBlock() {
        return firstBlock;
    }

    public long length() {
        return len;
    }

    /** Free log blocks (j_free). */
    public long freeBlocks() {
        return free;
    }

    public void resetStats() {
        commits = logBlocksWritten = superblockWrites = checkpointBlocks = checkpoints = wraps = 0;
    }

    public void registerStats(Stats stats) {
        stats.counter("jbd2.commits", () -> commits);
        stats.counter("jbd2.log_blocks", () -> logBlocksWritten);
        stats.counter("jbd2.superblock_writes", () -> superblockWrites);
        stats.counter("jbd2.checkpoints", () -> checkpoints);
        stats.counter("jbd2.checkpoint_blocks", () -> checkpointBlocks);
        stats.counter("jbd2.wraps", () -> wraps);
    }
}
