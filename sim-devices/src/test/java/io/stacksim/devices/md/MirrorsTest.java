package io.stacksim.devices.md;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.devices.stacked.RecordingTarget;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RAID-1 and RAID-10 against drivers/md/raid1.c and raid10.c: writes to every copy, reads
 * balanced by read_balance (choose_best_rdev in raid1, the pending/distance rule of raid10),
 * and the near layout's copies as __raid10_find_phys places them.
 */
class MirrorsTest {
    private final Simulator sim = new Simulator();

    private List<BlockTarget> disks(int n, boolean rotational, long sectors) {
        List<BlockTarget> m = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            m.add(new RecordingTarget(sim, "d" + i, sectors, 1000, rotational));
        }
        return m;
    }

    private MdDevice md(String level, List<BlockTarget> m, String extra) {
        return (MdDevice) Md.build(sim, "md0", Raid0Test.yaml("level: " + level + "\ndevices: [x]\ndata_offset: 0\n" + extra), m);
    }

    private void read(MdDevice md, long sector) {
        md.submitBio(new Bio(sector, 8, Op.READ, 0, IoPriority.NONE, null, b -> { }));
    }

    private static int lastDisk(List<BlockTarget> m) {
        int best = -1;
        int n = -1;
        for (int i = 0; i < m.size(); i++) {
            int size = ((RecordingTarget) m.get(i)).bios.size();
            if (size > n) {
                n = size;
                best = i;
            }
        }
        return best;
    }

    private static int[] reads(List<BlockTarget> m) {
        return m.stream().mapToInt(t -> (int) ((RecordingTarget) t).count(Op.READ)).toArray();
    }

    @Test
    void raid1WritesEveryMirrorAndEndsWhenAllHave() {
        List<BlockTarget> m = disks(3, false, 1 << 20);
        MdDevice md = md("1", m, "");
        long[] end = {-1};
        md.submitBio(new Bio(4096, 64, Op.WRITE, Bio.SYNC, IoPriority.NONE, null, b -> end[0] = sim.now()));
        sim.run();
        for (BlockTarget t : m) {
            assertEquals(4096, ((RecordingTarget) t).bios.get(0).sector);
            assertEquals(64, ((RecordingTarget) t).bios.get(0).nrSectors);
        }
        assertEquals(1000, end[0]);
        assertEquals(1 << 20, md.capacitySectors());
    }

    @Test
    void raid1ReadsGoToTheNonRotationalMirrorWithFewestPending() {
        List<BlockTarget> m = disks(2, false, 1 << 20);
        MdDevice md = md("1", m, "");
        for (long s : new long[] {1000, 5000, 9000, 13000}) {
            read(md, s);
        }
        assertArrayEquals(new int[] {2, 2}, reads(m));
        // a read that continues one sequentially stays on that mirror though it is busier (is_sequential)
        read(md, 9008);
        assertArrayEquals(new int[] {3, 2}, reads(m));
    }

    @Test
    void raid1WithEveryRotationalMirrorBusyReadsTheClosestHead() {
        List<BlockTarget> m = disks(2, true, 1 << 20);
        MdDevice md = md("1", m, "");
        read(md, 1000);   // both idle: the first idle mirror
        read(md, 50000);  // mirror 1 is idle
        sim.run();        // heads at 1008 and 50008
        read(md, 1016);
        read(md, 49008);
        assertArrayEquals(new int[] {2, 2}, reads(m));
        read(md, 45000);  // both busy: mirror 1's head is 5008 away, mirror 0's 43992
        assertEquals(1, lastDisk(m));
        read(md, 3000);
        assertArrayEquals(new int[] {3, 3}, reads(m));
    }

    @Test
    void raid10NearCopiesFollowFindPhys() {
        Raid10 four = (Raid10) md("10", disks(4, false, 800), "chunk: 4k\n");
        assertArrayEquals(new Raid10.Copy[] {new Raid10.Copy(0, 3), new Raid10.Copy(1, 3)}, four.copies(3));
        assertArrayEquals(new Raid10.Copy[] {new Raid10.Copy(2, 0), new Raid10.Copy(3, 0)}, four.copies(8));
        assertArrayEquals(new Raid10.Copy[] {new Raid10.Copy(0, 8), new Raid10.Copy(1, 8)}, four.copies(16));
        assertEquals(100 * 4 / 2 * 8, four.capacitySectors());
        // Three devices: the second copy of chunk 1 wraps to device 0, one chunk further down.
        Raid10 three = (Raid10) md("10", disks(3, false, 800), "chunk: 4k\nlayout: n2\n");
        assertArrayEquals(new Raid10.Copy[] {new Raid10.Copy(2, 0), new Raid10.Copy(0, 8)}, three.copies(8));
        assertArrayEquals(new Raid10.Copy[] {new Raid10.Copy(1, 8 + 5), new Raid10.Copy(2, 8 + 5)}, three.copies(16 + 5));
        assertArrayEquals(new Raid10.Copy[] {new Raid10.Copy(0, 16), new Raid10.Copy(1, 16)}, three.copies(24));
        assertEquals(100 * 3 / 2 * 8, three.capacitySectors());
    }

    @Test
    void raid10ReadsTheLessBusyCopyAndWritesBoth() {
        List<BlockTarget> m = disks(4, false, 1 << 20);
        MdDevice md = md("10", m, "chunk: 64k\n");
        read(md, 0);
        read(md, 64);
        assertArrayEquals(new int[] {1, 1, 0, 0}, reads(m));
        md.submitBio(new Bio(128, 8, Op.WRITE, 0, IoPriority.NONE, null, b -> { })); // chunk 1: devices 2 and 3
        assertEquals(1, ((RecordingTarget) m.get(2)).count(Op.WRITE));
        assertEquals(1, ((RecordingTarget) m.get(3)).count(Op.WRITE));
        // A bio across a chunk boundary is cut there (raid10_make_request).
        md.submitBio(new Bio(120, 16, Op.WRITE, 0, IoPriority.NONE, null, b -> { }));
        assertEquals(8, ((RecordingTarget) m.get(0)).bios.get(1).nrSectors);
        assertEquals(8, ((RecordingTarget) m.get(2)).bios.get(1).nrSectors);
    }
}
