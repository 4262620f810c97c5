package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * io_uring's sqthread_poll against fio 3.33's engines/io_uring.c and the kernel's
 * io_uring/sqpoll.c: with IORING_SETUP_SQPOLL the kernel's SQ thread submits, fio's commit calls
 * io_uring_enter only to wake a sleeping SQ thread (IORING_SQ_NEED_WAKEUP), and its getevents
 * polls the CQ ring with no system call at all; the SQ thread polls an empty SQ for
 * sq_thread_idle (HZ, 1 s, as fio sets none) before it sleeps.
 */
class FioSqpollTest {
    @TempDir
    Path dir;

    private static long metric(RunResult r, String key) {
        Number n = r.metrics().get(key);
        return n == null ? 0 : n.longValue();
    }

    private static final String JOB = """
            [r]
            filename=/dev/sda
            size=64m
            rw=randread
            bs=4k
            ioengine=io_uring
            iodepth=16
            direct=1
            number_ios=10000
            """;

    @Test
    void withTheSqThreadSubmittingFioMakesNoIoUringEnterAndSpinsOnTheCqRing() {
        RunResult inline = FioHarness.run(dir, FioHarness.STACK, JOB);
        RunResult poll = FioHarness.run(dir, FioHarness.STACK, JOB + "sqthread_poll=1\nsqthread_poll_cpu=0\n");
        JobStats i = FioHarness.job(inline, "r");
        JobStats p = FioHarness.job(poll, "r");
        assertThat(p.totalIos[JobStats.READ]).isEqualTo(10000);
        // inline: io_uring_enter to submit and to wait; polled: none (the SQ thread never slept:
        // it polls for 1 s after its last work, and the job is shorter)
        assertThat(metric(inline, "os.syscalls.io_uring_enter")).isGreaterThan(1000);
        assertThat(metric(poll, "os.syscalls.io_uring_enter")).isZero();
        // fio's thread never sleeps waiting: it polls the CQ in user space
        assertThat(p.ctx).isLessThan(i.ctx / 10);
        assertThat(p.userNs).isGreaterThan(i.userNs);
    }

    @Test
    void anSqThreadIdleForOneSecondSleepsAndTheNextCommitWakesItWithOneIoUringEnter() {
        // one read every 1.5 s: after each, the SQ thread polls 1 s, then sets NEED_WAKEUP and sleeps
        String job = JOB.replace("number_ios=10000", "number_ios=4\nthinktime=1500ms\niodepth=1")
                .replace("iodepth=16\n", "") + "sqthread_poll=1\n";
        RunResult r = FioHarness.run(dir, FioHarness.STACK, job);
        JobStats s = FioHarness.job(r, "r");
        assertThat(s.totalIos[JobStats.READ]).isEqualTo(4);
        // the first read finds the thread polling (just started), the next three wake it
        assertThat(metric(r, "os.syscalls.io_uring_enter")).isEqualTo(3);
    }
}
