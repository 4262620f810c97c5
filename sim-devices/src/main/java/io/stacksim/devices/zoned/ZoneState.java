package io.stacksim.devices.zoned;

import io.stacksim.block.BlkZone;
import io.stacksim.block.ZoneCond;
import io.stacksim.block.ZoneType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The zones of a zoned drive as its firmware keeps them (ZBC-2 / ZAC-2 zone condition state
 * machine, NVMe ZNS 1.1 zone state machine): each zone's type, condition and write pointer, and
 * the open and active resources.
 *
 * <p>A write to a sequential-write-required zone must start at the write pointer and end within
 * the zone capacity, else the command fails (ZBC UNALIGNED WRITE COMMAND / NVMe Zone Invalid Write,
 * Zone Boundary Error, Zone Is Full: EIO on the host). Writing an empty or closed zone opens it
 * implicitly; that needs an open resource (at most {@code maxOpen} zones open) and, for an empty
 * zone, an active resource (at most {@code maxActive} zones open or closed, NVMe ZNS only). With
 * no open resource left, the least recently written implicitly opened zone is closed to make
 * room; when every open zone was opened explicitly the command fails (Too Many Open Zones:
 * ETOOMANYREFS); with no active resource it fails too (Too Many Active Zones: EOVERFLOW). A zone
 * whose write pointer reaches its capacity is full and releases both. Reset returns a zone to
 * empty, finish makes it full, open makes it explicitly open, close makes an open zone closed
 * (or empty if nothing was written). Conventional zones have no write pointer.
 */
public final class ZoneState {
    /** Result codes: 0 or a negative errno as the host sees the command's status. */
    static final int EIO = -5;
    static final int EOVERFLOW = -75;
    static final int ETOOMANYREFS = -109;

    private final long zoneSectors;
    private final long capSectors;
    private final int nrZones;
    private final int nrConventional;
    private final int maxOpen;
    private final int maxActive;
    private final long[] wp;
    private final ZoneCond[] cond;
    /** Implicitly opened zones, least recently written first. */
    private final LinkedHashSet<Integer> implicitOpen = new LinkedHashSet<>();
    private int open;
    private int active;
    private long implicitCloses;

    /**
     * @param zoneSectors    zone size in sectors
     * @param capSectors     zone capacity in sectors (at most the size)
     * @param nrZones        zones
     * @param nrConventional conventional zones, at the start of the LBA space
     * @param maxOpen        open resources, 0 = no limit
     * @param maxActive      active resources, 0 = no limit
     */
    public ZoneState(long zoneSectors, long capSectors, int nrZones, int nrConventional, int maxOpen, int maxActive) {
        if (capSectors < 1 || capSectors > zoneSectors || nrConventional < 0 || nrConventional > nrZones
                || (maxActive > 0 && maxOpen > maxActive)) {
            throw new IllegalArgumentException("impossible zone layout");
        }
        this.zoneSectors = zoneSectors;
        this.capSectors = capSectors;
        this.nrZones = nrZones;
        this.nrConventional = nrConventional;
        this.maxOpen = maxOpen;
        this.maxActive = maxActive;
        this.wp = new long[nrZones];
        this.cond = new ZoneCond[nrZones];
        for (int z = 0; z < nrZones; z++) {
            wp[z] = start(z);
            cond[z] = z < nrConventional ? ZoneCond.NOT_WP : ZoneCond.EMPTY;
        }
    }

    long start(int zone) {
        return zone * zoneSectors;
    }

    int zoneOf(long sector) {
        return (int) (sector / zoneSectors);
    }

    boolean conventional(int zone) {
        return zone < nrConventional;
    }

    long capacitySectors() {
        return capSectors;
    }

    /** The write pointer of {@code zone} (its start + capacity when full). */
    long writePointer(int zone) {
        return cond[zone] == ZoneCond.FULL ? start(zone) + capSectors : wp[zone];
    }

    public ZoneCond condition(int zone) {
        return cond[zone];
    }

    /** Zones holding an open resource now. */
    public int openZones() {
        return open;
    }

    /** Zones holding an active resource now. */
    public int activeZones() {
        return active;
    }

    long implicitCloses() {
        return implicitCloses;
    }

    /** The resources a write or open of an empty or closed zone needs, making room by an implicit close. */
    private int acquire(int zone) {
        if (cond[zone] == ZoneCond.EMPTY && maxActive > 0 && active >= maxActive) {
            return EOVERFLOW;
        }
        if (maxOpen > 0 && open >= maxOpen) {
            if (implicitOpen.isEmpty()) {
                return ETOOMANYREFS;
            }
            int victim = implicitOpen.iterator().next();
            implicitCloses++;
            closeOpen(victim);
        }
        if (cond[zone] == ZoneCond.EMPTY) {
            active++;
        }
        open++;
        return 0;
    }

    private void closeOpen(int zone) {
        implicitOpen.remove(zone);
        open--;
        if (wp[zone] == start(zone)) {
            cond[zone] = ZoneCond.EMPTY;
            active--;
        } else {
            cond[zone] = ZoneCond.CLOSED;
        }
    }

    private void release(int zone) {
        if (cond[zone].isOpen()) {
            open--;
            implicitOpen.remove(zone);
        }
        if (cond[zone].isActive()) {
            active--;
        }
    }

    private static boolean writable(ZoneCond c) {
        return c != ZoneCond.FULL && c != ZoneCond.READONLY && c != ZoneCond.OFFLINE;
    }

    /** A write of [sector, sector + n): 0 with the write pointer advanced, or the error. */
    public int write(long sector, int n) {
        int z = zoneOf(sector);
        if (conventional(z)) {
            return zoneOf(sector + n - 1) < nrConventional ? 0 : EIO;
        }
        if (!writable(cond[z]) || sector != wp[z] || sector + n > start(z) + capSectors) {
            return EIO;
        }
        return advance(z, n);
    }

    /** A zone append of {@code n} sectors to {@code zone}: the sector written, or the error (negative). */
    public long append(int zone, int n) {
        if (conventional(zone) || !writable(cond[zone]) || wp[zone] + n > start(zone) + capSectors) {
            return EIO;
        }
        long at = wp[zone];
        int r = advance(zone, n);
        return r < 0 ? r : at;
    }

    private int advance(int z, int n) {
        if (cond[z] == ZoneCond.EMPTY || cond[z] == ZoneCond.CLOSED) {
            int r = acquire(z);
            if (r < 0) {
                return r;
            }
            cond[z] = ZoneCond.IMP_OPEN;
        }
        if (cond[z] == ZoneCond.IMP_OPEN) {
            implicitOpen.remove(z);
            implicitOpen.add(z); // most recently written last
        }
        wp[z] += n;
        if (wp[z] == start(z) + capSectors) {
            release(z);
            cond[z] = ZoneCond.FULL;
        }
        return 0;
    }

    /** RESET WRITE POINTER / Zone Management Send Reset. */
    public int reset(int zone) {
        if (conventional(zone) || cond[zone] == ZoneCond.READONLY || cond[zone] == ZoneCond.OFFLINE) {
            return EIO;
        }
        release(zone);
        cond[zone] = ZoneCond.EMPTY;
        wp[zone] = start(zone);
        return 0;
    }

    /** Reset of every sequential zone (ALL bit). */
    public void resetAll() {
        for (int z = nrConventional; z < nrZones; z++) {
            if (cond[z] != ZoneCond.READONLY && cond[z] != ZoneCond.OFFLINE) {
                reset(z);
            }
        }
    }

    /** OPEN ZONE: explicitly open (no change when already explicitly open or full). */
    public int openZone(int zone) {
        if (conventional(zone) || cond[zone] == ZoneCond.READONLY || cond[zone] == ZoneCond.OFFLINE) {
            return EIO;
        }
        switch (cond[zone]) {
            case EXP_OPEN, FULL -> {
                return 0;
            }
            case IMP_OPEN -> implicitOpen.remove(zone);
            default -> {
                int r = acquire(zone);
                if (r < 0) {
                    return r;
                }
            }
        }
        cond[zone] = ZoneCond.EXP_OPEN;
        return 0;
    }

    /** CLOSE ZONE: an open zone becomes closed, or empty when nothing is written. */
    public int closeZone(int zone) {
        if (conventional(zone) || cond[zone] == ZoneCond.READONLY || cond[zone] == ZoneCond.OFFLINE) {
            return EIO;
        }
        if (cond[zone].isOpen()) {
            closeOpen(zone);
        }
        return 0;
    }

    /** FINISH ZONE: the write pointer to the end of the capacity; the zone is full. */
    public int finishZone(int zone) {
        if (conventional(zone) || cond[zone] == ZoneCond.READONLY || cond[zone] == ZoneCond.OFFLINE) {
            return EIO;
        }
        release(zone);
        cond[zone] = ZoneCond.FULL;
        wp[zone] = start(zone) + capSectors;
        return 0;
    }

    /** REPORT ZONES from the zone holding {@code sector}; a full zone's write pointer is its end, as Linux reports it. */
    public List<BlkZone> report(long sector, int nr) {
        List<BlkZone> out = new ArrayList<>();
        for (int z = zoneOf(sector); z < nrZones && out.size() < nr; z++) {
            long s = start(z);
            if (conventional(z)) {
                out.add(new BlkZone(s, zoneSectors, s + zoneSectors, zoneSectors, ZoneType.CONVENTIONAL, ZoneCond.NOT_WP));
            } else {
                long w = cond[z] == ZoneCond.FULL ? s + zoneSectors : wp[z];
                out.add(new BlkZone(s, zoneSectors, w, capSectors, ZoneType.SEQWRITE_REQ, cond[z]));
            }
        }
        return out;
    }
}
