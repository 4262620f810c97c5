package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.trace.BlkparseWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc/diskstats accounting (Documentation/admin-guide/iostats.rst) and the blkparse text. */
class DiskStatsAndTraceTest {
    private static final long MS = 1_000_000;

    /**
     * Three 4 KiB reads submitted together on a device serving one at a time in 1 ms: they end
     * at 1, 2 and 3 ms, so ticks = 1 + 2 + 3 = 6 ms, io_ticks = 3 ms (busy throughout),
     * time_in_queue = the sum of ticks = 6 ms, r_await = 2 ms, aqu-sz = 6 / 3 = 2.
     */
    @Test
    void ticksIoTicksAndTimeInQueueFollowIostatsRst() {
        Harness h = new Harness("none", Harness.limits(4, 2560, 128), MS);
        h.submit(Op.READ, 0, 8);
        h.submit(Op.READ, 100, 8);
        h.submit(Op.READ, 200, 8);
        h.sim.run();
        DiskStats d = h.queue.diskStats();
        assertThat(d.ios(DiskStats.READ)).isEqualTo(3);
        assertThat(d.sectors(DiskStats.READ)).isEqualTo(24);
        assertThat(d.ticksNs(DiskStats.READ)).isEqualTo(6 * MS);
        assertThat(d.ioTicksNs(h.sim.now())).isEqualTo(3 * MS);
        assertThat(d.timeInQueueNs(h.sim.now())).isEqualTo(6 * MS);
        assertThat(d.inFlight()).isZero();
    }

    /**
     * The same three reads, all issued at 0 with four tags: each spans issue to completion as
     * btt's D2C does (D at 0, C at 1, 2 and 3 ms), 2 ms on average, as much as r_await here
     * since nothing waits before issue.
     */
    @Test
    void d2cSpansEachRequestsIssueToItsCompletion() {
        Harness h = new Harness("none", Harness.limits(4, 2560, 128), MS);
        h.submit(Op.READ, 0, 8);
        h.submit(Op.READ, 100, 8);
        h.submit(Op.READ, 200, 8);
        h.sim.run();
        assertThat(h.queue.diskStats().d2cMeanNs(DiskStats.READ)).isEqualTo(2.0 * MS);
        assertThat(h.queue.diskStats().d2cMeanNs(DiskStats.WRITE)).isZero();
    }

    /** blkparse's header widths "%3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s ", as in the loop0 capture. */
    @Test
    void linesHaveBlkparsesDefaultLayout(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.txt");
        BlkparseWriter w = new BlkparseWriter(out, "loop0");
        Submitter fio = new Submitter(8752, "fio", 0);
        w.event('Q', 1000, 0, fio, Op.WRITE, Bio.SYNC, 0, 8, 0);
        w.event('M', 1000 + 11982, 0, fio, Op.WRITE, Bio.SYNC, 8, 8, 0);
        w.event('P', 1000 + 8556, 0, fio, null, 0, 0, 0, 0);
        w.event('U', 1000 + 351386, 0, fio, null, 0, 0, 0, 1);
        w.event('Q', 1000 + 4571822, 0, fio, Op.WRITE, Bio.SYNC | Bio.PREFLUSH, 0, 0, 0);
        w.event('D', 1000 + 4585396, 0, new Submitter(44, "kworker/0:1H", 0), Op.FLUSH, Bio.PREFLUSH, 0, 0, 0);
        w.event('C', 1000 + 7236305, 0, null, Op.FLUSH, Bio.PREFLUSH, 0, 0, 0);
        w.event('Q', 1000 + 302466589, 0, fio, Op.READ, 0, 0, 8, 0);
        assertThat(Files.exists(out)).isFalse(); // only the temporary file until the end
        w.close(1000 + 302466589);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.subList(0, 8)).containsExactly(
                "  7,0    0        1     0.000000000  8752  Q  WS 0 + 8 [fio]",
                "  7,0    0        2     0.000011982  8752  M  WS 8 + 8 [fio]",
                "  7,0    0        3     0.000008556  8752  P   N [fio]",
                "  7,0    0        4     0.000351386  8752  U   N [fio] 1",
                "  7,0    0        5     0.004571822  8752  Q FWS [fio]",
                "  7,0    0        6     0.004585396    44  D  FN [kworker/0:1H]",
                "  7,0    0        7     0.007236305     0  C  FN 0 [0]",
                "  7,0    0        8     0.302466589  8752  Q   R 0 + 8 [fio]");
        // one CPU: blkparse's show_device_info prints no Total block, and the depth lines end at the number
        assertThat(lines).contains("Events (loop0): 8 entries", " Read depth:             1        \t Write depth:             0")
                .doesNotContain("Total (loop0):");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(out);
        }
    }

    /** RWBS as fill_rwbs builds it. */
    @Test
    void rwbsFollowsFillRwbs() {
        assertThat(BlkparseWriter.rwbs(Op.WRITE, Bio.SYNC, 4096)).isEqualTo("WS");
        assertThat(BlkparseWriter.rwbs(Op.WRITE, Bio.SYNC | Bio.PREFLUSH, 0)).isEqualTo("FWS");
        assertThat(BlkparseWriter.rwbs(Op.WRITE, Bio.SYNC | Bio.FUA, 4096)).isEqualTo("WFS");
        assertThat(BlkparseWriter.rwbs(Op.READ, Bio.RAHEAD, 4096)).isEqualTo("RA");
        assertThat(BlkparseWriter.rwbs(Op.READ, Bio.META | Bio.SYNC, 4096)).isEqualTo("RSM");
        assertThat(BlkparseWriter.rwbs(Op.FLUSH, Bio.PREFLUSH, 0)).isEqualTo("FN");
        assertThat(BlkparseWriter.rwbs(Op.DISCARD, 0, 4096)).isEqualTo("D");
        assertThat(BlkparseWriter.rwbs(null, 0, 0)).isEqualTo("N");
    }

    /**
     * An empty preflush on a device with a write cache: the request waits while one flush
     * request runs (D/C FN from kblockd), then completes with no data (C WS 0), as in the loop0
     * capture; diskstats count one flush.
     */
    @Test
    void anEmptyPreflushRunsOneFlushRequest() {
        Harness h = new Harness("mq-deadline", io.stacksim.device.DeviceLimits.builder(1L << 30)
                .queueDepth(32).maxHwSectors(2560).volatileWriteCache(true).build(), MS);
        h.queue.submitBio(h.bio(Op.WRITE, 0, 0, Bio.SYNC | Bio.PREFLUSH));
        h.sim.run();
        assertThat(h.trace).containsExactly("Q W 0+0", "G W 0+0", "D F 0+0", "C F 0+0", "C W 0+0");
        assertThat(h.queue.diskStats().ios(DiskStats.FLUSH)).isEqualTo(1);
        assertThat(h.done).hasSize(1);
    }

    /** Without a write cache the preflush is stripped and an empty one completes without I/O. */
    @Test
    void anEmptyPreflushOnADeviceWithoutCacheDoesNoIo() {
        Harness h = new Harness("mq-deadline", Harness.limits(32, 2560, 128), MS);
        h.queue.submitBio(h.bio(Op.WRITE, 0, 0, Bio.SYNC | Bio.PREFLUSH));
        assertThat(h.device.seen).isEmpty();
        assertThat(h.done).hasSize(1);
    }

    private static Harness cached(boolean fua) {
        return new Harness("none", io.stacksim.device.DeviceLimits.builder(1L << 30).queueDepth(32).maxHwSectors(2560)
                .volatileWriteCache(true).fua(fua).build(), MS);
    }

    /**
     * O_SYNC on a cached device: the data write, then blkdev_issue_flush's empty REQ_OP_WRITE with
     * REQ_PREFLUSH. The kernel ends that request as a write once its flush sequence is done
     * (blk_flush_restore_request clears RQF_FLUSH_SEQ before blk_mq_end_request), and counts the
     * flush request itself only in the flush fields (blk_account_io_flush). Measured on this
     * machine's 6.18 kernel: 2000 O_SYNC 4 KiB writes to a loop device add 4000 writes, 16000
     * sectors and 2000 flushes to /proc/diskstats.
     */
    @Test
    void anEmptyPreflushIsAZeroSectorWriteAndOneFlush() {
        Harness h = cached(false);
        h.queue.submitBio(h.bio(Op.WRITE, 0, 8, Bio.SYNC));
        h.sim.run();
        h.queue.submitBio(h.bio(Op.WRITE, 0, 0, Bio.SYNC | Bio.PREFLUSH));
        h.sim.run();
        DiskStats d = h.queue.diskStats();
        assertThat(d.ios(DiskStats.WRITE)).isEqualTo(2);
        assertThat(d.sectors(DiskStats.WRITE)).isEqualTo(8);
        assertThat(d.ios(DiskStats.FLUSH)).isEqualTo(1);
        // the empty write waited for the whole flush; the flush request ran 1 ms on the device
        assertThat(d.ticksNs(DiskStats.WRITE)).isEqualTo(2 * MS);
        assertThat(d.ticksNs(DiskStats.FLUSH)).isEqualTo(MS);
        assertThat(d.timeInQueueNs(h.sim.now())).isEqualTo(3 * MS);
    }

    /**
     * A REQ_FUA write (O_DIRECT|O_DSYNC on a block device: dio_bio_write_op) on a cached device
     * without FUA runs DATA then POSTFLUSH (blk_flush_policy): one write and one flush. With FUA
     * the flag goes down with the data and no flush request is made.
     */
    @Test
    void aFuaWriteCountsAPostflushOnlyWhereTheDeviceLacksFua() {
        Harness noFua = cached(false);
        noFua.queue.submitBio(noFua.bio(Op.WRITE, 0, 8, Bio.SYNC | Bio.FUA));
        noFua.sim.run();
        assertThat(noFua.queue.diskStats().ios(DiskStats.WRITE)).isEqualTo(1);
        assertThat(noFua.queue.diskStats().ios(DiskStats.FLUSH)).isEqualTo(1);
        assertThat(noFua.device.seen).extracting(Harness.Seen::op).containsExactly(Op.WRITE, Op.FLUSH);

        Harness fua = cached(true);
        fua.queue.submitBio(fua.bio(Op.WRITE, 0, 8, Bio.SYNC | Bio.FUA));
        fua.sim.run();
        assertThat(fua.queue.diskStats().ios(DiskStats.WRITE)).isEqualTo(1);
        assertThat(fua.queue.diskStats().ios(DiskStats.FLUSH)).isZero();
        assertThat(fua.device.seen).extracting(Harness.Seen::op).containsExactly(Op.WRITE);
    }
}
