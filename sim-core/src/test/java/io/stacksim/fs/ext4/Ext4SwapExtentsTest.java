package io.stacksim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stacksim.fs.Errno;
import io.stacksim.fs.SimFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EXT4_IOC_MOVE_EXT's extent swap against fs/ext4/extents.c ext4_swap_extents (mark_unwritten=1,
 * as move_extent_per_page calls it) and the real kernel: fio's e4defrag engine (Linux 6.18,
 * mkfs.ext4 on a 1 GiB loop device) swapping every block of a fallocated 100 MiB file with a
 * fallocated donor, 32 KiB at a time, leaves the file as one unwritten extent (filefrag: "0..25599,
 * 1 extent found, last,unwritten,eof") - the page-by-page swaps merge again.
 */
class Ext4SwapExtentsTest {
    private static final long GIB = 1L << 30;
    private static final int BS = 4096;

    private static SimFile file(Ext4 fs, String name) {
        SimFile f = fs.create(name, ino -> SimFile.created((int) ino, name, null));
        fs.opened(f, true);
        return f;
    }

    @Test
    void swappingAFallocatedFileWithItsDonorBlockByBlockLeavesOneUnwrittenExtentAtTheDonorsBlocks() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile orig = file(fs, "file1");
        SimFile donor = file(fs, "file.def");
        long blocks = 25600;
        assertEquals(0, fs.fallocate(orig, 0, 0, blocks * BS));
        assertEquals(0, fs.fallocate(donor, 0, 0, blocks * BS));
        List<long[]> o0 = fs.extents(orig);
        List<long[]> d0 = fs.extents(donor);
        for (long b = 0; b < blocks; b++) {
            assertEquals(1, fs.swapExtents(orig, donor, b, b, 1, false));
        }
        List<long[]> o1 = fs.extents(orig);
        List<long[]> d1 = fs.extents(donor);
        // the file now maps the donor's old blocks and the donor the file's, as many extents as before
        assertEquals(d0.size(), o1.size());
        assertEquals(o0.size(), d1.size());
        assertEquals(d0.get(0)[1], o1.get(0)[1]);
        assertEquals(o0.get(0)[1], d1.get(0)[1]);
        for (long[] e : o1) {
            assertEquals(1, e[3], "unwritten");
        }
    }

    @Test
    void theOriginalKeepsItsWrittenStateAndTheDonorsSwappedBlocksBecomeUnwritten() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile orig = file(fs, "a");
        SimFile donor = file(fs, "b");
        // orig written (written back), donor fallocated (unwritten)
        orig.extendTo(8L * BS);
        fs.mapForWriteback(orig, 0, 8L * BS);
        fs.writebackDone(orig, 0, 8L * BS);
        assertEquals(0, fs.fallocate(donor, 0, 0, 8L * BS));
        long op = fs.extents(orig).get(0)[1];
        long dp = fs.extents(donor).get(0)[1];
        assertEquals(2, fs.swapExtents(orig, donor, 2, 2, 2, true));
        // orig: written [0,2) at op, written [2,4) at dp+2 (its own state kept), written [4,8) at op+4
        List<long[]> o = fs.extents(orig);
        assertEquals(3, o.size());
        assertEquals(List.of(2L, dp + 2, 2L, 0L), List.of(o.get(1)[0], o.get(1)[1], o.get(1)[2], o.get(1)[3]));
        // donor: unwritten everywhere, [2,4) at op+2 (mark_unwritten)
        for (long[] e : fs.extents(donor)) {
            assertEquals(1, e[3]);
        }
        assertEquals(op + 2, fs.extents(donor).get(1)[1]);
    }

    @Test
    void aHoleInEitherFileIsSkippedAndNothingIsSwappedThere() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile orig = file(fs, "a");
        SimFile donor = file(fs, "b");
        assertEquals(0, fs.fallocate(orig, 0, 0, 4L * BS));
        assertEquals(0, fs.fallocate(donor, 0, 2L * BS, 2L * BS)); // donor blocks 2-3 only
        // ext4_swap_extents: orig block 0 is mapped, donor's is a hole; orig has no extent after
        // the one holding block 0 (next1 == EXT_MAX_BLOCKS), so it finishes: nothing swapped
        assertEquals(0, fs.swapExtents(orig, donor, 0, 0, 4, false));
        assertEquals(2, fs.swapExtents(orig, donor, 2, 2, 2, false));
    }

    @Test
    void coverageAndTheExtentWalkFollowFindExtent() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile f = file(fs, "a");
        assertEquals(-Errno.ENODATA, fs.coveredUnwritten(f, 0, 1));
        assertEquals(null, fs.extentNear(f, 0));
        assertEquals(0, fs.fallocate(f, Ext4.FALLOC_FL_KEEP_SIZE, 4L * BS, 4L * BS));
        assertEquals(1, fs.coveredUnwritten(f, 5, 1));
        // before the first extent find_extent gives the first one; after the last, the last one
        assertEquals(4, fs.extentNear(f, 0)[0]);
        assertEquals(4, fs.extentNear(f, 100)[0]);
        assertEquals(Ext4.EXT_MAX_BLOCKS, fs.nextAllocated(f, 100));
    }
}
