package io.stacksim.devices.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.devices.stacked.BioBasedDevice;
import io.stacksim.devices.stacked.RecordingTarget;
import io.stacksim.engine.Simulator;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * device-mapper tables against drivers/md/dm-linear.c (linear_map_sector), dm-stripe.c
 * (stripe_map_sector, stripe_ctr's checks) and dm.c (splits at target boundaries and at
 * max_io_len; a flush before the data of a REQ_PREFLUSH bio).
 */
class DmTableTest {
    private final Simulator sim = new Simulator();
    private final RecordingTarget a = new RecordingTarget(sim, "a", 1000, 500);
    private final RecordingTarget b = new RecordingTarget(sim, "b", 1000, 500);

    private BioBasedDevice dm(String table) {
        ConfigNode s = ConfigNode.parseYaml(new StringReader("table:\n" + table), "t.yaml");
        List<String> names = Dm.memberNames(s);
        List<BlockTarget> devs = names.stream().map(n -> (BlockTarget) (n.equals("a") ? a : b)).toList();
        return Dm.build(sim, "dm-0", s, devs);
    }

    private void submit(BioBasedDevice d, long sector, int n) {
        d.submitBio(new Bio(sector, n, Op.READ, 0, IoPriority.NONE, null, x -> { }));
    }

    /**
     * A discard on a striped line is one bio per stripe (dm's num_discard_bios), each over exactly
     * the sectors of the range that map to that stripe (the union of stripe_map_sector over the
     * range): checked for every range of a two-stripe line of 8-sector chunks.
     */
    @Test
    void aStripedDiscardSendsEachStripeOneBioForExactlyItsShare() {
        for (int start = 0; start < 64; start++) {
            for (int len = 1; start + len <= 64; len++) {
                Simulator s = new Simulator();
                RecordingTarget x = new RecordingTarget(s, "a", 1000, 500).withDiscard();
                RecordingTarget y = new RecordingTarget(s, "b", 1000, 500).withDiscard();
                ConfigNode t = ConfigNode.parseYaml(new StringReader("table:\n  - 0 64 striped 2 8 a 0 b 100\n"), "t.yaml");
                DmDevice d = (DmDevice) Dm.build(s, "dm-0", t, List.of(x, y));
                java.util.Map<Integer, java.util.TreeSet<Long>> want = new java.util.HashMap<>();
                for (long sec = start; sec < start + len; sec++) {
                    DmTarget.Place p = d.target(sec).map(sec);
                    want.computeIfAbsent(p.device(), k -> new java.util.TreeSet<>()).add(p.sector());
                }
                d.submitBio(new Bio(start, len, Op.DISCARD, 0, IoPriority.NONE, null, z -> { }));
                s.run();
                java.util.Map<Integer, java.util.TreeSet<Long>> got = new java.util.HashMap<>();
                RecordingTarget[] m = {x, y};
                for (int i = 0; i < 2; i++) {
                    assertTrue(m[i].bios.size() <= 1, "one bio per stripe");
                    for (Bio bio : m[i].bios) {
                        assertEquals(Op.DISCARD, bio.op);
                        for (long sec = bio.sector; sec < bio.endSector(); sec++) {
                            got.computeIfAbsent(i, k -> new java.util.TreeSet<>()).add(sec);
                        }
                    }
                }
                assertEquals(want, got, "discard " + start + "+" + len);
            }
        }
    }

    /** dm_table_supports_discards: a table with a member that takes none has no discard; the bio fails with EOPNOTSUPP. */
    @Test
    void aTableOverAMemberWithoutDiscardRefusesDiscards() {
        BioBasedDevice d = dm("  - 0 64 striped 2 8 a 0 b 100\n");
        assertEquals(0, d.limits().maxDiscardSectors());
        int[] err = {0};
        d.submitBio(new Bio(0, 16, Op.DISCARD, 0, IoPriority.NONE, null, z -> err[0] = z.error));
        sim.run();
        assertEquals(-95, err[0]);
        assertTrue(a.bios.isEmpty() && b.bios.isEmpty());
    }

    @Test
    void stripedMapsChunksRoundTheStripes() {
        DmDevice d = (DmDevice) dm("  - 0 64 striped 2 8 a 0 /dev/b 100\n");
        assertEquals(new DmTarget.Place(0, 0), d.target(0).map(0));
        assertEquals(new DmTarget.Place(1, 100), d.target(8).map(8));
        assertEquals(new DmTarget.Place(0, 8), d.target(16).map(16));
        assertEquals(new DmTarget.Place(0, 12), d.target(20).map(20));
        assertEquals(new DmTarget.Place(1, 111), d.target(27).map(27));
        assertEquals(64, d.capacitySectors());
        assertEquals(32, d.readAheadPages()); // io_opt 8 KiB: the 128 KiB floor
    }

    @Test
    void aBioIsSplitAtChunkAndTargetBoundaries() {
        BioBasedDevice d = dm("  - 0 50 linear a 10\n  - 50 32 striped 2 8 a 100 b 0\n");
        submit(d, 45, 20); // 45..50 on the linear line, 50..58 chunk 0, 58..65 chunk 1
        assertEquals(List.of(55L, 100L), a.bios.stream().map(x -> x.sector).toList());
        assertEquals(List.of(5, 8), a.bios.stream().map(x -> x.nrSectors).toList());
        assertEquals(0, b.bios.get(0).sector);
        assertEquals(7, b.bios.get(0).nrSectors);
        assertEquals(3, d.diskStats().inFlight());
    }

    @Test
    void aFlushWithDataFlushesEveryDeviceFirst() {
        BioBasedDevice d = dm("  - 0 50 linear a 0\n  - 50 50 linear b 0\n");
        long[] end = {-1};
        d.submitBio(new Bio(0, 8, Op.WRITE, Bio.PREFLUSH, IoPriority.NONE, null, x -> end[0] = sim.now()));
        assertEquals(1, a.bios.size());
        assertEquals(1, b.bios.size());
        assertTrue(a.bios.get(0).has(Bio.PREFLUSH));
        sim.run();
        assertEquals(2, a.bios.size());
        assertEquals(8, a.bios.get(1).nrSectors);
        assertEquals(1000, end[0]); // the flush's 500 ns, then the data's
    }

    @Test
    void badTablesAreRejectedAsStripeCtrAndDmTableCompleteDo() {
        ConfigException gap = assertThrows(ConfigException.class, () -> dm("  - 0 50 linear a 0\n  - 60 10 linear b 0\n"));
        assertTrue(gap.getMessage().contains("not at 50"), gap.getMessage());
        ConfigException div = assertThrows(ConfigException.class, () -> dm("  - 0 60 striped 2 8 a 0 b 0\n"));
        assertTrue(div.getMessage().contains("not divisible by chunk size"), div.getMessage());
        ConfigException kind = assertThrows(ConfigException.class, () -> dm("  - 0 60 crypt a 0\n"));
        assertTrue(kind.getMessage().contains("t.yaml:"), kind.getMessage());
    }
}
