package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.RandomStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * examples/mqsim/mqsim-ssdconfig.yaml (MQSim's shipped ssdconfig.xml, ideal mapping, chip-busy
 * rule) against MQSim's own figures for 4 KiB uniform random reads, measured by running MQSim
 * (commit 7ec40e3, 1,000,000 requests per depth, device response time per request): QD1 mean
 * 88.9 us; QD32 mean 166.8 us, p99 544.4 us, so 32 / 166.8 us = 191.8 K IOPS. MQSim's host keeps
 * exactly the depth outstanding at the device, as the closed loop here does.
 */
class MqsimAgreementTest {
    static final Path PROFILE = Path.of("../examples/mqsim/mqsim-ssdconfig.yaml");

    /** Closed loop of {@code depth} random 4 KiB reads at the device; returns the device times after a warm-up. */
    static double[] run(int depth, int ios) {
        Assumptions.assumeTrue(Files.exists(PROFILE), "examples/mqsim not found beside the module");
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device(PROFILE.toString());
        dev.attach(host);
        RandomStream r = host.random.stream("offsets");
        long units = dev.limits().capacityBytes() / 4096;
        LatencyRecorder lat = new LatencyRecorder();
        long[] issued = {0};
        long[] done = {0};
        long[] t0 = {0};
        int warm = ios / 10;
        host.onComplete = rq -> {
            done[0]++;
            if (done[0] > warm) {
                lat.record(rq.tCompleted - rq.tDispatched);
            } else if (done[0] == warm) {
                t0[0] = host.sim.now();
            }
            if (issued[0] < ios + warm) {
                issued[0]++;
                dev.submit(host.request(Op.READ, r.nextLong(units) * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < depth; i++) {
            issued[0]++;
            dev.submit(host.request(Op.READ, r.nextLong(units) * 4096, 4096, 0));
        }
        host.sim.run();
        double seconds = (host.sim.now() - t0[0]) / 1e9;
        return new double[] {lat.mean() / 1e3, lat.percentile(99) / 1e3, (done[0] - warm) / seconds};
    }

    @Test
    void qd1DeviceTimeIsMqsims() {
        double[] r = run(1, 20_000);
        assertThat(r[0]).isCloseTo(88.9, within(0.10 * 88.9));
    }

    @Test
    void qd32IopsMeanAndTailAreMqsimsWithTheChipBusyRule() {
        double[] r = run(32, 300_000);
        assertThat(r[2]).as("IOPS").isCloseTo(191_800, within(0.10 * 191_800));
        assertThat(r[0]).as("mean us").isCloseTo(166.8, within(0.10 * 166.8));
        assertThat(r[1]).as("p99 us").isCloseTo(544.4, within(0.10 * 544.4));
    }
}
