package io.stacksim.devices.hdd;

import java.util.Arrays;
import java.util.List;

/**
 * The mapping between logical block numbers and physical sectors <cylinder, head, sector> of a
 * zoned disk, and the angle at which each physical sector starts: DiskSim 4.0's first-generation
 * layout (diskmodel/layout_g1.c, layout_g1_load.c; manual App. B.4), arithmetic and quirks
 * included, since the validation demerits are measured against it.
 *
 * <p>LBNs fill a track, then the next surface of the cylinder, then the next cylinder; mappings
 * 1 and 2 reverse the surface order on odd cylinders (counted from the zone start, or from
 * cylinder 0) so that a cylinder switch needs no head switch. Each zone keeps spare space by one
 * of DiskSim's sparing schemes ({@link Sparing}); slipped defects are skipped and later blocks
 * shift towards the spares; remapped defects send one block (or, with track sparing, one track)
 * to a spare. Physical sector 0 of every track starts at the same angle; the first LBN of a track
 * sits at the zone offset plus one track skew per head switch and one cylinder skew per cylinder
 * switch since the zone start (and, for the per-track and per-cylinder schemes, one sector per
 * slip on earlier tracks), all modulo one revolution. Cylinders that no zone covers hold no
 * blocks (DiskSim's specs leave such gaps between zones).
 *
 * <p>DiskSim quirks kept on purpose, each visible in its arithmetic: track sparing's ptol lets the
 * first spare track after the zone's blocks report blocks of the next zone; scheme 8 reserves
 * spares in a partial range at the zone end that its block count does not; the track boundaries
 * of the per-cylinder, per-range and per-zone schemes are found by translating each sector back.
 * Where DiskSim 4.0's ltop and ptol disagree (its own sector loop then cannot reach the block)
 * StackSim keeps the two consistent, following the documented rule: a block slipped in its
 * cylinder stays in that cylinder's spares (schemes 2 and 5), spares at the cylinder front are
 * skipped (5 and 6), per-track slips shift only their own track (3), and per-zone sparing keeps
 * the zone's last blocks (9 and 10). On the eleven validation drives this touches only the
 * ST41601N, which DiskSim 4.0 cannot replay for exactly this reason. One more deviation: DiskSim
 * 4.0 asserts on sparing scheme 0 (dm_layout_g1_compute_blksinband), and its ltop for it writes to
 * a local copy; scheme 0 follows the documented rule.
 */
public final class Layout {
    /** Spare-space schemes, DiskSim's "Sparing scheme used" 0-10 in order (layout_g1.h). */
    public enum Sparing {
        /** 0: none. */
        NONE,
        /** 1: whole spare tracks at the end of each zone ("Number of spares" tracks). */
        TRACK,
        /** 2: spare sectors at the end of each cylinder. */
        SECTORS_PER_CYLINDER,
        /** 3: spare sectors at the end of each track. */
        SECTORS_PER_TRACK,
        /** 4: per cylinder, slips pushing all later blocks of the zone towards its end. */
        SECTORS_PER_CYLINDER_SLIP_TO_END,
        /** 5: per cylinder, spares at the cylinder's front. */
        SECTORS_PER_CYLINDER_AT_FRONT,
        /** 6: per cylinder at the front, slips pushing towards the zone end. */
        SECTORS_PER_CYLINDER_AT_FRONT_SLIP_TO_END,
        /** 7: spares at the end of the zone, every slip pushing later blocks towards it. */
        SECTORS_AT_END,
        /** 8: spare sectors at the end of each range of "Rangesize for sparing" cylinders. */
        SECTORS_PER_RANGE,
        /** 9: spare sectors at the end of each zone. */
        SECTORS_PER_ZONE,
        /** 10: spare sectors at the end of each zone, slips taken from the zone's blocks. */
        SECTORS_PER_ZONE_SLIP_TO_END;

        /** DiskSim's scheme number. */
        public int scheme() {
            return ordinal();
        }

        /** The scheme with DiskSim number {@code n}. */
        public static Sparing of(int n) {
            if (n < 0 || n >= values().length) {
                throw new IllegalArgumentException("sparing scheme " + n + " is not one of DiskSim's 0-10");
            }
            return values()[n];
        }

        /** The per-cylinder family, which DiskSim serves with one set of routines (sectpercyl). */
        boolean perCylinder() {
            return this == SECTORS_PER_CYLINDER || this == SECTORS_PER_CYLINDER_SLIP_TO_END
                    || this == SECTORS_PER_CYLINDER_AT_FRONT || this == SECTORS_PER_CYLINDER_AT_FRONT_SLIP_TO_END
                    || this == SECTORS_AT_END;
        }

        /** DiskSim's issectpercyl: the schemes whose slips also move later tracks' rotational position. */
        boolean slipsSkew() {
            return this == SECTORS_PER_CYLINDER || this == SECTORS_PER_CYLINDER_SLIP_TO_END
                    || this == SECTORS_PER_CYLINDER_AT_FRONT || this == SECTORS_PER_CYLINDER_AT_FRONT_SLIP_TO_END
                    || this == SECTORS_PER_TRACK;
        }

        boolean slipToEnd() {
            return this == SECTORS_PER_CYLINDER_SLIP_TO_END || this == SECTORS_PER_CYLINDER_AT_FRONT_SLIP_TO_END
                    || this == SECTORS_AT_END;
        }

        boolean sparesAtFront() {
            return this == SECTORS_PER_CYLINDER_AT_FRONT || this == SECTORS_PER_CYLINDER_AT_FRONT_SLIP_TO_END;
        }
    }

    /** LBN-to-PBN mapping schemes (DiskSim 0-2). */
    public enum Mapping {
        /** 0: surfaces in order on every cylinder. */
        NORMAL,
        /** 1: surface order reversed on odd cylinders counted from the zone's first. */
        SERPENTINE_PER_ZONE,
        /** 2: surface order reversed on odd-numbered cylinders. */
        SERPENTINE;

        public static Mapping of(int n) {
            if (n < 0 || n >= values().length) {
                throw new IllegalArgumentException("LBN-to-PBN mapping scheme " + n + " is not one of DiskSim's 0-2");
            }
            return values()[n];
        }
    }

    /** ptol result: a spare, slipped or management-area sector (DiskSim's DM_SLIPPED). */
    public static final long NO_LBN = -1;
    /** ptol result: a defective sector (or track) whose block was remapped elsewhere (DM_REMAPPED). */
    public static final long REMAPPED = -2;
    /**
     * Flag on an ltop result whose block was relocated by a defect entry, and on a ptol result
     * for a sector that holds a relocated block (DiskSim's remapsector).
     */
    public static final long RELOCATED = 1L << 62;

    private final int surfaces;
    private final int cylinders;
    private final Mapping mapping;
    private final Sparing sparing;
    private final int rangeSize;
    private final Zone[] zones;
    private final long[] zoneFirstLbn;
    private final long[] zoneBlocks;
    /** Zones whose slips ascend (all of DiskSim's specs): their slips are counted by binary search. */
    private final boolean[] sortedSlips;
    private final int[] zoneOfCyl;
    private final long capacity;
    private final int maxSectorsPerTrack;

    /** A layout with range size 1 (only sparing scheme 8 uses it). */
    public Layout(int surfaces, int mapping, Sparing sparing, List<Zone> zones) {
        this(surfaces, Mapping.of(mapping), sparing, 1, zones);
    }

    /**
     * @param surfaces  data surfaces (heads)
     * @param mapping   LBN-to-PBN mapping scheme
     * @param sparing   spare-space scheme
     * @param rangeSize cylinders per sparing range (scheme 8)
     * @param zones     zones in ascending cylinder order, from cylinder 0, not overlapping
     */
    public Layout(int surfaces, Mapping mapping, Sparing sparing, int rangeSize, List<Zone> zones) {
        if (surfaces < 1 || zones.isEmpty() || rangeSize < 1) {
            throw new IllegalArgumentException("bad layout: " + surfaces + " surfaces, " + zones.size()
                    + " zones, range size " + rangeSize);
        }
        this.surfaces = surfaces;
        this.mapping = mapping;
        this.sparing = sparing;
        this.rangeSize = rangeSize;
        this.zones = zones.toArray(new Zone[0]);
        this.zoneFirstLbn = new long[this.zones.length];
        this.zoneBlocks = new long[this.zones.length];
        this.sortedSlips = new boolean[this.zones.length];
        int next = 0;
        long lbn = 0;
        int maxSpt = 0;
        for (int i = 0; i < this.zones.length; i++) {
            Zone z = this.zones[i];
            if (i == 0 ? z.firstCyl() != 0 : z.firstCyl() < next) {
                throw new IllegalArgumentException("zone " + i + " starts at cylinder " + z.firstCyl()
                        + (i == 0 ? ", expected 0" : ", inside the zone before"));
            }
            if (sparing == Sparing.SECTORS_PER_TRACK && z.spares() >= z.sectorsPerTrack()) {
                throw new IllegalArgumentException("zone " + i + ": spares per track must be fewer than sectors per track");
            }
            if (sparing == Sparing.TRACK && z.slips().length + z.defects().length / 2 > z.spares()) {
                // layout_g1_load.c asserts the same.
                throw new IllegalArgumentException("zone " + i + ": slips and defects outnumber the zone's spare tracks");
            }
            checkSlips(i, z);
            sortedSlips[i] = ascending(z.slips());
            next = z.lastCyl() + 1;
            zoneFirstLbn[i] = lbn;
            zoneBlocks[i] = blocksIn(z);
            if (zoneBlocks[i] <= 0) {
                throw new IllegalArgumentException("zone " + i + " holds no logical blocks");
            }
            lbn += zoneBlocks[i];
            maxSpt = Math.max(maxSpt, z.sectorsPerTrack());
        }
        this.cylinders = next;
        this.capacity = lbn;
        this.maxSectorsPerTrack = maxSpt;
        this.zoneOfCyl = new int[cylinders];
        Arrays.fill(zoneOfCyl, -1);
        for (int i = 0; i < this.zones.length; i++) {
            Arrays.fill(zoneOfCyl, this.zones[i].firstCyl(), this.zones[i].lastCyl() + 1, i);
        }
    }

    /**
     * Where slips are absorbed by the spares of their track, cylinder, range or zone, they must
     * not outnumber them (DiskSim assumes so; its mapping overflows into the next unit otherwise).
     */
    private void checkSlips(int i, Zone z) {
        long unit = switch (sparing) {
            case SECTORS_PER_TRACK -> z.sectorsPerTrack();
            case SECTORS_PER_CYLINDER, SECTORS_PER_CYLINDER_AT_FRONT -> (long) z.sectorsPerTrack() * surfaces;
            case SECTORS_PER_RANGE -> (long) z.sectorsPerTrack() * surfaces * rangeSize;
            case SECTORS_PER_ZONE -> Long.MAX_VALUE;
            default -> 0;
        };
        if (unit == 0) {
            return;
        }
        java.util.Map<Long, Integer> perUnit = new java.util.HashMap<>();
        for (int slip : z.slips()) {
            long u = unit == Long.MAX_VALUE ? 0 : slip / unit;
            if (perUnit.merge(u, 1, Integer::sum) > z.spares()) {
                throw new IllegalArgumentException("zone " + i + ": more slips than the " + z.spares()
                        + " spare sectors of their " + switch (sparing) {
                            case SECTORS_PER_TRACK -> "track";
                            case SECTORS_PER_RANGE -> "range";
                            case SECTORS_PER_ZONE -> "zone";
                            default -> "cylinder";
                        });
            }
        }
    }

    /** Blocks in a zone (dm_layout_g1_compute_blksinband). */
    private long blocksIn(Zone z) {
        long cyls = z.cylinders();
        long blocks = cyls * surfaces * z.sectorsPerTrack() - z.deadSpace();
        long slips = z.slips().length;
        return switch (sparing) {
            case NONE -> blocks;
            case TRACK -> blocks - (long) z.spares() * z.sectorsPerTrack();
            case SECTORS_PER_TRACK -> blocks - (long) z.spares() * cyls * surfaces;
            case SECTORS_AT_END -> blocks - slips;
            case SECTORS_PER_ZONE -> blocks - z.spares();
            case SECTORS_PER_ZONE_SLIP_TO_END -> blocks - z.spares() - slips;
            case SECTORS_PER_CYLINDER, SECTORS_PER_CYLINDER_AT_FRONT -> blocks - (long) z.spares() * cyls;
            case SECTORS_PER_CYLINDER_SLIP_TO_END, SECTORS_PER_CYLINDER_AT_FRONT_SLIP_TO_END -> blocks - (long) z.spares() * cyls - slips;
            // Integer division: a partial range at the zone end has no spares (yet ltop still reserves them).
            case SECTORS_PER_RANGE -> blocks - (long) z.spares() * (cyls / rangeSize);
        };
    }

    /** Logical blocks (512-byte sectors) on the disk. */
    public long capacity() {
        return capacity;
    }

    public int surfaces() {
        return surfaces;
    }

    /** Physical cylinders up to the last zone's end. */
    public int cylinders() {
        return cylinders;
    }

    public Mapping mapping() {
        return mapping;
    }

    public Sparing sparing() {
        return sparing;
    }

    public int rangeSize() {
        return rangeSize;
    }

    public List<Zone> zones() {
        return List.of(zones);
    }

    public int maxSectorsPerTrack() {
        return maxSectorsPerTrack;
    }

    /** Sectors per track on {@code cyl} (for a cylinder between zones, the zone below's, as g1_st_pbn walks down). */
    public int sectorsPerTrack(int cyl) {
        return zones[zoneAtOrBelow(cyl)].sectorsPerTrack();
    }

    /** Sectors per track of the zone holding {@code lbn} (g1_st_lbn). */
    public int sectorsPerTrackOfLbn(long lbn) {
        return zones[zoneOfLbn(lbn)].sectorsPerTrack();
    }

    /** Whether a zone covers {@code cyl}. */
    public boolean mapped(int cyl) {
        return cyl >= 0 && cyl < cylinders && zoneOfCyl[cyl] >= 0;
    }

    private int zoneAtOrBelow(int cyl) {
        int c = Math.min(cyl, cylinders - 1);
        while (c > 0 && zoneOfCyl[c] < 0) {
            c--;
        }
        return zoneOfCyl[c];
    }

    private Zone zoneOfCyl(int cyl) {
        if (!mapped(cyl)) {
            throw new IllegalArgumentException("cylinder " + cyl + " lies in no zone");
        }
        return zones[zoneOfCyl[cyl]];
    }

    /** Zone index of a logical block. */
    public int zoneOfLbn(long lbn) {
        if (lbn < 0 || lbn >= capacity) {
            throw new IllegalArgumentException("block " + lbn + " outside the disk (" + capacity + " blocks)");
        }
        int lo = 0;
        int hi = zones.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (zoneFirstLbn[mid] <= lbn) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    // ---------------------------------------------------------------- packed physical addresses

    /** Packs cylinder, head and sector into one long (no allocation on the hot path). */
    public static long pbn(int cyl, int head, int sector) {
        return ((long) cyl << 32) | ((long) head << 16) | sector;
    }

    public static int cyl(long pbn) {
        return (int) ((pbn >>> 32) & 0x3FFF_FFFF);
    }

    public static int head(long pbn) {
        return (int) ((pbn >>> 16) & 0xFFFF);
    }

    public static int sector(long pbn) {
        return (int) (pbn & 0xFFFF);
    }

    /** Whether an ltop or ptol result carries the {@link #RELOCATED} flag. */
    public static boolean relocated(long v) {
        return v >= 0 && (v & RELOCATED) != 0;
    }

    /** A ptol result without its flag: an LBN, {@link #NO_LBN} or {@link #REMAPPED}. */
    public static long lbnOf(long ptol) {
        return ptol < 0 ? ptol : ptol & ~RELOCATED;
    }

    /** The surface's rank in LBN order on a cylinder (g1_surfno_on_cyl; its own inverse). */
    private int surfaceRank(Zone z, int cyl, int head) {
        boolean reverse = switch (mapping) {
            case SERPENTINE_PER_ZONE -> ((cyl - z.firstCyl()) & 1) == 1;
            case SERPENTINE -> (cyl & 1) == 1;
            case NORMAL -> false;
        };
        return reverse ? surfaces - head - 1 : head;
    }

    // ---------------------------------------------------------------- LBN -> PBN

    /**
     * The physical sector holding logical block {@code lbn} (DiskSim's dm_translate_ltop with
     * MAP_FULL), packed by {@link #pbn}, with {@link #RELOCATED} set when a defect entry sent the
     * block to a spare.
     */
    public long ltop(long lbn) {
        int zi = zoneOfLbn(lbn);
        Zone z = zones[zi];
        int spt = z.sectorsPerTrack();
        long x = lbn - zoneFirstLbn[zi] + z.deadSpace();
        int[] slips = z.slips();
        int[] d = z.defects();
        long bpc = (long) spt * surfaces;
        long cylRel;
        long inCyl; // sector within the cylinder, in surface-rank order
        boolean moved = false;
        switch (sparing) {
            case NONE -> {
                cylRel = x / bpc;
                inCyl = x % bpc;
            }
            case TRACK -> {
                long t = x / spt;
                for (int s : slips) {
                    if (s <= t) {
                        t++;
                    }
                }
                for (int i = 0; i < d.length; i += 2) {
                    if (d[i] == t) {
                        t = d[i + 1];
                        break;
                    }
                }
                cylRel = t / surfaces;
                inCyl = (t % surfaces) * spt + x % spt;
            }
            case SECTORS_PER_TRACK -> {
                int lpt = spt - z.spares();
                long t = x / lpt;
                long s = x % lpt;
                long first = t * spt;
                for (int slip : slips) {
                    if (slip >= first && slip - first <= s) {
                        s++;
                    }
                }
                for (int i = 0; i < d.length; i += 2) {
                    // No break: a later entry may move the block again, as in g1_ltop_sectpertrackspare.
                    if (d[i] == first + s) {
                        moved = true;
                        t = d[i + 1] / spt;
                        first = t * spt;
                        s = d[i + 1] % spt;
                    }
                }
                if (s >= spt) {
                    throw new IllegalStateException("block " + lbn + " slips beyond its track");
                }
                cylRel = t / surfaces;
                inCyl = (t % surfaces) * spt + s;
            }
            case SECTORS_PER_RANGE -> {
                long bpr = bpc * rangeSize;
                long lpr = bpr - z.spares();
                long range = x / lpr;
                long s = x % lpr;
                long first = range * bpr;
                int n = 0;
                if (sortedSlips[zi]) {
                    for (int i = countBelow(slips, first); i < slips.length && slips[i] - first <= s + n; i++) {
                        n++;
                    }
                } else {
                    for (int slip : slips) {
                        if (slip >= first && slip - first <= s + n) {
                            n++;
                        }
                    }
                }
                s += n;
                for (int i = 0; i < d.length; i += 2) {
                    if (d[i] == first + s && d[i + 1] != d[i]) {
                        moved = true;
                        s = d[i + 1] % bpr; // assumes the spare lies in the same range
                        break;
                    }
                }
                cylRel = range * rangeSize + s / bpc;
                inCyl = s % bpc;
            }
            case SECTORS_PER_ZONE, SECTORS_PER_ZONE_SLIP_TO_END -> {
                int n = 0;
                if (sortedSlips[zi]) {
                    while (n < slips.length && slips[n] <= x + n) {
                        n++;
                    }
                } else {
                    for (int slip : slips) {
                        if (slip <= x + n) {
                            n++;
                        }
                    }
                }
                x += n;
                for (int i = 0; i < d.length; i += 2) {
                    if (d[i] == x && d[i + 1] != d[i]) {
                        moved = true;
                        x = d[i + 1];
                        break;
                    }
                }
                cylRel = x / bpc;
                inCyl = x % bpc;
            }
            default -> { // the per-cylinder family
                // The inverse of ptol: DiskSim 4.0's own ltop here lets a slipped block carry into
                // the next cylinder (schemes 2 and 5) and ignores the spares at the cylinder front
                // (5 and 6), where its ptol keeps the block in its cylinder's spares and skips the
                // front spares; its sector loop then never reaches such a block (DiskSim aborts on
                // the ST41601N in disk_buffer_sector_done). Where the two agree (every other block,
                // and all of schemes 4 and 7) this is DiskSim's mapping.
                long lpc = bpc - z.spares();
                long c = x / lpc;
                if (sparing.slipToEnd()) {
                    // Slips in earlier cylinders push blocks on: find the cylinder whose range holds x.
                    while (x >= (c + 1) * lpc - (sortedSlips[zi] ? countBelow(slips, (c + 1) * bpc) : slipsBefore(slips, (c + 1) * bpc))) {
                        c++;
                    }
                }
                long k = x - c * lpc + (sparing.slipToEnd() ? (sortedSlips[zi] ? countBelow(slips, c * bpc) : slipsBefore(slips, c * bpc)) : 0);
                long first = c * bpc;
                long sct = k + (sparing.sparesAtFront() ? z.spares() : 0);
                if (sortedSlips[zi]) {
                    for (int i = countBelow(slips, first); i < slips.length && slips[i] - first <= sct; i++) {
                        sct++;
                    }
                } else {
                    for (int slip : slips) {
                        if (slip >= first && slip - first <= sct) {
                            sct++;
                        }
                    }
                }
                for (int i = 0; i < d.length; i += 2) {
                    if (d[i] == first + sct && d[i + 1] != d[i]) {
                        moved = true;
                        c = d[i + 1] / bpc;
                        sct = d[i + 1] % bpc;
                        break;
                    }
                }
                cylRel = c;
                inCyl = sct;
            }
        }
        int cyl = (int) cylRel + z.firstCyl();
        int head = surfaceRank(z, cyl, (int) (inCyl / spt));
        long p = pbn(cyl, head, (int) (inCyl % spt));
        return moved ? p | RELOCATED : p;
    }

    /** Slips at zone-relative sectors below {@code sector}. */
    private static long slipsBefore(int[] slips, long sector) {
        long n = 0;
        for (int slip : slips) {
            if (slip < sector) {
                n++;
            }
        }
        return n;
    }

    private static boolean ascending(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Entries of the ascending {@code a} below {@code v}. */
    private static int countBelow(int[] a, long v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * ptol's slip step for a zone whose slips ascend: -1 when sector {@code p} is itself slipped,
     * else the slips below {@code p} at or after {@code unitStart} (DiskSim's descending loop,
     * which decrements p once for each, comes to the same).
     */
    private static long slipsInUnit(int[] slips, long unitStart, long p) {
        int below = countBelow(slips, p);
        if (below < slips.length && slips[below] == p) {
            return -1;
        }
        return below - countBelow(slips, unitStart);
    }

    // ---------------------------------------------------------------- PBN -> LBN

    /**
     * The logical block in physical sector (cyl, head, sector) (dm_translate_ptol): an LBN,
     * possibly flagged {@link #RELOCATED} (the sector is the spare holding a remapped block),
     * {@link #NO_LBN} for spare, slipped or management space, or {@link #REMAPPED} for a defect.
     */
    public long ptol(int cyl, int head, int sector) {
        int zi = zoneOfCyl[cyl];
        if (zi < 0) {
            return NO_LBN;
        }
        Zone z = zones[zi];
        int spt = z.sectorsPerTrack();
        long cylRel = cyl - z.firstCyl();
        int rank = surfaceRank(z, cyl, head);
        long lbn = zoneFirstLbn[zi];
        long bpc = (long) spt * surfaces;
        int[] slips = z.slips();
        int[] d = z.defects();
        boolean flag = false;
        if (sparing == Sparing.NONE) {
            lbn += (cylRel * surfaces + rank) * spt + sector - z.deadSpace();
            return lbn < 0 ? NO_LBN : lbn;
        }
        if (sparing == Sparing.TRACK) {
            long t = cylRel * surfaces + rank;
            for (int i = d.length - 2; i >= 0; i -= 2) {
                if (t == d[i]) {
                    return REMAPPED;
                }
                if (t == d[i + 1]) {
                    t = d[i];
                    break;
                }
            }
            for (int i = slips.length - 1; i >= 0; i--) {
                if (t == slips[i]) {
                    return NO_LBN;
                }
                if (t > slips[i]) {
                    t--;
                }
            }
            long lastTrack = (zoneBlocks[zi] + z.deadSpace()) / spt;
            if (t > lastTrack) {
                return NO_LBN;
            }
            lbn += sector + t * spt - z.deadSpace();
            return lbn < 0 ? NO_LBN : lbn;
        }
        long p = cylRel * bpc + (long) rank * spt + sector;
        for (int i = d.length - 2; i >= 0; i -= 2) {
            if (p == d[i]) {
                return REMAPPED;
            }
            if (p == d[i + 1]) {
                flag = true;
                p = d[i];
                break;
            }
        }
        switch (sparing) {
            case SECTORS_PER_TRACK -> {
                if (sortedSlips[zi]) {
                    long k = slipsInUnit(slips, p / spt * spt, p);
                    if (k < 0) {
                        return NO_LBN;
                    }
                    p -= k;
                }
                for (int i = sortedSlips[zi] ? -1 : slips.length - 1; i >= 0; i--) {
                    if (p == slips[i]) {
                        return NO_LBN;
                    }
                    // Slips earlier on the same track shift this sector's block back. (DiskSim 4.0's
                    // g1_ptol_sectpertrackspare compares the slip's sector-in-cylinder with the head
                    // instead, which no ltop inverts; StackSim follows its ltop.)
                    if (p > slips[i] && slips[i] / spt == p / spt) {
                        p--;
                    }
                }
                int lpt = spt - z.spares();
                if (p % spt >= lpt) {
                    return NO_LBN;
                }
                long c = p / bpc;
                long h = (p % bpc) / spt;
                lbn += c * lpt * surfaces + h * lpt + p % spt - z.deadSpace();
            }
            case SECTORS_PER_RANGE -> {
                long bpr = bpc * rangeSize;
                long range = cylRel / rangeSize;
                if (sortedSlips[zi]) {
                    long k = slipsInUnit(slips, range * bpr, p);
                    if (k < 0) {
                        return NO_LBN;
                    }
                    p -= k;
                }
                for (int i = sortedSlips[zi] ? -1 : slips.length - 1; i >= 0; i--) {
                    if (p == slips[i]) {
                        return NO_LBN;
                    }
                    if (p > slips[i] && slips[i] / bpr == range) {
                        p--;
                    }
                }
                p %= bpr;
                long lpr = bpr - z.spares();
                if (p >= lpr) {
                    return NO_LBN;
                }
                lbn += range * lpr + p - z.deadSpace();
            }
            case SECTORS_PER_ZONE, SECTORS_PER_ZONE_SLIP_TO_END -> {
                if (sortedSlips[zi]) {
                    long k = slipsInUnit(slips, 0, p);
                    if (k < 0) {
                        return NO_LBN;
                    }
                    p -= k;
                }
                for (int i = sortedSlips[zi] ? -1 : slips.length - 1; i >= 0; i--) {
                    if (p == slips[i]) {
                        return NO_LBN;
                    }
                    if (p > slips[i]) {
                        p--;
                    }
                }
                // DiskSim 4.0 compares p, which counts the zone's dead space, with the zone's block
                // count, losing the zone's last blocks to ptol; StackSim counts from the dead space's end.
                if (p - z.deadSpace() >= zoneBlocks[zi]) {
                    return NO_LBN;
                }
                lbn += p - z.deadSpace();
            }
            default -> { // the per-cylinder family
                if (sortedSlips[zi]) {
                    long k = slipsInUnit(slips, cylRel * bpc, p);
                    if (k < 0) {
                        return NO_LBN;
                    }
                    p -= k;
                    if (sparing.slipToEnd()) {
                        lbn -= countBelow(slips, cylRel * bpc);
                    }
                }
                for (int i = sortedSlips[zi] ? -1 : slips.length - 1; i >= 0; i--) {
                    if (p == slips[i]) {
                        return NO_LBN;
                    }
                    if (p > slips[i]) {
                        if (slips[i] / bpc == cylRel) {
                            p--;
                        } else if (sparing.slipToEnd()) {
                            lbn--;
                        }
                    }
                }
                long lpc = bpc - z.spares();
                boolean front = sparing.sparesAtFront();
                if ((!front && p % bpc >= lpc) || (front && p % bpc < z.spares())) {
                    return NO_LBN;
                }
                lbn += (p / bpc) * lpc + p % bpc - z.deadSpace() - (front ? z.spares() : 0);
            }
        }
        if (lbn < 0) {
            return NO_LBN;
        }
        return flag ? lbn | RELOCATED : lbn;
    }

    /** Whether a remapped defect, or the spare holding one, lies on track (cyl, head). */
    public boolean defectOnTrack(int cyl, int head) {
        if (!mapped(cyl)) {
            return false;
        }
        Zone z = zones[zoneOfCyl[cyl]];
        long track = (long) (cyl - z.firstCyl()) * surfaces + surfaceRank(z, cyl, head);
        long per = sparing == Sparing.TRACK ? 1 : z.sectorsPerTrack();
        for (int d : z.defects()) {
            if (d / per == track) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- track boundaries

    /**
     * The first logical block on track (cyl, head) (dm_get_track_boundaries; slips counted,
     * remaps ignored), or a negative value when no block lives there.
     */
    public long trackFirstLbn(int cyl, int head) {
        return trackBound(cyl, head, true);
    }

    /** The last logical block on track (cyl, head), or a negative value when no block lives there. */
    public long trackLastLbn(int cyl, int head) {
        return trackBound(cyl, head, false);
    }

    private long trackBound(int cyl, int head, boolean first) {
        int zi = zoneOfCyl[cyl];
        if (zi < 0) {
            return NO_LBN;
        }
        Zone z = zones[zi];
        int spt = z.sectorsPerTrack();
        long zoneFirst = zoneFirstLbn[zi];
        long cylRel = cyl - z.firstCyl();
        int rank = surfaceRank(z, cyl, head);
        switch (sparing) {
            case NONE, SECTORS_PER_TRACK -> {
                int lpt = sparing == Sparing.NONE ? spt : spt - z.spares();
                long lbn = zoneFirst + (cylRel * surfaces + rank) * lpt - z.deadSpace();
                if (first) {
                    return lbn + lpt <= zoneFirst ? NO_LBN : Math.max(lbn, zoneFirst);
                }
                long last = lbn + lpt - 1;
                return last <= zoneFirst ? NO_LBN : last;
            }
            case TRACK -> {
                long t = cylRel * surfaces + rank;
                long lbn = zoneFirst;
                int[] d = z.defects();
                for (int i = d.length - 2; i >= 0; i -= 2) {
                    if (t == d[i]) {
                        lbn = REMAPPED;
                    }
                    if (t == d[i + 1]) {
                        t = d[i];
                        break;
                    }
                }
                int[] slips = z.slips();
                for (int i = slips.length - 1; i >= 0; i--) {
                    if (t == slips[i]) {
                        lbn = NO_LBN;
                    }
                    if (t > slips[i]) {
                        t--;
                    }
                }
                if (t > (zoneBlocks[zi] + z.deadSpace()) / spt) {
                    lbn = NO_LBN;
                }
                if (lbn < 0) {
                    return lbn;
                }
                long start = lbn + t * spt - z.deadSpace();
                if (first) {
                    return start + spt <= lbn ? NO_LBN : Math.max(start, lbn);
                }
                long last = start + spt - 1;
                return last <= lbn ? NO_LBN : last;
            }
            default -> {
                // Brute force, as g1_track_boundaries_sectpercylspare and its siblings: translate each sector back.
                long r = NO_LBN;
                int add = 0;
                for (int k = 0; k < spt; k++) {
                    int s = first ? k : spt - 1 - k;
                    r = ptol(cyl, head, s);
                    if (r == REMAPPED) {
                        add++;
                    }
                    if (relocated(r)) {
                        r = NO_LBN;
                    }
                    if (r >= 0) {
                        return first ? Math.max(r - add, zoneFirst) : r + add;
                    }
                }
                return r < 0 ? r : NO_LBN;
            }
        }
    }

    // ---------------------------------------------------------------- angles

    /**
     * The angular position at which physical sector {@code sector} of track (cyl, head) starts,
     * in sectors of that track, in [0, sectors per track) (g1_map_pbn_skew).
     */
    public double sectorPosition(int cyl, int head, int sector) {
        Zone z = zoneOfCyl(cyl);
        int spt = z.sectorsPerTrack();
        int cylRel = cyl - z.firstCyl();
        int rank = surfaceRank(z, cyl, head);
        long headSwitches = rank + (long) (surfaces - 1) * cylRel;
        double pos = z.firstOffset() + headSwitches * z.trackSkew() + cylRel * z.cylSkew();
        if (sparing.slipsSkew()) {
            // Slips on earlier tracks (or cylinders) push the rotational position forward; the
            // physical head, not its rank, counts for per-track sparing.
            long tracks = (long) cylRel * surfaces + (sparing == Sparing.SECTORS_PER_TRACK ? head : 0);
            long cutoff = tracks * spt;
            pos += sortedSlips[zoneOfCyl[cyl]] ? countBelow(z.slips(), cutoff) : slipsBefore(z.slips(), cutoff);
        }
        pos += sector;
        pos %= spt;
        if (pos < 0) {
            pos += spt;
        }
        return pos;
    }
}
