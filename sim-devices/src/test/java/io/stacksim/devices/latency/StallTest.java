package io.stacksim.devices.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.block.Op;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import org.junit.jupiter.api.Test;

/** A latency device whose dispatcher stalls, against renewal-reward arithmetic. */
class StallTest {
    /** Closed loop of {@code depth} reads; returns {IOPS, share of requests slower than 1 ms}. */
    static double[] run(int depth, String... overrides) {
        TestHost host = new TestHost();
        String[] base = {"read_time=const:100us", "servers=128", "queue_depth=128", "link_bandwidth=0"};
        String[] all = new String[base.length + overrides.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(overrides, 0, all, base.length, overrides.length);
        BlockDevice dev = TestHost.device("latency-100us", all);
        dev.attach(host);
        long[] done = {0};
        long[] slow = {0};
        long[] t0 = {0};
        int ios = 200_000;
        host.onComplete = rq -> {
            if (++done[0] == ios / 10) {
                t0[0] = host.sim.now();
            }
            if (done[0] > ios / 10 && host.sim.now() - rq.tDispatched > 1_000_000) {
                slow[0]++;
            }
            if (done[0] < ios) {
                dev.submit(host.request(Op.READ, (done[0] % 1000) * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < depth; i++) {
            dev.submit(host.request(Op.READ, i * 4096L, 4096, 0));
        }
        host.sim.run();
        long counted = done[0] - ios / 10;
        return new double[] {(counted - depth) * 1e9 / (host.sim.now() - t0[0]), (double) slow[0] / counted};
    }

    @Test
    void atDepthOneEachStallCostsItsLengthLessHalfAServiceAndDelaysOneRequest() {
        // 2 ms stalls half the time: 250 stalls/s. The request in service when one starts finishes
        // (S / 2 left on average), the next waits for the stall's end: 2 ms - 50 us idle per stall,
        // so the device works 1 - 250 x 1.95 ms of the time at 10 K IOPS, and one request per stall is slow.
        double[] r = run(1, "stall_time=const:2ms", "stall_share=0.5");
        double iops = (1 - 250 * 1.95e-3) / 100e-6;
        assertThat(r[0]).isCloseTo(iops, within(0.03 * iops));
        assertThat(r[1]).isCloseTo(250 / iops, within(0.1 * 250 / iops));
    }

    @Test
    void aStallHoldsEveryRequestThatArrivesDuringItSoDeeperQueuesShareIt() {
        // at depth 8 the same 250 stalls/s each catch all eight requests: the slow share is eight per stall
        double[] r = run(8, "stall_time=const:2ms", "stall_share=0.5");
        double iops = (1 - 250 * 1.95e-3) * 8 / 100e-6;
        assertThat(r[0]).isCloseTo(iops, within(0.03 * iops));
        assertThat(r[1]).isCloseTo(8 * 250 / iops, within(0.1 * 8 * 250 / iops));
    }

    @Test
    void withoutStallsTheDeviceRunsAtItsServiceRate() {
        assertThat(run(1)[0]).isCloseTo(10_000, within(1.0));
        assertThat(run(1)[1]).isZero();
    }
}
