package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * continue_on_error/ignore_error (td_error.c), latency_target (io_u.c lat_target_*), flow
 * (flow.c), steady state (steadystate.c), randrepeat (init.c setup_random_seeds) and io_size
 * beyond size (backend.c keep_running), each against fio 3.33's rule.
 */
class FioErrorsAndPacingTest {
    @TempDir
    Path dir;

    private RunResult run(String jobs) {
        return FioHarness.run(dir, FioHarness.STACK, jobs);
    }

    /** A device with 4 KiB logical blocks, so 512-byte-aligned direct I/O fails (blkdev_dio_invalid). */
    private RunResult run4k(String jobs) {
        return FioHarness.run(dir, "device: {profile: latency-100us, servers: 8, logical_block_size: 4096}\n"
                + "block: {scheduler: none}\n", jobs);
    }

    /** Direct reads at a 512-byte offset of a 4 KiB-sector device: every one fails with EINVAL. */
    private static final String MISALIGNED = """
            [e]
            filename=/dev/sda
            size=1m
            offset=512
            rw=read
            bs=4k
            direct=1
            """;

    @Test
    void anErrorOnTheIgnoreListIsCountedAndTheJobGoesOn() {
        JobStats s = FioHarness.job(run4k(MISALIGNED + "continue_on_error=read\nignore_error=EINVAL\n"), "e");
        // 1 MiB from offset 512 in 4 KiB reads: 256 issued, every one failed and none accounted.
        assertThat(s.totalIos[0]).isEqualTo(256);
        assertThat(s.ios[0]).isZero();
        assertThat(s.extra.totalErrors).isEqualTo(256);
        assertThat(s.extra.firstError).isEqualTo(22);
    }

    @Test
    void ignoreErrorAloneTurnsContinueOnForItsType() {
        // options.c ignore_error_type: a non-empty list sets continue_on_error's bit for its type.
        JobStats s = FioHarness.job(run4k(MISALIGNED + "ignore_error=EINVAL\n"), "e");
        assertThat(s.extra.totalErrors).isEqualTo(256);
    }

    @Test
    void withoutAListOnlyEioAndEilseqAreNonFatal() {
        // __NON_FATAL_ERR = {EIO, EILSEQ}: EINVAL still stops the job.
        assertThatThrownBy(() -> run4k(MISALIGNED + "continue_on_error=all\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("EINVAL");
        // A list for writes does not cover reads.
        assertThatThrownBy(() -> run4k(MISALIGNED + "ignore_error=,EINVAL\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void theReportShowsFiosErrorLineAndFirstError() throws Exception {
        RunResult r = run4k(MISALIGNED + "continue_on_error=read\nignore_error=EINVAL\n");
        String normal = new io.stacksim.report.FioNormalWriter(io.stacksim.report.FioReport.of(r, java.util.Map.of(), java.util.List.of())).write();
        assertThat(normal).contains("err=22:").contains("     errors    : total=256, first_error=22/<Invalid argument>\n");
    }

    @Test
    void latencyTargetFindsTheDepthTheDeviceServesWithinTheTarget() {
        // One 100 us server: at depth d every I/O waits for the d - 1 ahead of it, d x 100 us in
        // all. With a 350 us target depths 1 to 3 pass and 4 fails: fio's search (1, 2, 4, then
        // bisecting to 3, its final run there) settles at 3 and ends the job.
        JobStats s = FioHarness.job(FioHarness.run(dir, "device: {profile: latency-100us, servers: 1}\n"
                + "block: {scheduler: none}\n", """
                [l]
                filename=/dev/sda
                rw=randread
                bs=4k
                direct=1
                ioengine=libaio
                iodepth=32
                latency_target=350us
                latency_window=20ms
                latency_percentile=99
                runtime=30s
                time_based
                """), "l");
        assertThat(s.extra.latencyDepth).isEqualTo(3);
        // td->done ends the job long before its runtime.
        assertThat(s.totalRunTimeMs).isLessThan(5_000);
    }

    @Test
    void flowKeepsTheJobsIosInTheRatioOfTheirWeights() {
        RunResult r = run("""
                [global]
                filename=/dev/sda
                bs=4k
                direct=1
                runtime=2s
                time_based
                flow_sleep=100
                [a]
                rw=randread
                flow=1
                [b]
                rw=randread
                flow=8
                """);
        double a = FioHarness.job(r, "a").ios[0];
        double b = FioHarness.job(r, "b").ios[0];
        assertThat(b / a).isBetween(7.9, 8.1);
    }

    @Test
    void steadyStateEndsTheJobOnceDurSamplesAfterTheRampAreFlat() {
        JobStats s = FioHarness.job(run("""
                [s]
                filename=/dev/sda
                rw=randread
                bs=4k
                direct=1
                runtime=60s
                time_based
                ss=iops:5%
                ss_dur=5
                ss_ramp=2
                """), "s");
        var ss = s.extra.steadyState;
        assertThat(ss.attained()).isTrue();
        // Samples start a second after ss_ramp (3 s) and one comes every second: the fifth at 7 s.
        assertThat(s.totalRunTimeMs).isBetween(7_000L, 7_010L);
        long[][] d = ss.data();
        assertThat(d[1]).hasSize(5);
        double iops = 1000.0 * s.ios[0] / s.totalRunTimeMs;
        assertThat((double) ss.iopsMean()).isBetween(iops * 0.98, iops * 1.02);
        assertThat(ss.criterion()).isLessThan(5.0);
    }

    @Test
    void randrepeatZeroDrawsOtherOffsetsYetRepeatsForTheSameSeed() throws Exception {
        String job = """
                [r]
                filename=/dev/sda
                size=64m
                rw=randread
                bs=4k
                number_ios=64
                write_iolog=%s
                """;
        run(job.formatted("a.log"));
        run(job.formatted("b.log") + "randrepeat=0\n");
        run(job.formatted("c.log") + "randrepeat=0\n");
        String a = Files.readString(dir.resolve("a.log"));
        String b = Files.readString(dir.resolve("b.log"));
        assertThat(b).isNotEqualTo(a).isEqualTo(Files.readString(dir.resolve("c.log")));
        // randseed overrides randrepeat (setup_random_seeds).
        run(job.formatted("d.log") + "randrepeat=0\nrandseed=137\n");
        assertThat(Files.readString(dir.resolve("d.log"))).isEqualTo(a);
    }

    @Test
    void ioSizeBeyondSizeWrapsOverTheRegionAgain() {
        // fio 3.33 here: size=1m io_size=4m bs=64k reads 4194304 bytes, sequential or random.
        RunResult r = run("""
                [global]
                size=1m
                io_size=4m
                bs=64k
                [seq]
                filename=f1
                rw=read
                [rand]
                filename=f2
                rw=randread
                """);
        assertThat(FioHarness.job(r, "seq").bytes[0]).isEqualTo(4L << 20);
        assertThat(FioHarness.job(r, "rand").bytes[0]).isEqualTo(4L << 20);
    }

    @Test
    void bufferPatternRefillsEveryWriteOnlyWhenTheJobAlsoReads() {
        String job = """
                [b]
                filename=/dev/sda
                size=16m
                rw=%s
                bs=64k
                direct=1
                number_ios=200
                randrepeat=1
                """;
        JobStats plainMix = FioHarness.job(run(job.formatted("randrw")), "b");
        JobStats mix = FioHarness.job(run(job.formatted("randrw") + "buffer_pattern=0xdeadbeef\n"), "b");
        JobStats plainWrite = FioHarness.job(run(job.formatted("randwrite")), "b");
        JobStats write = FioHarness.job(run(job.formatted("randwrite") + "buffer_pattern=0xdeadbeef\n"), "b");
        // str_buffer_pattern_cb: refill_buffers with reads, so each write pays a 64 KiB copy of user time.
        assertThat(mix.ios[1]).isEqualTo(plainMix.ios[1]).isPositive();
        assertThat(mix.userNs - plainMix.userNs).isPositive();
        double perWrite = (mix.userNs - plainMix.userNs) / (double) mix.ios[1];
        // A 64 KiB memcpy at a few GB/s: microseconds, not nanoseconds or milliseconds.
        assertThat(perWrite).isBetween(1_000.0, 100_000.0);
        // A write-only job fills its buffers once, before the run.
        assertThat(write.userNs).isEqualTo(plainWrite.userNs);
    }
}
