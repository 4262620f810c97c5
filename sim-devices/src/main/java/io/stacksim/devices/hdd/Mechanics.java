package io.stacksim.devices.hdd;

import java.util.Locale;

/**
 * The head-disk assembly's timing: the seek curve, head switch and write settle, and the
 * spindle (DiskSim's dm_mech_g1 with access time type "trackSwitchPlusRotation").
 *
 * <p>Positioning from one track to another costs max(seek(distance), head switch if the head
 * changes) plus, for a write, the write-settle delay whenever that result is non-zero (a
 * same-track access needs none). The platter turns at a constant rate from angle 0 at time 0,
 * so its angle at any instant follows from the simulated clock: rotational latency is the time
 * until the target sector's start angle next passes under the head, never a random draw.
 *
 * @param seek          the seek curve
 * @param headSwitchNs  time to switch heads (settle on another surface's track)
 * @param writeSettleNs extra settle for writes after any repositioning (may be negative, as in
 *                      some extracted DiskSim specs, whose seek curves were measured with reads)
 * @param periodNs      one revolution
 */
public record Mechanics(SeekCurve seek, long headSwitchNs, long writeSettleNs, long periodNs) {
    public Mechanics {
        if (headSwitchNs < 0 || periodNs <= 0) {
            throw new IllegalArgumentException("bad mechanics: head switch " + headSwitchNs + " ns, period " + periodNs + " ns");
        }
    }

    /** A spindle turning at {@code rpm}. */
    public static long periodOf(double rpm) {
        return Math.round(60e9 / rpm);
    }

    /** Repositioning time between two tracks (see the class comment). */
    public long positionNs(int fromCyl, int fromHead, int toCyl, int toHead, boolean read) {
        long t = seek.seekNs(Math.abs(toCyl - fromCyl));
        if (fromHead != toHead && headSwitchNs > t) {
            t = headSwitchNs;
        }
        if (t != 0 && !read) {
            t += writeSettleNs;
        }
        return Math.max(0, t);
    }

    /** Rotation phase at {@code timeNs}: ns since the last time angle 0 passed the head. */
    public long phase(long timeNs) {
        return Math.floorMod(timeNs, periodNs);
    }

    /** Rotation phase (ns after angle 0) at which position {@code pos} (in sectors of an {@code spt}-sector track) passes. */
    public long phaseOf(double pos, int spt) {
        long p = Math.round(pos * periodNs / spt);
        return p >= periodNs ? p - periodNs : p;
    }

    /** Time from {@code timeNs} until position {@code pos} next passes under the head (0 if exactly there). */
    public long latencyNs(long timeNs, double pos, int spt) {
        return Math.floorMod(phaseOf(pos, spt) - phase(timeNs), periodNs);
    }

    /** Time the sector starting at position {@code pos} takes to pass under the head. */
    public long sectorNs(double pos, int spt) {
        double end = pos + 1;
        long a = phaseOf(pos, spt);
        long b = end >= spt ? phaseOf(end - spt, spt) + periodNs : phaseOf(end, spt);
        return b - a;
    }

    /** rpm for listings. */
    public double rpm() {
        return 60e9 / periodNs;
    }

    public String describe() {
        return String.format(Locale.ROOT, "%.0f rpm (%.4f ms/rev), head switch %.3f ms, write settle %+.3f ms, seek %s",
                rpm(), periodNs / 1e6, headSwitchNs / 1e6, writeSettleNs / 1e6, seek.describe());
    }
}
