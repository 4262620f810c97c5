package io.stacksim.devices.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.block.Op;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import org.junit.jupiter.api.Test;

/** A latency device as a flow-equivalent server, and measured (empirical) service times. */
class LoadCurveTest {
    /** Closed loop of {@code depth} 4 KiB reads on a load-curved latency device; returns IOPS. */
    static double iops(String curve, int depth) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("latency-100us", "read_time=exp:100us", "servers=128", "queue_depth=128",
                "link_bandwidth=0", "read_load=" + curve);
        dev.attach(host);
        RandomStream r = host.random.stream("offsets");
        long[] done = {0};
        long[] t0 = {0};
        int ios = 40_000;
        host.onComplete = rq -> {
            if (++done[0] == ios / 10) {
                t0[0] = host.sim.now();
            }
            if (done[0] < ios) {
                dev.submit(host.request(Op.READ, r.nextLong(1 << 20) * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < depth; i++) {
            dev.submit(host.request(Op.READ, r.nextLong(1 << 20) * 4096, 4096, 0));
        }
        host.sim.run();
        return (done[0] - ios / 10 - depth) * 1e9 / (host.sim.now() - t0[0]);
    }

    @Test
    void aClosedLoopOfDepthNRunsAtTheCurvesThroughputAtN() {
        String spec = "1:10000,32:50000";
        LoadCurve c = LoadCurve.parse(spec);
        for (int n : new int[] {1, 4, 8, 32}) {
            double x = c.throughput(n);
            assertThat(iops(spec, n)).as("depth %d", n).isCloseTo(x, within(0.05 * x));
        }
        // between the points the response time is linear in the depth: R(8) = 100 us + 7 x (640 - 100) / 31 us
        assertThat(8 / c.throughput(8) * 1e6).isCloseTo(100 + 7 * 540 / 31.0, within(0.01));
        assertThat(c.throughput(64)).isEqualTo(50_000); // saturated past the last point
        // between sizes the response time is affine in the size: half-way in bytes, half-way in time
        LoadCurve.Sized sized = LoadCurve.Sized.parse("4k@1:10000;128k@1:2000");
        assertThat(1e6 / sized.throughput(1, 4096 + 62 * 1024)).isCloseTo((100 + 500) / 2.0, within(0.01));
    }

    @Test
    void anEmpiricalDistributionDrawsItsOwnMeanAndSecondMoment() {
        ServiceTime s = ServiceTime.parse("empirical:10us,20us,30us,100us");
        RandomStream r = new RandomStreams(5).stream("x");
        double sum = 0;
        double sq = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double v = s.sample(r);
            sum += v;
            sq += v * v;
        }
        assertThat(sum / n).isCloseTo(s.mean(), within(0.01 * s.mean()));
        assertThat(sq / n).isCloseTo(s.secondMoment(), within(0.02 * s.secondMoment()));
        assertThat(s.mean()).isCloseTo((15 + 25 + 65) / 3.0 * 1e3, within(1.0));
    }
}
