package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import org.junit.jupiter.api.Test;

/** NVMe command arbitration (NVMe 1.4 s4.11): round robin over submission queues, a burst per turn. */
class NvmeCommandFetchTest {
    /** Completion times of three reads from SQ 0 and one from SQ 1, all on different dies, submitted at once. */
    static long[] completions(int burst) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", NandMechanismsTest.with(NandMechanismsTest.TLC,
                "controller_cores=8", "hw_queues=2", "arbitration_burst=" + burst, "sqe_fetch_interval=10us"));
        dev.attach(host);
        // units 0, 16, 32 sit on dies 0, 0, 0 in different rows; use 0, 4, 8 (dies 0, 1, 2) and 12 (die 3): all LSB pages
        Request a0 = host.request(Op.READ, 0, 4096, 0);
        Request a1 = host.request(Op.READ, 4 * 4096L, 4096, 0);
        Request a2 = host.request(Op.READ, 8 * 4096L, 4096, 0);
        Request b0 = host.request(Op.READ, 12 * 4096L, 4096, 1);
        for (Request r : new Request[] {a0, a1, a2, b0}) {
            dev.submit(r);
        }
        host.sim.run();
        return new long[] {a0.tCompleted, a1.tCompleted, a2.tCompleted, b0.tCompleted};
    }

    @Test
    void submissionQueuesAreFetchedRoundRobinABurstPerTurn() {
        long base = NandMechanismsTest.hostAndChannel() + 28_000;
        // burst 1: SQ0, SQ1, SQ0, SQ0 -> fetches at 0, 10, 20, 30 us
        long[] one = completions(1);
        assertThat(one[0]).isEqualTo(base);
        assertThat(one[3]).isEqualTo(base + 10_000);
        assertThat(one[1]).isEqualTo(base + 20_000);
        assertThat(one[2]).isEqualTo(base + 30_000);
        // burst 4: a0 is fetched alone as it is rung at 0; the arbiter then turns to SQ1 (10 us) and
        // comes back to SQ0 at 20 us for its two other entries in one fetch
        long[] four = completions(4);
        assertThat(four[0]).isEqualTo(base);
        assertThat(four[3]).isEqualTo(base + 10_000);
        assertThat(four[1]).isBetween(base + 20_000, base + 21_000);
        assertThat(four[2]).isBetween(base + 20_000, base + 21_000); // the two share the PCIe link
    }
}
