package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's e4defrag engine (engines/e4defrag.c) over EXT4_IOC_MOVE_EXT (fs/ext4/move_extent.c),
 * against the real kernel: fio 3.33 on Linux 6.18, ext4 on a 1 GiB loop device, 100 MiB files
 * in 32 KiB units. Swapping a fallocated (unwritten) file with its fallocated donor moves no data:
 * 19 context switches for 3200 units, no read, 63 ms of system time (2.5 us per page). The same
 * file written first: every page is read back (one 4 KiB read each, 25600 reads for 25600 pages,
 * 25602 context switches) and dirtied against its new block.
 */
class FioE4defragTest {
    @TempDir
    Path dir;

    private static long metric(RunResult r, String key) {
        return r.metrics().get(key).longValue();
    }

    private static final String DEFRAG = """
            [defrag]
            ioengine=e4defrag
            filename=f
            filesize=8m
            size=8m
            bs=32k
            buffered=0
            donorname=f.def
            rw=write
            """;

    @Test
    void swappingUnwrittenExtentsMovesNoDataAndCostsTheExtentMovesCpuPerPage() {
        // a write job's file is laid out with fallocate (unwritten extents), as fio's extend_file does
        RunResult r = FioHarness.run(dir, FioHarness.STACK, DEFRAG);
        JobStats s = FioHarness.job(r, "defrag");
        assertThat(s.totalIos[JobStats.WRITE]).isEqualTo(256);
        assertThat(s.bytes[JobStats.WRITE]).isEqualTo(8L << 20);
        assertThat(metric(r, "diskstats.read.ios")).isZero();
        assertThat(s.ctx).isLessThan(10);
        // 8 pages of 2.5 us per unit, plus the ioctl's entry and exit (real: 19.7 us per unit)
        double sysPerUnitUs = s.sysNs / 1000.0 / 256;
        assertThat(sysPerUnitUs).isBetween(20.0, 21.5);
    }

    @Test
    void defragmentingWrittenDataReadsEachPageInAndWritesItToItsNewBlock() {
        String job = """
                [fill]
                ioengine=psync
                direct=1
                filename=f
                filesize=8m
                size=8m
                bs=32k
                rw=write
                """ + DEFRAG.replace("[defrag]", "[defrag]\nstonewall");
        // then a buffered write and fsync of the file (the e4defrag engine itself fails a sync
        // unit with EINVAL, end_fsync's included, as fio's does)
        String flush = """
                [flush]
                stonewall
                ioengine=psync
                filename=f
                size=4k
                rw=write
                end_fsync=1
                """;
        RunResult r = FioHarness.run(dir, FioHarness.STACK, job + flush);
        JobStats s = FioHarness.job(r, "defrag");
        assertThat(s.totalIos[JobStats.WRITE]).isEqualTo(256);
        // mext_page_mkuptodate: one 4 KiB read per page, the job asleep on each
        assertThat(metric(r, "diskstats.read.ios")).isEqualTo(2048);
        assertThat(metric(r, "diskstats.read.sectors")).isEqualTo((8L << 20) / 512);
        assertThat(s.ctx).isBetween(2048L, 2100L);
        // block_commit_write dirtied every page: end_fsync wrote them to the blocks they map now
        assertThat(metric(r, "diskstats.write.sectors")).isGreaterThanOrEqualTo(2 * (8L << 20) / 512);
    }

    @Test
    void inplaceAllocatesTheDonorPerUnitAndTruncatesItAfter() {
        RunResult r = FioHarness.run(dir, FioHarness.STACK, DEFRAG + "inplace=1\n");
        JobStats s = FioHarness.job(r, "defrag");
        assertThat(s.totalIos[JobStats.WRITE]).isEqualTo(256);
        // fallocate + ioctl + ftruncate per unit: three calls where inplace=0 makes one
        assertThat(s.sysNs).isGreaterThan(FioHarness.job(FioHarness.run(dir, FioHarness.STACK, DEFRAG), "defrag").sysNs);
    }

    @Test
    void aReadUnitFailsWithEinvalAsTheEngineHandlesWritesOnly() {
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, DEFRAG.replace("rw=write", "rw=randread")))
                .hasMessageContaining("EINVAL");
    }

    @Test
    void aJobWithoutDonornameIsRefusedAtItsFirstLine() {
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, DEFRAG.replace("donorname=f.def\n", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs donorname=");
    }
}
