package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * blk_rq_merge_ok (block/blk-merge.c): a bio merges into a request only with the same
 * rq->ioprio, the whole IOPRIO_PRIO_VALUE (class and level), and the bio's value is the
 * kiocb's when the submitter gave one (fio's cmdprio), else its task's (bio_set_ioprio).
 */
class IoprioMergeTest {
    private static final long MS = 1_000_000;

    private static int requestsFor(int first, int second) {
        Harness h = new Harness("mq-deadline", Harness.limits(32, 2560, 128), MS);
        Plug plug = Plug.start(h.task);
        h.queue.submitBio(new Bio(0, 8, Op.READ, 0, first, h.task, h.done::add));
        h.queue.submitBio(new Bio(8, 8, Op.READ, 0, second, h.task, h.done::add));
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.done).hasSize(2);
        return h.device.seen.size();
    }

    @Test
    void biosMergeOnlyWithTheSameWholeIoPriority() {
        int be0 = IoPriority.value(IoPriority.BE, 0);
        int be4 = IoPriority.value(IoPriority.BE, 4);
        int rt0 = IoPriority.value(IoPriority.RT, 0);
        assertThat(requestsFor(be4, be4)).isEqualTo(1);
        assertThat(requestsFor(be0, be4)).isEqualTo(2); // same class, another level
        assertThat(requestsFor(rt0, be0)).isEqualTo(2);
        assertThat(requestsFor(0, 0)).isEqualTo(1); // both the task's
    }

    @Test
    void aBioWithoutAClassTakesItsSubmittersPriority() {
        Submitter t = new Submitter(1, "t", 0);
        assertThat(new Bio(0, 8, Op.READ, 0, 0, t, b -> { }).ioprio).isZero();
        int rt3 = IoPriority.value(IoPriority.RT, 3);
        Bio own = new Bio(0, 8, Op.READ, 0, rt3, t, b -> { });
        assertThat(own.ioprio).isEqualTo(rt3);
        assertThat(own.priority).isEqualTo(IoPriority.RT);
    }
}
