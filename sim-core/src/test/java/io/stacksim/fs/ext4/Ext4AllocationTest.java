package io.stacksim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stacksim.fs.FileStat;
import io.stacksim.fs.MetadataJournal;
import io.stacksim.fs.SimFile;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Where ext4 puts blocks, checked against the real kernel: the traces and filefrag output of
 * docs/measurements/ext4 (Linux 6.18, a fresh 1 GiB mkfs.ext4 on loop0, fs block = sector / 8).
 */
class Ext4AllocationTest {
    private static final long GIB = 1L << 30;
    private static final int BS = 4096;

    private static SimFile file(Ext4 fs, String name) {
        return fs.create(name, ino -> SimFile.created((int) ino, name, null));
    }

    /** Buffered writes of [0, bytes), then writeback of it all as fsync does (one run). */
    private static long[] writeAndSync(Ext4 fs, SimFile f, long bytes) {
        f.extendTo(bytes);
        return fs.mapForWriteback(f, 0, bytes);
    }

    @Test
    void aFreshGigabyteHasMkfsGroupsJournalAndFreeCounts() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        Ext4Layout l = fs.layout();
        // dumpe2fs of mkfs.ext4 (e2fsprogs 1.47) on a 1 GiB image.
        assertEquals(262144, l.blocks());
        assertEquals(8, l.groups());
        assertEquals(8192, l.inodesPerGroup());
        assertEquals(512, l.inodeTableBlocks());
        assertEquals(127, l.reservedGdtBlocks());
        assertEquals(131072, l.journalStart());
        assertEquals(8192, l.journalBlocks());
        assertEquals(129, l.blockBitmap(0));
        assertEquals(136, l.blockBitmap(7));
        assertEquals(137, l.inodeBitmap(0));
        assertEquals(145, l.inodeTable(0));
        assertEquals(3729, l.inodeTable(7));
        // 28521 free in group 0 after root, lost+found and the resize inode; 32639 where a
        // superblock copy is; 24576 beside the journal: total as dumpe2fs's "Free blocks".
        assertEquals(249189, fs.freeBlocks());
    }

    @Test
    void layoutOfFiveGigabytesPacksSixteenGroupsPerFlexAndPutsTheJournalInGroup17() {
        Ext4Layout l = new Ext4Layout(5 * GIB, BS);
        assertEquals(639, l.reservedGdtBlocks());
        assertEquals(641, l.blockBitmap(0));
        assertEquals(657, l.inodeBitmap(0));
        assertEquals(673, l.inodeTable(0));
        assertEquals(524288, l.blockBitmap(16));
        assertEquals(524304, l.inodeBitmap(16));
        assertEquals(524320, l.inodeTable(16));
        assertEquals(1048584, l.inodeBitmap(32));
        assertEquals(557056, l.journalStart());
        assertEquals(16384, l.journalBlocks());
    }

    @Test
    void a256MegabyteFileWrittenBackIsTwoFilefragExtentsAroundGroup3sSuperblockCopy() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile f = file(fs, "seq.dat");
        fs.opened(f, true);
        long[] pieces = writeAndSync(fs, f, 256L << 20);
        // seq-256m trace: data at fs blocks 34816-98303 and 100352-102399; 8 MiB per mapping.
        List<long[]> ex = fs.extents(f);
        assertEquals(34816, ex.get(0)[1]);
        long last = ex.get(ex.size() - 1)[1] + ex.get(ex.size() - 1)[2];
        assertEquals(102400, last);
        assertEquals(100352, ex.get(ex.size() - 1)[1]);
        FileStat st = fs.stat(f);
        assertEquals(2, st.filefrag(), "filefrag on the real file: 2 extents found");
        assertEquals(3, st.extents(), "32768 + 30720 + 2048 blocks: an initialised extent holds at most 32768");
        assertEquals(32, pieces.length);
        for (long p : pieces) {
            assertEquals(8L << 20, p);
        }
    }

    @Test
    void twoFilesWrittenBackOneAfterTheOtherAreOneAndTwoExtents() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile a = file(fs, "seq-2jobs.0.0");
        SimFile b = file(fs, "seq-2jobs.1.0");
        fs.opened(a, true);
        fs.opened(b, true);
        a.extendTo(128L << 20);
        b.extendTo(128L << 20);
        fs.mapForWriteback(a, 0, 128L << 20);
        fs.mapForWriteback(b, 0, 128L << 20);
        // The trace: file 0 at 34816-67583, file 1 at 67584-98303 and 100352-102399.
        assertEquals(34816, fs.extents(a).get(0)[1]);
        assertEquals(67584, fs.extents(b).get(0)[1]);
        assertEquals(1, fs.stat(a).filefrag());
        assertEquals(2, fs.stat(b).filefrag());
    }

    @Test
    void smallFilesShareTheLocalityGroupPreallocationFromBlock33280() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        List<Long> placed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SimFile f = file(fs, "small-files.0." + i);
            fs.opened(f, true);
            writeAndSync(fs, f, 4096);
            placed.add(fs.extents(f).get(0)[1]);
        }
        // small-files trace: the first file's block at 33280 (the first 512-block buddy of group 1), the next ones after it.
        for (int i = 0; i < placed.size(); i++) {
            assertEquals(33280 + i, placed.get(i));
        }
    }

    @Test
    void aFallocatedFileGoesWhereTheStreamGoalIsGroupZerosFirstFreeBlock() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile f = file(fs, "append.dat");
        fs.opened(f, true);
        assertEquals(0, fs.fallocate(f, 0, 0, 800 * 1024));
        List<long[]> ex = fs.extents(f);
        // append-fsync trace: the data at 4247 (after root 4241, lost+found 4242-4245, resize 4246).
        assertEquals(1, ex.size());
        assertEquals(4247, ex.get(0)[1]);
        assertEquals(200, ex.get(0)[2]);
        assertEquals(1, ex.get(0)[3], "fallocate makes an unwritten extent");
        // Writing it converts the extent in place: still one extent, now written.
        fs.mapForWriteback(f, 0, 800 * 1024);
        assertEquals(1, fs.extents(f).size());
        assertEquals(0, fs.extents(f).get(0)[3]);
    }

    @Test
    void aSmallFilesCreateAndFirstWritebackDirtyTheSixBlocksTheCommitLogs() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        List<Set<Long>> handles = new ArrayList<>();
        fs.setJournal(() -> new MetadataJournal.Handle() {
            final Set<Long> blocks = new LinkedHashSet<>();

            @Override
            public void dirtyMetadata(long fsBlock) {
                blocks.add(fsBlock);
            }

            @Override
            public void addOrderedData(SimFile f, long start, long end) {
            }

            @Override
            public void revoke(long fsBlock) {
            }

            @Override
            public void updateInodeFsyncTrans(SimFile f, boolean datasync) {
            }

            @Override
            public void stop() {
                handles.add(blocks);
            }
        });
        // Many files first, so the new file's inode is not in the root directory's table block.
        for (int i = 0; i < 40; i++) {
            file(fs, "f" + i);
        }
        handles.clear();
        SimFile f = file(fs, "small");
        fs.opened(f, true);
        writeAndSync(fs, f, 4096);
        Set<Long> all = new LinkedHashSet<>();
        handles.forEach(all::addAll);
        Ext4Layout l = fs.layout();
        long ino = fs.stat(f).ino();
        assertTrue(all.contains(l.inodeBlock(ino)), "the new inode's table block");
        assertTrue(all.contains(l.inodeBlock(Ext4Layout.ROOT_INO)), "the directory's inode (mtime)");
        assertTrue(all.contains(l.inodeBitmap(0)), "the inode bitmap");
        assertTrue(all.contains(l.blockBitmap(1)), "the block bitmap of the data's group");
        assertTrue(all.contains(l.groupDescriptorBlock(0)), "the group descriptors");
        assertTrue(all.contains(4241L), "the root directory's block");
        // The real commit logs descriptor + 6 blocks for such a file (small-files trace, 56 sectors).
        assertEquals(6, all.size(), all::toString);
    }

    @Test
    void truncateAndUnlinkGiveTheBlocksBack() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        long free = fs.freeBlocks();
        SimFile f = file(fs, "t");
        fs.opened(f, true);
        writeAndSync(fs, f, 10L << 20);
        fs.closed(f, true);
        assertEquals(free - 2560, fs.freeBlocks());
        assertEquals(0, fs.truncate(f, 1L << 20));
        assertEquals(free - 256, fs.freeBlocks());
        assertEquals(0, fs.fallocate(f, Ext4.FALLOC_FL_PUNCH_HOLE | Ext4.FALLOC_FL_KEEP_SIZE, 4096, 8192));
        assertEquals(free - 254, fs.freeBlocks());
        assertEquals(2, fs.stat(f).extents(), "a hole punched inside one extent splits it");
        assertEquals(0, fs.unlink("t"));
        assertEquals(free, fs.freeBlocks());
    }

    @Test
    void anExtentTreeOverflowsTheInodeIntoALeafBlock() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        SimFile f = file(fs, "sparse");
        fs.opened(f, true);
        // Every other block: each write its own extent.
        for (int i = 0; i < 4; i++) {
            assertEquals(0, fs.fallocate(f, 0, (2L * i) << 12, 4096));
        }
        assertEquals(0, fs.treeDepth(f));
        assertEquals(0, fs.fallocate(f, 0, 8L << 12, 4096));
        assertEquals(1, fs.treeDepth(f), "a fifth extent moves the four into a leaf block");
        assertEquals(5 * 8 + 8, fs.stat(f).blocks(), "five data blocks and the leaf, in 512-byte units");
    }
}
