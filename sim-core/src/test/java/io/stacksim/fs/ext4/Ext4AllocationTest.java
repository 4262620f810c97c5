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

    /** Buffered writes of [0, bytes), then writeback of it all as fsync does (one run), its I/O completed. */
    private static long[] writeAndSync(Ext4 fs, SimFile f, long bytes) {
        f.extendTo(bytes);
        long[] pieces = fs.mapForWriteback(f, 0, bytes);
        fs.writebackDone(f, 0, bytes);
        return pieces;
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
        // Writeback of its first 4 KiB (dioread_nolock): the block becomes an unwritten extent
        // of its own until the I/O completes, then it is converted and the pieces stay apart.
        f.extendTo(4096);
        fs.mapForWriteback(f, 0, 4096);
        assertEquals(2, fs.extents(f).size(), "PRE_IO split: [0] and [1, 200), both unwritten");
        assertEquals(1, fs.extents(f).get(0)[3]);
        fs.writebackDone(f, 0, 4096);
        assertEquals(0, fs.extents(f).get(0)[3], "converted at the end of its I/O");
        assertEquals(1, fs.extents(f).get(1)[3]);
        // Writing the rest converts it all; the written pieces merge back into one extent.
        fs.mapForWriteback(f, 4096, 796 * 1024);
        fs.writebackDone(f, 4096, 796 * 1024);
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
        SimFile first = file(fs, "f0");
        for (int i = 1; i < 40; i++) {
            file(fs, "f" + i);
        }
        fs.opened(first, true); // the mount's first open wrote s_last_mounted (its own test below)
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

    /** A journal that records what each handle logged and revoked. */
    private static final class Recorder implements MetadataJournal {
        final List<Set<Long>> logged = new ArrayList<>();
        final List<Long> revoked = new ArrayList<>();

        @Override
        public Handle start() {
            Set<Long> blocks = new LinkedHashSet<>();
            return new Handle() {
                @Override
                public void dirtyMetadata(long fsBlock) {
                    blocks.add(fsBlock);
                }

                @Override
                public void revoke(long fsBlock) {
                    revoked.add(fsBlock);
                }

                @Override
                public void addOrderedData(SimFile f, long start, long end) {
                }

                @Override
                public void updateInodeFsyncTrans(SimFile f, boolean datasync) {
                }

                @Override
                public void stop() {
                    logged.add(blocks);
                }
            };
        }

        boolean loggedBlock(long b) {
            return logged.stream().anyMatch(s -> s.contains(b));
        }
    }

    /**
     * ext4_file_open -> ext4_sample_last_mounted: the first open after mount writes
     * s_last_mounted, logging block 0 (in the real journals: FS block 0 in the first commit of
     * every job that made its file in the run, in no later one), and only once a mount; a job
     * over files made before the run (in the same mount) does not log it.
     */
    @Test
    void theFirstOpenAfterMountLogsTheSuperblockOnce() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        Recorder j = new Recorder();
        fs.setJournal(j);
        SimFile a = file(fs, "a");
        assertTrue(!j.loggedBlock(0), "creating the file does not");
        fs.opened(a, true);
        assertTrue(j.loggedBlock(0), "the first open does");
        j.logged.clear();
        fs.opened(file(fs, "b"), true);
        fs.opened(a, false);
        assertTrue(!j.loggedBlock(0), "later opens do not");

        Ext4 laidOut = new Ext4(GIB, 0, BS);
        SimFile over = laidOut.createBeforeRun("over.dat", ino -> SimFile.created((int) ino, "over.dat", null));
        laidOut.layOut(over, 800 * 1024);
        Recorder k = new Recorder();
        laidOut.setJournal(k);
        laidOut.opened(over, true);
        assertTrue(!k.loggedBlock(0), "the layout's own open sampled the mount point before the run");
    }

    /**
     * The real seq-256m commit (debugfs logdump): "Revoke FS block 32897" and 8 metadata blocks.
     * Writeback of the fallocated file splits its unwritten extents per mapped chunk (PRE_IO),
     * so the tree outgrows the inode into a leaf at the inode's goal (group 1's first free
     * block, 32897); as the chunks' I/O completes they are converted and merge, and once the
     * leaf's extents fit in the inode again the leaf is freed and revoked
     * (ext4_ext_try_to_merge_up).
     */
    @Test
    void theLeafConversionGrewIsRevokedWhenTheTreeMergesBackIntoTheInode() {
        Ext4 fs = new Ext4(GIB, 0, BS);
        Recorder j = new Recorder();
        fs.setJournal(j);
        SimFile f = file(fs, "seq.dat");
        fs.opened(f, true);
        long size = 256L << 20;
        assertEquals(0, fs.fallocate(f, 0, 0, size));
        f.extendTo(size);
        long chunk = 8L << 20;
        for (long off = 0; off < size; off += chunk) {
            fs.mapForWriteback(f, off, chunk);
        }
        assertEquals(1, fs.treeDepth(f), "the chunks in flight are extents of their own: a leaf block");
        assertTrue(j.loggedBlock(32897), "the leaf at group 1's first free block");
        for (long off = 0; off < size; off += chunk) {
            fs.writebackDone(f, off, chunk);
        }
        assertEquals(0, fs.treeDepth(f));
        assertEquals(List.of(32897L), j.revoked);
        assertEquals(2, fs.stat(f).filefrag(), "as filefrag found on the real file");
    }
}
