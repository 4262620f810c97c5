package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import io.stacksim.engine.RandomStream;
import org.junit.jupiter.api.Test;

/** The SSD controller's page registers, read-ahead and chip scheduling. */
class ControllerTest {
    /** Closed-loop 4 KiB reads at {@code depth}, sequential or uniform random; returns IOPS. */
    static double readIops(String profile, String[] cfg, int depth, boolean sequential, int ios) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device(profile, cfg);
        dev.attach(host);
        RandomStream r = host.random.stream("offsets");
        long units = dev.limits().capacityBytes() / 4096;
        long[] next = {1000};
        long[] done = {0};
        long[] t0 = {0};
        int warm = ios / 10;
        host.onComplete = rq -> {
            if (++done[0] == warm) {
                t0[0] = host.sim.now();
            }
            if (next[0] < ios + 1000 + depth) {
                long u = sequential ? next[0] : r.nextLong(units);
                next[0]++;
                dev.submit(host.request(Op.READ, u * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < depth; i++) {
            long u = sequential ? next[0] : r.nextLong(units);
            next[0]++;
            dev.submit(host.request(Op.READ, u * 4096, 4096, 0));
        }
        host.sim.run();
        return (done[0] - warm) * 1e9 / (host.sim.now() - t0[0]);
    }

    static final String[] SMALL = {"capacity=768MiB", "blocks_per_plane=64", "pages_per_block=64"};

    @Test
    void sequentialReadsAtQd1AndQd4AreAtLeastAsFastAsRandomOnes() {
        for (String profile : new String[] {"nvme-gen4", "sata-ssd"}) {
            for (int depth : new int[] {1, 4}) {
                double seq = readIops(profile, SMALL, depth, true, 20_000);
                double rnd = readIops(profile, SMALL, depth, false, 20_000);
                assertThat(seq).as("%s QD%d: sequential %.0f vs random %.0f IOPS", profile, depth, seq, rnd)
                        .isGreaterThanOrEqualTo(rnd);
            }
        }
    }

    @Test
    void readsOfOnePageShareOneSensing() {
        // four reads of the four 4 KiB units of one 16 KiB page, submitted together: one tR, four transfers
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", NandMechanismsTest.with(NandMechanismsTest.TLC, "controller_cores=4"));
        dev.attach(host);
        Request[] rq = new Request[4];
        for (int i = 0; i < 4; i++) {
            rq[i] = host.request(Op.READ, i * 4096L, 4096, 0);
            dev.submit(rq[i]);
        }
        host.sim.run();
        long last = 0;
        for (Request q : rq) {
            last = Math.max(last, q.tCompleted);
        }
        long one = NandMechanismsTest.hostAndChannel() + 28_000;
        long channel = NandMechanismsTest.ceilDiv(4096 + 2208 / 4, 1.4);
        // the last of the four: one sensing, then the channel carries all four units one after another
        assertThat(last).isLessThanOrEqualTo(one + 3 * channel + 2_000).isLessThan(2 * one);
    }

    @Test
    void withoutDieInterleavingAChipRunsOneDiesReadAtATime() {
        // one channel, one chip of two dies: units 0 and 4 sit on dies 0 and 1 (4 units per program unit)
        String[] base = NandMechanismsTest.with(NandMechanismsTest.TLC, "channels=1", "chips_per_channel=1",
                "dies_per_chip=2", "blocks_per_plane=512", "controller_cores=4");
        long both = secondOfTwo(NandMechanismsTest.with(base, "die_interleave=true"));
        long serial = secondOfTwo(NandMechanismsTest.with(base, "die_interleave=false"));
        long channel = NandMechanismsTest.ceilDiv(4096 + 2208 / 4, 1.4);
        // interleaved: both dies sense at once, the second read only waits for the first's transfer
        assertThat(both).isLessThanOrEqualTo(NandMechanismsTest.hostAndChannel() + 28_000 + channel);
        // MQSim's rule: the second die starts sensing only after the first die's data is out
        assertThat(serial).isGreaterThanOrEqualTo(NandMechanismsTest.hostAndChannel() + 2 * 28_000 + channel - 1_000);
    }

    static long secondOfTwo(String[] cfg) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", cfg);
        dev.attach(host);
        Request a = host.request(Op.READ, 0, 4096, 0);
        Request b = host.request(Op.READ, 4 * 4096L, 4096, 0);
        dev.submit(a);
        dev.submit(b);
        host.sim.run();
        return Math.max(a.tCompleted, b.tCompleted);
    }
}
