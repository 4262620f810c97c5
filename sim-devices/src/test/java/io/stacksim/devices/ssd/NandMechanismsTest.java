package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.RandomStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The NAND mechanisms behind an SSD's latency spread, each against its own arithmetic. */
class NandMechanismsTest {
    /** 2 channels x 2 dies, 1 plane each, 1 GiB raw; TLC with 28/40/28 us reads; no retry, no read-ahead. */
    static final String[] TLC = {
        "capacity=768MiB", "channels=2", "chips_per_channel=2", "dies_per_chip=1", "planes_per_die=1",
        "blocks_per_plane=256", "pages_per_block=64", "page_size=16KiB", "spare_size=2208",
        "cell_type=tlc", "t_read_lsb=28us", "t_read_csb=40us", "t_read_msb=28us", "read_retry_share=0", "read_prefetch=0"};

    static String[] with(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    static long ceilDiv(double a, double b) {
        return (long) Math.ceil(a / b);
    }

    /** Device time of one 4 KiB read of logical unit {@code lpn} on an idle drive. */
    static long qd1(String[] cfg, long lpn) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", cfg);
        dev.attach(host);
        Request rq = host.request(Op.READ, lpn * 4096, 4096, 0);
        dev.submit(rq);
        host.sim.run();
        return rq.tCompleted - rq.tDispatched;
    }

    /** Doorbell + firmware + channel (4 KiB and its spare share) + PCIe 4.0 x4 + CQE: all but the sensing. */
    static long hostAndChannel() {
        long channel = ceilDiv(4096 + 2208 / 4, 1.4);
        long link = 200 + ceilDiv(4096 + 16 * 24, 16e9 * 4 * 128 / 130 / 8 / 1e9);
        return 1_000 + 3_000 + channel + link + 500;
    }

    @Test
    void qd1LatencyIsTheSumOfItsPartsPerPageType() {
        // full drive, sequential layout: 4 units per page, one page per die per row, 4 dies: row = lpn / 16,
        // and a block's page p is of type p mod 3 (word-line order)
        long[] tR = {28_000, 40_000, 28_000};
        for (int type = 0; type < 3; type++) {
            assertThat(qd1(TLC, type * 16L)).as("page type %d", type).isEqualTo(hostAndChannel() + tR[type]);
        }
    }

    @Test
    void readRetryAddsOneSensingAndItsOverheadPerStep() {
        String[] cfg = with(TLC, "read_retry_share=1", "read_retry_mean_steps=1", "read_retry_step_overhead=2us");
        assertThat(qd1(cfg, 0)).isEqualTo(hostAndChannel() + 28_000 + 28_000 + 2_000);
        // steps are geometric with the configured mean, capped by the table length
        ReadRetry r = new ReadRetry(1, 3, 8, 0);
        double sum = 0;
        for (long page = 0; page < 200_000; page++) {
            sum += r.steps(page, 7);
        }
        assertThat(sum / 200_000).isCloseTo(r.expectedSteps(), org.assertj.core.api.Assertions.within(0.03));
    }

    @Test
    void aReadBehindAProgramWaitsForItUnlessTheProgramIsSuspended() {
        long waits = readBehindProgram(with(TLC, "program_suspend=false"));
        long suspended = readBehindProgram(with(TLC, "program_suspend=true", "t_suspend=15us", "t_resume=5us"));
        // without suspension the read waits out most of the 450 us program
        assertThat(waits).isGreaterThan(300_000);
        // with it: the suspend latency, then the read as on an idle die
        assertThat(suspended).isEqualTo(hostAndChannel() + 15_000 + 28_000);
    }

    /** Latency of a read of die 0 issued while die 0 programs a full page of buffered writes. */
    static long readBehindProgram(String[] cfg) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", with(cfg, "write_buffer=64KiB"));
        dev.attach(host);
        // 4 units fill die 0's program unit (1 plane x 4 units): the buffer drains it at once
        for (int i = 0; i < 4; i++) {
            dev.submit(host.request(Op.WRITE, (100_000L + i) * 4096, 4096, 0));
        }
        host.sim.runUntil(100_000); // the program's data is across the channel; the array is programming
        Request rd = host.request(Op.READ, 0, 4096, 0); // unit 0 sits on die 0
        dev.submit(rd);
        host.sim.run();
        return rd.tCompleted - rd.tDispatched;
    }
}
