package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ioengine=cpuio against engines/cpu.c: each unit spins cpuchunks us, the job then thinks
 * cpuchunks x (100 - cpuload) / cpuload, so it keeps cpuload % of a simulated CPU busy; units
 * carry no bytes (FIO_NOIO).
 */
class FioCpuioTest {
    @TempDir
    Path dir;

    @Test
    void aCpuioJobKeepsCpuloadPercentOfACpuBusyInCpuchunksBursts() {
        JobStats s = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, """
                [burn]
                ioengine=cpuio
                cpuload=25
                cpuchunks=10000
                time_based
                runtime=2s
                """), "burn");
        // A 10 ms burst and 30 ms of think time: 50 units in 2 s, 0.5 s of user time.
        assertThat(s.totalIos[0]).isEqualTo(50);
        assertThat(s.bytes[0]).isZero();
        assertThat(s.userNs / 1e9).isBetween(0.49, 0.51);
        assertThat(s.sysNs).isLessThan(s.userNs / 100);
        // Each unit's latency is its burst.
        assertThat(s.clatStat[0].mean() / 1e6).isBetween(9.9, 10.2);
    }

    @Test
    void withoutTimeBasedFioIssuesNothing() {
        JobStats s = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, """
                [burn]
                ioengine=cpuio
                cpuload=50
                """), "burn");
        assertThat(s.totalIos[0]).isZero();
    }

    @Test
    void cpuloadIsRequired() {
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, "[burn]\nioengine=cpuio\ntime_based\nruntime=1\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cpuload");
    }
}
