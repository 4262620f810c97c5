package io.stacksim.devices.md;

import io.stacksim.block.BlockTarget;
import io.stacksim.devices.stacked.BioBasedDevice;
import io.stacksim.engine.Simulator;
import java.util.List;

/**
 * An md array (drivers/md/md.c): a bio-based device whose personality (raid0, raid1, raid10,
 * raid5/6) maps each bio onto its member devices. md_submit_bio splits bios to the array's
 * limits first; every piece is accounted in the array's diskstats (md_account_bio); a
 * REQ_PREFLUSH goes to every member beside the data (md_flush_request). Resync and recovery do
 * not run: the array is clean (as after {@code mdadm --create --assume-clean}).
 */
abstract class MdDevice extends BioBasedDevice {
    private final long[] dataOffset;

    /**
     * @param arraySectors the array's size (md_set_array_sectors)
     * @param maxHwSectors the personality's max_hw_sectors (0: none beyond the members')
     * @param ioOptBytes   io_opt (a whole stripe), from which the readahead window follows
     */
    MdDevice(Simulator sim, String name, List<BlockTarget> members, MdGeometry g, long arraySectors, int maxHwSectors,
             long ioOptBytes) {
        this(sim, name, members, g, arraySectors, maxHwSectors, ioOptBytes, true);
    }

    /** @param discards the personality passes discards on (RAID-5/6 does not unless devices_handle_discard_safely) */
    MdDevice(Simulator sim, String name, List<BlockTarget> members, MdGeometry g, long arraySectors, int maxHwSectors,
             long ioOptBytes, boolean discards) {
        super(sim, name, members, arraySectors, discards ? stackLimits(members, maxHwSectors)
                : stackLimits(members, maxHwSectors).withDiscard(0, 512, 1), ioOptBytes, true, false);
        this.dataOffset = g.dataOffset().clone();
    }

    /** rdev->data_offset of member {@code i}: where its data starts, after the superblock and bitmap space. */
    protected long dataOffset(int i) {
        return dataOffset[i];
    }

    @Override
    protected String kind() {
        return "md";
    }
}
