package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.device.DeviceLimits;
import io.stacksim.engine.Stats;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * block.request_waits counts the same bios block.request_wait's mean is taken over: every bio
 * that slept for a request (blk_mq_get_tag) and then got one, however many of them one
 * submitter had queued behind its first.
 */
class RequestWaitCountTest {
    private static final long MS = 1_000_000;

    @Test
    void everyBioThatSleptForARequestIsCountedAndItsWaitIsTheQueueingDelay() {
        // none on a 4-tag device serving one request at a time in 1 ms: ten scattered reads of one
        // task take tags 0-3 at once, the other six sleep and get the tag of the 1st, 2nd ... 6th
        // completion, at 1, 2, ... 6 ms.
        DeviceLimits four = DeviceLimits.builder(1L << 30).queueDepth(4).tagDepth(4).maxHwSectors(2560).build();
        Harness h = new Harness("none", four, MS);
        Stats stats = new Stats();
        h.queue.registerStats(stats);
        for (int i = 0; i < 10; i++) {
            h.submit(Op.READ, 100_000L * (i + 1), 8);
        }
        h.sim.run();
        assertThat(h.done).hasSize(10);
        Map<String, Number> m = stats.snapshot();
        assertThat(m.get("block.request_waits").longValue()).isEqualTo(6);
        assertThat(m.get("block.request_wait.count").longValue()).isEqualTo(6);
        assertThat(m.get("block.request_wait.mean_us").doubleValue()).isCloseTo((1 + 2 + 3 + 4 + 5 + 6) / 6.0 * 1000,
                within(1.0));
    }
}
