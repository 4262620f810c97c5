package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.device.DeviceLimits;
import io.stacksim.os.BlkDiscard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Discards through the block layer against the kernel's rules (block/blk-lib.c
 * blk_alloc_discard_bio, block/blk-merge.c bio_split_discard and bio_attempt_discard_merge,
 * block/blk-core.c submit_bio_noacct) and against the ftrace blk capture of fio's trims on a
 * loop device (docs/discard.md).
 */
class DiscardTest {
    private static final long US = 1_000;

    /** loop's limits on Linux 6.18: discard_max_bytes 4294966784, discard_granularity 4096, max_discard_segments 1. */
    private static DeviceLimits loop() {
        return DeviceLimits.builder(1L << 30).queueDepth(128).maxHwSectors(2560).maxSegments(128)
                .discard(DeviceLimits.UINT_MAX >> 9, 4096, 1).build();
    }

    /** BLKDISCARD of [start, start + len) as blk_ioctl_discard issues it: chained bios under a plug, the last REQ_SYNC. */
    private static void ioctl(Harness h, long start, long len) {
        Plug plug = Plug.start(h.task);
        long sector = start >> 9;
        long nr = len >> 9;
        while (nr > 0) {
            long n = Math.min(nr, BlkDiscard.discardLimit(h.queue.limits(), sector));
            nr -= n;
            h.queue.submitBio(h.bio(Op.DISCARD, sector, (int) n, nr == 0 ? Bio.SYNC : 0));
            sector += n;
        }
        plug.flush(true); // the task sleeps in submit_bio_wait: sched_submit_work flushes the plug (UT)
        Plug.finish(h.task, plug);
        h.sim.run();
    }

    /**
     * fio rw=trim bs=1536 on loop0 (the capture): eight ioctls of 3 sectors; the two that cross a
     * 4 KiB granule (at sectors 6 and 15) become two bios, the first ending on the boundary, and
     * the second back-merges in the plug (Q D 6+2, Q DS 8+1, M DS 8+1, one request 6+3): 10 Qs,
     * 2 merges, 8 discards of 24 sectors in /proc/diskstats (fields 15-17: 8, 2, 24).
     */
    @Test
    void aDiscardCrossingAGranuleIsCutAtItAndMergesBackInThePlugAsOnLoop0() {
        Harness h = new Harness("none", loop(), 10 * US);
        for (int i = 0; i < 8; i++) {
            ioctl(h, i * 1536L, 1536);
        }
        assertThat(h.count("Q")).isEqualTo(10);
        assertThat(h.count("M")).isEqualTo(2);
        assertThat(h.device.seen).extracting(Harness.Seen::sector).containsExactly(0L, 3L, 6L, 9L, 12L, 15L, 18L, 21L);
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsOnly(3);
        assertThat(h.trace).containsSubsequence("Q D 6+2", "G D 6+2", "Q D 8+1", "M D 8+1", "I D 6+3", "D D 6+3");
        DiskStats ds = h.queue.diskStats();
        assertThat(ds.ios(DiskStats.DISCARD)).isEqualTo(8);
        assertThat(ds.merges(DiskStats.DISCARD)).isEqualTo(2);
        assertThat(ds.sectors(DiskStats.DISCARD)).isEqualTo(24);
        assertThat(ds.ios(DiskStats.WRITE)).isZero();
        assertThat(h.done).hasSize(10);
    }

    /** The capture's rw=trim bs=64k and bs=4m: one bio and one request per ioctl, below max_discard_sectors. */
    @Test
    void alignedTrimsAreOneRequestEachAsOnLoop0() {
        Harness h = new Harness("none", loop(), 10 * US);
        for (int i = 0; i < 8; i++) {
            ioctl(h, i * (4L << 20), 4L << 20);
        }
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsOnly(8192);
        assertThat(h.device.seen).hasSize(8);
        assertThat(h.count("T")).isEqualTo(8);
        assertThat(h.queue.diskStats().merges(DiskStats.DISCARD)).isZero();
    }

    /**
     * bio_split_discard: max_discard_sectors 8192 with 4 KiB granules; a 20000-sector discard at
     * sector 4 is cut at 8192 - (4 + 8192) % 8 = 8188 so the next piece starts on a granule, then
     * at 8192, then the rest: three requests, two X events.
     */
    @Test
    void aDiscardOverMaxDiscardSectorsIsSplitOnGranuleBoundaries() {
        DeviceLimits lim = DeviceLimits.builder(1L << 30).queueDepth(32).maxHwSectors(2560).discard(8192, 4096, 1).build();
        Harness h = new Harness("none", lim, 10 * US);
        h.queue.submitBio(h.bio(Op.DISCARD, 4, 20000, Bio.SYNC));
        h.sim.run();
        assertThat(h.device.seen).extracting(Harness.Seen::sector).containsExactly(4L, 8192L, 16384L);
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsExactly(8188, 8192, 3620);
        assertThat(h.count("X")).isEqualTo(2);
        assertThat(h.done).hasSize(1); // the parent ends once, after its pieces
    }

    /**
     * max_discard_segments 256 (NVMe): discards that are not contiguous join one request as its
     * ranges (blk_discard_mergable), up to max_discard_segments, with no blktrace event for the
     * merge; /proc/diskstats counts each as a discard merge.
     */
    @Test
    void nonContiguousDiscardsJoinOneRequestUpToMaxDiscardSegments() {
        DeviceLimits lim = DeviceLimits.builder(1L << 30).queueDepth(32).maxHwSectors(2560)
                .discard(DeviceLimits.UINT_MAX, 512, 4).build();
        Harness h = new Harness("none", lim, 10 * US);
        Plug plug = Plug.start(h.task);
        for (int i = 0; i < 6; i++) {
            h.queue.submitBio(h.bio(Op.DISCARD, i * 1000L, 8, 0));
        }
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.device.seen).extracting(Harness.Seen::bios).containsExactly(4, 2);
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsExactly(32, 16);
        assertThat(h.count("M")).isZero();
        assertThat(h.queue.diskStats().merges(DiskStats.DISCARD)).isEqualTo(4);
        assertThat(h.queue.diskStats().ios(DiskStats.DISCARD)).isEqualTo(2);
    }

    /** A request's ranges, as a driver puts them in its command: one per bio, contiguous ones joined. */
    @Test
    void aMultiRangeDiscardListsItsRangesInBioOrder() {
        DeviceLimits lim = DeviceLimits.builder(1L << 30).queueDepth(32).maxHwSectors(2560)
                .discard(DeviceLimits.UINT_MAX, 512, 256).build();
        List<long[]> ranges = new ArrayList<>();
        Harness h = new Harness("none", lim, 10 * US);
        Plug plug = Plug.start(h.task);
        h.queue.submitBio(h.bio(Op.DISCARD, 100, 8, 0));
        h.queue.submitBio(h.bio(Op.DISCARD, 500, 16, 0));
        h.queue.submitBio(h.bio(Op.DISCARD, 516, 8, 0));
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.device.seen).hasSize(1);
        assertThat(h.device.seen.get(0).bios()).isEqualTo(3);
        Request rq = new Request(h.bio(Op.DISCARD, 100, 8, 0), 0, 0);
        rq.appendBio(h.bio(Op.DISCARD, 500, 16, 0));
        rq.appendBio(h.bio(Op.DISCARD, 516, 8, 0));
        rq.forEachRange((s, n) -> ranges.add(new long[] {s, n}));
        assertThat(ranges).containsExactly(new long[] {100, 8}, new long[] {500, 24});
    }

    /**
     * blk-wbt tracks discards in their own wait queue with the background limit (get_limit:
     * wb_background = (RWB_DEF_DEPTH 16 + 3) / 4 = 4 at scale step 0): of 20 discards submitted
     * at once, never more than 4 are in flight; all complete.
     */
    @Test
    void blkWbtHoldsDiscardsToItsBackgroundLimit() {
        DeviceLimits lim = DeviceLimits.builder(1L << 30).queueDepth(32).maxHwSectors(2560)
                .discard(DeviceLimits.UINT_MAX, 512, 1).build();
        Harness h = new Harness("none", lim, 100 * US, "block.wbt_lat_usec=2000");
        for (int i = 0; i < 20; i++) {
            h.queue.submitBio(h.bio(Op.DISCARD, i * 1000L, 8, 0));
        }
        h.sim.run();
        int inFlight = 0;
        int max = 0;
        for (String e : h.trace) {
            if (e.startsWith("D ")) {
                max = Math.max(max, ++inFlight);
            } else if (e.startsWith("C ")) {
                inFlight--;
            }
        }
        assertThat(max).isEqualTo(4);
        assertThat(h.done).hasSize(20);
    }

    /** submit_bio_noacct: a discard to a queue without max_discard_sectors ends at once with EOPNOTSUPP, never queued. */
    @Test
    void aDiscardToADeviceWithoutDiscardFailsWithEopnotsupp() {
        Harness h = new Harness("mq-deadline", Harness.limits(32, 2560, 128), 10 * US);
        h.queue.submitBio(h.bio(Op.DISCARD, 0, 8, Bio.SYNC));
        h.sim.run();
        assertThat(h.done).hasSize(1);
        assertThat(h.done.get(0).error).isEqualTo(-95);
        assertThat(h.device.seen).isEmpty();
        assertThat(h.count("Q")).isZero();
    }

    /**
     * op_is_write: mq-deadline keeps discards in the write sort list. Its first dispatch goes on
     * in last_dir (DD_WRITE at start) from latest_pos 0 in sector order, so a write at 500 and
     * then the discard at 1000 go in that batch before the read at 0 (a read-direction discard
     * would have gone with the read).
     */
    @Test
    void mqDeadlineSchedulesDiscardsInTheWriteDirection() {
        Harness h = new Harness("mq-deadline", loop(), 100 * US, "block.wbt_lat_usec=0");
        Plug plug = Plug.start(h.task);
        h.queue.submitBio(h.bio(Op.READ, 0, 8, 0));
        h.queue.submitBio(h.bio(Op.DISCARD, 1000, 8, 0));
        h.queue.submitBio(h.bio(Op.WRITE, 500, 8, Bio.SYNC));
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.device.seen).extracting(Harness.Seen::op).containsExactly(Op.WRITE, Op.DISCARD, Op.READ);
        assertThat(h.queue.diskStats().ios(DiskStats.DISCARD)).isEqualTo(1);
        assertThat(h.queue.diskStats().ios(DiskStats.WRITE)).isEqualTo(1);
    }
}
