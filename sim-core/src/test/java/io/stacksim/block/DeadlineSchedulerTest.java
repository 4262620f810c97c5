package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mq-deadline against block/mq-deadline.c. The device serves one request at a time in 1 ms, so
 * the order requests reach it is the scheduler's dispatch order.
 */
class DeadlineSchedulerTest {
    private static final long MS = 1_000_000;

    private static Harness harness(String... settings) {
        String[] all = new String[settings.length + 1];
        all[0] = "block.nr_requests=64";
        System.arraycopy(settings, 0, all, 1, settings.length);
        return new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS, all);
    }

    /**
     * Within a batch the scan goes up from latest_pos (the last dispatched sector, 250); at the
     * top it does not wrap to the lowest sector but restarts from the oldest request (200).
     */
    @Test
    void aBatchAscendsFromTheLastPositionAndRestartsFromTheOldest() {
        Harness h = harness();
        h.submit(Op.WRITE, 250, 8);
        for (long s : new long[] {500, 200, 300, 100, 400}) {
            h.submit(Op.WRITE, s, 8);
        }
        h.sim.run();
        assertThat(h.dispatchedSectors()).containsExactly(250L, 300L, 400L, 500L, 200L, 100L);
    }

    /** Keeps {@code n} bios of a stream queued: each completion submits the next, ascending. */
    private static final class Stream implements BioEndIo {
        final Harness h;
        final Op op;
        long next;
        final long stopAt;
        final Submitter who;

        Stream(Harness h, Op op, long start, int n, long stopAt, int pid) {
            this.h = h;
            this.op = op;
            this.next = start;
            this.stopAt = stopAt;
            this.who = new Submitter(pid, "stream", 0);
            for (int i = 0; i < n; i++) {
                submit();
            }
        }

        void submit() {
            // 16-sector gaps: ascending but never contiguous, so nothing merges.
            h.queue.submitBio(new Bio(next, 8, op, op == Op.WRITE ? Bio.SYNC : 0, IoPriority.NONE, who, this));
            next += 24;
        }

        @Override
        public void endIo(Bio bio) {
            h.done.add(bio);
            if (h.sim.now() < stopAt) {
                h.sim.after(0, this::submit);
            }
        }
    }

    /**
     * A read behind latest_pos while an ascending read stream keeps the scan busy ahead of it
     * waits until its FIFO deadline (read_expire = 500 ms = 125 jiffies at HZ 250) and then goes
     * at the next batch boundary: no earlier than 500 ms minus one jiffy, no later than 500 ms
     * plus one batch (fifo_batch x 1 ms).
     */
    @Test
    void anExpiredReadIsServedWithinReadExpirePlusOneBatch() {
        Harness h = harness();
        new Stream(h, Op.READ, 1_000_000, 4, 900 * MS, 300);
        long[] arrival = new long[1];
        h.sim.schedule(10 * MS, () -> {
            arrival[0] = h.sim.now();
            h.submit(Op.READ, 0, 8);
        });
        h.sim.run();
        long dispatched = h.device.seen.stream().filter(s -> s.sector() == 0).findFirst().orElseThrow().time();
        long wait = dispatched - arrival[0];
        assertThat(wait).isBetween(500 * MS - 4 * MS, 500 * MS + 16 * MS);
    }

    /** Under a continuous write stream a read goes no later than read_expire plus one batch (here at once). */
    @Test
    void aReadUnderAWriteStreamIsServedWithinReadExpirePlusOneBatch() {
        Harness h = harness();
        new Stream(h, Op.WRITE, 1_000_000, 8, 300 * MS, 301);
        long[] arrival = new long[1];
        h.sim.schedule(50 * MS, () -> {
            arrival[0] = h.sim.now();
            h.submit(Op.READ, 0, 8);
        });
        h.sim.run();
        long dispatched = h.device.seen.stream().filter(s -> s.op() == Op.READ).findFirst().orElseThrow().time();
        assertThat(dispatched - arrival[0]).isLessThanOrEqualTo(500 * MS + 16 * MS);
        // Reads are preferred at the next batch boundary: within one batch of writes.
        assertThat(dispatched - arrival[0]).isLessThanOrEqualTo(16 * MS);
    }

    /** Longest runs of reads and of writes in the dispatch order, after the first {@code skip}. */
    private static int[] longestRuns(Harness h, int skip) {
        List<Op> ops = h.device.seen.stream().map(Harness.Seen::op).skip(skip).toList();
        int[] max = new int[2];
        int run = 0;
        for (int i = 0; i < ops.size(); i++) {
            run = i > 0 && ops.get(i) == ops.get(i - 1) ? run + 1 : 1;
            int k = ops.get(i) == Op.READ ? 0 : 1;
            max[k] = Math.max(max[k], run);
        }
        return max;
    }

    /**
     * With reads and writes always queued, reads win writes_starved (2) batch decisions, then
     * writes get one: at most 2 x fifo_batch = 32 reads in a row, and 16 writes per write batch.
     * (The first read batch starts before any write is queued and does not count as starving
     * them, so the first 64 dispatches are left out.)
     */
    @Test
    void writesAreNotStarvedBeyondWritesStarvedReadBatches() {
        Harness h = harness();
        new Stream(h, Op.READ, 1_000_000, 8, 400 * MS, 302);
        new Stream(h, Op.WRITE, 50_000_000, 8, 400 * MS, 303);
        h.sim.run();
        int[] max = longestRuns(h, 64);
        assertThat(max[0]).isEqualTo(32);
        assertThat(max[1]).isEqualTo(16);
    }

    /** writes_starved=1: batch decisions alternate, so runs are one batch (16) of each. */
    @Test
    void writesStarvedOneAlternatesBatches() {
        Harness h = harness("block.iosched.writes_starved=1");
        new Stream(h, Op.READ, 1_000_000, 8, 200 * MS, 302);
        new Stream(h, Op.WRITE, 50_000_000, 8, 200 * MS, 303);
        h.sim.run();
        int[] max = longestRuns(h, 64);
        assertThat(max[0]).isEqualTo(16);
        assertThat(max[1]).isEqualTo(16);
    }

    /**
     * Strict priority: while real-time I/O is queued or in flight, best-effort I/O waits, until
     * it has waited prio_aging_expire (here 100 ms) and is dispatched by the aging pass.
     */
    @Test
    void bestEffortWaitsForRealTimeUntilPrioAgingExpire() {
        Harness h = harness("block.iosched.prio_aging_expire=100ms");
        Submitter rt = new Submitter(400, "rt", 0);
        int[] left = {400};
        BioEndIo[] again = new BioEndIo[1];
        long[] pos = {1_000_000};
        again[0] = b -> {
            if (--left[0] > 0) {
                h.sim.after(0, () -> {
                    pos[0] += 24;
                    h.queue.submitBio(new Bio(pos[0], 8, Op.READ, 0, IoPriority.RT, rt, again[0]));
                });
            }
        };
        for (int i = 0; i < 4; i++) {
            pos[0] += 24;
            h.queue.submitBio(new Bio(pos[0], 8, Op.READ, 0, IoPriority.RT, rt, again[0]));
        }
        h.queue.submitBio(h.bio(Op.READ, 0, 8, 0, IoPriority.BE));
        h.sim.run();
        long beAt = h.device.seen.stream().filter(s -> s.prio() == IoPriority.BE).findFirst().orElseThrow().time();
        assertThat(beAt).isBetween(100 * MS - 4 * MS, 100 * MS + 4 * MS + MS);
    }

    /** async_depth limits writes' share of nr_requests (dd_limit_depth); reads are not limited. */
    @Test
    void asyncDepthLimitsWritesButNotReads() {
        Harness h = harness("block.iosched.async_depth=4");
        for (int i = 0; i < 10; i++) {
            h.submit(Op.WRITE, i * 100L, 8);
        }
        assertThat(h.queue.requestsAllocated()).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            h.submit(Op.READ, 100_000 + i * 100L, 8);
        }
        h.sim.run();
        assertThat(h.done).hasSize(20);
    }
}
