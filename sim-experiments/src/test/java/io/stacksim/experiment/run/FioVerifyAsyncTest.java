package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify_async against fio 3.33's verify.c: verify_io_u_async puts a completed verify read on the
 * verify list (IO_U_F_FREE_DEF: still one of the job's units) and verify_async_thread checks its
 * data on a thread of its own, then puts it back, so the job's thread pays no checksum while the
 * process still does.
 */
class FioVerifyAsyncTest {
    @TempDir
    Path dir;

    // md5 at 706 MiB/s: 64 MiB of reads cost about 90 ms of checksum
    private static final String JOB = """
            [v]
            filename=data
            size=64m
            bs=64k
            rw=write
            ioengine=libaio
            iodepth=8
            direct=1
            verify=md5
            """;

    @Test
    void theChecksumsMoveToTheVerifyThreadsAndTheProcessStillPaysThem() {
        JobStats own = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, JOB), "v");
        JobStats async = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, JOB + "verify_async=2\n"), "v");
        assertThat(async.totalIos[JobStats.READ]).isEqualTo(own.totalIos[JobStats.READ]).isEqualTo(1024);
        // the process's user time includes the verify threads': the same checksums either way
        assertThat((double) async.userNs).isCloseTo((double) own.userNs, org.assertj.core.data.Percentage.withPercentage(10));
        // with the job's thread free of them, the verify pass ends sooner: the checksums of two
        // threads overlap the reads instead of following each reap on the job's thread
        assertThat(async.runtimeMs[JobStats.READ]).isLessThan(own.runtimeMs[JobStats.READ]);
    }
}
