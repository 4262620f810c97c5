package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.device.DeviceLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** blk-wbt against block/blk-wbt.c and blk-rq-qos.c. */
class WbtTest {
    private static final long MS = 1_000_000;

    private static DeviceLimits limits(int depth, boolean writeCache, boolean rotational) {
        return DeviceLimits.builder(1L << 30).queueDepth(depth).maxHwSectors(2560).maxSegments(128)
                .volatileWriteCache(writeCache).rotational(rotational).build();
    }

    /** Most requests issued to the device and not yet completed, from the D and C events. */
    private static int maxInFlight(List<String> trace, char op) {
        int n = 0;
        int max = 0;
        for (String e : trace) {
            if (e.length() > 2 && e.charAt(2) == op) {
                if (e.startsWith("D")) {
                    max = Math.max(max, ++n);
                } else if (e.startsWith("C")) {
                    n--;
                }
            }
        }
        return max;
    }

    private static void submitWrites(Harness h, int n, int flags) {
        for (int i = 0; i < n; i++) {
            h.queue.submitBio(h.bio(Op.WRITE, i * 1000L, 8, flags));
        }
    }

    /** rq_depth_calc_max_depth: 16 at step 0, halved per step down, doubled per step up to 3/4 of the queue. */
    @Test
    void depthScalesAsRqDepthCalcMaxDepth() {
        RqDepth d = new RqDepth();
        d.queueDepth = 128;
        d.defaultDepth = 16;
        d.calcMaxDepth();
        assertThat(d.maxDepth).isEqualTo(16);
        int[] up = new int[3];
        for (int i = 0; i < 3; i++) {
            assertThat(d.scaleUp()).isTrue();
            up[i] = d.maxDepth;
        }
        assertThat(up).containsExactly(31, 61, 96); // 1 + 15 << 1, << 2, then 1 + 15 << 3 = 121 capped at 96
        assertThat(d.scaleUp()).isFalse(); // scaled_max
        assertThat(d.scaleDown(true)).isTrue(); // a latency violation snaps a negative step to 0
        assertThat(d.scaleStep).isZero();
        int[] down = new int[4];
        for (int i = 0; i < 4; i++) {
            d.scaleDown(true);
            down[i] = d.maxDepth;
        }
        assertThat(down).containsExactly(8, 4, 2, 1);
        assertThat(d.scaleDown(true)).isFalse();
        RqDepth qd1 = new RqDepth();
        qd1.queueDepth = 1;
        qd1.defaultDepth = 16;
        qd1.calcMaxDepth();
        assertThat(qd1.maxDepth).isEqualTo(2);
    }

    /** calc_wb_limits and wbt_default_latency_nsec: 16/8/4 and 2 ms (non-rotational), 75 ms rotational. */
    @Test
    void defaultLimitsAndLatencyFollowTheDeviceKind() {
        Harness ssd = new Harness("none", limits(32, false, false), MS);
        Wbt w = ssd.queue.wbt();
        assertThat(w.enabled()).isTrue();
        assertThat(new int[] {w.rqd.maxDepth, w.wbNormal, w.wbBackground}).containsExactly(16, 8, 4);
        io.stacksim.engine.Stats stats = new io.stacksim.engine.Stats();
        ssd.queue.registerStats(stats);
        assertThat(stats.snapshot().get("block.wbt.min_lat_us").longValue()).isEqualTo(2000);
        Harness hdd = new Harness("none", limits(32, false, true), MS);
        io.stacksim.engine.Stats hs = new io.stacksim.engine.Stats();
        hdd.queue.registerStats(hs);
        assertThat(hs.snapshot().get("block.wbt.min_lat_us").longValue()).isEqualTo(75000);
        Harness off = new Harness("none", limits(32, false, false), MS, "block.wbt_lat_usec=0");
        assertThat(off.queue.wbt().enabled()).isFalse();
    }

    /** Background writeback (REQ_BACKGROUND) holds at wb_background = 4 in flight; with wbt off all go out. */
    @Test
    void backgroundWritesAreHeldAtWbBackground() {
        Harness on = new Harness("none", limits(32, false, false), MS);
        submitWrites(on, 40, Bio.BACKGROUND);
        on.sim.run();
        assertThat(maxInFlight(on.trace, 'W')).isEqualTo(4);
        assertThat(on.done).hasSize(40);

        Harness off = new Harness("none", limits(32, false, false), MS, "block.wbt_lat_usec=0");
        submitWrites(off, 40, Bio.BACKGROUND);
        off.sim.run();
        assertThat(maxInFlight(off.trace, 'W')).isEqualTo(32); // the device's tags
    }

    /**
     * With a volatile write cache the sleepers wake only when every tracked write is done
     * (wbt_rqw_done's limit 0): the writes go out in batches of 4, D D D D C C C C D ...
     */
    @Test
    void onAWriteBackCacheWaitersWakeOnlyWhenTheWritesDrain() {
        Harness h = new Harness("none", limits(32, true, false), MS);
        submitWrites(h, 12, Bio.BACKGROUND);
        h.sim.run();
        List<String> dc = h.trace.stream().filter(e -> e.startsWith("D W") || e.startsWith("C W"))
                .map(e -> e.substring(0, 1)).toList();
        assertThat(String.join("", dc)).isEqualTo("DDDDCCCCDDDDCCCCDDDDCCCC");
    }

    /** REQ_SYNC writes may use max_depth (16); O_DIRECT writes (REQ_SYNC|REQ_IDLE) and reads are not throttled. */
    @Test
    void syncWritesGetMaxDepthAndDirectWritesAreNotThrottled() {
        Harness sync = new Harness("none", limits(64, false, false), MS);
        submitWrites(sync, 40, Bio.SYNC);
        sync.sim.run();
        assertThat(maxInFlight(sync.trace, 'W')).isEqualTo(16);

        Harness direct = new Harness("none", limits(64, false, false), MS);
        submitWrites(direct, 40, Bio.SYNC | Bio.IDLE);
        direct.sim.run();
        assertThat(maxInFlight(direct.trace, 'W')).isEqualTo(40);
    }

    /**
     * wb_timer_fn: a window with writes and no reads lets the step go negative (more depth);
     * a window whose fastest read took longer than min_lat scales the depth down and shortens
     * the window.
     */
    private static java.util.Map<String, Number> stats(Harness h) {
        io.stacksim.engine.Stats stats = new io.stacksim.engine.Stats();
        h.queue.registerStats(stats);
        return stats.snapshot();
    }

    /**
     * wb_timer_fn: windows with writes and no reads let the step go negative (more depth);
     * windows whose fastest read took longer than min_lat scale the depth down. Once the I/O
     * stops, five windows without samples each bring the step back one towards 0.
     */
    @Test
    void windowsScaleTheDepthByTheReadLatency() {
        Harness writesOnly = new Harness("none", limits(128, false, false), MS);
        for (int i = 0; i < 400; i++) {
            writesOnly.queue.submitBio(writesOnly.bio(Op.WRITE, i * 1000L, 8, 0));
        }
        writesOnly.sim.run();
        java.util.Map<String, Number> w = stats(writesOnly);
        assertThat(w.get("block.wbt.scale_step_min").intValue()).isNegative();
        assertThat(w.get("block.wbt.scale_step").intValue()).isZero();
        assertThat(writesOnly.queue.wbt().rqd.maxDepth).isEqualTo(16);

        // Reads queued behind 1 ms writes on a one-at-a-time device wait several ms: over 2 ms.
        Harness mixed = new Harness("none", limits(128, false, false), MS);
        for (int i = 0; i < 150; i++) {
            mixed.queue.submitBio(mixed.bio(Op.WRITE, i * 1000L, 8, Bio.SYNC));
            mixed.queue.submitBio(mixed.bio(Op.READ, 500_000 + i * 1000L, 8, 0));
        }
        mixed.sim.run();
        java.util.Map<String, Number> m = stats(mixed);
        assertThat(m.get("block.wbt.scale_step_max").intValue()).isPositive();
        assertThat(m.get("block.wbt.scale_downs").longValue()).isPositive();
    }

    /** As bfq: a scheduler that calls wbt_disable_default (a no-merge pass-through of none here). */
    private static final class WbtDisabling implements IoScheduler {
        private final NoneScheduler none = new NoneScheduler();

        @Override
        public String name() {
            return "test-bfq";
        }

        @Override
        public boolean isElevator() {
            return none.isElevator();
        }

        @Override
        public void init(BlockQueue queue) {
            none.init(queue);
        }

        @Override
        public boolean bioMerge(Bio bio) {
            return none.bioMerge(bio);
        }

        @Override
        public boolean insert(Request rq, boolean atHead) {
            return none.insert(rq, atHead);
        }

        @Override
        public boolean hasWork() {
            return none.hasWork();
        }

        @Override
        public Request dispatch() {
            return none.dispatch();
        }

        @Override
        public boolean disablesWbt() {
            return true;
        }
    }

    private static BlockQueue queue(QueueSettings settings) {
        io.stacksim.engine.Simulator sim = new io.stacksim.engine.Simulator();
        return new BlockQueue(sim, new io.stacksim.engine.RandomStreams(1), new Harness.TestDevice(limits(32, false, false), MS),
                (cpu, x) -> sim.schedule(sim.now(), x), settings, new WbtDisabling());
    }

    /** A scheduler that disables wbt (as bfq) turns off the default, not a latency the user set (ON_MANUAL). */
    @Test
    void aSchedulerCanDisableTheDefaultButNotAManualSetting() {
        assertThat(queue(QueueSettings.defaults()).wbt().enabled()).isFalse();
        assertThat(queue(new QueueSettings("none", 0, 0, 0, 128, true, 5000)).wbt().enabled()).isTrue();
    }
}
