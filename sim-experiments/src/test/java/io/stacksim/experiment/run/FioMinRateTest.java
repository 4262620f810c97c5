package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rate_min, rate_iops_min and rate_cycle against fio 3.33's check_min_rate (backend.c): a 2 s
 * settle period from the loop's start, a first check that only records, then a rate over every
 * rate_cycle; a job below its minimum fails with EIO, as real fio 3.33 showed on this machine
 * (thinktime=10ms, rate_iops_min=200: "a: rate_iops_min=200 not met, got 98 IOPS" and
 * "err= 5 (file:backend.c:1131, func=check_min_rate, error=Input/output error)" after 3009 ms).
 */
class FioMinRateTest {
    @TempDir
    Path dir;

    /** 100 I/Os per second at most: each 4 KiB read is followed by 10 ms of think time. */
    private static final String SLOW = """
            [global]
            filename=/dev/sda
            size=16m
            bs=4k
            direct=1
            thinktime=10ms
            runtime=6s
            time_based
            """;

    @Test
    void aJobBelowItsIopsMinimumFailsWithEioAtTheFirstCycleAfterTheSettlePeriod() {
        JobStats s = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, SLOW + "[a]\nrw=read\nrate_iops_min=200\n"),
                "a");
        assertThat(s.extra.jobError).isEqualTo(5);
        assertThat(s.extra.verror).isEqualTo("file:backend.c:1131, func=check_min_rate, error=Input/output error");
        // 10 ms of think time after each 100 us read: 99 I/Os in the cycle from 2 s to 3 s, fio's
        // integer rate (blocks x 1000) / ms.
        assertThat(s.extra.log).containsExactly("a: rate_iops_min=200 not met, got 99 IOPS");
        // It ends one rate_cycle after the 2 s settle period, not at its 6 s runtime.
        assertThat(s.runtimeMs[0]).isBetween(3000L, 3100L);
    }

    @Test
    void aByteMinimumIsJudgedInBytesPerSecondAndRateCycleSetsTheWindow() {
        JobStats s = FioHarness.job(FioHarness.run(dir, FioHarness.STACK,
                SLOW + "[b]\nrw=write\nratemin=1m\nratecycle=500\n"), "b");
        assertThat(s.extra.log.get(0)).startsWith("b: rate_min=1048576B/s not met, got ");
        // first record at 2 s, the failing check 500 ms later
        assertThat(s.runtimeMs[1]).isBetween(2500L, 2600L);
    }

    @Test
    void aJobThatKeepsItsMinimumRunsItsFullTime() {
        JobStats s = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, SLOW + "[a]\nrw=read\nrate_iops_min=90\n"),
                "a");
        assertThat(s.extra.jobError).isZero();
        assertThat(s.runtimeMs[0]).isBetween(6000L, 6010L);
    }

    @Test
    void theOtherJobsGoOnUnlessExitallOnErrorIsSet() {
        String two = SLOW + "[a]\nrw=read\nrate_iops_min=200\n[c]\nrw=read\n";
        RunResult r = FioHarness.run(dir, FioHarness.STACK, two);
        assertThat(FioHarness.job(r, "c").runtimeMs[0]).isGreaterThanOrEqualTo(6000L);
        RunResult all = FioHarness.run(dir, FioHarness.STACK, two.replace("[a]\n", "[a]\nexitall_on_error\n"));
        assertThat(FioHarness.job(all, "c").runtimeMs[0]).isLessThan(3200L);
    }

    @Test
    void aMinimumAboveTheRateIsRefusedAsFioDoes() {
        // fixup_options: "fio: minimum rate exceeds rate, ddir 0"
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, SLOW + "[a]\nrw=read\nrate_iops=100\n"
                + "rate_iops_min=200\n")).isInstanceOf(ConfigException.class).hasMessageContaining("t.fio:")
                .hasMessageContaining("exceeds the rate");
    }

    @Test
    void theReportCarriesFiosErrorField() {
        RunResult r = FioHarness.run(dir, FioHarness.STACK, SLOW + "[a]\nrw=read\nrate_iops_min=200\n");
        var report = io.stacksim.report.FioReport.of(r, java.util.Map.of(), java.util.List.of());
        assertThat(new io.stacksim.report.FioNormalWriter(report).write()).contains(
                "a: (groupid=0, jobs=1): err= 5 (file:backend.c:1131, func=check_min_rate, error=Input/output error):");
        assertThat(new io.stacksim.report.FioJsonWriter(report, false, 0).write()).contains("\"error\" : 5,");
    }
}
