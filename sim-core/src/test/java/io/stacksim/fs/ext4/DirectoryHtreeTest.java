package io.stacksim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The directory hash and the htree's growth against e2fsprogs and this machine's 6.18 kernel:
 * debugfs's dx_hash (e2fsprogs 1.47.0, half_md4) for the hash, and for the splits the journal
 * of a real 1000-file small-files run (examples/ext4/small-files.fio on a fresh mkfs.ext4 whose
 * dumpe2fs gave Directory Hash Seed f1835520-c789-4404-8f46-0156efa6ab3d): the commits that
 * logged 9 metadata blocks instead of 6 - the root directory turned into an htree, then a leaf
 * split each - were those of files 159, 302, 309, 542, 584, 634, 690 and 859.
 */
class DirectoryHtreeTest {
    private static final String CAPTURE_SEED = "f1835520-c789-4404-8f46-0156efa6ab3d";

    @Test
    void theHashIsHalfMd4AsDebugfsComputesIt() {
        DirHash seeded = new DirHash(Ext4.hashSeed(CAPTURE_SEED));
        DirHash zero = new DirHash(new int[4]);
        // debugfs -R 'dx_hash -h half_md4 [-s SEED] NAME'
        assertEquals(0x4ac46c7e, seeded.hash("small-files.0.0"));
        assertEquals(0xcab0a19c, zero.hash("small-files.0.0"));
        assertEquals(0xd28f360e, seeded.hash("lost+found"));
        assertEquals(0x591de422, zero.hash("lost+found"));
        assertEquals(0xe139dad2, seeded.hash("a-name-longer-than-thirty-two-bytes-for-two-rounds"), "two 32-byte pieces");
        assertEquals(0x7b6a2e02, zero.hash("a-name-longer-than-thirty-two-bytes-for-two-rounds"));
        assertEquals(0x92365bb6, seeded.hash("caf\u00e9"), "bytes above 127 packed as signed chars");
        assertEquals(0x8a870234, new DirHash(Ext4.hashSeed("5ee4f88a-3ccd-45e6-a8a4-bca5e3540d4a")).hash("small-files.0.5"));
    }

    @Test
    void theRootDirectoryGrowsIntoAnHtreeAndSplitsWhereTheRealKernelDid() {
        Directory d = new Directory(4096, new DirHash(Ext4.hashSeed(CAPTURE_SEED)));
        d.init(1);
        d.add("lost+found", 11);
        List<Integer> grew = new ArrayList<>();
        List<int[]> dirtied = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int before = d.blocks();
            int[] b = d.add("small-files.0." + i, 12 + i);
            if (d.blocks() != before) {
                grew.add(i + 1);
                dirtied.add(b);
                assertEquals(before + 1 + (before == 1 ? 1 : 0), d.blocks(), "one new leaf a split, two for make_indexed_dir");
            }
        }
        assertEquals(List.of(159, 302, 309, 542, 584, 634, 690, 859), grew);
        // make_indexed_dir: the root block (now dx_root) and the two leaves it made.
        int[] first = dirtied.get(0).clone();
        java.util.Arrays.sort(first);
        assertArrayEquals(new int[] {0, 1, 2}, first);
        // A leaf split: the split leaf, the new one and the index in the root: 3 blocks, 2 more than an insert.
        for (int[] b : dirtied.subList(1, dirtied.size())) {
            assertEquals(3, b.length);
            assertEquals(0, java.util.Arrays.stream(b).min().getAsInt());
        }
        assertEquals(1000, java.util.stream.IntStream.range(0, 1000).filter(i -> d.lookup("small-files.0." + i) == 12 + i).count());
    }

    @Test
    void aLinearDirectoryOfSeveralBlocksStaysLinear() {
        Directory d = new Directory(4096, new DirHash(new int[4]));
        d.init(4); // mkfs's lost+found
        for (int i = 0; i < 700; i++) {
            d.add("entry-" + i, 100 + i);
        }
        // 4084 usable bytes a block, 16 bytes an entry ("entry-N" up to 9 bytes): 4 blocks hold
        // about 1020, so nothing was appended, and no block became an index.
        assertEquals(4, d.blocks());
        assertEquals(false, d.indexed());
    }

    @Test
    void aRemovedEntrysRoomIsTakenByTheNextInsertIntoItsBlock() {
        Directory d = new Directory(4096, new DirHash(new int[4]));
        d.init(1);
        int n = 0;
        while (d.blocks() == 1 && n < 10_000) {
            d.add("f" + n, 20 + n);
            n++;
            if (d.indexed()) {
                break;
            }
        }
        // The block filled at n entries; removing one frees room for a same-size name without a split.
        Directory e = new Directory(4096, new DirHash(new int[4]));
        e.init(1);
        for (int i = 0; i < n - 1; i++) {
            e.add("f" + i, 20 + i);
        }
        assertEquals(1, e.blocks());
        assertEquals(0, e.remove("f3"));
        e.add("g3", 99);
        assertEquals(1, e.blocks(), "the freed room holds the new entry");
        assertEquals(99, e.lookup("g3"));
        assertEquals(-1, e.lookup("f3"));
    }
}
