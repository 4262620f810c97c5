package io.stacksim.devices.hdd;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.devices.hdd.disksim.DiskSimSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutTest {

    private static Zone zone(int first, int last, int spt, int dead, int spares, int... slips) {
        return new Zone(first, last, spt, 0, dead, 2, 3, spares, slips, new int[0]);
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
    void sectorSparingPerTrackAndPerCylinderLeavesSparesAtTheEndAndSlipsWithinTheirTrack() {
        Layout perTrack = new Layout(3, 0, Layout.Sparing.SECTORS_PER_TRACK, List.of(zone(0, 4, 12, 0, 2, 14), zone(5, 9, 10, 0, 1)));
        assertThat(perTrack.capacity()).isEqualTo(5 * 3 * 10 + 5 * 3 * 9);
        assertThat(perTrack.ptol(0, 0, 10)).isEqualTo(Layout.NO_LBN);
        assertThat(perTrack.ptol(0, 0, 9)).isEqualTo(9);
        // Physical sector 14 (track 1, sector 2) is slipped: LBN 12 (track 1's third block) moves to sector 3.
        assertThat(Layout.sector(perTrack.ltop(12))).isEqualTo(3);
        assertBijective(perTrack, 1);

        Layout perCyl = new Layout(3, 0, Layout.Sparing.SECTORS_PER_CYLINDER, List.of(zone(0, 9, 10, 0, 4, 7)));
        assertThat(perCyl.capacity()).isEqualTo(10 * (30 - 4));
        assertThat(perCyl.ptol(0, 2, 9)).isEqualTo(Layout.NO_LBN);
        assertBijective(perCyl, 1);
    }

    @Test
    void serpentineMappingsReverseSurfaceOrderOnOddCylinders() {
        Layout l = new Layout(4, 1, Layout.Sparing.NONE, List.of(zone(0, 9, 10, 0, 0)));
        long firstOfCyl1 = l.ltop(40);
        assertThat(Layout.cyl(firstOfCyl1)).isEqualTo(1);
        assertThat(Layout.head(firstOfCyl1)).isEqualTo(3);
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
}
