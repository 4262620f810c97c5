package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's job control and engines without a disk, checked against fio 3.33's rules: the null
 * engine (engines/null.c: no I/O, a sync engine at iodepth=1, batches of commits deeper),
 * gtod_reduce and disable_*lat (stat.c: no sample taken), exitall with exit_what (libfio.c
 * fio_terminate_threads) and wait_for (backend.c waitee_running).
 */
class FioJobControlTest {
    @TempDir
    Path dir;

    private RunResult run(String jobs) {
        return FioHarness.run(dir, FioHarness.STACK, jobs);
    }

    private static JobStats job(RunResult r, String name) {
        return FioHarness.job(r, name);
    }

    @Test
    void theNullEngineDoesNoIoAndCostsOnlyFiosOwnTimePerUnit() {
        RunResult r = run("""
                [null]
                ioengine=null
                size=100g
                rw=randread
                norandommap
                number_ios=10000
                """);
        JobStats s = job(r, "null");
        assertThat(s.ios[0]).isEqualTo(10000);
        // No request reached the device, no file was created.
        assertThat(r.metrics()).containsKey("diskstats.read.ios");
        assertThat(r.metrics().get("diskstats.read.ios").longValue() + r.metrics().get("diskstats.write.ios").longValue())
                .isZero();
        // iodepth=1: FIO_SYNCIO, so no submission latency; one unit costs the benchmark's 400 ns.
        assertThat(s.slatStat[0].samples()).isZero();
        assertThat(s.endNs - s.startNs).isBetween(10000 * 400L, 10000 * 400L * 11 / 10);
    }

    @Test
    void theNullEngineDeeperThanOneCommitsBatchesAndReapsThemAll() {
        RunResult r = run("""
                [null]
                ioengine=null
                size=1g
                rw=read
                iodepth=8
                iodepth_batch=8
                number_ios=8000
                """);
        JobStats s = job(r, "null");
        assertThat(s.ios[0]).isEqualTo(8000);
        // FIO_ASYNCIO_SETS_ISSUE_TIME: slat is taken at commit for every unit.
        assertThat(s.slatStat[0].samples()).isEqualTo(8000);
        // Every commit submits the full batch of 8 (submit map bucket "8" = index 2: 1-4, 5-8).
        assertThat(s.submitMap[2]).isEqualTo(s.totalSubmit);
    }

    @Test
    void gtodReduceTakesNoLatencySampleButCountsTheIos() {
        RunResult r = run("""
                [g]
                ioengine=libaio
                iodepth=4
                direct=1
                filename=data
                size=16m
                rw=randread
                gtod_reduce=1
                number_ios=2000
                [d]
                stonewall
                ioengine=libaio
                iodepth=4
                direct=1
                filename=data
                size=16m
                rw=randread
                disable_clat=1
                number_ios=2000
                """);
        JobStats g = job(r, "g");
        assertThat(g.ios[0]).isEqualTo(2000);
        assertThat(g.slatStat[0].samples() + g.clatStat[0].samples() + g.latStat[0].samples()).isZero();
        JobStats d = job(r, "d");
        assertThat(d.clatStat[0].samples()).isZero();
        assertThat(d.slatStat[0].samples()).isEqualTo(2000);
        assertThat(d.latStat[0].samples()).isEqualTo(2000);
    }

    @Test
    void exitallStopsTheGroupWhenItsFirstJobEnds() {
        RunResult r = run("""
                [global]
                filename=data
                size=64m
                direct=1
                exitall
                [short]
                rw=randread
                number_ios=500
                [long]
                rw=randread
                runtime=10
                time_based
                """);
        JobStats shortJob = job(r, "short");
        JobStats longJob = job(r, "long");
        // The long job stops (drained) right after the short one, not after 10 s.
        assertThat(longJob.endNs - shortJob.endNs).isBetween(0L, 1_000_000L);
        assertThat(longJob.endNs - longJob.startNs).isLessThan(1_000_000_000L);
    }

    @Test
    void exitWhatAllStopsLaterSegmentsBeforeTheyRun() {
        RunResult r = run("""
                [global]
                filename=data
                size=64m
                direct=1
                exitall
                [first]
                rw=randread
                number_ios=200
                exit_what=all
                [never]
                stonewall
                rw=randread
                runtime=5
                time_based
                """);
        assertThat(job(r, "first").ios[0]).isEqualTo(200);
        assertThat(job(r, "never").ios[0]).isZero();
    }

    @Test
    void waitForStartsTheJobWhenTheNamedJobHasExited() {
        RunResult r = run("""
                [global]
                filename=data
                size=64m
                direct=1
                [writers]
                rw=write
                bs=128k
                numjobs=2
                [readers]
                new_group
                wait_for=writers
                rw=randread
                number_ios=1000
                [free]
                rw=randread
                number_ios=1000
                """);
        long writersEnd = r.clones().stream().filter(c -> c.spec().name().equals("writers"))
                .mapToLong(c -> c.stats().endNs).max().orElseThrow();
        JobStats readers = job(r, "readers");
        assertThat(readers.startNs).isGreaterThanOrEqualTo(writersEnd);
        // A job without wait_for starts with the writers.
        assertThat(job(r, "free").startNs).isLessThan(writersEnd);
    }

    @Test
    void logOffsetAddsTheOffsetColumnAndLogPrioTheFullIoprioAsFioFlushesSamples() throws java.io.IOException {
        run("""
                [l]
                filename=data
                size=1m
                bs=4k
                rw=read
                direct=1
                prioclass=1
                prio=0
                write_lat_log=l
                log_offset=1
                log_prio=1
                [p]
                stonewall
                filename=data
                size=1m
                bs=4k
                rw=read
                direct=1
                prioclass=1
                write_lat_log=p
                """);
        List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("l_clat.1.log"));
        assertThat(lines).hasSize(256);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(", ");
            // time, value, ddir, bs, offset, prio: a sequential read, so offset i x 4096; RT level 0 = 0x2000.
            assertThat(f).hasSize(6);
            assertThat(Long.parseLong(f[4])).isEqualTo(i * 4096L);
            assertThat(f[5]).isEqualTo("0x2000");
        }
        // Without log_prio the column says 1 for a realtime I/O.
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("p_clat.1.log")).get(0)).endsWith(", 4096, 1");
    }
}
