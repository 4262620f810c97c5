package io.stacksim.devices.md;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Submitter;
import io.stacksim.devices.stacked.RecordingTarget;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RAID-5/6 against drivers/md/raid5.c: raid5_compute_sector's placement of data, P and Q for
 * the default left-symmetric layout (mdadm's diagram: D0 D1 D2 P / D4 D5 P D3 / D8 P D6 D7 /
 * P D9 D10 D11), and handle_stripe_dirtying's choice between read-modify-write and
 * reconstruct-write, counted in member reads and writes.
 */
class Raid5Test {
    private final Simulator sim = new Simulator();
    private List<BlockTarget> m;

    private Raid5 raid(String level, int disks, String extra) {
        m = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            m.add(new RecordingTarget(sim, "d" + i, 1 << 20, 1000));
        }
        return (Raid5) Md.build(sim, "md0", Raid0Test.yaml("level: " + level + "\ndevices: [x]\ndata_offset: 0\n" + extra), m);
    }

    private int[] counts(Op op) {
        return m.stream().mapToInt(t -> (int) ((RecordingTarget) t).count(op)).toArray();
    }

    private void write(Raid5 r, long sector, int n, IoOwner owner) {
        r.submitBio(new Bio(sector, n, Op.WRITE, 0, IoPriority.NONE, owner, b -> { }));
    }

    @Test
    void leftSymmetricRaid5RotatesParityAndContinuesDataAfterIt() {
        Raid5 r = raid("5", 4, "chunk: 4k\n");
        int[][] expected = {{0, 1, 2}, {3, 0, 1}, {2, 3, 0}, {1, 2, 3}, {0, 1, 2}};
        int[] parity = {3, 2, 1, 0, 3};
        for (int stripe = 0; stripe < 5; stripe++) {
            for (int k = 0; k < 3; k++) {
                Raid5.Location l = r.compute((stripe * 3L + k) * 8);
                assertEquals(expected[stripe][k], l.dd(), "stripe " + stripe + " chunk " + k);
                assertEquals(parity[stripe], l.pd());
                assertEquals(stripe * 8L, l.memberSector());
                assertEquals(-1, l.qd());
            }
        }
        assertEquals(new Raid5.Location(1, 8 + 3, 2, -1), r.compute(5 * 8 + 3)); // D5, 3 sectors in
        assertEquals(3L * ((1 << 20) - (1 << 20) % 8), r.capacitySectors());
    }

    @Test
    void leftSymmetricRaid6PutsQAfterPAndDataAfterQ() {
        Raid5 r = raid("6", 5, "chunk: 4k\n");
        int[][] data = {{1, 2, 3}, {0, 1, 2}, {4, 0, 1}, {3, 4, 0}, {2, 3, 4}};
        int[] p = {4, 3, 2, 1, 0};
        for (int stripe = 0; stripe < 5; stripe++) {
            for (int k = 0; k < 3; k++) {
                Raid5.Location l = r.compute((stripe * 3L + k) * 8);
                assertEquals(data[stripe][k], l.dd(), "stripe " + stripe + " chunk " + k);
                assertEquals(p[stripe], l.pd());
                assertEquals((p[stripe] + 1) % 5, l.qd());
            }
        }
    }

    @Test
    void aSmallWriteOnFiveDisksIsReadModifyWriteTwoReadsTwoWrites() {
        Raid5 r = raid("5", 5, "chunk: 64k\n");
        write(r, 0, 8, null); // chunk 0: data on disk 0, parity of stripe 0 on disk 4
        sim.run();
        assertArrayEquals(new int[] {1, 0, 0, 0, 1}, counts(Op.READ));
        assertArrayEquals(new int[] {1, 0, 0, 0, 1}, counts(Op.WRITE));
        // The page and the parity stay cached: writing it again needs no read.
        write(r, 0, 8, null);
        sim.run();
        assertArrayEquals(new int[] {1, 0, 0, 0, 1}, counts(Op.READ));
        assertArrayEquals(new int[] {2, 0, 0, 0, 2}, counts(Op.WRITE));
    }

    @Test
    void aTieGoesToReconstructWriteUnlessRmwIsPreferred() {
        Raid5 r = raid("5", 4, "chunk: 64k\n"); // rmw 2 (data, P) = rcw 2 (the other two data pages)
        write(r, 0, 8, null);
        sim.run();
        assertArrayEquals(new int[] {0, 1, 1, 0}, counts(Op.READ));
        assertArrayEquals(new int[] {1, 0, 0, 1}, counts(Op.WRITE));
        Raid5 p = raid("5", 4, "chunk: 64k\nrmw_level: 2\n");
        write(p, 0, 8, null);
        sim.run();
        assertArrayEquals(new int[] {1, 0, 0, 1}, counts(Op.READ));
        Raid5 three = raid("5", 3, "chunk: 64k\n"); // rcw 1 < rmw 2
        write(three, 0, 8, null);
        sim.run();
        assertArrayEquals(new int[] {0, 1, 0}, counts(Op.READ));
        assertArrayEquals(new int[] {1, 0, 1}, counts(Op.WRITE));
    }

    @Test
    void raid6ReadModifyWriteReadsBothParitiesAndAFullStripeReadsNothing() {
        Raid5 seven = raid("6", 7, "chunk: 64k\n"); // rmw 3 (data, P, Q) < rcw 4
        write(seven, 0, 8, null);
        sim.run();
        Raid5.Location l = seven.compute(0);
        int[] reads = counts(Op.READ);
        assertEquals(3, java.util.Arrays.stream(reads).sum());
        assertEquals(1, reads[l.dd()]);
        assertEquals(1, reads[l.pd()]);
        assertEquals(1, reads[l.qd()]);
        Raid5 six = raid("6", 6, "chunk: 4k\n");
        write(six, 0, 4 * 8, null); // chunks 0..3: all four data pages of stripe 0, overwritten
        sim.run();
        assertArrayEquals(new int[6], counts(Op.READ));
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, counts(Op.WRITE));
    }

    /** As {@link #raid}, with the slots in {@code missing} left empty (mdadm --create ... missing). */
    private Raid5 degraded(String level, int disks, String extra, int... missing) {
        m = new ArrayList<>();
        List<BlockTarget> given = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            m.add(new RecordingTarget(sim, "d" + i, 1 << 20, 1000));
            given.add(m.get(i));
        }
        for (int i : missing) {
            given.set(i, null);
        }
        return (Raid5) Md.build(sim, "md0", Raid0Test.yaml("level: " + level + "\ndevices: [x]\ndata_offset: 0\n" + extra), given);
    }

    @Test
    void aReadOfAMissingMembersPageReadsTheRestOfItsStripeOnceThenTheCacheServesIt() {
        // stripe 0 of 4 disks: D0 D1 D2 P, the second disk missing; D1 is computed from D0, D2 and P
        Raid5 r = degraded("5", 4, "chunk: 4k\n", 1);
        boolean[] ended = new boolean[2];
        r.submitBio(new Bio(8, 8, Op.READ, 0, IoPriority.NONE, null, b -> ended[0] = true));
        sim.run();
        assertTrue(ended[0]);
        assertArrayEquals(new int[] {1, 0, 1, 1}, counts(Op.READ));
        r.submitBio(new Bio(8, 8, Op.READ, 0, IoPriority.NONE, null, b -> ended[1] = true));
        sim.run();
        assertTrue(ended[1]);
        assertArrayEquals(new int[] {1, 0, 1, 1}, counts(Op.READ)); // R5_UPTODATE: no member read again
        // a page of a present member still goes straight to it (raid5_read_one_chunk)
        r.submitBio(new Bio(16, 8, Op.READ, 0, IoPriority.NONE, null, b -> { }));
        sim.run();
        assertArrayEquals(new int[] {1, 0, 2, 1}, counts(Op.READ));
    }

    @Test
    void aWriteToAMissingMembersPageOnlyUpdatesTheParityByReconstructWrite() {
        // 64 KiB chunks on 4 disks, the second missing: a page of D1 cannot be read for read-modify-write
        // (2 x disks), so the other data pages of its row are read and the parity alone is written
        Raid5 r = degraded("5", 4, "chunk: 64k\n", 1);
        write(r, 128, 8, null); // chunk 1: data on disk 1, parity of stripe 0 on disk 3
        sim.run();
        assertArrayEquals(new int[] {1, 0, 1, 0}, counts(Op.READ));
        assertArrayEquals(new int[] {0, 0, 0, 1}, counts(Op.WRITE));
    }

    @Test
    void degradedArraysAreBuiltForRaid5And6WithinTheirRedundancy() {
        degraded("6", 5, "chunk: 4k\n", 0, 4);
        org.junit.jupiter.api.Assertions.assertThrows(io.stacksim.config.ConfigException.class,
                () -> degraded("5", 4, "chunk: 4k\n", 0, 1));
        org.junit.jupiter.api.Assertions.assertThrows(io.stacksim.config.ConfigException.class,
                () -> degraded("6", 5, "chunk: 4k\n", 0, 1, 2));
    }

    @Test
    void readsBypassTheStripeCacheToTheDataMember() {
        Raid5 r = raid("5", 4, "chunk: 4k\n");
        r.submitBio(new Bio(5 * 8, 16, Op.READ, 0, IoPriority.NONE, null, b -> { })); // D5 and D6: two chunks
        assertArrayEquals(new int[] {0, 1, 1, 0}, counts(Op.READ));
        assertEquals(8, ((RecordingTarget) m.get(1)).bios.get(0).sector);
    }

    @Test
    void aWriterWaitsWhenEveryStripeIsActiveAndGoesOnAsTheyAreReleased() {
        Raid5 r = raid("5", 5, "chunk: 4k\nstripe_cache_size: 17\n");
        Submitter w = new Submitter(7, "writer", 0);
        for (int i = 0; i < 20; i++) {
            write(r, i * 4L * 8 * 16, 8, w); // 20 different stripes
        }
        boolean[] woke = {false};
        assertTrue(r.whenRequestsAllocated(w, () -> woke[0] = true));
        sim.run();
        assertTrue(woke[0]);
        assertEquals(20 * 2, java.util.Arrays.stream(counts(Op.WRITE)).sum());
        assertEquals(20, r.diskStats().ios(io.stacksim.block.DiskStats.WRITE));
    }
}
