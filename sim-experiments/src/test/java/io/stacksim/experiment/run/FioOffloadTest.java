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

    private static final String VERIFY_JOB = """
            [w]
            filename=/dev/sda
            size=4m
            bs=4k
            rw=randwrite
            ioengine=libaio
            iodepth=8
            direct=1
            verify=crc32c
            io_submit_mode=offload
            """;

    @Test
    void theVerifyPassIsSubmittedInlineByTheJobsThreadAtItsIodepth() {
        // backend.c: do_io hands every unit to the workers (workqueue_enqueue), but do_verify
        // submits with io_u_submit (td_io_queue on the job's thread and engine) and reaps with
        // wait_for_completions, so the verify reads go out up to iodepth at a time
        JobStats s = FioHarness.job(FioHarness.run(dir, SLOW, VERIFY_JOB), "w");
        assertThat(s.totalIos[JobStats.WRITE]).isEqualTo(1024);
        assertThat(s.totalIos[JobStats.READ]).isEqualTo(1024);
        // the 1024 writes at depth 1 (one per worker); the 1024 reads deeper (the depth map
        // counts every unit when it is submitted, at the depth then)
        assertThat(s.depthMap[0]).isBetween(1024L, 1100L);
        // 1024 reads of 5 ms at depth 8 take about 640 ms, not the 5.1 s of one at a time
        assertThat(s.runtimeMs[JobStats.READ]).isBetween(600L, 800L);
    }

    @Test
    void backlogVerifyReadsDuringTheWritePhaseGoToTheWorkersLikeAnyUnit() {
        // do_io: get_io_u's verify backlog reads are enqueued as the writes are
        JobStats s = FioHarness.job(FioHarness.run(dir, SLOW, VERIFY_JOB + "verify_backlog=16\n"), "w");
        assertThat(s.totalIos[JobStats.READ]).isEqualTo(1024);
        // at depth 1, all but the pieces logged after the last backlog, which do_verify reads
        // back inline after the loop (fewer than verify_backlog of them)
        long all = s.totalIos[JobStats.READ] + s.totalIos[JobStats.WRITE];
        assertThat(s.depthMap[0]).isBetween(all - 15, all);
    }

    @Test
    void ioUringIsRefusedAsFioRefusesEnginesMarkedNoOffload() {
        assertThatThrownBy(() -> FioHarness.run(dir, SLOW, JOB.replace("libaio", "io_uring")
                + "io_submit_mode=offload\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("can't be used with offloaded submit");
    }
}
