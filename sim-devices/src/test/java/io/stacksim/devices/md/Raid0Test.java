package io.stacksim.devices.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.config.ConfigNode;
import io.stacksim.devices.stacked.BioBasedDevice;
import io.stacksim.devices.stacked.RecordingTarget;
import io.stacksim.engine.Simulator;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RAID-0 against drivers/md/raid0.c: the strip zones of create_strip_zones, the chunk
 * arithmetic of find_zone and map_sector in both multi-zone layouts, the split at chunk
 * boundaries of raid0_make_request and one diskstats I/O per piece (md_account_bio). The
 * expected places are worked out by hand from the kernel's formulas.
 */
class Raid0Test {
    static ConfigNode yaml(String text) {
        return ConfigNode.parseYaml(new StringReader(text), "test.yaml");
    }

    static List<BlockTarget> members(Simulator sim, long... sectors) {
        List<BlockTarget> m = new ArrayList<>();
        for (int i = 0; i < sectors.length; i++) {
            m.add(new RecordingTarget(sim, "d" + i, sectors[i], 1000));
        }
        return m;
    }

    static Raid0 raid0(Simulator sim, String extra, long... sectors) {
        return (Raid0) Md.build(sim, "md0", yaml("level: 0\ndevices: [x]\ndata_offset: 0\n" + extra), members(sim, sectors));
    }

    /**
     * raid0_handle_discard: one discard per member of the zone, covering exactly the member
     * sectors that the array's range maps to (the union of map_sector over its sectors), in
     * one zone and across the two zones of unequal members, in both layouts.
     */
    @Test
    void aDiscardSendsEachMemberOneBioForExactlyItsShareOfTheRange() {
        for (String layout : new String[] {"", "layout: original\n"}) {
            java.util.Random rnd = new java.util.Random(5);
            for (int trial = 0; trial < 200; trial++) {
                Simulator sim = new Simulator();
                List<BlockTarget> m = new ArrayList<>();
                long[] sizes = {96, 256, 256};
                for (int i = 0; i < sizes.length; i++) {
                    m.add(new RecordingTarget(sim, "d" + i, sizes[i], 1000).withDiscard());
                }
                Raid0 r = (Raid0) Md.build(sim, "md0", yaml("level: 0\ndevices: [x]\ndata_offset: 0\nchunk: 4k\n"
                        + layout), m);
                long start = rnd.nextInt((int) r.capacitySectors() - 1);
                int len = 1 + rnd.nextInt((int) (r.capacitySectors() - start));
                java.util.Map<Integer, java.util.TreeSet<Long>> want = new java.util.HashMap<>();
                for (long s = start; s < start + len; s++) {
                    Raid0.Place p = r.place(s);
                    want.computeIfAbsent(p.member(), k -> new java.util.TreeSet<>()).add(p.sector());
                }
                boolean[] ended = {false};
                r.submitBio(new Bio(start, len, Op.DISCARD, 0, IoPriority.NONE, null, b -> ended[0] = true));
                sim.run();
                assertTrue(ended[0]);
                java.util.Map<Integer, java.util.TreeSet<Long>> got = new java.util.HashMap<>();
                for (int i = 0; i < m.size(); i++) {
                    for (Bio b : ((RecordingTarget) m.get(i)).bios) {
                        assertEquals(Op.DISCARD, b.op);
                        for (long s = b.sector; s < b.endSector(); s++) {
                            assertTrue(got.computeIfAbsent(i, k -> new java.util.TreeSet<>()).add(s), "sector twice");
                        }
                    }
                }
                assertEquals(want, got, "discard " + start + "+" + len + " " + layout);
                for (int i = 0; i < m.size(); i++) {
                    // one bio per member per zone the range touches
                    assertTrue(((RecordingTarget) m.get(i)).bios.size() <= 2);
                }
            }
        }
    }

    @Test
    void equalMembersTakeChunksInTurn() {
        Raid0 r = raid0(new Simulator(), "chunk: 512k\n", 1 << 20, 1 << 20);
        assertEquals(2L << 20, r.capacitySectors());
        assertEquals(new Raid0.Place(0, 0), r.place(0));
        assertEquals(new Raid0.Place(1, 0), r.place(1024));
        assertEquals(new Raid0.Place(0, 1024), r.place(2048));
        // chunk 2 (on disk 0, its chunk 1) at 952 within the chunk
        assertEquals(new Raid0.Place(0, 1976), r.place(3000));
        // chunk 4: disk 0's chunk 2, 904 in
        assertEquals(new Raid0.Place(0, 2952), r.place(5000));
        assertEquals(1, r.zones().length);
    }

    @Test
    void membersOfDifferentSizesMakeStripZones() {
        // 3, 8 and 8 chunks of 8 sectors: zone 0 is 3 chunks on all three, zone 1 five more on the two larger.
        Raid0 r = raid0(new Simulator(), "chunk: 4k\n", 24, 64, 64);
        Raid0.Zone[] z = r.zones();
        assertEquals(2, z.length);
        assertEquals(72, z[0].zoneEnd());
        assertEquals(0, z[0].devStart());
        assertEquals(152, z[1].zoneEnd());
        assertEquals(24, z[1].devStart());
        assertEquals(2, z[1].devs().length);
        assertEquals(152, r.capacitySectors());
    }

    @Test
    void laterZonesPickTheirDiskByTheLayout() {
        // Sector 72 starts zone 1, whose disks are members 1 and 2; it is array chunk 9 but the zone's chunk 0.
        Raid0 alt = raid0(new Simulator(), "chunk: 4k\nlayout: alternate\n", 24, 64, 64);
        Raid0 orig = raid0(new Simulator(), "chunk: 4k\nlayout: original\n", 24, 64, 64);
        assertEquals(new Raid0.Place(1, 24), alt.place(72));   // zone chunk 0 -> first disk of the zone
        assertEquals(new Raid0.Place(2, 24), orig.place(72));  // array chunk 9 mod 2 -> second
        assertEquals(new Raid0.Place(2, 24), alt.place(80));
        assertEquals(new Raid0.Place(1, 24), orig.place(80));
        assertEquals(new Raid0.Place(1, 32 + 3), alt.place(88 + 3));
    }

    @Test
    void aBioCrossingAChunkIsSplitAndEndsAfterBothPieces() {
        Simulator sim = new Simulator();
        List<BlockTarget> m = members(sim, 1 << 20, 1 << 20);
        BioBasedDevice md = Md.build(sim, "md0", yaml("level: 0\ndevices: [x]\nchunk: 512k\ndata_offset: 1m\n"), m);
        long[] ended = {-1};
        md.submitBio(new Bio(1000, 100, Op.READ, 0, IoPriority.NONE, null, b -> ended[0] = sim.now()));
        sim.run();
        RecordingTarget d0 = (RecordingTarget) m.get(0);
        RecordingTarget d1 = (RecordingTarget) m.get(1);
        assertEquals(1, d0.bios.size());
        assertEquals(2048 + 1000, d0.bios.get(0).sector);   // data_offset 1 MiB = 2048 sectors
        assertEquals(24, d0.bios.get(0).nrSectors);
        assertEquals(2048, d1.bios.get(0).sector);
        assertEquals(76, d1.bios.get(0).nrSectors);
        assertEquals(1000, ended[0]);
        assertEquals(2, md.diskStats().ios(io.stacksim.block.DiskStats.READ));
        assertEquals(100, md.diskStats().sectors(io.stacksim.block.DiskStats.READ));
        assertTrue(md.diskStats().inFlight() == 0);
    }

    @Test
    void aFlushGoesToEveryMemberBesideTheData() {
        Simulator sim = new Simulator();
        List<BlockTarget> m = members(sim, 1 << 20, 1 << 20);
        BioBasedDevice md = Md.build(sim, "md0", yaml("level: 0\ndevices: [x]\ndata_offset: 0\n"), m);
        int[] ends = {0};
        md.submitBio(new Bio(0, 8, Op.WRITE, Bio.PREFLUSH | Bio.FUA, IoPriority.NONE, null, b -> ends[0]++));
        RecordingTarget d0 = (RecordingTarget) m.get(0);
        RecordingTarget d1 = (RecordingTarget) m.get(1);
        // md_flush_request: empty flushes to both, and the data at once, without PREFLUSH but with FUA.
        assertEquals(2, d0.bios.size());
        assertEquals(1, d1.bios.size());
        assertTrue(d0.bios.get(0).has(Bio.PREFLUSH) && d0.bios.get(0).nrSectors == 0);
        assertTrue(!d0.bios.get(1).has(Bio.PREFLUSH) && d0.bios.get(1).has(Bio.FUA));
        sim.run();
        assertEquals(1, ends[0]);
    }

    @Test
    void theLimitsAreTheMembersStackedAndOneChunkPerRequest() {
        Raid0 r = raid0(new Simulator(), "chunk: 256k\n", 1 << 20, 1 << 20);
        assertEquals(512, r.limits().maxSectors());
        assertEquals(4096, r.limits().physicalBlockSize());
        // io_opt = chunk x disks = 512 KiB, so readahead is twice that (blk_apply_bdi_limits).
        assertEquals(256, r.readAheadPages());
    }
}
