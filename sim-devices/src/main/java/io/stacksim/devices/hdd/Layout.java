package io.stacksim.devices.hdd;

import java.util.Arrays;
import java.util.List;

/**
 * The mapping between logical block numbers and physical sectors <cylinder, head, sector> of a
 * zoned disk, and the angle at which each physical sector starts, in the manner of DiskSim's
 * first-generation layout (diskmodel layout_g1; DiskSim 4.0 manual App. B.4).
 *
 * <p>LBNs fill a track, then the next surface of the cylinder, then the next cylinder
 * (mapping 0); mappings 1 and 2 reverse the surface order on odd cylinders so that a cylinder
 * switch needs no head switch. Spare space per zone is whole tracks at the zone end (sparing 1),
 * sectors at the end of each cylinder (2) or of each track (3); slipped defects are skipped and
 * later blocks shift into the spares. Physical sector 0 of every track starts at the same angle;
 * the first LBN of a track sits at the zone offset plus one track skew per head switch and one
 * cylinder skew per cylinder switch since the zone start (and, for sector sparing, one sector per
 * slip on earlier tracks), all modulo one revolution.
 *
 * <p>Where DiskSim 4.0's code deviates from its own documented rule we follow the rule (and say
 * so): cylinder sparing keeps slipped blocks inside their cylinder's spare sectors.
 */
public final class Layout {
    /** Spare-space schemes (DiskSim "Sparing scheme used"). */
    public enum Sparing { NONE, TRACK, SECTORS_PER_CYLINDER, SECTORS_PER_TRACK }

    /** Returned by {@link #ptol} for a sector that holds no logical block. */
    public static final long NO_LBN = -1;

    private final int surfaces;
    private final int cylinders;
    private final int mapping;
    private final Sparing sparing;
    private final Zone[] zones;
    private final long[] zoneFirstLbn;
    private final long[] zoneBlocks;
    private final int[] zoneOfCyl;
    private final long capacity;
    private final int maxSectorsPerTrack;

    /**
     * @param surfaces data surfaces (heads)
     * @param mapping  LBN-to-PBN mapping scheme 0, 1 or 2
     * @param sparing  spare-space scheme
     * @param zones    zones in cylinder order, covering cylinders from 0 without gaps
     */
    public Layout(int surfaces, int mapping, Sparing sparing, List<Zone> zones) {
        if (surfaces < 1 || mapping < 0 || mapping > 2 || zones.isEmpty()) {
            throw new IllegalArgumentException("bad layout: " + surfaces + " surfaces, mapping " + mapping);
        }
        this.surfaces = surfaces;
        this.mapping = mapping;
        this.sparing = sparing;
        this.zones = zones.toArray(new Zone[0]);
        this.zoneFirstLbn = new long[this.zones.length];
        this.zoneBlocks = new long[this.zones.length];
        int expect = 0;
        long lbn = 0;
        int maxSpt = 0;
        for (int i = 0; i < this.zones.length; i++) {
            Zone z = this.zones[i];
            if (z.firstCyl() != expect) {
                throw new IllegalArgumentException("zone " + i + " starts at cylinder " + z.firstCyl() + ", expected " + expect);
            }
            if (sparing != Sparing.TRACK && z.defects().length > 0) {
                throw new IllegalArgumentException("zone " + i + ": remapped defects are supported with track sparing only");
            }
            if (sparing == Sparing.SECTORS_PER_TRACK && z.spares() >= z.sectorsPerTrack()) {
                throw new IllegalArgumentException("zone " + i + ": spares per track must be fewer than sectors per track");
            }
            expect = z.lastCyl() + 1;
            zoneFirstLbn[i] = lbn;
            zoneBlocks[i] = blocksIn(z);
            if (zoneBlocks[i] <= 0) {
                throw new IllegalArgumentException("zone " + i + " holds no logical blocks");
            }
            lbn += zoneBlocks[i];
            maxSpt = Math.max(maxSpt, z.sectorsPerTrack());
        }
        this.cylinders = expect;
        this.capacity = lbn;
        this.maxSectorsPerTrack = maxSpt;
        this.zoneOfCyl = new int[cylinders];
        for (int i = 0; i < this.zones.length; i++) {
            Arrays.fill(zoneOfCyl, this.zones[i].firstCyl(), this.zones[i].lastCyl() + 1, i);
        }
    }

    private long blocksIn(Zone z) {
        long cyls = z.cylinders();
        long blocks = cyls * surfaces * z.sectorsPerTrack() - z.deadSpace();
        return switch (sparing) {
            case NONE -> blocks;
            case TRACK -> blocks - (long) z.spares() * z.sectorsPerTrack();
            case SECTORS_PER_TRACK -> blocks - (long) z.spares() * cyls * surfaces;
            case SECTORS_PER_CYLINDER -> blocks - (long) z.spares() * cyls;
        };
    }

    /** Logical blocks (512-byte sectors) on the disk. */
    public long capacity() {
        return capacity;
    }

    public int surfaces() {
        return surfaces;
    }

    /** Physical cylinders covered by the zones. */
    public int cylinders() {
        return cylinders;
    }

    public int mapping() {
        return mapping;
    }

    public Sparing sparing() {
        return sparing;
    }

    public List<Zone> zones() {
        return List.of(zones);
    }

    public int maxSectorsPerTrack() {
        return maxSectorsPerTrack;
    }

    public int sectorsPerTrack(int cyl) {
        return zones[zoneOfCyl[cyl]].sectorsPerTrack();
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
        return (int) (pbn >>> 32);
    }

    public static int head(long pbn) {
        return (int) ((pbn >>> 16) & 0xFFFF);
    }

    public static int sector(long pbn) {
        return (int) (pbn & 0xFFFF);
    }

    /** The surface's rank in LBN order on a cylinder (mappings 1 and 2 reverse odd cylinders). */
    private int surfaceRank(Zone z, int cyl, int head) {
        boolean reverse = switch (mapping) {
            case 1 -> ((cyl - z.firstCyl()) & 1) == 1;
            case 2 -> (cyl & 1) == 1;
            default -> false;
        };
        return reverse ? surfaces - head - 1 : head;
    }

    // ---------------------------------------------------------------- LBN -> PBN

    /** The physical sector holding logical block {@code lbn}, packed by {@link #pbn}. */
    public long ltop(long lbn) {
        int zi = zoneOfLbn(lbn);
        Zone z = zones[zi];
        int spt = z.sectorsPerTrack();
        long rel = lbn - zoneFirstLbn[zi] + z.deadSpace();
        long trackInZone;
        long sector;
        switch (sparing) {
            case NONE -> {
                trackInZone = rel / spt;
                sector = rel % spt;
            }
            case TRACK -> {
                long t = rel / spt;
                for (int s : z.slips()) {
                    if (s <= t) {
                        t++;
                    }
                }
                int[] d = z.defects();
                for (int i = 0; i < d.length; i += 2) {
                    if (d[i] == t) {
                        t = d[i + 1];
                        break;
                    }
                }
                trackInZone = t;
                sector = rel % spt;
            }
            case SECTORS_PER_TRACK -> {
                int lpt = spt - z.spares();
                trackInZone = rel / lpt;
                long x = rel % lpt;
                long first = trackInZone * spt;
                for (int s : z.slips()) {
                    if (s >= first && s - first <= x) {
                        x++;
                    }
                }
                sector = x;
            }
            case SECTORS_PER_CYLINDER -> {
                long bpc = (long) spt * surfaces;
                long lpc = bpc - z.spares();
                long c = rel / lpc;
                long x = rel % lpc;
                long first = c * bpc;
                for (int s : z.slips()) {
                    if (s >= first && s - first <= x) {
                        x++;
                    }
                }
                trackInZone = c * surfaces + x / spt;
                sector = x % spt;
            }
            default -> throw new IllegalStateException();
        }
        int cyl = (int) (trackInZone / surfaces) + z.firstCyl();
        int rank = (int) (trackInZone % surfaces);
        int head = surfaceRank(z, cyl, rank); // the rank mapping is its own inverse
        return pbn(cyl, head, (int) sector);
    }

    // ---------------------------------------------------------------- PBN -> LBN

    /** The logical block in physical sector (cyl, head, sector), or {@link #NO_LBN} for spare, slipped or management space. */
    public long ptol(int cyl, int head, int sector) {
        int zi = zoneOfCyl[cyl];
        Zone z = zones[zi];
        int spt = z.sectorsPerTrack();
        int cylRel = cyl - z.firstCyl();
        int rank = surfaceRank(z, cyl, head);
        long rel;
        switch (sparing) {
            case NONE -> rel = ((long) cylRel * surfaces + rank) * spt + sector;
            case TRACK -> {
                long t = (long) cylRel * surfaces + rank;
                int[] d = z.defects();
                for (int i = 0; i < d.length; i += 2) {
                    if (t == d[i]) {
                        return NO_LBN;
                    }
                    if (t == d[i + 1]) {
                        t = d[i];
                        break;
                    }
                }
                int[] slips = z.slips();
                for (int i = slips.length - 1; i >= 0; i--) {
                    if (t == slips[i]) {
                        return NO_LBN;
                    }
                    if (t > slips[i]) {
                        t--;
                    }
                }
                rel = t * spt + sector;
            }
            case SECTORS_PER_TRACK -> {
                long t = (long) cylRel * surfaces + rank;
                long p = t * spt + sector;
                int[] slips = z.slips();
                for (int i = slips.length - 1; i >= 0; i--) {
                    if (p == slips[i]) {
                        return NO_LBN;
                    }
                    if (p > slips[i] && slips[i] / spt == t) {
                        p--;
                    }
                }
                int lpt = spt - z.spares();
                if (p % spt >= lpt) {
                    return NO_LBN;
                }
                rel = (p / spt) * lpt + p % spt;
            }
            case SECTORS_PER_CYLINDER -> {
                long bpc = (long) spt * surfaces;
                long p = cylRel * bpc + (long) rank * spt + sector;
                int[] slips = z.slips();
                for (int i = slips.length - 1; i >= 0; i--) {
                    if (p == slips[i]) {
                        return NO_LBN;
                    }
                    if (p > slips[i] && slips[i] / bpc == cylRel) {
                        p--;
                    }
                }
                long lpc = bpc - z.spares();
                if (p % bpc >= lpc) {
                    return NO_LBN;
                }
                rel = (p / bpc) * lpc + p % bpc;
            }
            default -> throw new IllegalStateException();
        }
        rel -= z.deadSpace();
        if (rel < 0 || rel >= zoneBlocks[zi]) {
            return NO_LBN;
        }
        return zoneFirstLbn[zi] + rel;
    }

    /**
     * Fills {@code lbnOfSector[s]} with the logical block of each physical sector of the track
     * (or {@link #NO_LBN}) and returns the track's sectors per track.
     */
    public int trackMap(int cyl, int head, long[] lbnOfSector) {
        int spt = sectorsPerTrack(cyl);
        for (int s = 0; s < spt; s++) {
            lbnOfSector[s] = ptol(cyl, head, s);
        }
        return spt;
    }

    // ---------------------------------------------------------------- angles

    /**
     * The angular position at which physical sector {@code sector} of track (cyl, head) starts,
     * in sectors of that track, in [0, sectors per track).
     */
    public double sectorPosition(int cyl, int head, int sector) {
        Zone z = zones[zoneOfCyl[cyl]];
        int spt = z.sectorsPerTrack();
        int cylRel = cyl - z.firstCyl();
        int rank = surfaceRank(z, cyl, head);
        long headSwitches = rank + (long) (surfaces - 1) * cylRel;
        double pos = z.firstOffset() + headSwitches * z.trackSkew() + cylRel * z.cylSkew();
        if (sparing == Sparing.SECTORS_PER_CYLINDER || sparing == Sparing.SECTORS_PER_TRACK) {
            // Slips on earlier tracks (or cylinders) push the rotational position forward.
            long tracks = (long) cylRel * surfaces + (sparing == Sparing.SECTORS_PER_TRACK ? head : 0);
            long cutoff = tracks * spt;
            for (int s : z.slips()) {
                if (s < cutoff) {
                    pos += 1;
                }
            }
        }
        pos += sector;
        pos %= spt;
        if (pos < 0) {
            pos += spt;
        }
        return pos;
    }
}
