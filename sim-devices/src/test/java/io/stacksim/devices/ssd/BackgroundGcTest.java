package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Op;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.TestHost;
import io.stacksim.devices.nvme.NvmeController;
import io.stacksim.engine.RandomStream;
import org.junit.jupiter.api.Test;

/** An idle die collects ahead of need, up to the background threshold, and no further. */
class BackgroundGcTest {
    static PageMappedFtl afterWritesAndIdle(int bgThreshold) {
        TestHost host = new TestHost();
        BlockDevice dev = TestHost.device("nvme-gen4", "capacity=209715200", "channels=2", "chips_per_channel=2",
                "dies_per_chip=1", "planes_per_die=1", "blocks_per_plane=128", "pages_per_block=32", "page_size=16KiB",
                "spare_size=0", "initial_state=steady", "precondition_passes=2", "write_buffer=1MiB",
                "bg_gc_threshold=" + bgThreshold);
        dev.attach(host);
        RandomStream r = host.random.stream("offsets");
        long units = dev.limits().capacityBytes() / 4096;
        long[] left = {20_000};
        host.onComplete = rq -> {
            if (left[0]-- > 0) {
                dev.submit(host.request(Op.WRITE, r.nextLong(units) * 4096, 4096, 0));
            }
        };
        for (int i = 0; i < 8; i++) {
            dev.submit(host.request(Op.WRITE, r.nextLong(units) * 4096, 4096, 0));
        }
        host.sim.run(); // the writes, then whatever the idle dies do
        return ((NvmeController) dev).backend().ftl();
    }

    @Test
    void idleDiesCollectUntilEachPlaneHasMoreThanTheBackgroundThresholdFree() {
        PageMappedFtl off = afterWritesAndIdle(0);
        PageMappedFtl on = afterWritesAndIdle(6);
        int planes = off.geometry().planes();
        for (int p = 0; p < planes; p++) {
            // foreground GC alone stops at gc_threshold (2) free blocks
            assertThat(off.freeBlocks(p)).as("plane %d without background GC", p).isLessThanOrEqualTo(3);
            // background GC goes on while the die is idle, until the plane has more than 6 free
            assertThat(on.freeBlocks(p)).as("plane %d with background GC", p).isGreaterThan(6);
        }
    }
}
