package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * blk-throttle against block/blk-throttle.c (Linux 6.18) at CONFIG_HZ = 250: a slice is 25
 * jiffies (100 ms), a jiffy 4 ms. The expected times are worked out here from the kernel's
 * formulas (tg_within_bps_limit, tg_within_iops_limit, throtl_trim_slice), not read back from
 * the model.
 */
class BlkThrottleTest {
    private static final long US = 1_000;
    private static final long MS = 1_000_000;
    private static final long JIFFY = 4 * MS;
    private static final long MIB = 1 << 20;

    /** A task in a cgroup. */
    private static final class CgroupTask implements IoOwner {
        private final Blkcg blkcg;
        private Plug plug;

        CgroupTask(String path) {
            this.blkcg = new Blkcg(path, 100);
        }

        @Override
        public int pid() {
            return 200;
        }

        @Override
        public String comm() {
            return "fio";
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
        public void setPlug(Plug plug) {
            this.plug = plug;
        }

        @Override
        public Blkcg blkcg() {
            return blkcg;
        }
    }

    private static Harness harness() {
        // 64 tags, 10 us a request: far faster than any limit here.
        return new Harness("none", Harness.limits(64, 2560, 128), 10 * US);
    }

    private static Bio bio(Harness h, IoOwner who, Op op, long sector, int sectors) {
        return new Bio(sector, sectors, op, 0, IoPriority.NONE, who, h.done::add);
    }

    /** Times the device received each request, in ms. */
    private static List<Double> seenMs(Harness h) {
        return h.device.seen.stream().map(s -> s.time() / (double) MS).toList();
    }

    /**
     * tg_within_bps_limit: a slice that has just started counts whole, so at t = 0 a 10 MiB/s
     * group may send 10 MiB x 25 / 250 = 1 MiB: sixteen 64 KiB writes. The seventeenth exceeds
     * it by 64 KiB, whose time is 65536 x 250 / 10 MiB = 1.56, i.e. 1 jiffy (integer division),
     * plus the rounding of the elapsed time up to the slice (25 - 0): 26 jiffies = 104 ms. Then
     * two slices' allowance, 2 MiB, takes the other three as well.
     */
    @Test
    void writeBandwidthLimitReleasesTheFirstSliceAtOnceAndTheRestAfterTheExcessTime() {
        Harness h = harness();
        h.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, 10 * MIB, IoMax.MAX, IoMax.MAX));
        CgroupTask t = new CgroupTask("/thr");
        for (int i = 0; i < 20; i++) {
            h.queue.submitBio(bio(h, t, Op.WRITE, i * 256L, 128));
        }
        h.sim.run();
        List<Double> at = seenMs(h);
        assertThat(at).hasSize(20);
        assertThat(at.subList(0, 16)).allMatch(ms -> ms < 1);
        assertThat(at.subList(16, 20)).allMatch(ms -> ms == 26 * JIFFY / (double) MS);
    }

    /**
     * tg_within_iops_limit: at t = 0 the elapsed time rounded up from 0 + 1 is one slice, so 500
     * riops allows 500 x 25 / 250 = 50 reads; the 51st waits to the next slice boundary, 25
     * jiffies (at least HZ / 500 + 1 = 1), and then up to 100 have been allowed.
     */
    @Test
    void readIopsLimitAllowsFiftyPerSliceAndReleasesTheRestAtTheSliceBoundary() {
        Harness h = harness();
        h.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, IoMax.MAX, 500, IoMax.MAX));
        CgroupTask t = new CgroupTask("/thr");
        for (int i = 0; i < 120; i++) {
            h.queue.submitBio(bio(h, t, Op.READ, i * 1000L, 8));
        }
        h.sim.run();
        List<Double> at = seenMs(h);
        assertThat(at.stream().filter(ms -> ms < 10).count()).isEqualTo(50);
        assertThat(at.stream().filter(ms -> ms == 100.0).count()).isEqualTo(50);
        assertThat(at.stream().filter(ms -> ms == 200.0).count()).isEqualTo(20);
    }

    /**
     * Over many slices a closed loop of 8 writers in flight gets the limit: what it completed in
     * 10 s is within 1 % of 10 MiB/s x 10 s (throtl_trim_slice keeps the last slice untrimmed so
     * the late timer wakeups do not lose allowance).
     */
    @Test
    void closedLoopWriterAchievesTheByteLimitOverTenSeconds() {
        Harness h = harness();
        h.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, 10 * MIB, IoMax.MAX, IoMax.MAX));
        CgroupTask t = new CgroupTask("/thr");
        long[] next = {0};
        long[] doneBytes = {0};
        BioEndIo[] again = new BioEndIo[1];
        again[0] = b -> {
            if (h.sim.now() <= 10_000 * MS) {
                doneBytes[0] += b.bytes();
                long s = next[0]++ * 128 % (1L << 21);
                h.queue.submitBio(new Bio(s, 128, Op.WRITE, 0, IoPriority.NONE, t, again[0]));
            }
        };
        for (int i = 0; i < 8; i++) {
            h.queue.submitBio(new Bio(next[0]++ * 128, 128, Op.WRITE, 0, IoPriority.NONE, t, again[0]));
        }
        h.sim.runUntil(10_000 * MS);
        double rate = doneBytes[0] / 10.0;
        assertThat(rate).isBetween(0.99 * 10 * MIB, 1.01 * 10 * MIB);
    }

    /**
     * tg_update_slice: a group idle past its slice starts a new one when its next bio comes, so
     * a second of idleness banks nothing: after 1 MiB at t = 0 and 1 s of nothing, again only
     * 1 MiB goes at once.
     */
    @Test
    void idleGroupBanksNoAllowance() {
        Harness h = harness();
        h.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, 10 * MIB, IoMax.MAX, IoMax.MAX));
        CgroupTask t = new CgroupTask("/thr");
        for (int i = 0; i < 16; i++) {
            h.queue.submitBio(bio(h, t, Op.WRITE, i * 256L, 128));
        }
        h.sim.runUntil(1000 * MS);
        h.sim.schedule(1000 * MS, () -> {
            for (int i = 0; i < 40; i++) {
                h.queue.submitBio(bio(h, t, Op.WRITE, 8192 + i * 256L, 128));
            }
        });
        h.sim.run();
        List<Double> at = seenMs(h);
        assertThat(at.stream().filter(ms -> ms >= 1000 && ms < 1001).count()).isEqualTo(16);
    }

    /**
     * A 1 MiB write split at max_sectors 256 KiB is four I/Os to the iops limit (the remainder
     * comes back through submit_bio_noacct, BIO_BPS_THROTTLED) and 1 MiB once to the bps limit.
     * With 100 wiops, ten I/Os fit the first slice: two whole bios and two pieces of the third.
     */
    @Test
    void splitPiecesCountAgainstTheIopsLimitEach() {
        Harness h = new Harness("none", Harness.limits(64, 512, 128), 10 * US);
        h.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, IoMax.MAX, IoMax.MAX, 100));
        CgroupTask t = new CgroupTask("/thr");
        for (int i = 0; i < 5; i++) {
            h.queue.submitBio(bio(h, t, Op.WRITE, i * 4096L, 2048));
        }
        h.sim.run();
        List<Double> at = seenMs(h);
        assertThat(at).hasSize(20);
        assertThat(at.stream().filter(ms -> ms < 1).count()).isEqualTo(10);
        Harness bytes = new Harness("none", Harness.limits(64, 512, 128), 10 * US);
        bytes.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, 10 * MIB, IoMax.MAX, IoMax.MAX));
        // 10 MiB/s allows exactly 1 MiB in the first slice: the bio fits, and its pieces are not
        // charged its bytes again, so all four go at once.
        bytes.queue.submitBio(bio(bytes, t, Op.WRITE, 0, 2048));
        bytes.sim.run();
        assertThat(seenMs(bytes)).hasSize(4);
    }

    /**
     * cgroup v2 hierarchy: a parent's limit bounds its children together; the root cgroup has
     * no io.max and its bios pass.
     */
    @Test
    void parentLimitBoundsItsChildrenAndTheRootIsNotThrottled() {
        Harness h = harness();
        h.queue.setThrottleLimits("/a", new IoMax(IoMax.MAX, IoMax.MAX, 250, IoMax.MAX));
        CgroupTask b = new CgroupTask("/a/b");
        CgroupTask c = new CgroupTask("/a/c");
        IoOwner root = h.task;
        for (int i = 0; i < 30; i++) {
            // 8 sectors apart: the bios released together under one plug do not merge
            h.queue.submitBio(bio(h, b, Op.READ, i * 16L, 8));
            h.queue.submitBio(bio(h, c, Op.READ, 100_000 + i * 16L, 8));
            h.queue.submitBio(bio(h, root, Op.READ, 200_000 + i * 16L, 8));
        }
        h.sim.run();
        List<Double> at = seenMs(h);
        // 250 riops: 25 in the first slice for /a's two children together, plus the root's 30.
        assertThat(at.stream().filter(ms -> ms < 10).count()).isEqualTo(25 + 30);
        assertThat(at).hasSize(90);
    }

    /**
     * A wait past the timer wheel's first level (63 jiffies and more) ends at the next 8-jiffy
     * bucket boundary (calc_wheel_index). At 1 MiB/s, after 4 KiB, a 408 KiB write exceeds the
     * first slice's 104857 bytes by 317031, (317031 x 250) / 1048576 = 75 jiffies, + 25 for the
     * slice: 100 jiffies, in level 1, so the timer runs at ((100 >> 3) + 1) << 3 = 104 and the
     * bio fits then (125 jiffies' allowance, 524288 bytes).
     */
    @Test
    void longWaitsRunAtTheTimerWheelsCoarserBuckets() {
        assertThat(BlkThrottle.timerWheelExpiry(62, 0)).isEqualTo(62);
        assertThat(BlkThrottle.timerWheelExpiry(63, 0)).isEqualTo(64);
        assertThat(BlkThrottle.timerWheelExpiry(200, 0)).isEqualTo(208);
        assertThat(BlkThrottle.timerWheelExpiry(264, 64)).isEqualTo(272);
        Harness h = harness();
        h.queue.setThrottleLimits("/thr", new IoMax(IoMax.MAX, MIB, IoMax.MAX, IoMax.MAX));
        CgroupTask t = new CgroupTask("/thr");
        h.queue.submitBio(bio(h, t, Op.WRITE, 0, 8));
        h.queue.submitBio(bio(h, t, Op.WRITE, 1024, 816));
        h.sim.run();
        assertThat(seenMs(h)).containsExactly(0.0, 104 * JIFFY / (double) MS);
    }

    /** io.max exists only below the root (CFTYPE_NOT_ON_ROOT). */
    @Test
    void rootCgroupTakesNoLimit() {
        Harness h = harness();
        assertThatThrownBy(() -> h.queue.setThrottleLimits("/", new IoMax(1, 1, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
