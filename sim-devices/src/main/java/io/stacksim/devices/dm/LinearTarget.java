package io.stacksim.devices.dm;

/**
 * The {@code linear} target (drivers/md/dm-linear.c): {@code <dev> <offset>}; sector
 * {@code s} of the line is sector {@code offset + (s - begin)} of the device
 * (linear_map_sector).
 */
record LinearTarget(long begin, long len, int device, long start) implements DmTarget {
    @Override
    public long maxIoLen() {
        return 0;
    }

    @Override
    public Place map(long sector) {
        return new Place(device, start + (sector - begin));
    }
}
