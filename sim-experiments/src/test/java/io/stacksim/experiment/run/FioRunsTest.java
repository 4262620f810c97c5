package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.workload.JobStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio job files run on simulated stacks, checked against what the options promise: rate
 * pacing against the configured rate (and fio 3.33's bandwidth cap with mixed sizes), Poisson
 * arrivals, the engines' concurrency (io_uring buffered misses go to io-wq workers; libaio
 * buffered I/O completes inside io_submit; glibc's POSIX AIO runs one request per file at a
 * time; vsync gathers adjacent units into one readv), think time and stonewall groups.
 */
class FioRunsTest {
    @TempDir
    Path dir;

    private static final String STACK = FioHarness.STACK;

    private RunResult run(String stack, String jobs) {
        return FioHarness.run(dir, stack, jobs);
    }

    private static JobStats job(RunResult r, String name) {
        return FioHarness.job(r, name);
    }

    private static double iops(JobStats s, int d) {
        return 1000.0 * s.totalIos[d] / s.runtimeMs[d];
    }

    private static double kibps(JobStats s, int d) {
        return s.bytes[d] * 1000.0 / s.runtimeMs[d] / 1024;
    }

    @Test
    void rateIopsAndRatePaceTheJobAtTheConfiguredRate() {
        RunResult r = run(STACK, """
                [global]
                filename=data
                size=256m
                rw=randread
                direct=1
                runtime=2
                time_based
                [iops]
                rate_iops=2000
                [bytes]
                stonewall
                rate=8m
                """);
        assertThat(iops(job(r, "iops"), 0)).isCloseTo(2000, within(2000 * 0.01));
        assertThat(kibps(job(r, "bytes"), 0)).isCloseTo(8192, within(8192 * 0.01));
    }

    @Test
    void rateIopsWithMixedBlockSizesCapsBandwidthAtRateIopsTimesTheSmallestSize() {
        // fio 3.33 (verified, formats.md 1.2): rate_bps = rate_iops x min_bs.
        RunResult r = run(STACK, """
                [mix]
                filename=data
                size=256m
                ioengine=libaio
                direct=1
                iodepth=16
                rw=randrw
                rwmixread=70
                bssplit=4k/60:16k/30:64k/10
                rate_iops=3000,1000
                runtime=2
                time_based
                """);
        JobStats s = job(r, "mix");
        assertThat(kibps(s, 0)).isCloseTo(3000 * 4, within(3000 * 4 * 0.01));
        assertThat(kibps(s, 1)).isCloseTo(1000 * 4, within(1000 * 4 * 0.02));
        assertThat(iops(s, 0)).isLessThan(3000 * 0.8);
    }

    @Test
    void poissonPacingKeepsTheMeanRateWithExponentialGaps() throws Exception {
        RunResult r = run(STACK, """
                [p]
                filename=data
                size=256m
                rw=randread
                direct=1
                rate_iops=2000
                rate_process=poisson
                runtime=2
                time_based
                write_iolog=p.iolog
                """);
        assertThat(iops(job(r, "p"), 0)).isCloseTo(2000, within(2000 * 0.05));
        List<Long> t = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("p.iolog"))) {
            String[] f = line.split(" ");
            if (f.length == 5 && f[2].equals("read")) {
                t.add(Long.parseLong(f[0]));
            }
        }
        double sum = 0;
        double sumSq = 0;
        int n = t.size() - 1;
        for (int i = 0; i < n; i++) {
            double g = t.get(i + 1) - t.get(i);
            sum += g;
            sumSq += g * g;
        }
        double mean = sum / n;
        double cv = Math.sqrt(sumSq / n - mean * mean) / mean;
        assertThat(mean).isCloseTo(500, within(25.0));
        // Exponential gaps have a coefficient of variation of 1 (less the 107 us service floor).
        assertThat(cv).isBetween(0.85, 1.1);
    }

    @Test
    void ioUringServesBufferedMissesFromWorkerThreadsWhileLibaioBlocksInIoSubmit() {
        RunResult r = run(STACK, """
                [global]
                filename=data
                size=256m
                rw=randread
                runtime=1
                time_based
                iodepth=8
                [uring-buffered]
                ioengine=io_uring
                [libaio-buffered]
                stonewall
                ioengine=libaio
                [uring-direct]
                stonewall
                ioengine=io_uring
                direct=1
                """);
        JobStats uring = job(r, "uring-buffered");
        JobStats aio = job(r, "libaio-buffered");
        JobStats direct = job(r, "uring-direct");
        // Random buffered reads miss (fadvise RANDOM: no readahead): every one goes to io-wq.
        assertThat(uring.asyncPunted).isGreaterThanOrEqualTo(uring.totalIos[0]);
        assertThat(uring.workerThreads).isEqualTo(8);
        // Eight in flight on an 8-server 100 us device: close to 8 / 107 us.
        assertThat(iops(uring, 0)).isGreaterThan(8 * iops(aio, 0) * 0.8);
        assertThat(iops(aio, 0)).isCloseTo(1e6 / 107, within(1e6 / 107 * 0.05));
        // Direct I/O needs no worker: the submitter issues it and the interrupt completes it.
        assertThat(direct.workerThreads).isZero();
        assertThat(direct.asyncInline).isGreaterThanOrEqualTo(direct.totalIos[0]);
        assertThat(iops(direct, 0)).isCloseTo(iops(uring, 0), within(iops(uring, 0) * 0.1));
    }

    @Test
    void ioUringCompletesCachedBufferedReadsInline() {
        RunResult r = run(STACK, """
                [hot]
                filename=data
                size=16m
                rw=randread
                ioengine=io_uring
                iodepth=8
                pre_read=1
                """);
        JobStats s = job(r, "hot");
        // One pass over the 4096 blocks (size, not time based), every read served from the cache.
        assertThat(s.totalIos[0]).isEqualTo(4096);
        assertThat(s.asyncPunted).isZero();
        assertThat(s.workerThreads).isZero();
        assertThat(s.asyncInline).isEqualTo(4096);
    }

    @Test
    void posixAioRunsOneRequestPerFileAtATimeInOneHelperThread() {
        RunResult r = run(STACK, """
                [global]
                filename=data
                size=256m
                rw=randread
                direct=1
                iodepth=8
                runtime=1
                time_based
                [posix]
                ioengine=posixaio
                [aio]
                stonewall
                ioengine=libaio
                """);
        JobStats posix = job(r, "posix");
        JobStats aio = job(r, "aio");
        assertThat(posix.workerThreads).isEqualTo(1);
        assertThat(iops(posix, 0)).isCloseTo(1e6 / 107.6, within(1e6 / 107.6 * 0.05));
        assertThat(iops(aio, 0)).isGreaterThan(6 * iops(posix, 0));
    }

    @Test
    void vsyncGathersAdjacentUnitsIntoOneReadv() {
        RunResult r = run("device: {profile: latency-100us}\nblock: {scheduler: none}\n", """
                [v]
                filename=data
                size=64m
                ioengine=vsync
                iodepth=8
                iodepth_batch_submit=8
                rw=read
                direct=1
                number_ios=8000
                """);
        assertThat(r.metrics().get("os.syscalls.readv").longValue()).isEqualTo(1000);
        assertThat(r.metrics().get("diskstats.read.ios").longValue()).isEqualTo(1000);
        assertThat(r.metrics().get("diskstats.read.sectors").longValue()).isEqualTo(8000L * 8);
    }

    @Test
    void thinktimeStallsEveryThinktimeBlocks() {
        RunResult r = run("device: {profile: ramdisk}\nblock: {scheduler: none}\n", """
                [t]
                filename=data
                size=16m
                rw=randread
                direct=1
                thinktime=1ms
                thinktime_blocks=10
                runtime=1
                time_based
                """);
        // Ten I/Os of a few microseconds, then 1 ms: just under 10 I/Os per ms.
        double iops = iops(job(r, "t"), 0);
        assertThat(iops).isBetween(9000.0, 10000.0);
    }

    @Test
    void stonewallStartsAJobAfterTheEarlierOnesAndANewReportingGroup() {
        RunResult r = run(STACK, """
                [global]
                filename=data
                size=64m
                direct=1
                [a]
                rw=read
                number_ios=1000
                [b]
                rw=read
                number_ios=1000
                [c]
                stonewall
                rw=read
                number_ios=1000
                """);
        List<RunResult.CloneRun> c = r.clones();
        assertThat(c).extracting(RunResult.CloneRun::groupId).containsExactly(0, 0, 1);
        long endA = c.get(0).stats().endNs;
        long endB = c.get(1).stats().endNs;
        assertThat(c.get(2).stats().startNs).isGreaterThanOrEqualTo(Math.max(endA, endB));
        assertThat(c.get(1).stats().startNs).isLessThan(endA);
    }

    @Test
    void syncAfterEveryNWritesIsCountedLikeFioAndEndFsyncIsNot() {
        RunResult r = run(STACK, """
                [w]
                filename=data
                size=8m
                rw=write
                bs=64k
                fdatasync=32
                end_fsync=1
                """);
        JobStats s = job(r, "w");
        // 128 writes: fdatasync before writes 33, 65 and 97; after the 128th the size is done and
        // the loop ends before another sync check (do_io). end_fsync then runs in fio's
        // TD_FSYNCING state, which td_io_queue and io_completed do not account: fio 3.33 on this
        // machine (fdatasync=64 over 256 writes, end_fsync=1) reports sync N=3, "IO depths:
        // 1=101.2%" (259/256) and "short=3,0,0,0" (total_io_u[DDIR_DATASYNC] overflows into
        // short_io_u[0]).
        assertThat(s.totalIos[1]).isEqualTo(128);
        assertThat(s.syncStat.samples()).isEqualTo(3);
        assertThat(s.totalIos[JobStats.SYNC]).isZero();
        assertThat(s.totalIos[JobStats.DATASYNC]).isEqualTo(3);
        assertThat(s.printedShort(JobStats.READ)).isEqualTo(3);
        // io_u_map counts the periodic syncs too, which is why fio shows more than 100% at depth 1.
        assertThat(s.depthMap[0]).isEqualTo(128 + 3);
    }

    @Test
    void fsyncsAreFiosSyncTotalIosAndAnEndFsyncOnlyJobHasNoSyncSamples() {
        RunResult r = run(STACK, """
                [f]
                filename=data
                size=8m
                rw=write
                bs=64k
                fsync=32
                end_fsync=1

                [e]
                stonewall
                filename=data2
                size=8m
                rw=write
                bs=64k
                end_fsync=1
                """);
        // fio 3.33 here: fsync=64 over 256 writes gives sync total_ios 3 and N 3 ("issued rwts:
        // total=0,256,0,3"); end_fsync alone gives total_ios 0 and N 0.
        JobStats f = job(r, "f");
        assertThat(f.totalIos[JobStats.SYNC]).isEqualTo(3);
        assertThat(f.syncStat.samples()).isEqualTo(3);
        assertThat(f.printedShort(JobStats.READ)).isZero();
        JobStats e = job(r, "e");
        assertThat(e.totalIos[JobStats.SYNC]).isZero();
        assertThat(e.syncStat.samples()).isZero();
        assertThat(e.depthMap[0]).isEqualTo(128);
    }
}
