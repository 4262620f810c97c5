package io.stacksim.devices.hdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.hdd.disksim.DiskSimCheckout;
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
     * dm_pbn_skew for every track, dm_translate_ptol for every sector. StackSim must agree with
     * every value except where DiskSim's ltop and ptol contradict each other (a block its ltop
     * puts in a sector whose ptol names another block): there StackSim keeps its mapping one to
     * one instead (see {@link Layout}), in schemes 2, 3, 5, 6, 9 and 10 only.
     */
    @ParameterizedTest(name = "sparing scheme {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void everySparingSchemeMapsEveryBlockTrackAndSectorAsDiskSimsDiskmodelDoes(int scheme) throws IOException {
        Layout l = DiskSimSpec.loadModel(resource("sparing" + scheme + ".model")).layout();
        assertThat(l.sparing().scheme()).isEqualTo(scheme);
        List<String[]> lines = Files.readAllLines(resource("sparing" + scheme + ".expected")).stream()
                .filter(x -> !x.startsWith("#")).map(x -> x.split(" ")).toList();
        Map<String, Long> dsPtol = new java.util.HashMap<>();
        for (String[] f : lines) {
            if (f[0].equals("P")) {
                dsPtol.put(f[1] + "/" + f[2] + "/" + f[3], Long.parseLong(f[4]));
            }
        }
        // DiskSim's own contradictions: blocks whose ltop sector translates back to something else.
        java.util.Set<Long> contradicted = new java.util.HashSet<>();
        java.util.Set<String> contradictedTracks = new java.util.HashSet<>();
        for (String[] f : lines) {
            if (f[0].equals("L") && f[5].equals("0") && dsPtol.get(f[2] + "/" + f[3] + "/" + f[4]) != Long.parseLong(f[1])) {
                contradicted.add(Long.parseLong(f[1]));
                contradictedTracks.add(f[2] + "/" + f[3]);
            }
        }
        int blocks = 0;
        int tracks = 0;
        int sectors = 0;
        for (String[] f : lines) {
            switch (f[0]) {
                case "L" -> {
                    long lbn = Long.parseLong(f[1]);
                    blocks++;
                    if (contradicted.contains(lbn)) {
                        continue;
                    }
                    long p = l.ltop(lbn);
                    assertThat(List.of(Layout.cyl(p), Layout.head(p), Layout.sector(p), Layout.relocated(p) ? 1 : 0))
                            .as("ltop(%d)", lbn).containsExactly(Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                                    Integer.parseInt(f[4]), Integer.parseInt(f[5]));
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
                    double angle = Long.parseLong(f[7]) / 4294967296.0 * spt;
                    double d = Math.abs(l.sectorPosition(c, h, 0) - angle);
                    assertThat(Math.min(d, spt - d)).as("angle of sector 0 of track %d/%d", c, h).isLessThan(1e-4);
                    tracks++;
                    if (contradictedTracks.contains(c + "/" + h) || !contradicted.isEmpty() && (scheme == 9 || scheme == 10)) {
                        continue;
                    }
                    long first = Long.parseLong(f[4]);
                    long last = Long.parseLong(f[5]);
                    assertThat(first < 0 ? l.trackFirstLbn(c, h) < 0 : l.trackFirstLbn(c, h) == first).as("first LBN of track %d/%d", c, h).isTrue();
                    assertThat(last < 0 ? l.trackLastLbn(c, h) < 0 : l.trackLastLbn(c, h) == last).as("last LBN of track %d/%d", c, h).isTrue();
                }
                case "P" -> {
                    sectors++;
                    long want = Long.parseLong(f[4]);
                    if (want >= 0 && contradicted.contains(want) || contradictedTracks.contains(f[1] + "/" + f[2])) {
                        continue;
                    }
                    long v = l.ptol(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                    if (want == Layout.NO_LBN && scheme >= 9 && v >= 0) {
                        continue; // DiskSim loses the zone's last blocks (its ltop keeps them): checked one to one below
                    }
                    assertThat(Layout.lbnOf(v)).as("ptol(%s, %s, %s)", f[1], f[2], f[3]).isEqualTo(want);
                    assertThat(Layout.relocated(v) ? 1 : 0).as("relocation flag of %s/%s/%s", f[1], f[2], f[3]).isEqualTo(Integer.parseInt(f[5]));
                }
                default -> {
                }
            }
        }
        assertThat(blocks).as("every LBN listed").isEqualTo((int) l.capacity());
        assertThat(tracks).isEqualTo(22);
        assertThat(sectors).isEqualTo(6 * 2 * 10 + 5 * 2 * 8);
        assertThat(contradicted.isEmpty() || List.of(2, 3, 5, 6, 9, 10).contains(scheme)).as("DiskSim contradicts itself in scheme %d", scheme).isTrue();
        // Relocated blocks aside, every block has its own sector and translates back to itself.
        java.util.HashSet<Long> seen = new java.util.HashSet<>();
        for (long lbn = 0; lbn < l.capacity(); lbn++) {
            long p = l.ltop(lbn);
            long back = l.ptol(Layout.cyl(p), Layout.head(p), Layout.sector(p));
            assertThat(Layout.lbnOf(back)).as("ptol(ltop(%d))", lbn).isEqualTo(lbn);
            assertThat(seen.add(p & ~Layout.RELOCATED)).as("sector of lbn %d used twice", lbn).isTrue();
        }
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
        java.util.Optional<Path> checkout = DiskSimCheckout.valid();
        assumeTrue(checkout.isPresent(), DiskSimCheckout.missing() + "; skipping");
        Path valid = checkout.get();
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
