package io.stacksim.device;

import io.stacksim.block.BlkZone;
import io.stacksim.block.ZonedLimits;
import java.util.List;

/**
 * A zoned block device (ZBC/ZAC SMR disk, NVMe ZNS namespace): a {@link BlockDevice} whose
 * capacity is divided into zones and which serves, besides reads and writes, zone append and the
 * zone management operations ({@code REQ_OP_ZONE_*}). It fails a write that does not start at
 * the target zone's write pointer, as the drive does.
 */
public interface ZonedBlockDevice extends BlockDevice {
    /** The zone geometry and limits. */
    ZonedLimits zoned();

    /**
     * REPORT ZONES from the zone holding {@code sector}: at most {@code nrZones} zones, their
     * state as the device holds it now (commands it has already accepted included).
     */
    List<BlkZone> reportZones(long sector, int nrZones);
}
