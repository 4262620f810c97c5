package io.stacksim.devices.hdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.hdd.disksim.DiskSimSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayoutTest {

    private static Zone zone(int first, int last, int spt, int dead, int spares, int... slips) {
        return new Zone(first, last, spt, 0, dead, 2, 3, spares, slips, new int[0]);
    }

    private static Path resource(String name) {
        try {
            return Path.of(LayoutTest.class.getResource("layout/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ltop and ptol are inverse on every LBN, and no two LBNs share a physical sector. */
    private static void assertBijective(Layout l, int step) {
        java.util.HashSet<Long> seen = new java.util.HashSet<>();
        for (long lbn = 0; lbn < l.capacity(); lbn += step) {
            long p = l.ltop(lbn);
            assertThat(l.ptol(Layout.cyl(p), Layout.head(p), Layout.sector(p))).as("ptol(ltop(%d))", lbn).isEqualTo(lbn);
            if (step == 1) {
                assertThat(seen.add(p)).as("sector of lbn %d used twice", lbn).isTrue();
            }
        }
    }

    /**
     * Small two-zone specs (with a cylinder between the zones that no zone covers) for DiskSim's
     * sparing schemes 1-10, slips and remapped defects among them, mappings 0-2 and skews in
     * sectors and revolutions. The expected values in {@code layout/sparingN.expected} were
     * obtained by running DiskSim 4.0's own diskmodel (dmeister/disksim-4-0-x64, libdiskmodel
     * built with gcc -O2, called from a small C harness kept outside this project) on the same
     * spec: dm_translate_ltop with MAP_FULL for every LBN, dm_get_track_boundaries and
     * dm_pbn_skew for every track, dm_translate_ptol for every sector. Quirks included: e.g.
     * scheme 2 carries a slipped block into the next cylinder, scheme 3's ptol tests a slip's
     * sector-in-cylinder against the head number, scheme 8 reserves spares in a partial range.
     */
    @ParameterizedTest(name = "sparing scheme {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void everySparingSchemeMapsEveryBlockTrackAndSectorAsDiskSimsDiskmodelDoes(int scheme) throws IOException {
        Layout l = DiskSimSpec.loadModel(resource("sparing" + scheme + ".model")).layout();
        assertThat(l.sparing().scheme()).isEqualTo(scheme);
        int blocks = 0;
        int tracks = 0;
        int sectors = 0;
        for (String line : Files.readAllLines(resource("sparing" + scheme + ".expected"))) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "L" -> {
                    long lbn = Long.parseLong(f[1]);
                    long p = l.ltop(lbn);
                    assertThat(List.of(Layout.cyl(p), Layout.head(p), Layout.sector(p), Layout.relocated(p) ? 1 : 0))
                            .as("ltop(%d)", lbn).containsExactly(Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                                    Integer.parseInt(f[4]), Integer.parseInt(f[5]));
                    blocks++;
                }
                case "T" -> {
                    int c = Integer.parseInt(f[1]);
                    int h = Integer.parseInt(f[2]);
                    if (f[3].equals("NX")) {
                        assertThat(l.mapped(c)).as("cylinder %d lies in no zone", c).isFalse();
                        continue;
                    }
                    int spt = Integer.parseInt(f[3]);
                    assertThat(l.sectorsPerTrack(c)).isEqualTo(spt);
                    long first = Long.parseLong(f[4]);
                    long last = Long.parseLong(f[5]);
                    assertThat(first < 0 ? l.trackFirstLbn(c, h) < 0 : l.trackFirstLbn(c, h) == first).as("first LBN of track %d/%d", c, h).isTrue();
                    assertThat(last < 0 ? l.trackLastLbn(c, h) < 0 : l.trackLastLbn(c, h) == last).as("last LBN of track %d/%d", c, h).isTrue();
                    double angle = Long.parseLong(f[7]) / 4294967296.0 * spt;
                    double d = Math.abs(l.sectorPosition(c, h, 0) - angle);
                    assertThat(Math.min(d, spt - d)).as("angle of sector 0 of track %d/%d", c, h).isLessThan(1e-4);
                    tracks++;
                }
                case "P" -> {
                    long v = l.ptol(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                    assertThat(Layout.lbnOf(v)).as("ptol(%s, %s, %s)", f[1], f[2], f[3]).isEqualTo(Long.parseLong(f[4]));
                    assertThat(Layout.relocated(v) ? 1 : 0).as("relocation flag of %s/%s/%s", f[1], f[2], f[3]).isEqualTo(Integer.parseInt(f[5]));
                    sectors++;
                }
                default -> {
                }
            }
        }
        assertThat(blocks).as("every LBN listed").isEqualTo((int) l.capacity());
        assertThat(tracks).isEqualTo(22);
        assertThat(sectors).isEqualTo(6 * 2 * 10 + 5 * 2 * 8);
    }

    @Test
    void withoutSparingBlocksFollowTheDocumentedRuleSinceDiskSim40CannotLoadScheme0() {
        // DiskSim 4.0 asserts "Unknown sparing scheme 0" in dm_layout_g1_compute_blksinband, and its
        // g1_ltop_nosparing writes its result to a local copy: scheme 0 follows the manual (App. B.4).
        Layout l = DiskSimSpec.loadModel(resource("sparing0.model")).layout();
        assertThat(l.capacity()).isEqualTo(6 * 2 * 10 - 3 + 5 * 2 * 8);
        long p = l.ltop(0);
        assertThat(List.of(Layout.cyl(p), Layout.head(p), Layout.sector(p))).containsExactly(0, 0, 3);
        p = l.ltop(117);
        assertThat(List.of(Layout.cyl(p), Layout.head(p), Layout.sector(p))).containsExactly(7, 0, 0);
        assertBijective(l, 1);
    }

    @Test
    void trackSparingSkipsSlippedTracksAndKeepsSpareTracksOutOfTheLbnSpace() {
        // 10 cylinders x 2 surfaces x 10 sectors, 2 spare tracks, track 3 slipped, 5 dead sectors.
        Layout l = new Layout(2, 0, Layout.Sparing.TRACK, List.of(zone(0, 9, 10, 5, 2, 3)));
        assertThat(l.capacity()).isEqualTo((10 * 2 - 2) * 10 - 5);
        // LBN 25 is zone-relative sector 30 = track 3, which is slipped: it lands on track 4 (cyl 2, head 0).
        long p = l.ltop(25);
        assertThat(List.of(Layout.cyl(p), Layout.head(p), Layout.sector(p))).containsExactly(2, 0, 0);
        assertThat(l.ptol(1, 1, 0)).isEqualTo(Layout.NO_LBN);
        assertThat(l.ptol(0, 0, 4)).isEqualTo(Layout.NO_LBN);
        assertThat(l.ptol(0, 0, 5)).isZero();
        assertBijective(l, 1);
    }

    @Test
    void skewsShiftTheFirstSectorOfEachTrackAndCylinder() {
        Layout l = new Layout(2, 0, Layout.Sparing.NONE, List.of(zone(0, 9, 10, 0, 0)));
        // track skew 2 per head switch, cylinder skew 3 per cylinder switch (with one head switch per cylinder).
        assertThat(l.sectorPosition(0, 0, 0)).isZero();
        assertThat(l.sectorPosition(0, 1, 0)).isEqualTo(2.0);
        assertThat(l.sectorPosition(1, 0, 0)).isEqualTo(2.0 + 3.0);
        assertThat(l.sectorPosition(1, 0, 6)).isEqualTo(1.0);
    }

    @Test
    void zonesMayNotOverlapAndTrackSparingNeedsASpareTrackPerSlipOrDefect() {
        assertThatThrownBy(() -> new Layout(2, 0, Layout.Sparing.NONE, List.of(zone(0, 5, 10, 0, 0), zone(5, 9, 8, 0, 0))))
                .hasMessageContaining("inside the zone before");
        assertThatThrownBy(() -> new Layout(2, 0, Layout.Sparing.TRACK, List.of(zone(0, 5, 10, 0, 1, 2, 4))))
                .hasMessageContaining("outnumber");
    }

    @Test
    void sharedDiskSimDrivesHaveTheBlockCountsOfTheirSpecsAndAOneToOneMapping() {
        Path dir = SharedData.disksim();
        // Block counts from the .model files (NOTES.md section 7.2).
        Map<String, Long> blocks = Map.of("hp_c2247a.parv", 2_054_864L, "hp_c3323a.parv", 2_056_008L,
                "hp_c2490a.parv", 4_165_272L, "dec_rz26.parv", 2_050_860L, "st41601n.parv", 2_676_846L);
        for (var e : blocks.entrySet()) {
            Layout l = DiskSimSpec.load(dir.resolve(e.getKey())).params().layout();
            assertThat(l.capacity()).as(e.getKey()).isEqualTo(e.getValue());
            assertBijective(l, 97);
            long last = l.ltop(l.capacity() - 1);
            assertThat(Layout.cyl(last)).as(e.getKey() + " last LBN cylinder").isLessThan(l.cylinders());
        }
    }

    @Test
    void diskSimsSixNewerDrivesHaveTheBlockCountsDiskSimComputesAndAOneToOneMapping() {
        Path valid = DiskSimCheckout.valid();
        // DiskSim 4.0 replaces each spec's Block count by the sum over its zones (checknumblocks);
        // these are its dm_sectors for the six models.
        Map<String, Long> blocks = Map.of("atlas_III.model", 17_797_944L, "barracuda.model", 4_217_670L,
                "cheetah4LP.model", 8_887_940L, "cheetah9LP.model", 17_918_387L, "ibm18es.model", 18_033_753L,
                "atlas10k.model", 17_966_953L);
        for (var e : blocks.entrySet()) {
            Layout l = DiskSimSpec.loadModel(valid.resolve(e.getKey())).layout();
            assertThat(l.capacity()).as(e.getKey()).isEqualTo(e.getValue());
            assertBijective(l, 997);
        }
        Layout atlas10k = DiskSimSpec.loadModel(valid.resolve("atlas10k.model")).layout();
        assertThat(atlas10k.mapping()).isEqualTo(Layout.Mapping.SERPENTINE_PER_ZONE);
        // Mapping 1: the zone's second cylinder runs from the last surface down, so the cylinder
        // switch from the first needs no head switch.
        long endOfCyl0 = atlas10k.ltop(atlas10k.trackLastLbn(0, 5));
        long startOfCyl1 = atlas10k.ltop(atlas10k.trackLastLbn(0, 5) + 1);
        assertThat(List.of(Layout.cyl(endOfCyl0), Layout.head(endOfCyl0))).containsExactly(0, 5);
        assertThat(List.of(Layout.cyl(startOfCyl1), Layout.head(startOfCyl1))).containsExactly(1, 5);
    }

    @Test
    void anUnknownSparingSchemeIsRefusedNamingTheParameter() throws IOException {
        Path tmp = Files.createTempDirectory("layout");
        Files.writeString(tmp.resolve("bad.model"), Files.readString(resource("sparing9.model"))
                .replace("Sparing scheme used = 9", "Sparing scheme used = 11"));
        assertThatThrownBy(() -> DiskSimSpec.loadModel(tmp.resolve("bad.model")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Sparing scheme used");
    }
}
