package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.device.DeviceLimits;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * bfq against block/bfq-iosched.c on a rotational test device that serves one request at a
 * time in a fixed time, so the order requests reach it is bfq's dispatch order.
 */
class BfqSchedulerTest {
    private static final long MS = 1_000_000;

    private static DeviceLimits rotational() {
        return DeviceLimits.builder(1L << 30).queueDepth(1).maxHwSectors(2560).maxSegments(128).rotational(true)
                .build();
    }

    private static Harness harness(String... settings) {
        String[] all = new String[settings.length + 2];
        all[0] = "block.nr_requests=64";
        all[1] = "block.scheduler=bfq";
        System.arraycopy(settings, 0, all, 2, settings.length);
        return new Harness("bfq", rotational(), MS, all);
    }

    private static BfqScheduler bfq(Harness h) {
        return (BfqScheduler) h.queue.scheduler();
    }

    /**
     * A process reading sequentially with {@code depth} reads of {@code sectors} outstanding;
     * after each completion it thinks {@code thinkNs} and sends the next, until {@code stopAt}.
     */
    private static final class Reader implements BioEndIo {
        final Harness h;
        final Proc who;
        final int sectors;
        final long thinkNs;
        final long stopAt;
        long next;
        long gap;
        long doneSectors;
        /** Sends the next read from the completion itself, so the queue never runs empty. */
        boolean immediate;

        Reader(Harness h, int pid, long start, int sectors, int depth, long thinkNs, long stopAt) {
            this(h, new Proc(pid), start, sectors, depth, thinkNs, stopAt);
        }

        Reader(Harness h, Proc who, long start, int sectors, int depth, long thinkNs, long stopAt) {
            this.h = h;
            this.who = who;
            this.next = start;
            this.sectors = sectors;
            this.thinkNs = thinkNs;
            this.stopAt = stopAt;
            for (int i = 0; i < depth; i++) {
                submit();
            }
        }

        void submit() {
            h.queue.submitBio(new Bio(next, sectors, Op.READ, 0, IoPriority.NONE, who, this));
            next += sectors + gap;
        }

        @Override
        public void endIo(Bio bio) {
            h.done.add(bio);
            doneSectors += bio.nrSectors;
            if (h.sim.now() < stopAt) {
                if (immediate) {
                    submit();
                } else {
                    h.sim.after(thinkNs, this::submit);
                }
            }
        }
    }

    /** A process with an I/O priority and a cgroup. */
    private static final class Proc implements IoOwner {
        final int pid;
        int ioprio;
        Blkcg blkcg = Blkcg.ROOT;
        Plug plug;

        Proc(int pid) {
            this.pid = pid;
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public String comm() {
            return "reader" + pid;
        }

        @Override
        public int cpu() {
            return 0;
        }

        @Override
        public void countDma(long bytes) {
        }

        @Override
        public Plug plug() {
            return plug;
        }

        @Override
        public void setPlug(Plug p) {
            plug = p;
        }

        @Override
        public int ioprio() {
            return ioprio;
        }

        @Override
        public Blkcg blkcg() {
            return blkcg;
        }
    }

    /**
     * Two readers set up by {@code setup}, each sending its next read from the completion of the
     * last (so neither queue ever runs empty and bfq never idles or injects: the shares are
     * B-WF2Q+'s), for {@code ms}.
     */
    private static double shareOfFirst(Harness h, java.util.function.BiConsumer<Proc, Proc> setup, long ms) {
        Reader[] r = new Reader[2];
        Proc[] p = {new Proc(701), new Proc(702)};
        setup.accept(p[0], p[1]);
        r[0] = new Reader(h, p[0], 0, 64, 0, 0, ms * MS);
        r[1] = new Reader(h, p[1], 500_000_000L, 64, 0, 0, ms * MS);
        for (Reader x : r) {
            x.immediate = true;
            for (int i = 0; i < 8; i++) {
                x.submit();
            }
        }
        h.sim.run();
        return (double) r[0].doneSectors / (r[0].doneSectors + r[1].doneSectors);
    }

    /**
     * Weights from the I/O priority (bfq_ioprio_to_weight: (8 - level) x 10): best-effort 0
     * has weight 80, best-effort 7 weight 10, so two backlogged readers share 80 : 10, 0.889.
     */
    @Test
    void ioPriorityLevelsGiveWeightProportionalShares() {
        double share = shareOfFirst(harness(), (a, b) -> {
            a.ioprio = IoPriority.value(IoPriority.BE, 0);
            b.ioprio = IoPriority.value(IoPriority.BE, 7);
        }, 10_000);
        assertThat(share).isCloseTo(80.0 / 90, Offset.offset(0.03));
    }

    /**
     * Group weights (io.bfq.weight 100 and 300): the groups share 1 : 3 whatever the queues'
     * own weights inside them (both default, 40).
     */
    @Test
    void cgroupBfqWeightsGiveGroupsWeightProportionalShares() {
        double share = shareOfFirst(harness(), (a, b) -> {
            a.blkcg = new Blkcg("/a", 100);
            b.blkcg = new Blkcg("/b", 300);
        }, 10_000);
        assertThat(share).isCloseTo(0.25, Offset.offset(0.03));
    }

    /** Realtime goes before best-effort: a backlogged RT reader leaves a BE one almost nothing. */
    @Test
    void aRealtimeQueueIsServedBeforeBestEffortOnes() {
        double share = shareOfFirst(harness(), (a, b) -> a.ioprio = IoPriority.value(IoPriority.RT, 4), 5_000);
        assertThat(share).isGreaterThan(0.95);
    }

    /** Two always-backlogged readers of equal weight (BE, level 4: weight 40) share the device equally. */
    @Test
    void backloggedQueuesOfEqualWeightShareTheDeviceEqually() {
        Harness h = harness();
        Reader a = new Reader(h, 201, 0, 64, 4, 0, 4000 * MS);
        Reader b = new Reader(h, 202, 500_000_000L, 64, 4, 0, 4000 * MS);
        h.sim.run();
        double share = (double) a.doneSectors / (a.doneSectors + b.doneSectors);
        assertThat(share).isCloseTo(0.5, Offset.offset(0.05));
    }

    /**
     * Idling (bfq_better_to_idle, idling_boosts_thr_without_issues): on a rotational device a
     * sequential, I/O-bound reader with a short think time (0.1 ms against 1 ms of service)
     * keeps the device while another queue is backlogged: bfq idles for its next request instead
     * of switching queues, so nearly every read of it follows its previous one directly. With
     * slice_idle = 0 the two queues alternate. (low_latency = 0: weight-raised queues would turn
     * this throughput idling off.)
     */
    @Test
    void aSequentialSyncReaderKeepsTheDeviceAcrossItsThinkTimeWhenIdlingIsOn() {
        assertThat(runsOfTheThinkingReader(harness("block.iosched.low_latency=0"))).isGreaterThan(0.9);
        assertThat(runsOfTheThinkingReader(harness("block.iosched.low_latency=0", "block.iosched.slice_idle=0")))
                .isLessThan(0.1);
    }

    /** The fraction of the thinking reader's dispatches that directly follow one of its own. */
    private static double runsOfTheThinkingReader(Harness h) {
        new Reader(h, 301, 0, 64, 1, MS / 10, 2000 * MS);
        new Reader(h, 302, 800_000_000L, 64, 4, 0, 2000 * MS);
        h.sim.run();
        List<Long> sectors = h.dispatchedSectors();
        int own = 0;
        int follows = 0;
        for (int i = 1; i < sectors.size(); i++) {
            if (sectors.get(i) < 800_000_000L) {
                own++;
                if (sectors.get(i - 1) < 800_000_000L) {
                    follows++;
                }
            }
        }
        return (double) follows / own;
    }

    /**
     * Budget feedback (__bfq_bfqq_recalc_budget): a new sync queue starts with max_budget = 2/3
     * of bfq_default_max_budget (10922 sectors); a queue that exhausts its budget gets 4x, capped
     * at the maximum budget (16384 until 194 budgets have been assigned). (low_latency = 0: a
     * weight-raised queue gets 2 x min_budget instead.)
     */
    @Test
    void aQueueThatExhaustsItsBudgetGetsFourTimesItCappedAtTheMaximum() {
        Harness h = harness("block.iosched.low_latency=0");
        Reader a = new Reader(h, 401, 0, 256, 8, 0, 300 * MS);
        h.sim.runUntil(5 * MS);
        assertThat(bfq(h).queueMaxBudget(a.who)).isEqualTo(2 * 16384 / 3);
        h.sim.runUntil(250 * MS);
        assertThat(bfq(h).expirations(BfqScheduler.Reason.BUDGET_EXHAUSTED)).isPositive();
        assertThat(bfq(h).queueMaxBudget(a.who)).isEqualTo(16384);
        // When the reader stops, the queue idles out with nothing in flight: 16384 - 4 x 512.
        h.sim.run();
        assertThat(bfq(h).queueMaxBudget(a.who)).isEqualTo(16384 - 2048);
    }

    /**
     * A queue that sent a few reads and then went quiet idles out (TOO_IDLE) with nothing in
     * flight: its budget drops by 4 x min_budget (min_budget = 16384 / 32 = 512), 10922 - 2048.
     */
    @Test
    void aQueueThatIdlesOutWithNothingInFlightGetsASmallerBudget() {
        Harness h = harness("block.iosched.low_latency=0");
        Submitter p = new Submitter(501, "burst", 0);
        for (int i = 0; i < 4; i++) {
            h.queue.submitBio(new Bio(i * 8L, 8, Op.READ, 0, IoPriority.NONE, p, h.done::add));
        }
        h.sim.run();
        assertThat(bfq(h).expirations(BfqScheduler.Reason.TOO_IDLE)).isEqualTo(1);
        assertThat(bfq(h).queueMaxBudget(p)).isEqualTo(2 * 16384 / 3 - 4 * 512);
    }

    /**
     * bfq_update_peak_rate / bfq_calc_max_budget: with max_budget = 0, bfq_max_budget follows
     * the measured sequential rate, here 256 sectors per 1 ms request on a device of depth 1
     * (reads 8 sectors apart: close enough to count as sequential, too far to merge), 0.256
     * sectors/us: the sectors moved in timeout_sync (124 ms at HZ 250) are 31744.
     */
    @Test
    void theMaximumBudgetIsWhatThePeakRateMovesInTimeoutSync() {
        Harness h = harness();
        Reader r = new Reader(h, 601, 0, 256, 0, 0, 20_000 * MS);
        r.gap = 8;
        for (int i = 0; i < 8; i++) {
            r.submit();
        }
        h.sim.run();
        assertThat((double) bfq(h).maxBudgetSectors()).isCloseTo(31744, Offset.offset(31744 * 0.03));
    }
}
