package io.stacksim.fs.jbd2;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.fs.JournalArea;
import io.stacksim.fs.MetadataJournal;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import io.stacksim.testing.KernelHarness;
import io.stacksim.testing.RecordingDevice.Seen;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * jbd2's commit and ext4's sync paths against fs/jbd2/commit.c, fs/ext4/fsync.c and the
 * traces of this machine's 6.18 kernel (docs/measurements/ext4). The metadata a write changes
 * is ext4's to say; here each test dirties what the real trace shows for its pattern (the
 * inode's table block), through a handle, as ext4 does.
 */
class JournalTest {
    /** mkfs.ext4's journal of a 1 GiB file system: 8192 blocks at block 131072. */
    private static final JournalArea AREA = new JournalArea(131072, 8192, 4096, 131072 * 8);
    private static final long JOURNAL_SECTOR = AREA.firstSector();
    private static final long INODE_BLOCK = 1061;
    /**
     * jbd2 on its own: no ext4 under it (fs.type raw), the journal mounted by hand at {@link #AREA}
     * and the metadata each pattern changes dirtied by the test, so the commit rules are checked
     * apart from ext4's choice of blocks.
     */
    private static final Map<String, String> RAW = Map.of("type", "raw");

    private static KernelHarness machine(boolean writeCache, boolean fua) {
        KernelHarness h = new KernelHarness(2, 50_000, writeCache, fua, Map.of(), 128, RAW);
        h.kernel.mountJournal(AREA);
        return h;
    }

    /**
     * A machine whose file {@code name} of {@code size} bytes existed when the file system was
     * mounted: nothing committed since the mount, so the first commit writes the superblock.
     */
    private static KernelHarness mountedWith(boolean writeCache, boolean fua, String name, long size, SimFile[] file) {
        KernelHarness h = new KernelHarness(2, 50_000, writeCache, fua, Map.of(), 128, RAW);
        file[0] = h.fs.create(name, size);
        h.kernel.mountJournal(AREA);
        return h;
    }

    /** What ext4 logs for a write that changed the inode (size, extent or time): its table block. */
    private static void inodeChanged(KernelHarness h, SimFile f, boolean datasync) {
        MetadataJournal.Handle handle = h.fs.journal().start();
        handle.dirtyMetadata(INODE_BLOCK);
        handle.updateInodeFsyncTrans(f, datasync);
        handle.stop();
    }

    /**
     * Runs until {@code job} has exited, as fio's run ends: the flusher's writeback of the
     * metadata home 30 s later (dirty_expire_centisecs) is not part of the pattern.
     */
    private static void runJob(KernelHarness h, Task job) {
        h.sim.runWhile(() -> !job.isDead());
    }

    private static boolean inJournal(Seen s) {
        return s.op() == Op.WRITE && s.sector() >= JOURNAL_SECTOR && s.sector() < JOURNAL_SECTOR + AREA.blocks() * 8;
    }

    /** Runs {@code n} rounds of {@code round} one after another on {@code t}, then exits it. */
    private static void repeat(Task t, int n, Consumer<Runnable> round) {
        if (n == 0) {
            t.exit();
            return;
        }
        round.accept(() -> repeat(t, n - 1, round));
    }

    /**
     * One 4 KiB write at 0 of {@code file} that changed the inode (block map or size), then
     * {@code fsyncs} fsyncs; returns what the device saw while the job ran.
     */
    private static List<Seen> writeChangeAndFsync(KernelHarness h, SimFile file, int fsyncs) {
        OpenFile f = new OpenFile(file, 0);
        Task job = h.spawn("fio", t -> h.kernel.pwrite(t, f, 0, 4096, 0, (w, b) -> {
            inodeChanged(h, file, true);
            repeat(t, fsyncs, next -> h.kernel.fsync(t, f, r -> next.run()));
        }));
        runJob(h, job);
        return h.device.seen;
    }

    @Test
    void firstFsyncAfterMountWritesDataThenSuperblockThenDescriptorWithBlockThenFlushCommitFlush() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "append.dat", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        Kernel k = h.kernel;
        Task job = h.spawn("fio", t -> k.pwrite(t, f, 0, 4096, 0, (w, b) -> {
            inodeChanged(h, file, true);
            k.fsync(t, f, r -> t.exit());
        }));
        runJob(h, job);
        List<Seen> seen = h.device.seen;
        assertThat(seen).extracting(Seen::op).containsExactly(Op.WRITE, Op.WRITE, Op.WRITE, Op.FLUSH, Op.WRITE, Op.FLUSH);
        assertThat(seen.get(0).sector()).isEqualTo(file.sectorOf(0)); // the data, written by the fsyncing task
        assertThat(seen.get(1).sector()).isEqualTo(JOURNAL_SECTOR); // the journal superblock (JBD2_FLUSHED)
        assertThat(seen.get(2).sector()).isEqualTo(JOURNAL_SECTOR + 8); // descriptor + the inode block, merged
        assertThat(seen.get(2).sectors()).isEqualTo(16);
        assertThat(seen.get(4).sector()).isEqualTo(JOURNAL_SECTOR + 24); // the commit block after them
        assertThat(seen.get(4).sectors()).isEqualTo(8);
        assertThat(seen.subList(1, 6)).allSatisfy(s -> assertThat(s.op() == Op.FLUSH || (s.flags() & Bio.META) != 0).isTrue());
        assertThat(k.journal().commits).isEqualTo(1);
        // The logged block is dirty at home: the flusher writes it there once it expires (30 s).
        h.run();
        Seen last = h.device.seen.get(h.device.seen.size() - 1);
        assertThat(last.sector()).isEqualTo(INODE_BLOCK * 8);
        assertThat(last.time()).isGreaterThan(30_000_000_000L);
    }

    @Test
    void laterCommitsSkipTheSuperblockAndAFsyncWithNothingToCommitSendsOneFlush() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "append.dat", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        Kernel k = h.kernel;
        int[] before = new int[3];
        Task job = h.spawn("fio", t -> k.pwrite(t, f, 0, 4096, 0, (w, b) -> {
            inodeChanged(h, file, true);
            k.fsync(t, f, r -> {
                before[0] = h.device.seen.size();
                k.pwrite(t, f, 4096, 4096, 0, (w2, b2) -> {
                    inodeChanged(h, file, true);
                    k.fsync(t, f, r2 -> {
                        before[1] = h.device.seen.size();
                        // Nothing changed since: no commit, one flush of its own (blkdev_issue_flush).
                        k.fsync(t, f, r3 -> t.exit());
                    });
                });
            });
        }));
        runJob(h, job);
        List<Seen> second = h.device.seen.subList(before[0], before[1]);
        assertThat(second).extracting(Seen::op).containsExactly(Op.WRITE, Op.WRITE, Op.FLUSH, Op.WRITE, Op.FLUSH);
        assertThat(second.stream().filter(JournalTest::inJournal)).hasSize(2);
        assertThat(second.get(1).sector()).isEqualTo(JOURNAL_SECTOR + 32); // after the first commit's 4 log blocks
        List<Seen> third = h.device.seen.subList(before[1], h.device.seen.size());
        assertThat(third).extracting(Seen::op).containsExactly(Op.FLUSH);
    }

    @Test
    void fdatasyncSkipsTheCommitWhenOnlyTimestampsChangedAndFsyncDoesNot() {
        // ext4_sync_file: fdatasync waits for i_datasync_tid, which a time update leaves alone.
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "over.dat", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        Kernel k = h.kernel;
        int[] mark = new int[2];
        Task job = h.spawn("fio", t -> k.pwrite(t, f, 0, 4096, 0, (w, b) -> {
            inodeChanged(h, file, false);
            k.fdatasync(t, f, r -> {
                mark[0] = h.device.seen.size();
                k.fsync(t, f, r2 -> {
                    mark[1] = h.device.seen.size();
                    t.exit();
                });
            });
        }));
        runJob(h, job);
        List<Seen> fdatasync = h.device.seen.subList(0, mark[0]);
        assertThat(fdatasync).extracting(Seen::op).containsExactly(Op.WRITE, Op.FLUSH);
        assertThat(fdatasync.stream().filter(JournalTest::inJournal)).isEmpty();
        List<Seen> fsync = h.device.seen.subList(mark[0], mark[1]);
        assertThat(fsync.stream().filter(JournalTest::inJournal)).hasSize(3); // superblock, descriptor+block, commit
        assertThat(fsync.stream().filter(s -> s.op() == Op.FLUSH)).hasSize(2);
    }

    @Test
    void withFuaTheCommitBlockIsAFlushAndAFuaWrite() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, true, "a", 1 << 20, made);
        List<Seen> seen = writeChangeAndFsync(h, made[0], 1);
        assertThat(seen).extracting(Seen::op).containsExactly(Op.WRITE, Op.WRITE, Op.WRITE, Op.FLUSH, Op.WRITE);
        assertThat(seen.get(4).flags() & Bio.FUA).isNotZero();
        assertThat(seen.get(2).flags() & Bio.FUA).isZero();
    }

    @Test
    void withoutAVolatileCacheTheCommitBlockIsAPlainWriteAndNoFlushIsSent() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(false, false, "a", 1 << 20, made);
        writeChangeAndFsync(h, made[0], 2);
        assertThat(h.device.seen).extracting(Seen::op).containsExactly(Op.WRITE, Op.WRITE, Op.WRITE, Op.WRITE);
        assertThat(h.device.seen).allSatisfy(s -> assertThat(s.flags() & (Bio.FUA | Bio.PREFLUSH)).isZero());
    }

    @Test
    void theCommitTimerCommitsDirtyMetadataAfterTheCommitInterval() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "a", 1 << 20, made);
        SimFile file = made[0];
        long[] dirtied = new long[1];
        h.spawn("touch", t -> {
            dirtied[0] = h.sim.now();
            inodeChanged(h, file, true);
            t.exit();
        });
        h.run();
        List<Seen> journal = h.device.seen.stream().filter(JournalTest::inJournal).toList();
        assertThat(journal).hasSize(3);
        // jbd2_get_transaction armed the timer at t_start + commit interval (5 s).
        assertThat(journal.get(0).time() - dirtied[0]).isBetween(5_000_000_000L, 5_001_000_000L);
        assertThat(h.kernel.journal().commitSequence()).isEqualTo(1);
    }

    @Test
    void aBlockDirtiedTwiceInOneTransactionIsLoggedOnceAndManyNeedMoreDescriptors() {
        assertThat(Journal.tagsPerDescriptor(4096)).isEqualTo(253);
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "a", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        Task job = h.spawn("fio", t -> {
            MetadataJournal.Handle handle = h.fs.journal().start();
            for (int i = 0; i < 300; i++) {
                handle.dirtyMetadata(2000 + i);
                handle.dirtyMetadata(2000 + i);
            }
            handle.updateInodeFsyncTrans(file, true);
            handle.stop();
            h.kernel.fsync(t, f, r -> t.exit());
        });
        runJob(h, job);
        // superblock + (2 descriptors + 300 blocks, one request of 302 blocks <= 1280 KiB) + commit
        long logged = h.device.seen.stream().filter(JournalTest::inJournal).mapToLong(Seen::sectors).sum();
        assertThat(logged).isEqualTo(8 * (1 + 302 + 1));
        assertThat(h.kernel.journal().logBlocksWritten).isEqualTo(303);
    }

    @Test
    void aFullLogIsCheckpointedHomeAndWrapsToItsFirstBlock() {
        KernelHarness h = machine(true, false);
        Kernel k = h.kernel;
        SimFile file = h.fs.create("a", 1 << 20);
        OpenFile f = new OpenFile(file, 0);
        int commits = 40; // 40 x (1 descriptor + 250 blocks + commit) = 10080 blocks > 8191 in the log
        int[] round = {0};
        Task job = h.spawn("fio", t -> repeat(t, commits, next -> {
            MetadataJournal.Handle handle = h.fs.journal().start();
            for (int i = 0; i < 250; i++) {
                handle.dirtyMetadata(10_000 + round[0] * 250 + i);
            }
            handle.updateInodeFsyncTrans(file, true);
            handle.stop();
            round[0]++;
            k.fsync(t, f, r -> next.run());
        }));
        runJob(h, job);
        assertThat(k.journal().wraps).isEqualTo(1);
        assertThat(k.journal().checkpoints).isPositive();
        // The checkpoint wrote the oldest transactions' blocks home (their own sectors, outside the log)...
        long home = h.device.seen.stream().filter(s -> s.op() == Op.WRITE && s.sector() >= 10_000 * 8
                && s.sector() < (10_000 + commits * 250) * 8L).mapToLong(Seen::sectors).sum();
        assertThat(home).isEqualTo(k.journal().checkpointBlocks * 8);
        // ...and a commit used log block 1 again after the wrap.
        assertThat(h.device.seen.stream().filter(s -> s.op() == Op.WRITE && s.sector() == JOURNAL_SECTOR + 8)).hasSize(2);
        assertThat(k.journal().freeBlocks()).isLessThan(AREA.blocks());
    }

    @Test
    void oDirectOSyncWritesCommitWhenTheInodeChangedElseSendOneFlush() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "over.dat", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, OpenFile.O_DIRECT | OpenFile.O_SYNC);
        Kernel k = h.kernel;
        int[] mark = new int[1];
        Task job = h.spawn("fio", t -> {
            inodeChanged(h, file, false); // the time update of the first write, as ext4_dirty_inode logs it
            k.pwrite(t, f, 0, 4096, 0, (w, b) -> {
                mark[0] = h.device.seen.size();
                k.pwrite(t, f, 4096, 4096, 0, (w2, b2) -> t.exit());
            });
        });
        runJob(h, job);
        List<Seen> first = h.device.seen.subList(0, mark[0]);
        assertThat(first.stream().filter(JournalTest::inJournal)).hasSize(3);
        assertThat(first.get(0).flags() & Bio.SYNC).isNotZero(); // the O_DIRECT data first
        List<Seen> second = h.device.seen.subList(mark[0], h.device.seen.size());
        assertThat(second).extracting(Seen::op).containsExactly(Op.WRITE, Op.FLUSH);
    }

    @Test
    void oDsyncBufferedOverwritesSendDataAndOneFlushAndSyncFileRangeNoFlush() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "over.dat", 1 << 20, made);
        SimFile file = made[0];
        OpenFile dsync = new OpenFile(file, OpenFile.O_DSYNC);
        OpenFile plain = new OpenFile(file, 0);
        Kernel k = h.kernel;
        int[] mark = new int[1];
        Task job = h.spawn("fio", t -> k.pwrite(t, dsync, 0, 4096, 0, (w, b) -> {
            mark[0] = h.device.seen.size();
            k.pwrite(t, plain, 8192, 4096, 0, (w2, b2) -> k.syncFileRange(t, plain, 8192, 4096,
                    Kernel.SYNC_FILE_RANGE_WAIT_BEFORE | Kernel.SYNC_FILE_RANGE_WRITE | Kernel.SYNC_FILE_RANGE_WAIT_AFTER,
                    r -> t.exit()));
        }));
        runJob(h, job);
        assertThat(h.device.seen.subList(0, mark[0])).extracting(Seen::op).containsExactly(Op.WRITE, Op.FLUSH);
        List<Seen> sfr = h.device.seen.subList(mark[0], h.device.seen.size());
        assertThat(sfr).extracting(Seen::op).containsExactly(Op.WRITE);
        assertThat(sfr.get(0).sector()).isEqualTo(file.sectorOf(8192));
    }

    @Test
    void syncfsCommitsTheRunningTransactionAndSendsNoFlushOfItsOwn() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "a", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        Task job = h.spawn("sync", t -> {
            inodeChanged(h, file, false);
            h.kernel.syncfs(t, f, r -> t.exit());
        });
        runJob(h, job);
        // The commit (superblock, descriptor + block, flush, commit, flush), then sync_filesystem's
        // sync_blockdev: the inode block the commit left dirty at home is written, with no flush.
        assertThat(h.device.seen).extracting(Seen::op)
                .containsExactly(Op.WRITE, Op.WRITE, Op.FLUSH, Op.WRITE, Op.FLUSH, Op.WRITE);
        assertThat(h.device.seen.get(5).sector()).isEqualTo(AREA.fsStartSector() + INODE_BLOCK * 8);
        assertThat(h.sim.now()).isLessThan(1_000_000_000L); // not the 5 s timer
    }

    @Test
    void writesChangeTheInodeTimeOnlyOnAJiffyTick() {
        // file_update_time: current_time() is the coarse clock, 4 ms a tick at HZ=250.
        KernelHarness h = new KernelHarness(2, 50_000, true, false, Map.of(), 128, RAW);
        SimFile file = h.fs.create("t", 1 << 20);
        OpenFile f = new OpenFile(file, 0);
        long[] before = new long[1];
        h.spawn("w", t -> h.kernel.pwrite(t, f, 0, 512, 0, (a, b) -> h.kernel.pwrite(t, f, 512, 512, 0, (c, d) -> {
            before[0] = h.fs.inodesDirtied();
            t.sleep();
            h.sim.after(5_000_000, () -> t.wake(() -> h.kernel.pwrite(t, f, 1024, 512, 0, (e, g) -> t.exit())));
        })));
        h.run();
        assertThat(before[0]).isEqualTo(1); // two writes microseconds apart: one tick
        assertThat(h.fs.inodesDirtied()).isEqualTo(2); // 5 ms later: a new tick
    }

    /** One O_DIRECT write of 4 KiB inside the file with {@code flags}, on a machine with a journal. */
    private static List<Seen> oneDirectWrite(boolean writeCache, boolean fua, int flags) {
        KernelHarness h = machine(writeCache, fua);
        SimFile file = h.fs.create("over.dat", 1 << 20);
        OpenFile f = new OpenFile(file, OpenFile.O_DIRECT | flags);
        Task job = h.spawn("fio", t -> h.kernel.pwrite(t, f, 8192, 4096, 0, (w, b) -> t.exit()));
        runJob(h, job);
        return h.device.seen;
    }

    @Test
    void oDsyncDirectOverwritesGoOutAsFuaWritesWhereTheDeviceHonoursFuaAndFlushWhereNot() {
        // iomap's IOMAP_DIO_WRITE_THROUGH: REQ_FUA data, no generic_write_sync.
        List<Seen> fua = oneDirectWrite(true, true, OpenFile.O_DSYNC);
        assertThat(fua).extracting(Seen::op).containsExactly(Op.WRITE);
        assertThat(fua.get(0).flags() & Bio.FUA).isNotZero();
        // No FUA on a write-back cache (SATA under libata's default): the write, then the flush.
        List<Seen> noFua = oneDirectWrite(true, false, OpenFile.O_DSYNC);
        assertThat(noFua).extracting(Seen::op).containsExactly(Op.WRITE, Op.FLUSH);
        assertThat(noFua.get(0).flags() & Bio.FUA).isZero();
        // O_SYNC is fsync semantics: never write-through, so a flush even with FUA.
        List<Seen> oSync = oneDirectWrite(true, true, OpenFile.O_SYNC);
        assertThat(oSync).extracting(Seen::op).containsExactly(Op.WRITE, Op.FLUSH);
        // No volatile cache: nothing to flush either way.
        assertThat(oneDirectWrite(false, false, OpenFile.O_SYNC)).extracting(Seen::op).containsExactly(Op.WRITE);
    }

    @Test
    void aFileLaidOutAndSyncedBeforeTheRunLeavesNoSuperblockForTheFirstCommit() {
        // The capture's prelayout: files written and synced after the mount, so the journal
        // superblock was written then (jbd2_journal_update_sb_log_tail cleared JBD2_FLUSHED).
        KernelHarness h = machine(true, false);
        SimFile file = h.fs.create("over.dat", 1 << 20);
        OpenFile f = new OpenFile(file, 0);
        Task job = h.spawn("fio", t -> h.kernel.pwrite(t, f, 0, 4096, 0, (w, b) -> {
            inodeChanged(h, file, false);
            h.kernel.fsync(t, f, r -> t.exit());
        }));
        runJob(h, job);
        assertThat(h.device.seen).extracting(Seen::op).containsExactly(Op.WRITE, Op.WRITE, Op.FLUSH, Op.WRITE, Op.FLUSH);
        assertThat(h.device.seen.get(1).sector()).isEqualTo(JOURNAL_SECTOR + 8);
    }

    @Test
    void mountedNobarrierCommitsWithoutPreflushOrFuaAndFsyncSendsNoFlush() {
        // barrier=0: no JBD2_BARRIER, so neither the commit block nor ext4_sync_file flushes.
        KernelHarness h = new KernelHarness(2, 50_000, true, false, Map.of(), 128, Map.of("type", "raw", "barrier", "false"));
        SimFile file = h.fs.create("a", 1 << 20);
        h.kernel.mountJournal(AREA);
        writeChangeAndFsync(h, file, 2);
        assertThat(h.device.seen).extracting(Seen::op).containsExactly(Op.WRITE, Op.WRITE, Op.WRITE, Op.WRITE);
        assertThat(h.device.seen).allSatisfy(s -> assertThat(s.flags() & (Bio.FUA | Bio.PREFLUSH)).isZero());
    }

    @Test
    void aFreedMetadataBlockIsRevokedInTheLogAheadOfTheDescriptorAndLeavesTheCheckpointList() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "a", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        int[] mark = new int[1];
        Task job = h.spawn("fio", t -> {
            MetadataJournal.Handle first = h.fs.journal().start();
            first.dirtyMetadata(5000); // an extent index block
            first.dirtyMetadata(INODE_BLOCK);
            first.updateInodeFsyncTrans(file, true);
            first.stop();
            h.kernel.fsync(t, f, r -> {
                mark[0] = h.device.seen.size();
                MetadataJournal.Handle second = h.fs.journal().start();
                second.revoke(5000); // truncate freed the index block
                second.dirtyMetadata(INODE_BLOCK);
                second.updateInodeFsyncTrans(file, true);
                second.stop();
                h.kernel.fsync(t, f, r2 -> t.exit());
            });
        });
        runJob(h, job);
        List<Seen> second = h.device.seen.subList(mark[0], h.device.seen.size());
        // revoke block + descriptor + the inode block as one request, then flush, commit, flush
        assertThat(second).extracting(Seen::op).containsExactly(Op.WRITE, Op.FLUSH, Op.WRITE, Op.FLUSH);
        assertThat(second.get(0).sectors()).isEqualTo(24);
        // The revoked block is no longer waiting to go home: the flusher writes only the inode block.
        h.run();
        assertThat(h.device.seen.stream().filter(s -> s.op() == Op.WRITE && s.sector() == INODE_BLOCK * 8)).hasSize(1);
        assertThat(h.device.seen.stream().filter(s -> s.op() == Op.WRITE && s.sector() == 5000 * 8)).isEmpty();
    }

    /**
     * j_max_transaction_buffers is a third of the log since 6.11 (jbd2_journal_get_max_txn_bufs,
     * "jbd2: Increase maximum transaction size"): a handle waits for a checkpoint once
     * jbd2_log_space_left (j_free less 32) is below it. Each round here logs 8 blocks
     * (descriptor, 6 blocks, commit), as the real small-files job's, whose first checkpoint
     * followed the commit ending at log block 5433: with 8191 - 5433 = 2758 free, 2726 < 8192 / 3.
     * A quarter (2048) would have waited until log block 6111.
     */
    @Test
    void theFirstCheckpointComesWhenLessThanAThirdOfTheLogIsFree() {
        KernelHarness h = machine(true, false);
        Kernel k = h.kernel;
        SimFile file = h.fs.create("a", 1 << 20);
        OpenFile f = new OpenFile(file, 0);
        int[] round = {0};
        Task job = h.spawn("fio", t -> repeat(t, 700, next -> {
            MetadataJournal.Handle handle = h.fs.journal().start();
            for (int i = 0; i < 6; i++) {
                handle.dirtyMetadata(10_000 + round[0] * 6 + i);
            }
            handle.updateInodeFsyncTrans(file, true);
            handle.stop();
            round[0]++;
            k.fsync(t, f, r -> next.run());
        }));
        runJob(h, job);
        List<Seen> seen = h.device.seen;
        int firstHome = -1;
        for (int i = 0; i < seen.size() && firstHome < 0; i++) {
            if (seen.get(i).op() == Op.WRITE && seen.get(i).sector() >= 10_000 * 8 && seen.get(i).sector() < 20_000 * 8) {
                firstHome = i;
            }
        }
        assertThat(firstHome).isPositive();
        long logBefore = seen.subList(0, firstHome).stream().filter(JournalTest::inJournal)
                .filter(s -> s.sector() != JOURNAL_SECTOR).mapToLong(Seen::sectors).max().orElse(0);
        long lastLogBlockBefore = seen.subList(0, firstHome).stream().filter(JournalTest::inJournal)
                .mapToLong(s -> (s.sector() - JOURNAL_SECTOR) / 8 + s.sectors() / 8 - 1).max().getAsLong();
        assertThat(logBefore).isPositive();
        // The commit after which the log had under 2730 + 32 free blocks (the real one ended at 5433).
        assertThat(lastLogBlockBefore).isBetween(5425L, 5433L);
        assertThat(k.journal().checkpoints).isPositive();
    }

    /**
     * jbd2_journal_commit_transaction writes the journal superblock of the first commit after
     * mount (JBD2_FLUSHED) before it locks the transaction (T_LOCKED): a handle that starts while
     * that write is on its way still joins the transaction, and the one commit logs its block.
     */
    @Test
    void aHandleDuringTheFirstCommitsSuperblockWriteJoinsThatCommit() {
        SimFile[] made = new SimFile[1];
        KernelHarness h = mountedWith(true, false, "append.dat", 1 << 20, made);
        SimFile file = made[0];
        OpenFile f = new OpenFile(file, 0);
        Kernel k = h.kernel;
        boolean[] joined = {false};
        Task job = h.spawn("fio", t -> k.pwrite(t, f, 0, 4096, 0, (w, b) -> {
            inodeChanged(h, file, true);
            k.fsync(t, f, r -> t.exit());
        }));
        // Poll for the journal superblock write; start a handle (another inode's change) while it is served.
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (h.device.seen.stream().anyMatch(s -> s.op() == Op.WRITE && s.sector() == JOURNAL_SECTOR)) {
                MetadataJournal.Handle other = h.fs.journal().start();
                other.dirtyMetadata(INODE_BLOCK + 1);
                other.stop();
                joined[0] = true;
            } else {
                h.sim.timerAfter(1_000, poll[0]::run);
            }
        };
        h.sim.timerAfter(1_000, poll[0]::run);
        runJob(h, job);
        assertThat(joined[0]).isTrue();
        assertThat(k.journal().commits).isEqualTo(1);
        // descriptor + both inode blocks in one request after the superblock, then the commit block.
        List<Seen> log = h.device.seen.stream().filter(JournalTest::inJournal).toList();
        assertThat(log).extracting(Seen::sectors).containsExactly(8, 24, 8);
    }

    /**
     * Two tasks, each with its own file's change in the journal, fsync them (the two end_fsyncs of
     * seq-256m-2jobs); the second fsync starts {@code when}. Returns {commits, flushes}.
     */
    private static long[] twoFsyncs(String when) {
        KernelHarness h = machine(true, false);
        SimFile a = h.fs.create("a.dat", 1 << 20);
        SimFile b = h.fs.create("b.dat", 1 << 20);
        Kernel k = h.kernel;
        Task first = h.spawn("fio-a", t -> {
            inodeChanged(h, a, true);
            k.fsync(t, new OpenFile(a, 0), r -> t.exit());
        });
        boolean[] asleep = {false};
        Task second = h.spawn("fio-b", t -> {
            if (!when.equals("after the lock")) {
                inodeChanged(h, b, true);
            }
            asleep[0] = true;
            t.sleep();
        });
        boolean[] started = {false};
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            List<Seen> seen = h.device.seen;
            boolean go = asleep[0] && switch (when) {
                case "together" -> true;
                // the commit block is on its way: its preflush reached the device
                case "after the commit block" -> seen.stream().anyMatch(s -> s.op() == Op.FLUSH);
                // the descriptor is written after T_LOCKED: the transaction takes no more handles
                default -> seen.stream().anyMatch(s -> inJournal(s) && s.sector() > JOURNAL_SECTOR);
            };
            if (go && !started[0]) {
                started[0] = true;
                second.wake(() -> {
                    if (when.equals("after the lock")) {
                        inodeChanged(h, b, true);
                    }
                    k.fsync(second, new OpenFile(b, 0), r -> second.exit());
                });
            } else if (!go) {
                h.sim.timerAfter(500, poll[0]::run);
            }
        };
        h.sim.timerAfter(500, poll[0]::run);
        h.sim.runWhile(() -> !first.isDead() || !second.isDead());
        return new long[] {k.journal().commits, h.device.seen.stream().filter(s -> s.op() == Op.FLUSH).count()};
    }

    /**
     * The real seq-256m-2jobs runs three ways (docs/ext4.md): both fsyncs wait on one commit
     * (jbd2_complete_transaction on the same tid; its commit block carries the flush), the second
     * comes once that commit block is on its way and sends a flush of its own
     * (jbd2_trans_will_send_data_barrier false: ext4_sync_file's blkdev_issue_flush), or the
     * second file's change comes after the commit locked its transaction (T_LOCKED), joins the
     * next one and its fsync commits again.
     */
    @Test
    void twoFsyncsShareOneCommitFlushOnTheirOwnOnceItsCommitBlockIsOutOrCommitAgainAfterItsLock() {
        assertThat(twoFsyncs("together")).containsExactly(1, 2);
        assertThat(twoFsyncs("after the commit block")).containsExactly(1, 3);
        assertThat(twoFsyncs("after the lock")).containsExactly(2, 4);
    }
}
