package io.stacksim.devices.hdd;

import java.util.Arrays;

/**
 * One recording zone (DiskSim's dm_layout_g1_zone): a band of cylinders whose tracks all hold
 * {@code sectorsPerTrack} physical sectors.
 *
 * @param firstCyl        first cylinder of the zone
 * @param lastCyl         last cylinder of the zone (inclusive)
 * @param sectorsPerTrack physical sectors on every track of the zone
 * @param firstOffset     angular offset of the zone's first logical block, in sectors of this zone
 * @param deadSpace       sectors at the zone front outside the LBN space (management area)
 * @param trackSkew       skew added at each head switch, in sectors
 * @param cylSkew         skew added at each cylinder switch, in sectors
 * @param spares          spare tracks (track sparing) or spare sectors per track / cylinder
 * @param slips           zone-relative tracks (track sparing) or sectors skipped at format time, in the
 *                        spec's order (DiskSim walks them in that order, assuming it ascends)
 * @param defects         remapped defects as (bad, replacement) pairs of zone-relative tracks (track
 *                        sparing) or sectors (the other schemes)
 */
public record Zone(int firstCyl, int lastCyl, int sectorsPerTrack, double firstOffset, int deadSpace,
                   double trackSkew, double cylSkew, int spares, int[] slips, int[] defects) {
    public Zone {
        if (firstCyl < 0 || lastCyl < firstCyl || sectorsPerTrack < 1 || deadSpace < 0 || spares < 0) {
            throw new IllegalArgumentException("impossible zone: cylinders " + firstCyl + "-" + lastCyl
                    + ", " + sectorsPerTrack + " sectors per track");
        }
        if (defects.length % 2 != 0) {
            throw new IllegalArgumentException("defects must be (bad, replacement) pairs");
        }
        slips = slips.clone();
        defects = defects.clone();
    }

    public int cylinders() {
        return lastCyl - firstCyl + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Zone z && z.firstCyl == firstCyl && z.lastCyl == lastCyl && z.sectorsPerTrack == sectorsPerTrack
                && z.firstOffset == firstOffset && z.deadSpace == deadSpace && z.trackSkew == trackSkew && z.cylSkew == cylSkew
                && z.spares == spares && Arrays.equals(z.slips, slips) && Arrays.equals(z.defects, defects);
    }

    @Override
    public int hashCode() {
        return ((firstCyl * 31 + lastCyl) * 31 + sectorsPerTrack) * 31 + Arrays.hashCode(slips);
    }

    @Override
    public String toString() {
        return "Zone[cyl " + firstCyl + "-" + lastCyl + ", spt " + sectorsPerTrack + ", offset " + firstOffset
                + ", dead " + deadSpace + ", skew " + trackSkew + "/" + cylSkew + ", spares " + spares
                + ", slips " + slips.length + ", defects " + defects.length / 2 + "]";
    }
}
