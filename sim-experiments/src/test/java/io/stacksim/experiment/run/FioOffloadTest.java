package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * io_submit_mode=offload against fio 3.33's rate-submit.c: iodepth submit workers, each queueing
 * one unit at a time and waiting for it, while the job's thread keeps the rate's schedule
 * (rate_ddir quiesces only inline). Real fio 3.33 here (libaio, iodepth=4, offload, thread,
 * randread on a file): "IO depths: 1=100.0%", every unit's slat including its wait for a worker.
 * (With rate_iops, Debian's fio 3.33 hung in offload mode on this machine, process or thread.)
 */
class FioOffloadTest {
    @TempDir
    Path dir;

    /** One 5 ms device with 32 parallel servers: at 1000 IOPS five I/Os are always in flight. */
    private static final String SLOW = "device: {profile: latency-100us, servers: 32, read_time: 'const:5ms',"
            + " queue_depth: 64}\nblock: {scheduler: none}\n";

    private static final String JOB = """
            [r]
            filename=/dev/sda
            size=64m
            rw=read
            ioengine=libaio
            iodepth=32
            direct=1
            rate_iops=1000
            runtime=2s
            time_based
            """;

    @Test
    void offloadSubmitsAtTheRateWithEveryUnitAtDepthOne() {
        JobStats inline = FioHarness.job(FioHarness.run(dir, SLOW, JOB), "r");
        JobStats off = FioHarness.job(FioHarness.run(dir, SLOW, JOB + "io_submit_mode=offload\n"), "r");
        // the job's thread issues one read per millisecond; five 5 ms reads are with the workers
        double offIops = off.ios[0] / (off.runtimeMs[0] / 1000.0);
        assertThat(offIops).isBetween(985.0, 1005.0);
        // each worker queues one unit and waits for it: every unit at depth 1 (fio: 1=100.0%)
        assertThat(off.depthMap[0]).isEqualTo(off.totalIos[0]);
        // inline, rate_ddir's io_u_quiesce waits out the reads in flight before each sleep, and
        // the late units then go out together: the same rate, reached in bursts deeper than 1
        double inlineIops = inline.ios[0] / (inline.runtimeMs[0] / 1000.0);
        assertThat(inlineIops).isBetween(985.0, 1005.0);
        assertThat(inline.depthMap[0]).isLessThan(inline.totalIos[0]);
    }

    @Test
    void handingEachUnitToAWorkerAddsToItsSlatAndTheContextSwitches() {
        // real fio 3.33 here (libaio, iodepth=4, thread, 2000 random reads): slat 6.2 us inline,
        // 35.6 us offloaded; context switches 499 inline, 2123 offloaded
        String job = """
                [r]
                filename=/dev/sda
                size=64m
                rw=randread
                ioengine=libaio
                iodepth=4
                direct=1
                number_ios=2000
                thread
                """;
        JobStats inline = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, job), "r");
        JobStats off = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, job + "io_submit_mode=offload\n"), "r");
        assertThat(off.ios[0]).isEqualTo(2000);
        assertThat(off.slatStat[0].mean()).isGreaterThan(inline.slatStat[0].mean());
        assertThat(off.ctx).isGreaterThan(2 * inline.ctx);
    }

    @Test
    void ioUringIsRefusedAsFioRefusesEnginesMarkedNoOffload() {
        assertThatThrownBy(() -> FioHarness.run(dir, SLOW, JOB.replace("libaio", "io_uring")
                + "io_submit_mode=offload\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("can't be used with offloaded submit");
    }
}
