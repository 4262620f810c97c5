package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cross-stripe-verify.fio's shape against fio 3.33 on this machine (a 64 MiB file, bs=16k,
 * rw=write:112k, offset=120k, offset_increment=16m, io_size=8m, numjobs=6, group_reporting):
 * the two clones whose offset lies past the end print "write-verify: you need to specify valid
 * offset=" (filesetup.c err_offset) and are reaped unrun, the other four write 8 MiB each
 * (512 writes: io_issue_bytes_exceeded ends the pass io_size started past the region), the
 * group shows jobs=6, io=32.0MiB, and fio exits non-zero.
 */
class FioCloneSetupTest {
    @TempDir
    Path dir;

    private static final String STACK = "device: {profile: latency-100us, servers: 8, capacity: 64m}\n"
            + "block: {scheduler: none}\n";

    private static final String JOB = """
            [global]
            bs=16k
            rw=write:112k
            filename=/dev/sda
            offset_increment=16m
            io_size=8m
            offset=120k
            group_reporting
            [write-verify]
            numjobs=%d
            """;

    @Test
    void clonesWhoseOffsetIsPastTheDeviceAreReapedAndTheOthersRun() {
        RunResult r = FioHarness.run(dir, STACK, JOB.formatted(6));
        long reaped = r.clones().stream().filter(c -> c.stats().extra.reapedAtSetup).count();
        assertThat(reaped).isEqualTo(2);
        assertThat(r.clones().stream().filter(c -> c.stats().extra.reapedAtSetup)
                .flatMap(c -> c.stats().extra.log.stream()).distinct())
                .containsExactly("write-verify: you need to specify valid offset=");
        JobStats s = FioHarness.job(r, "write-verify");
        assertThat(s.bytes[1]).isEqualTo(4 * (8L << 20));
        var report = io.stacksim.report.FioReport.of(r, java.util.Map.of(), java.util.List.of());
        assertThat(new io.stacksim.report.FioNormalWriter(report).write()).contains("(groupid=0, jobs=6)");
    }

    @Test
    void anIoSizePassStartedPastTheRegionEndsAtIoSize() {
        JobStats s = FioHarness.job(FioHarness.run(dir, STACK, JOB.formatted(1)), "write-verify");
        // the region holds 511 strided writes (8372224 bytes); io_size asks 8388608: one more
        assertThat(s.totalIos[1]).isEqualTo(512);
        assertThat(s.bytes[1]).isEqualTo(8L << 20);
    }

    @Test
    void aRawFileSmallerThanTheNextJobsRegionGrowsBeforeItRuns() {
        // ftruncate.fio's shape: the first job truncates the file to 4 KiB, the stonewalled second
        // needs its whole size again; fio's setup_files extends it (need_extend), so it runs
        RunResult r = FioHarness.run(dir, "device: {profile: latency-100us, servers: 8}\nblock: {scheduler: none}\n"
                + "fs: {type: raw}\n", """
                [global]
                filename=f
                size=1m
                bs=4k
                stonewall
                [cut]
                ioengine=ftruncate
                rw=write
                number_ios=1
                [read]
                rw=read
                """);
        assertThat(FioHarness.job(r, "read").bytes[0]).isEqualTo(1L << 20);
    }
}
