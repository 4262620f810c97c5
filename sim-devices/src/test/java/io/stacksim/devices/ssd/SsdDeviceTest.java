package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import io.stacksim.devices.dma.LinkSpec;
import io.stacksim.engine.RandomStream;
import org.junit.jupiter.api.Test;

class SsdDeviceTest {
    /** Small test geometries: 2 channels x 2 dies, 1 plane each, 1 GiB raw. */
    private static final String[] SMALL = {
        "capacity=768MiB", "channels=2", "chips_per_channel=2", "dies_per_chip=1", "planes_per_die=1",
        "blocks_per_plane=256", "pages_per_block=64", "page_size=16KiB", "spare_size=2208",
        "cell_type=slc", "t_read_lsb=45us", "read_retry_share=0", "read_prefetch=0"};

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static long ceilDiv(double a, double b) {
        return (long) Math.ceil(a / b);
    }

    @Test
    void nvmeQd1RandomReadLatencyIsTheSumOfItsParts() {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", SMALL);
        dev.attach(host);
        Request rq = host.request(Op.READ, 123_456L * 4096, 4096, 0);
        dev.submit(rq);
        host.sim.run();
        // profile: doorbell 1 us, command 3 us, tR 45 us (SLC here: one page type), channel 1.4 GB/s, DMA setup 200 ns, CQE+MSI-X 500 ns
        long channel = ceilDiv(4096 + 2208 / 4, 1.4);                     // 4 KiB + its quarter of the page's spare
        long wire = 4096 + 16 * 24;                                       // 16 TLPs of 256 B, 24 B framing each
        long link = 200 + ceilDiv(wire, 16e9 * 4 * 128 / 130 / 8 / 1e9);  // setup + wire / (16 GT/s x4, 128b/130b)
        long expected = 1_000 + 3_000 + 45_000 + channel + link + 500;
        assertThat(rq.tCompleted - rq.tDispatched).isEqualTo(expected);
        assertThat(rq.devMediaNs).isEqualTo(45_000 + channel);
        assertThat(rq.devTransferNs).isEqualTo(link);
        assertThat(rq.devQueueNs).isZero();
        assertThat(host.dmaTransfers).isEqualTo(1);
        assertThat(host.dmaBytes).isEqualTo(4096);
    }

    @Test
    void sataQd1RandomReadLatencyIsTheSumOfItsParts() {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("sata-ssd", SMALL);
        dev.attach(host);
        Request rq = host.request(Op.READ, 77_777L * 4096, 4096, 0);
        dev.submit(rq);
        host.sim.run();
        double sataBytesPerNs = 6e9 * 0.8 / 8 / 1e9; // 0.6 B/ns
        int framing = 104;                          // per FIS: SOF, type, CRC, EOF, handshake, ALIGNs
        long fis = 900;                              // handshake per FIS
        long h2d = fis + ceilDiv(20 + framing, sataBytesPerNs);
        long data = fis + ceilDiv(4096 + framing, sataBytesPerNs);
        long sdb = fis + ceilDiv(8 + framing, sataBytesPerNs);
        long channel = ceilDiv(4096 + 2208 / 4, 1.4);
        long expected = 500 + h2d + 20_000 + 45_000 + channel + data + sdb;
        assertThat(rq.tCompleted - rq.tDispatched).isEqualTo(expected);
    }

    /** Closed loop: keeps {@code depth} random 4 KiB reads outstanding; returns IOPS. */
    private static double randomReadIops(BlockDevice dev, TestHost host, int depth, int ios) {
        RandomStream r = host.random.stream("offsets");
        long units = dev.limits().capacityBytes() / 4096;
        long[] left = {ios};
        long[] done = {0};
        host.onComplete = rq -> {
            done[0]++;
            if (left[0]-- > 0) {
                dev.submit(host.request(Op.READ, r.nextLong(units) * 4096, 4096, 0));
            }
        };
        long warm = ios / 10;
        for (int i = 0; i < depth; i++) {
            left[0]--;
            dev.submit(host.request(Op.READ, r.nextLong(units) * 4096, 4096, 0));
        }
        host.sim.runWhile(() -> done[0] < warm);
        long t0 = host.sim.now();
        long d0 = done[0];
        host.sim.run();
        return (done[0] - d0) * 1e9 / (host.sim.now() - t0);
    }

    @Test
    void randomReadIopsScaleWithDepthUntilTheDiesSaturate() {
        String[] fast = with(SMALL, "controller_cores=64", "command_overhead=1us", "hw_queues=1", "queue_depth=1024");
        double tR = 50_000;
        long channel = ceilDiv(4096 + 2208 / 4, 0.8);
        double dies = 4;
        String[] cfg = with(fast, "t_read_lsb=50us", "channel_rate=800MB/s");
        double max = dies / ((tR + channel) / 1e9); // analytical: every die busy with tR + data out
        double prev = 0;
        double qd1 = 0;
        for (int depth : new int[] {1, 2, 4, 16, 64}) {
            TestHost host = new TestHost();
            BlockDevice dev = TestHost.device("nvme-gen4", cfg);
            dev.attach(host);
            double iops = randomReadIops(dev, host, depth, 20_000);
            assertThat(iops).as("depth %d", depth).isGreaterThan(prev).isLessThanOrEqualTo(max * 1.001);
            if (depth == 1) {
                qd1 = iops;
            }
            if (depth == 64) {
                assertThat(iops).isCloseTo(max, within(0.05 * max));
            }
            prev = iops;
        }
        assertThat(qd1).isLessThan(max / dies * 1.001); // one read at a time: one die's rate at most
    }

    @Test
    void interruptCoalescingRaisesOneInterruptForSeveralCompletions() {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", with(SMALL, "interrupt_coalescing_threshold=4",
                "interrupt_coalescing_time=100us", "hw_queues=1"));
        dev.attach(host);
        for (int i = 0; i < 8; i++) {
            dev.submit(host.request(Op.READ, i * 1_000_000L * 4096 % dev.limits().capacityBytes() / 4096 * 4096, 4096, 0));
        }
        Request lone = host.request(Op.READ, 0, 4096, 0);
        host.sim.run();
        assertThat(host.completions).isEqualTo(8);
        // at most 4 completions per interrupt; more than one per interrupt on average
        assertThat(host.interrupts).isBetween(2L, 4L);
        // a lone completion waits for the aggregation time
        TestHost h2 = new TestHost();
        BlockDevice d2 = TestHost.device("nvme-gen4", with(SMALL, "interrupt_coalescing_threshold=4",
                "interrupt_coalescing_time=100us", "hw_queues=1"));
        d2.attach(h2);
        Request one = h2.request(Op.READ, 4096, 4096, 0);
        d2.submit(one);
        h2.sim.run();
        assertThat(one.tCompleted).isGreaterThanOrEqualTo(100_000);
        assertThat(lone.tCompleted).isZero();
    }

    /** Writes {@code passes} x capacity in 4 KiB units, random or sequential, at depth 8; returns WA. */
    private static double writeWa(String[] cfg, boolean random, double passes) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", cfg);
        dev.attach(host);
        RandomStream r = host.random.stream("offsets");
        long units = dev.limits().capacityBytes() / 4096;
        long total = (long) (passes * units);
        long[] next = {0};
        host.onComplete = rq -> {
            if (next[0] < total) {
                long u = random ? r.nextLong(units) : next[0] % units;
                next[0]++;
                dev.submit(host.request(Op.WRITE, u * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < 8; i++) {
            long u = random ? r.nextLong(units) : next[0] % units;
            next[0]++;
            dev.submit(host.request(Op.WRITE, u * 4096, 4096, 0));
        }
        host.sim.run();
        return ((io.stacksim.devices.nvme.NvmeController) dev).backend().ftl().writeAmplification();
    }

    @Test
    void sustainedRandomWritesAtSteadyStateAmplifyAsGreedyGcPredicts() {
        // 4 planes x 128 blocks x 32 pages x 4 units = 65,536 units; 25 % over-provisioning
        String[] cfg = {"capacity=209715200", "channels=2", "chips_per_channel=2", "dies_per_chip=1",
            "planes_per_die=1", "blocks_per_plane=128", "pages_per_block=32", "page_size=16KiB", "spare_size=0",
            "initial_state=steady", "precondition_passes=3", "write_buffer=1MiB"};
        double sim = writeWa(cfg, true, 2);
        double op = 65536.0 / (209715200 / 4096) - 1;
        double model = GreedyGcModel.writeAmplification(128, op);
        assertThat(sim).isCloseTo(model, within(0.10 * model));
    }

    @Test
    void sequentialWritesAmplifyNearOne() {
        String[] cfg = {"capacity=209715200", "channels=2", "chips_per_channel=2", "dies_per_chip=1",
            "planes_per_die=1", "blocks_per_plane=128", "pages_per_block=32", "page_size=16KiB", "spare_size=0",
            "initial_state=full", "write_buffer=1MiB"};
        assertThat(writeWa(cfg, false, 2)).isCloseTo(1.0, within(0.05));
    }
}
