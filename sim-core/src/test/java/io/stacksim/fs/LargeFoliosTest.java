package io.stacksim.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Op;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import io.stacksim.testing.KernelHarness;
import io.stacksim.testing.RecordingDevice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Large folios in the page cache (mm/readahead.c page_cache_ra_order, mm/filemap.c
 * __filemap_get_folio with fgf_set_order) and what they do to requests: one bio_vec per folio,
 * each up to max_segment_size a segment, so requests follow max_sectors rather than
 * max_segments x 4 KiB. The device here has a loop device's limits: max_sectors_kb 1280,
 * max_segments 128, max_segment_size 64 KiB.
 */
class LargeFoliosTest {
    private static final long MIB = 1 << 20;

    private static void readSeq(Kernel k, Task t, OpenFile f, long pos, long end, long bs, Runnable done) {
        if (pos >= end) {
            done.run();
            return;
        }
        k.pread(t, f, pos, bs, 0, (r, waited) -> readSeq(k, t, f, pos + bs, end, bs, done));
    }

    private static List<Integer> reads(boolean largeFolios, int readAheadKb) {
        KernelHarness h = new KernelHarness(2, 100_000, false, Map.of("large_folios", Boolean.toString(largeFolios)),
                readAheadKb);
        SimFile file = h.fs.create("big", 64 * MIB);
        h.spawn("dd", t -> readSeq(h.kernel, t, new OpenFile(file, 0), 0, 64 * MIB, 128 << 10, t::exit));
        h.run();
        return h.device.of(Op.READ).stream().map(RecordingDevice.Seen::sectors).toList();
    }

    /**
     * dd bs=128k from a loop device with read_ahead_kb 2560 on this machine's 6.18 kernel: the
     * windows (256 KiB, 512 KiB, 1 MiB, 2 MiB, 2.25 MiB, then 2.5 MiB) each go down as one bio
     * of folios and are split at max_sectors, so the requests ran 512 1024 2048 2560 1536 2560
     * 2048 and then 2560 sectors (1.25 MiB) each.
     */
    @Test
    void bufferedSequentialReadsIssueMaxSectorsRequestsAsTraced() {
        List<Integer> rq = reads(true, 2560);
        assertThat(rq.subList(0, 12)).containsExactly(512, 1024, 2048, 2560, 1536, 2560, 2048, 2560, 2560, 2560, 2560, 2560);
        long full = rq.stream().filter(s -> s == 2560).count();
        assertThat(full).isGreaterThanOrEqualTo(rq.size() - 8);
        assertThat(rq.stream().mapToLong(Integer::longValue).sum()).isEqualTo(64 * MIB / 512);
    }

    /** With order-0 pages each request is 128 segments of 4 KiB: 512 KiB, whatever max_sectors allows. */
    @Test
    void withOrderZeroPagesMaxSegmentsCapsRequestsAt512KiB() {
        List<Integer> rq = reads(false, 2560);
        assertThat(rq).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(1024));
        assertThat(rq.stream().filter(s -> s == 1024).count()).isGreaterThan(rq.size() / 2);
    }

    /** With the default read_ahead_kb (128) the window caps the requests: 128 KiB, as traced (dd bs=128k, loop, 6.18). */
    @Test
    void theDefaultReadaheadWindowKeepsRequestsAt128KiB() {
        List<Integer> rq = reads(true, 128);
        assertThat(rq).allSatisfy(s -> assertThat(s).isEqualTo(256));
    }

    private static List<RecordingDevice.Seen> writeThenFsync(long bs) {
        KernelHarness h = new KernelHarness(2, 100_000, false, Map.of(), 128);
        SimFile file = h.fs.create("log", 8 * MIB);
        OpenFile f = new OpenFile(file, 0);
        h.spawn("w", t -> writeSeq(h.kernel, t, f, 0, 8 * MIB, bs, () -> h.kernel.fsync(t, f, r -> t.exit())));
        h.run();
        // The data's requests; the fsync's journal commit (the mtime change) has its own.
        return h.dataWrites(file);
    }

    private static void writeSeq(Kernel k, Task t, OpenFile f, long pos, long end, long bs, Runnable done) {
        if (pos >= end) {
            done.run();
            return;
        }
        k.pwrite(t, f, pos, bs, 0, (r, waited) -> writeSeq(k, t, f, pos + bs, end, bs, done));
    }

    /**
     * 4 KiB buffered writes get order-0 folios (fgf_set_order(4096) = 0), so writeback's
     * requests stop at 128 segments: 2 MiB of them became four 1024-sector requests in a loop0
     * capture on this machine. 1 MiB writes get order-8 folios (16 segments of 64 KiB each),
     * and the requests reach max_sectors (2560).
     */
    @Test
    void writeFoliosFollowTheWriteSize() {
        assertThat(writeThenFsync(4096)).allSatisfy(s -> assertThat(s.sectors()).isEqualTo(1024));
        List<RecordingDevice.Seen> big = writeThenFsync(MIB);
        assertThat(big).extracting(RecordingDevice.Seen::sectors).contains(2560);
        assertThat(big.stream().mapToLong(RecordingDevice.Seen::sectors).sum()).isEqualTo(8 * MIB / 512);
    }
}
