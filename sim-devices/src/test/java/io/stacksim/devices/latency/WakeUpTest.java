package io.stacksim.devices.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.block.Op;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import org.junit.jupiter.api.Test;

/**
 * A latency device whose completions wait for the reaping task's wake-up (and, for writes, the
 * completion worker's), and whose sequential requests follow a curve of their own, against
 * renewal arithmetic.
 */
class WakeUpTest {
    /** Closed loop of {@code depth} requests of {@code op}; returns {IOPS, share slower than 1 ms}. */
    static double[] run(int depth, Op op, boolean sequential, String... overrides) {
        TestHost host = new TestHost();
        String[] base = {"read_time=const:100us", "write_time=const:100us", "servers=128", "queue_depth=128",
            "link_bandwidth=0"};
        String[] all = new String[base.length + overrides.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(overrides, 0, all, base.length, overrides.length);
        BlockDevice dev = TestHost.device("latency-100us", all);
        dev.attach(host);
        long[] done = {0};
        long[] slow = {0};
        long[] t0 = {0};
        long[] next = {depth};
        int ios = 100_000;
        host.onComplete = rq -> {
            if (++done[0] == ios / 10) {
                t0[0] = host.sim.now();
            }
            if (done[0] > ios / 10 && host.sim.now() - rq.tDispatched > 1_000_000) {
                slow[0]++;
            }
            if (done[0] < ios) {
                long i = next[0]++;
                dev.submit(host.request(op, (sequential ? i : (i * 7919) % 100_000) * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < depth; i++) {
            dev.submit(host.request(op, (sequential ? i : (i * 7919L) % 100_000) * 4096, 4096, 0));
        }
        host.sim.run();
        long counted = done[0] - ios / 10;
        return new double[] {(counted - depth) * 1e9 / (host.sim.now() - t0[0]), (double) slow[0] / counted};
    }

    @Test
    void atDepthOneEveryCompletionIsAWakeUpAndAWaitingOneCostsItsRequestTheWait() {
        // 100 us service; 10 % of wake-ups wait 2 ms: a mean cycle of 100 us + 0.1 x 2 ms = 300 us
        double[] r = run(1, Op.READ, false, "wake_time=const:2ms", "wake_share=0.1", "wake_hold=5us");
        assertThat(r[0]).isCloseTo(1e9 / 300e3, within(0.03 * 1e9 / 300e3));
        assertThat(r[1]).isCloseTo(0.1, within(0.01));
    }

    @Test
    void atDepthTheCompletionsOfOneBatchShareOneWakeUpSoTheSlowShareStaysTheWakeShare() {
        // eight requests complete together; the first wakes the reaper, which handles all eight: one draw
        // per batch, so 10 % of batches (and of requests) wait 2 ms, and a batch cycle averages 300 us
        double[] r = run(8, Op.READ, false, "wake_time=const:2ms", "wake_share=0.1", "wake_hold=5us");
        assertThat(r[0]).isCloseTo(8e9 / 300e3, within(0.03 * 8e9 / 300e3));
        assertThat(r[1]).isCloseTo(0.1, within(0.01));
    }

    @Test
    void theWakeShareGrowsLinearlyWithTheRequestsOutstandingUpToDepth32() {
        // none of the wake-ups wait at depth 1, all of them at 32, half of them at 16.5: a batch of 32
        // completes after 100 us and then waits 2 ms (32 per 2.1 ms; the reaper, awake 1 us per request, is asleep
        // again by then); one request at a time never waits
        String[] w = {"wake_time=const:2ms", "wake_share=0", "wake_share_qd32=1", "wake_hold=1us"};
        assertThat(run(32, Op.READ, false, w)[0]).isCloseTo(32e9 / 2100e3, within(0.03 * 32e9 / 2100e3));
        assertThat(run(1, Op.READ, false, w)[0]).isCloseTo(10_000, within(10.0));
        // at depth 16 the share is 15/31: 16 per (100 us + 15/31 x 2 ms)
        double at16 = 16e9 / (100e3 + 15.0 / 31 * 2e6);
        assertThat(run(16, Op.READ, false, w)[0]).isCloseTo(at16, within(0.05 * at16));
    }

    @Test
    void writesAlsoWaitForTheirCompletionWorkerAndReadsDoNot() {
        String[] w = {"wake_time=const:2ms", "wake_share=0.1", "wake_hold=5us", "write_wake_time=const:1ms",
            "write_wake_share=0.5"};
        // writes: 100 us + 0.5 x 1 ms + 0.1 x 2 ms = 800 us a cycle; reads: 300 us
        assertThat(run(1, Op.WRITE, false, w)[0]).isCloseTo(1e9 / 800e3, within(0.03 * 1e9 / 800e3));
        assertThat(run(1, Op.READ, false, w)[0]).isCloseTo(1e9 / 300e3, within(0.03 * 1e9 / 300e3));
    }

    @Test
    void sequentialRequestsFollowTheirOwnCurveAndRandomOnesTheDirectionsCurve() {
        // the random curve: 10 K IOPS at depth 1 (the 100 us service); the sequential one twice that
        String[] c = {"read_load=4k@1:10000,32:10000", "seq_read_load=4k@1:20000,32:20000"};
        assertThat(run(1, Op.READ, true, c)[0]).isCloseTo(20_000, within(200.0));
        assertThat(run(1, Op.READ, false, c)[0]).isCloseTo(10_000, within(100.0));
    }

    @Test
    void withoutWakeUpsTheDeviceRunsAtItsServiceRate() {
        assertThat(run(1, Op.READ, false)[0]).isCloseTo(10_000, within(1.0));
        assertThat(run(4, Op.WRITE, false, "write_wake_share=0.5")[0]).isCloseTo(40_000, within(4.0));
    }
}
