package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plug holding requests of two queues, as a task writing through a stacked device fills it
 * (block/blk-mq.c: plug->multiple_queues, blk_mq_flush_plug_list sending each queue its own
 * requests in order, blk_attempt_plug_merge looking for the queue's request, and twice
 * BLK_MAX_REQUEST_COUNT before the plug is flushed).
 */
class PlugAcrossQueuesTest {
    private final Simulator sim = new Simulator();
    private final Submitter task = new Submitter(100, "test", 0);
    private final List<Bio> done = new ArrayList<>();

    private Harness.TestDevice dev() {
        return new Harness.TestDevice(Harness.limits(128, 2560, 128), 1_000_000);
    }

    private BlockQueue queue(Harness.TestDevice d) {
        ConfigNode root = ConfigNode.emptyRoot("t");
        // blk-wbt off: it would hold these REQ_SYNC writes at its max depth (16), not the plug's rule
        root.set("block.wbt_lat_usec", "0", io.stacksim.config.Origin.of("test", 0));
        ConfigNode block = root.section("block");
        return new BlockQueue(sim, new RandomStreams(1), d, (cpu, h) -> sim.schedule(sim.now(), h),
                QueueSettings.from(block), Schedulers.create("none", block.section("iosched")));
    }

    private void write(BlockQueue q, long sector) {
        q.submitBio(new Bio(sector, 8, Op.WRITE, Bio.SYNC, IoPriority.NONE, task, done::add));
    }

    @Test
    void interleavedSequentialBiosMergeIntoEachQueuesRequestAndGoToTheirOwnDevice() {
        Harness.TestDevice d0 = dev();
        Harness.TestDevice d1 = dev();
        BlockQueue q0 = queue(d0);
        BlockQueue q1 = queue(d1);
        Plug plug = Plug.start(task);
        for (int i = 0; i < 8; i++) {
            write(q0, i * 8L);
            write(q1, 1000 + i * 8L);
        }
        assertThat(plug.requestCount()).isEqualTo(2);
        Plug.finish(task, plug);
        sim.run();
        assertThat(d0.seen).extracting(Harness.Seen::sector).containsExactly(0L);
        assertThat(d0.seen).extracting(Harness.Seen::sectors).containsExactly(64);
        assertThat(d1.seen).extracting(Harness.Seen::sector).containsExactly(1000L);
        assertThat(done).hasSize(16);
    }

    @Test
    void aPlugOverSeveralQueuesHoldsSixtyFourRequests() {
        Harness.TestDevice d0 = dev();
        Harness.TestDevice d1 = dev();
        BlockQueue q0 = queue(d0);
        BlockQueue q1 = queue(d1);
        Plug plug = Plug.start(task);
        for (int i = 0; i < 40; i++) {
            write(q0, i * 100L);
            write(q1, i * 100L);
        }
        // blk_plug_max_rq_count: the 65th request flushed the 64 before it, to both devices in order.
        assertThat(plug.requestCount()).isEqualTo(80 - 64);
        assertThat(d0.seen).hasSize(32); // the flushed half of each queue's went straight to its device
        Plug.finish(task, plug);
        sim.run();
        assertThat(d0.seen).extracting(Harness.Seen::sector).isSorted().hasSize(40);
        assertThat(d1.seen).hasSize(40);
    }
}
