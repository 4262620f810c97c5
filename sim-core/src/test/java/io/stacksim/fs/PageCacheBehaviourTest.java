package io.stacksim.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import io.stacksim.testing.KernelHarness;
import io.stacksim.testing.RecordingDevice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page cache checked against the kernel's own rules (mm/readahead.c, mm/page-writeback.c, ...). */
class PageCacheBehaviourTest {
    private static final long MIB = 1 << 20;

    private static KernelHarness machine(long deviceLatencyNs, boolean writeCache, String... vm) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < vm.length; i += 2) {
            m.put(vm[i], vm[i + 1]);
        }
        return new KernelHarness(2, deviceLatencyNs, writeCache, m);
    }

    /** Sequential preads of {@code bs} from {@code pos} to {@code end}, then {@code done}. */
    private static void readSeq(Kernel k, Task t, OpenFile f, long pos, long end, long bs, Runnable done) {
        if (pos >= end) {
            done.run();
            return;
        }
        k.pread(t, f, pos, bs, 0, (r, waited) -> readSeq(k, t, f, pos + bs, end, bs, done));
    }

    /**
     * 4 KiB reads, read_ahead_kb 128: get_init_ra_size(1 page, 32) = 4 pages; then each async
     * window grows (get_next_ra_size) and reads folios two orders larger, its end trimmed to
     * the folio alignment (page_cache_async_ra), so the windows run 4, 8, 4, 8, 8, 16, 16, 32
     * pages: the Q sizes this machine's 6.18 kernel issued for dd bs=4k of an ext4 file on a
     * loop device, 32 64 32 64 64 128 128 256 256 ... sectors.
     */
    @Test
    void coldSequentialReadFollowsTheReadaheadRampUpToReadAheadKb() {
        KernelHarness h = machine(100_000, false);
        SimFile file = h.fs.create("big", 64 * MIB);
        h.spawn("reader", t -> readSeq(h.kernel, t, new OpenFile(file, 0), 0, 64 * MIB, 4096, t::exit));
        h.run();
        List<RecordingDevice.Seen> reads = h.device.of(Op.READ);
        assertThat(reads.subList(0, 9)).extracting(RecordingDevice.Seen::sectors)
                .containsExactly(32, 64, 32, 64, 64, 128, 128, 256, 256);
        assertThat(reads.subList(9, reads.size() - 1)).allSatisfy(s -> assertThat(s.sectors()).isEqualTo(256));
        assertThat(reads.stream().mapToLong(RecordingDevice.Seen::sectors).sum()).isEqualTo(64 * MIB / 512);
        assertThat(reads).allSatisfy(s -> assertThat(s.flags() & Bio.RAHEAD).isNotZero());
    }

    /** The same order-0 ramp without large folios (vm.large_folios false): 4, 8, 16, 32 pages. */
    @Test
    void withoutLargeFoliosTheWindowsAreNotTrimmedToFolioAlignment() {
        KernelHarness h = machine(100_000, false, "large_folios", "false");
        SimFile file = h.fs.create("big", 64 * MIB);
        h.spawn("reader", t -> readSeq(h.kernel, t, new OpenFile(file, 0), 0, 64 * MIB, 4096, t::exit));
        h.run();
        List<RecordingDevice.Seen> reads = h.device.of(Op.READ);
        assertThat(reads.subList(0, 4)).extracting(RecordingDevice.Seen::sectors).containsExactly(32, 64, 128, 256);
    }

    @Test
    void multiPageSequentialReadsSeeTheReadaheadMarkAndRampTheWindowToo() {
        // 16 KiB reads: get_init_ra_size(4 pages, 32) = 8 with the mark on page 4; the read of
        // pages 4-7 stops its batch at the marked page (filemap_get_read_batch), triggering
        // page_cache_async_ra. Traced (dd bs=16k, ext4 on loop, 6.18): 64 128 192 128 256 ... sectors.
        KernelHarness h = machine(100_000, false);
        SimFile file = h.fs.create("big", 64 * MIB);
        h.spawn("reader", t -> readSeq(h.kernel, t, new OpenFile(file, 0), 0, 64 * MIB, 16384, t::exit));
        h.run();
        List<RecordingDevice.Seen> reads = h.device.of(Op.READ);
        assertThat(reads.subList(0, 5)).extracting(RecordingDevice.Seen::sectors).containsExactly(64, 128, 192, 128, 256);
        assertThat(reads.subList(5, reads.size() - 1)).allSatisfy(s -> assertThat(s.sectors()).isEqualTo(256));
    }

    @Test
    void secondReadOfACachedFileIssuesNoDeviceIo() {
        KernelHarness h = machine(100_000, false);
        SimFile file = h.fs.create("f", 16 * MIB);
        int[] afterFirst = {0};
        h.spawn("reader", t -> readSeq(h.kernel, t, new OpenFile(file, 0), 0, 16 * MIB, 65536, () -> {
            afterFirst[0] = h.device.seen.size();
            readSeq(h.kernel, t, new OpenFile(file, 0), 0, 16 * MIB, 65536, t::exit);
        }));
        h.run();
        assertThat(afterFirst[0]).isPositive();
        assertThat(h.device.seen).hasSize(afterFirst[0]);
    }

    /**
     * POSIX_FADV_DONTNEED (mm/fadvise.c: invalidate_mapping_pages over the range) drops an ext4
     * file's clean pages as a raw file's, so reading them again goes to the device: fio's
     * loop_cache_invalidate relies on it when a time-based job goes round its file again.
     */
    @Test
    void fadviseDontneedDropsTheCleanPagesOfAnExt4FileSoTheyAreReadAgain() {
        KernelHarness h = machine(100_000, false);
        assertThat(h.fs.ext4()).isNotNull();
        SimFile file = h.fs.create("f", MIB);
        OpenFile f = new OpenFile(file, 0);
        long[] cached = new long[2];
        h.spawn("reader", t -> readSeq(h.kernel, t, f, 0, MIB, 65536, () -> {
            cached[0] = h.kernel.pageCache().cachedPages(file);
            h.kernel.fadvise(t, f, 0, 0, Kernel.Advice.DONTNEED, r -> {
                cached[1] = h.kernel.pageCache().cachedPages(file);
                readSeq(h.kernel, t, f, 0, MIB, 65536, t::exit);
            });
        }));
        h.run();
        assertThat(cached[0]).isEqualTo(MIB / 4096);
        assertThat(cached[1]).isZero();
        assertThat(h.device.of(Op.READ).stream().mapToLong(RecordingDevice.Seen::sectors).sum()).isEqualTo(2 * MIB / 512);
    }

    @Test
    void randomReadsOverTwiceTheCacheHitAboutHalfTheTime() {
        KernelHarness h = machine(50_000, false, "page_cache", "16m");
        SimFile file = h.fs.create("ws", 32 * MIB);
        OpenFile f = new OpenFile(file, 0);
        RandomStream rnd = new RandomStreams(3).stream("offsets");
        long pages = 32 * MIB / 4096;
        int total = 60_000;
        PageCache cache = h.kernel.pageCache().cache();
        h.spawn("random", t -> randomReads(h, t, f, rnd, pages, total, cache));
        h.run();
        double hitRatio = (double) cache.hits / (cache.hits + cache.misses);
        // Uniform random access over twice the cache: any replacement keeps half the pages.
        assertThat(hitRatio).isBetween(0.47, 0.53);
    }

    private static void randomReads(KernelHarness h, Task t, OpenFile f, RandomStream rnd, long pages, int left,
                                    PageCache cache) {
        if (left == 0) {
            t.exit();
            return;
        }
        if (left == 30_000) {
            cache.resetStats(); // measure once the cache is full
        }
        long page = rnd.nextLong(pages);
        h.kernel.pread(t, f, page * 4096, 4096, 0, (r, waited) -> randomReads(h, t, f, rnd, pages, left - 1, cache));
    }

    @Test
    void writesBelowTheBackgroundThresholdReachTheDeviceOnlyAfterDirtyExpire() {
        KernelHarness h = machine(100_000, false, "page_cache", "1g");
        SimFile file = h.fs.create("log", 8 * MIB);
        OpenFile f = new OpenFile(file, 0);
        h.spawn("writer", t -> h.kernel.pwrite(t, f, 0, 8 * MIB, 0, (r, waited) -> {
            // Stay alive (asleep) for 40 s so the run covers the expiry.
            t.sleep();
            h.sim.after(40_000_000_000L, () -> t.wake(t::exit));
        }));
        h.run();
        List<RecordingDevice.Seen> data = h.dataWrites(file);
        assertThat(data).isNotEmpty();
        // dirty_expire_centisecs = 3000: the flusher (every 5 s) writes the inode once it is 30 s old.
        assertThat(data.get(0).time()).isBetween(30_000_000_000L, 30_100_000_000L);
        assertThat(data.stream().mapToLong(RecordingDevice.Seen::sectors).sum()).isEqualTo(8 * MIB / 512);
        assertThat(h.kernel.pageCache().cache().nrDirty()).isZero();
        // ext4: the write's mtime change (file_update_time -> ext4_dirty_inode) logs the inode's
        // table block in a transaction that commits on its timer (commit=5 s, jbd2_get_transaction):
        // descriptor + block in one request, then the commit block (no write cache: no flush). The
        // data was not allocated in that transaction (an overwrite), so it does not go with it.
        List<RecordingDevice.Seen> journal = h.journalWrites();
        assertThat(journal).extracting(RecordingDevice.Seen::sectors).containsExactly(16, 8);
        assertThat(journal).allSatisfy(s -> assertThat(s.time()).isBetween(5_000_000_000L, 5_100_000_000L));
        // The rest is the inode table block written home, once its buffer has aged 30 s too.
        assertThat(h.device.of(Op.WRITE).size()).isEqualTo(data.size() + journal.size() + 1);
        assertThat(h.device.of(Op.WRITE)).filteredOn(s -> !data.contains(s) && !journal.contains(s))
                .allSatisfy(s -> assertThat(s.time()).isGreaterThanOrEqualTo(35_000_000_000L));
    }

    @Test
    void aWriterDirtyingFasterThanTheDeviceDrainsIsThrottledNearTheDirtyLimit() {
        // 64 MiB cache: dirty_ratio 20% = 3276 pages, background 10% = 1638 pages.
        KernelHarness h = machine(2_000_000, false, "page_cache", "64m");
        SimFile file = h.fs.create("flood", 256 * MIB);
        OpenFile f = new OpenFile(file, 0);
        PageCache cache = h.kernel.pageCache().cache();
        long[] maxDirty = {0};
        h.sim.schedule(0, new io.stacksim.engine.Event() {
            @Override
            public void fire() {
                maxDirty[0] = Math.max(maxDirty[0], cache.nrDirty() + cache.nrWriteback());
                if (h.sim.pending() > 0) {
                    h.sim.after(1_000_000, this);
                }
            }
        });
        h.spawn("writer", t -> writeSeq(h, t, f, 0, 256 * MIB));
        h.run();
        Writeback wb = h.kernel.pageCache().writeback();
        assertThat(wb.throttleEvents).isPositive();
        assertThat(maxDirty[0]).isLessThanOrEqualTo(cache.dirtyThresh() + Writeback.RATELIMIT_PAGES * 2);
        assertThat(maxDirty[0]).isGreaterThan((cache.dirtyThresh() + cache.backgroundThresh()) / 2);
    }

    private static void writeSeq(KernelHarness h, Task t, OpenFile f, long pos, long end) {
        if (pos >= end) {
            t.exit();
            return;
        }
        h.kernel.pwrite(t, f, pos, 65536, 0, (r, waited) -> writeSeq(h, t, f, pos + 65536, end));
    }

    @Test
    void misalignedDirectIoFailsWithEinval() {
        KernelHarness h = machine(100_000, false);
        SimFile file = h.fs.create("d", MIB);
        OpenFile f = new OpenFile(file, OpenFile.O_DIRECT);
        long[] results = new long[3];
        h.spawn("dio", t -> h.kernel.pread(t, f, 100, 4096, 0, (r0, b0) -> {
            results[0] = r0;
            h.kernel.pread(t, f, 0, 1000, 0, (r1, b1) -> {
                results[1] = r1;
                h.kernel.pread(t, f, 512, 512, 0, (r2, b2) -> {
                    results[2] = r2;
                    t.exit();
                });
            });
        }));
        h.run();
        assertThat(results[0]).isEqualTo(-Errno.EINVAL);
        assertThat(results[1]).isEqualTo(-Errno.EINVAL);
        assertThat(results[2]).isEqualTo(512); // 512-byte logical blocks are enough
    }

    @Test
    void aSequentialMmapScanTakesAtMostOneMajorFaultPerReadaheadWindow() {
        KernelHarness h = machine(100_000, false);
        SimFile file = h.fs.create("m", 8 * MIB);
        OpenFile f = new OpenFile(file, 0);
        h.spawn("scan", t -> h.kernel.mmap(t, f, 0, 8 * MIB, true, false, m -> scan(h, t, m, 0, 8 * MIB)));
        h.run();
        Task t = h.cpus.tasks().stream().filter(x -> x.comm().equals("scan")).findFirst().orElseThrow();
        long pages = 8 * MIB / 4096;
        long windows = pages / 32;
        assertThat(t.counters().majorFaults).isBetween(1L, windows);
        // Fault-around maps 16 pages per fault, so far fewer faults than pages.
        assertThat(t.counters().minorFaults + t.counters().majorFaults).isLessThan(pages / 4);
    }

    private static void scan(KernelHarness h, Task t, Mapping m, long pos, long end) {
        if (pos >= end) {
            t.exit();
            return;
        }
        h.kernel.touch(t, m, pos, 4096, false, waited -> t.compute(500, false, () -> scan(h, t, m, pos + 4096, end)));
    }

    @Test
    void fsyncReturnsOnlyAfterItsWritesAndTheCacheFlushCompleted() {
        KernelHarness h = machine(300_000, true);
        SimFile file = h.fs.create("db", 4 * MIB);
        OpenFile f = new OpenFile(file, 0);
        long[] returned = {0};
        Task job = h.spawn("db", t -> h.kernel.pwrite(t, f, 0, MIB, 0, (w, waited) -> h.kernel.fsync(t, f, r -> {
            returned[0] = h.sim.now();
            t.exit();
        })));
        h.runUntilExit(job);
        List<RecordingDevice.Seen> seen = h.device.seen;
        RecordingDevice.Seen flush = seen.get(seen.size() - 1);
        assertThat(flush.op()).isEqualTo(Op.FLUSH);
        assertThat(seen.subList(0, seen.size() - 1)).allSatisfy(s -> {
            assertThat(s.time() + 300_000).isLessThanOrEqualTo(flush.time()); // all done before the last flush
            if (s.op() == Op.WRITE) {
                assertThat(s.flags() & Bio.SYNC).isNotZero();
            }
        });
        assertThat(returned[0]).isGreaterThanOrEqualTo(flush.time() + 300_000);
        assertThat(h.dataWrites(file).stream().mapToLong(RecordingDevice.Seen::sectors).sum()).isEqualTo(MIB / 512);
        // ext4_sync_file: the write changed mtime, so the fsync commits the inode's transaction;
        // its commit block (PREFLUSH|FUA) on a write-back cache without FUA is flush, write, flush
        // (blk-flush.c), after the data and the descriptor with the inode block.
        assertThat(h.journalWrites()).extracting(RecordingDevice.Seen::sectors).containsExactly(16, 8);
        assertThat(h.device.of(Op.FLUSH)).hasSize(2);
        assertThat(h.dataWrites(file)).allSatisfy(s -> assertThat(s.time() + 300_000)
                .isLessThanOrEqualTo(h.device.of(Op.FLUSH).get(0).time()));
    }

    @Test
    void aDirectReadSeesDirtyCachedDataBecauseItIsWrittenBackFirst() {
        KernelHarness h = machine(100_000, false);
        SimFile file = h.fs.create("mixed", MIB);
        OpenFile buffered = new OpenFile(file, 0);
        OpenFile direct = new OpenFile(file, OpenFile.O_DIRECT);
        Task app = h.spawn("app", t -> h.kernel.pwrite(t, buffered, 0, 8192, 0,
                (w, wb) -> h.kernel.pread(t, direct, 0, 8192, 0, (r, waited) -> t.exit())));
        h.runUntilExit(app); // the journal's commit of the mtime change comes 5 s later
        List<RecordingDevice.Seen> seen = h.device.seen;
        assertThat(seen).extracting(RecordingDevice.Seen::op).containsExactly(Op.WRITE, Op.READ);
        assertThat(seen.get(1).time()).isGreaterThanOrEqualTo(seen.get(0).time() + 100_000);
    }

    @Test
    void underPressureTheCacheStaysWithinCapacityAndEveryDirtyPageIsWrittenOnce() {
        KernelHarness h = machine(20_000, false, "page_cache", "4m");
        SimFile file = h.fs.create("churn", 16 * MIB);
        OpenFile f = new OpenFile(file, 0);
        RandomStream rnd = new RandomStreams(9).stream("churn");
        PageCache cache = h.kernel.pageCache().cache();
        h.spawn("churn", t -> churn(h, t, f, rnd, 20_000, cache));
        h.run();
        PageCacheChecker c = cache.checker();
        assertThat(cache.pages()).isLessThanOrEqualTo(cache.capacity());
        assertThat(c.violations()).as(String.join("; ", c.messages())).isZero();
        c.finish(true);
        assertThat(c.violations()).as(String.join("; ", c.messages())).isZero();
        assertThat(c.periodsOpened).isPositive();
    }

    private static void churn(KernelHarness h, Task t, OpenFile f, RandomStream rnd, int left, PageCache cache) {
        if (left == 0) {
            h.kernel.syncAll(t, r -> t.exit());
            return;
        }
        assertThat(cache.pages()).isLessThanOrEqualTo(cache.capacity());
        long off = rnd.nextLong(16 * MIB / 4096) * 4096;
        Kernel.IoRet next = (r, waited) -> churn(h, t, f, rnd, left - 1, cache);
        if (rnd.nextInt(2) == 0) {
            h.kernel.pwrite(t, f, off, 4096, 0, next);
        } else {
            h.kernel.pread(t, f, off, 4096, 0, next);
        }
    }
}
