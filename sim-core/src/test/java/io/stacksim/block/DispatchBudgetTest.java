package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.device.DeviceLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A device whose queue depth (SCSI queue_depth) is below its tag depth (the host's can_queue):
 * a SATA disk without NCQ behind a 32-tag AHCI port. The device is given one request at a time;
 * the others hold their tags (none) or stay in the elevator (mq-deadline) until it has budget.
 */
class DispatchBudgetTest {
    private static final long MS = 1_000_000;

    private static Harness harness(String scheduler) {
        DeviceLimits oneAtATime = DeviceLimits.builder(1L << 30).queueDepth(1).tagDepth(32).maxHwSectors(2560)
                .rotational(true).build();
        return new Harness(scheduler, oneAtATime, 5 * MS);
    }

    /** Twenty writes far apart, then a read; the device never holds a second request. */
    private static List<Long> run(Harness h) {
        for (int i = 0; i < 20; i++) {
            h.submit(Op.WRITE, 100_000L * (i + 1), 8);
        }
        h.submit(Op.READ, 50, 8);
        h.sim.run();
        assertThat(h.done).hasSize(21);
        for (int i = 1; i < h.device.seen.size(); i++) {
            assertThat(h.device.seen.get(i).time() - h.device.seen.get(i - 1).time())
                    .as("dispatch %d waits for the previous completion", i).isGreaterThanOrEqualTo(5 * MS);
        }
        return h.dispatchedSectors();
    }

    @Test
    void withNoneRequestsHoldTheirTagsAndReachTheDeviceInArrivalOrder() {
        Harness h = harness("none");
        assertThat(h.queue.nrRequests()).as("nr_requests = the tag depth").isEqualTo(32);
        assertThat(run(h).indexOf(50L)).as("the read's place in dispatch order").isEqualTo(20);
    }

    @Test
    void withMqDeadlineTheReadWaitsOnlyForTheRestOfTheWriteBatch() {
        Harness h = harness("mq-deadline");
        assertThat(h.queue.nrRequests()).as("nr_requests = 2 x the tag depth").isEqualTo(64);
        // The first write starts a write batch, which runs on for fifo_batch = 16 requests even
        // with a read waiting; the next batch is the read's (block/mq-deadline.c
        // __dd_dispatch_request: reads are preferred when a batch starts).
        assertThat(run(h).indexOf(50L)).as("the read's place in dispatch order").isEqualTo(16);
    }
}
