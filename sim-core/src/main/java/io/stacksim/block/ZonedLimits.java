package io.stacksim.block;

/**
 * What a zoned block device reports of its zones (queue/ in sysfs: zoned, chunk_sectors,
 * nr_zones, max_open_zones, max_active_zones, zone_append_max_bytes).
 *
 * @param model               {@code queue/zoned}: host-managed or host-aware
 * @param zoneSectors         zone size in sectors (chunk_sectors), a power of two as Linux requires
 * @param nrZones             number of zones
 * @param maxOpenZones        max_open_zones, 0 = no limit
 * @param maxActiveZones      max_active_zones, 0 = no limit
 * @param zoneAppendMaxSectors zone_append_max_bytes / 512 the device executes natively; 0 when the
 *                            block layer emulates zone append with regular writes (SCSI/ATA disks)
 */
public record ZonedLimits(Model model, long zoneSectors, int nrZones, int maxOpenZones, int maxActiveZones,
                          int zoneAppendMaxSectors) {
    /** queue/zoned. */
    public enum Model {
        HOST_MANAGED("host-managed"),
        HOST_AWARE("host-aware");

        private final String sysfs;

        Model(String sysfs) {
            this.sysfs = sysfs;
        }

        /** The value of queue/zoned. */
        public String sysfs() {
            return sysfs;
        }
    }

    public ZonedLimits {
        if (zoneSectors <= 0 || Long.bitCount(zoneSectors) != 1 || nrZones < 1 || maxOpenZones < 0
                || maxActiveZones < 0 || zoneAppendMaxSectors < 0) {
            throw new IllegalArgumentException("impossible zoned limits: " + zoneSectors + " sectors x " + nrZones);
        }
    }

    /** The zone holding {@code sector}. */
    public int zoneOf(long sector) {
        return (int) (sector / zoneSectors);
    }

    /** First sector of zone {@code zone}. */
    public long zoneStart(int zone) {
        return zone * zoneSectors;
    }

    /** Zone append runs on the device (NVMe ZNS), not emulated by zone write plugging. */
    public boolean nativeZoneAppend() {
        return zoneAppendMaxSectors > 0;
    }
}
