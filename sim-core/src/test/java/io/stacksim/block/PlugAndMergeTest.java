package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Plugging and merging against the rules of block/blk-mq.c and block/blk-merge.c. */
class PlugAndMergeTest {
    private static final long MS = 1_000_000;

    /**
     * The loop0 capture: 512 sequential 4 KiB writes under one plug on a device of 128 segments
     * (max_sectors 1280 KiB) give four 1024-sector requests: a bio that no longer fits (128
     * pages) starts a new request, whose addition flushes the plug because its first request is
     * over 128 KiB. 508 bios merge; the plug shows P and U four times, each U releasing one.
     */
    @Test
    void sequentialWritesUnderAPlugBecomeRequestsOfMaxSegmentsPages() {
        for (String sched : List.of("mq-deadline", "none")) {
            Harness h = new Harness(sched, Harness.limits(128, 2560, 128), MS);
            Plug plug = Plug.start(h.task);
            for (int i = 0; i < 512; i++) {
                h.submit(Op.WRITE, i * 8L, 8);
            }
            Plug.finish(h.task, plug);
            h.sim.run();
            assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsExactly(1024, 1024, 1024, 1024);
            assertThat(h.dispatchedSectors()).containsExactly(0L, 1024L, 2048L, 3072L);
            assertThat(h.queue.diskStats().merges(DiskStats.WRITE)).isEqualTo(508);
            assertThat(h.queue.diskStats().ios(DiskStats.WRITE)).isEqualTo(4);
            assertThat(h.count("P")).isEqualTo(4);
            assertThat(h.trace.stream().filter(s -> s.startsWith("U")).toList()).containsOnly("U  1");
            assertThat(h.count("U")).isEqualTo(4);
            assertThat(h.done).hasSize(512);
        }
    }

    /** With enough segments the limit is max_sectors_kb: 256 KiB requests = 512 sectors. */
    @Test
    void sequentialWritesUnderAPlugBecomeRequestsOfMaxSectorsKb() {
        Harness h = new Harness("mq-deadline", Harness.limits(32, 8192, 1024), MS, "block.max_sectors_kb=256");
        Plug plug = Plug.start(h.task);
        for (int i = 0; i < 256; i++) {
            h.submit(Op.WRITE, i * 8L, 8);
        }
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsOnly(512);
        assertThat(h.device.seen).hasSize(4);
        assertThat(h.queue.diskStats().merges(DiskStats.WRITE)).isEqualTo(256 - 4);
    }

    /** BLK_MAX_REQUEST_COUNT: adding a 33rd request flushes the 32 plugged ones. */
    @Test
    void aPlugHoldsAtMost32Requests() {
        // blk-wbt off: it would hold these 40 REQ_SYNC buffered writes at max_depth (16).
        Harness h = new Harness("mq-deadline", Harness.limits(128, 2560, 128), MS, "block.wbt_lat_usec=0");
        Plug plug = Plug.start(h.task);
        for (int i = 0; i < 40; i++) {
            h.submit(Op.WRITE, i * 100L, 8); // not contiguous: one request each, all small
        }
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.trace.stream().filter(s -> s.startsWith("U")).toList()).containsExactly("U  32", "U  8");
    }

    /** A plugged task that sleeps flushes its plug from the scheduler path (blkparse UT). */
    @Test
    void pluggedRequestsWaitUntilUnplugAndAnIdleQueueGetsThemAtOnceWithoutAPlug() {
        Harness h = new Harness("mq-deadline", Harness.limits(128, 2560, 128), MS);
        Plug plug = Plug.start(h.task);
        h.submit(Op.READ, 0, 8);
        assertThat(h.device.seen).isEmpty();
        plug.flush(true);
        assertThat(h.device.seen).hasSize(1);
        assertThat(h.trace).contains("T  1");
        Plug.finish(h.task, plug);
        h.submit(Op.READ, 800, 8); // __submit_bio's own plug: P, U 1, I, D at once
        assertThat(h.device.seen).hasSize(2);
    }

    /**
     * front_merges: with a busy device, a bio ending where a queued request (not last_merge)
     * starts front-merges only when front_merges is 1 (dd_request_merge).
     */
    @Test
    void frontMergeOnlyWhenFrontMergesIsOn() {
        for (int front : new int[] {1, 0}) {
            Harness h = new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS,
                    "block.iosched.front_merges=" + front, "block.nr_requests=32");
            h.submit(Op.READ, 0, 8);      // occupies the device
            h.submit(Op.READ, 1000, 8);   // queued, becomes last_merge
            h.submit(Op.READ, 5000, 8);   // queued
            h.submit(Op.READ, 4992, 8);   // ends at 5000
            h.sim.run();
            long merges = h.queue.diskStats().merges(DiskStats.READ);
            if (front == 1) {
                assertThat(merges).isEqualTo(1);
                assertThat(h.trace).contains("F R 4992+8");
                assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsExactly(8, 8, 16);
            } else {
                assertThat(merges).isZero();
                assertThat(h.device.seen).hasSize(4);
            }
        }
    }

    /** elv_merge tries the one-hit last_merge before anything, front or back, whatever front_merges says. */
    @Test
    void theLastMergeHitFrontMergesEvenWithFrontMergesOff() {
        Harness h = new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS, "block.iosched.front_merges=0",
                "block.nr_requests=32");
        h.submit(Op.READ, 0, 8);
        h.submit(Op.READ, 5000, 8);   // last_merge
        h.submit(Op.READ, 4992, 8);
        h.sim.run();
        assertThat(h.queue.diskStats().merges(DiskStats.READ)).isEqualTo(1);
    }

    /** A bio that fills the gap between two queued requests merges with one, and the two then merge (attempt_back_merge). */
    @Test
    void aBioBridgingTwoRequestsMergesAllThree() {
        Harness h = new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS, "block.nr_requests=32");
        h.submit(Op.WRITE, 100_000, 8); // occupies the device
        h.submit(Op.WRITE, 0, 8);
        h.submit(Op.WRITE, 16, 8);
        h.submit(Op.WRITE, 8, 8);
        h.sim.run();
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsExactly(8, 24);
        assertThat(h.queue.diskStats().merges(DiskStats.WRITE)).isEqualTo(2); // one bio merge, one request merge
        assertThat(h.queue.diskStats().ios(DiskStats.WRITE)).isEqualTo(2);
        assertThat(h.done).hasSize(4);
    }

    /**
     * A front merge into last_merge that closes the gap to the request sorted before it merges
     * the two (attempt_front_merge with rb_prev of the request's old place in the tree).
     */
    @Test
    void aFrontMergeThatBridgesMergesWithTheFormerRequest() {
        Harness h = new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS, "block.nr_requests=32");
        h.submit(Op.WRITE, 100_000, 8); // occupies the device
        h.submit(Op.WRITE, 16, 8);      // last_merge
        h.submit(Op.WRITE, 0, 8);
        h.submit(Op.WRITE, 8, 8);       // front-merges into last_merge [16,24); [0,8) then absorbs it
        h.submit(Op.WRITE, 200_000, 8);
        h.sim.run();
        assertThat(h.trace).contains("F W 8+8");
        // The batch goes on upwards from 100000 first (200000), then restarts at the oldest.
        assertThat(h.device.seen).extracting(Harness.Seen::sectors).containsExactly(8, 8, 24);
        assertThat(h.queue.diskStats().merges(DiskStats.WRITE)).isEqualTo(2);
        assertThat(h.done).hasSize(5);
    }

    /**
     * Reads and writes, different priorities, FUA and preflush bios never merge (on a device
     * with a write cache; without one the flags are stripped and the request may merge).
     */
    @Test
    void differentDirectionsPrioritiesAndFlushFlagsNeverMerge() {
        Harness h = new Harness("mq-deadline", io.stacksim.device.DeviceLimits.builder(1L << 30)
                .queueDepth(1).maxHwSectors(2560).volatileWriteCache(true).build(), MS, "block.nr_requests=32");
        h.submit(Op.WRITE, 100_000, 8);
        h.submit(Op.WRITE, 0, 8);
        h.queue.submitBio(h.bio(Op.READ, 8, 8, 0));
        h.queue.submitBio(h.bio(Op.WRITE, 8, 8, Bio.SYNC, IoPriority.RT));
        h.queue.submitBio(h.bio(Op.WRITE, 8, 8, Bio.SYNC | Bio.FUA));
        h.queue.submitBio(h.bio(Op.WRITE, 8, 8, Bio.SYNC | Bio.PREFLUSH));
        h.sim.run();
        assertThat(h.queue.diskStats().merges(DiskStats.READ) + h.queue.diskStats().merges(DiskStats.WRITE)).isZero();
        assertThat(h.done).hasSize(6);
    }

    /** nomerges=2 disables every merge, plug merges included (blk_queue_nomerges). */
    @Test
    void nomerges2MergesNothing() {
        Harness h = new Harness("mq-deadline", Harness.limits(128, 2560, 128), MS, "block.nomerges=2");
        Plug plug = Plug.start(h.task);
        for (int i = 0; i < 16; i++) {
            h.submit(Op.WRITE, i * 8L, 8);
        }
        Plug.finish(h.task, plug);
        h.sim.run();
        assertThat(h.device.seen).hasSize(16);
        assertThat(h.queue.diskStats().merges(DiskStats.WRITE)).isZero();
    }

    /** nomerges=1 keeps only the one-hit cache: a back merge into an older queued request is not found. */
    @Test
    void nomerges1TriesOnlyTheLastMerge() {
        Harness h = new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS, "block.nomerges=1",
                "block.nr_requests=32");
        h.submit(Op.READ, 100_000, 8);
        h.submit(Op.READ, 0, 8);      // last_merge
        h.submit(Op.READ, 1000, 8);
        h.submit(Op.READ, 1008, 8);   // would back-merge into 1000 via the hash
        h.submit(Op.READ, 8, 8);      // back-merges into last_merge
        h.sim.run();
        assertThat(h.queue.diskStats().merges(DiskStats.READ)).isEqualTo(1);
    }

    /** none: requests go to the device in arrival order; only the plug merges. */
    @Test
    void noneDispatchesInArrivalOrder() {
        Harness h = new Harness("none", Harness.limits(4, 2560, 128), MS);
        long[] sectors = {9000, 100, 5000, 300, 7000, 200, 8000, 400, 50, 6000};
        for (long s : sectors) {
            h.submit(Op.READ, s, 8);
        }
        h.sim.run();
        assertThat(h.dispatchedSectors()).containsExactly(9000L, 100L, 5000L, 300L, 7000L, 200L, 8000L, 400L, 50L, 6000L);
        // 4 driver tags: the other 6 bios waited for a request, and the waits were measured.
        assertThat(h.queue.diskStats().ios(DiskStats.READ)).isEqualTo(10);
    }

    /** A submitter that finds nr_requests used up waits; requests are then granted in arrival order. */
    @Test
    void aFullQueueMakesSubmittersWaitInOrder() {
        Harness h = new Harness("mq-deadline", Harness.limits(1, 2560, 128), MS, "block.nr_requests=2");
        for (int i = 0; i < 5; i++) {
            h.queue.submitBio(new Bio(i * 1000L, 8, Op.READ, 0, IoPriority.NONE, new Submitter(200 + i, "t", 0),
                    h.done::add));
        }
        assertThat(h.queue.requestsAllocated()).isEqualTo(2);
        h.sim.run();
        assertThat(h.dispatchedSectors()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
        assertThat(h.done).hasSize(5);
    }
}
