package io.stacksim.devices.md;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.Op;
import io.stacksim.devices.stacked.BioChain;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * md RAID-0 (drivers/md/raid0.c): the members are cut into chunks and the array's chunks go
 * round them. Members of different sizes make strip zones (create_strip_zones): zone 0 spans
 * every member up to the smallest's size, each further zone the members still left beyond the
 * previous zone's end. A bio is split at chunk boundaries (raid0_make_request; since the array's
 * max_hw_sectors is one chunk, bio_split_to_limits has already cut it to at most one), and each
 * piece goes to one member (find_zone, map_sector), in the original or the alternate multi-zone
 * layout.
 *
 * <p>A discard is not cut into chunks: raid0_handle_discard splits it at its strip zone's end
 * only and sends each member of the zone one discard covering its share of the range (from
 * its first to its last chunk touched), so a large discard becomes one bio per member.
 */
final class Raid0 extends MdDevice {
    /** RAID0_ORIG_LAYOUT: the disk of a chunk in a later zone is its array chunk number modulo the zone's disks. */
    static final int ORIG_LAYOUT = 1;
    /** RAID0_ALT_MULTIZONE_LAYOUT: it is the chunk number within the zone modulo the zone's disks. */
    static final int ALT_MULTIZONE_LAYOUT = 2;

    /** struct strip_zone: where it ends in the array, where it starts on its devices, its devices. */
    record Zone(long zoneEnd, long devStart, int[] devs) {
    }

    private final int chunkSectors;
    private final Zone[] zones;
    private final int layout;

    /** Where a sector of the array is: member index and the sector on it (before data_offset). */
    record Place(int member, long sector) {
    }

    Raid0(Simulator sim, String name, List<BlockTarget> members, MdGeometry g, int layout) {
        super(sim, name, members, g, arraySectors(g), g.chunkSectors(), (long) g.chunkSectors() * 512 * members.size());
        this.chunkSectors = g.chunkSectors();
        this.zones = stripZones(g.memberSectors(), chunkSectors);
        this.layout = zones.length == 1 || zones[1].devs().length == 1 ? ORIG_LAYOUT : layout;
    }

    /** raid0_size: each member's sectors rounded down to whole chunks, summed. */
    static long arraySectors(MdGeometry g) {
        long sum = 0;
        for (long s : g.memberSectors()) {
            sum += s - s % g.chunkSectors();
        }
        return sum;
    }

    /** create_strip_zones over members of {@code sectors} (rounded down to chunks first). */
    static Zone[] stripZones(long[] sectors, int chunkSectors) {
        int n = sectors.length;
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = sectors[i] - sectors[i] % chunkSectors;
        }
        List<Zone> zones = new ArrayList<>();
        long smallest = Long.MAX_VALUE;
        for (long x : s) {
            smallest = Math.min(smallest, x);
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        long zoneEnd = smallest * n;
        zones.add(new Zone(zoneEnd, 0, all));
        long devStart = smallest;
        while (true) {
            List<Integer> left = new ArrayList<>();
            long next = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (s[i] > devStart) {
                    left.add(i);
                    next = Math.min(next, s[i]);
                }
            }
            if (left.isEmpty()) {
                break;
            }
            int[] devs = left.stream().mapToInt(Integer::intValue).toArray();
            zoneEnd += (next - devStart) * devs.length;
            zones.add(new Zone(zoneEnd, devStart, devs));
            devStart = next;
        }
        return zones.toArray(new Zone[0]);
    }

    Zone[] zones() {
        return zones;
    }

    /** find_zone + map_sector: the member and its sector (zone dev_start included, data_offset not). */
    Place place(long sector) {
        int z = 0;
        while (sector >= zones[z].zoneEnd()) {
            z++;
        }
        Zone zone = zones[z];
        long inZone = z == 0 ? sector : sector - zones[z - 1].zoneEnd();
        int nb = zone.devs().length;
        // map_sector: the chunk's disk from the array sector (ORIG) or the zone's (ALT) ...
        long which = layout == ORIG_LAYOUT ? sector : inZone;
        long sectInChunk = which % chunkSectors;
        long chunkNo = which / chunkSectors;
        // ... and its place on the disk from the sector within the zone.
        long chunkOnDev = inZone / ((long) chunkSectors * nb);
        long devSector = chunkOnDev * chunkSectors + sectInChunk;
        return new Place(zone.devs()[(int) (chunkNo % nb)], devSector + zone.devStart());
    }

    @Override
    protected long boundary(long sector, Op op) {
        if (op == Op.DISCARD) {
            int z = 0;
            while (sector >= zones[z].zoneEnd()) {
                z++;
            }
            return zones[z].zoneEnd() - sector;
        }
        return chunkSectors - sector % chunkSectors;
    }

    /** raid0_handle_discard for [sector, sector + nrSectors), which lies in one strip zone. */
    private void discard(Bio bio, long sector, int nrSectors, int flags, BioChain part) {
        int z = 0;
        while (sector >= zones[z].zoneEnd()) {
            z++;
        }
        Zone zone = zones[z];
        long zoneStart = z == 0 ? 0 : zones[z - 1].zoneEnd();
        long start = sector - zoneStart;
        long end = sector + nrSectors - zoneStart;
        int nb = zone.devs().length;
        long c = chunkSectors;
        long stripeSize = nb * c;
        long firstStripe = start / stripeSize;
        long lastStripe = end / stripeSize;
        int startDisk;
        int endDisk;
        if (layout == ORIG_LAYOUT && z != 0) {
            startDisk = (int) ((sector / c) % nb);
            endDisk = (int) (((sector + nrSectors) / c) % nb);
        } else {
            startDisk = (int) ((start - firstStripe * stripeSize) / c);
            endDisk = (int) ((end - lastStripe * stripeSize) / c);
        }
        long startOffset = (start - firstStripe * stripeSize) % c + firstStripe * c;
        long endOffset = (end - lastStripe * stripeSize) % c + lastStripe * c;
        for (int disk = 0; disk < nb; disk++) {
            long devStart = disk < startDisk ? (firstStripe + 1) * c : disk > startDisk ? firstStripe * c : startOffset;
            long devEnd = disk < endDisk ? (lastStripe + 1) * c : disk > endDisk ? lastStripe * c : endOffset;
            if (devEnd <= devStart) {
                continue;
            }
            int m = zone.devs()[disk];
            members.get(m).submitBio(part.child(devStart + zone.devStart() + dataOffset(m), (int) (devEnd - devStart),
                    Op.DISCARD, flags, bio));
        }
    }

    @Override
    protected void writeCopies(long sector, CopySink sink) {
        Place p = place(sector);
        sink.copy(p.member(), p.sector() + dataOffset(p.member()));
    }

    @Override
    protected void map(Bio bio, long sector, int nrSectors, int flags, BioChain part) {
        if (bio.op == Op.DISCARD) {
            discard(bio, sector, nrSectors, flags, part);
            return;
        }
        Place p = place(sector);
        members.get(p.member()).submitBio(part.child(p.sector() + dataOffset(p.member()), nrSectors, bio.op, flags, bio));
    }
}
