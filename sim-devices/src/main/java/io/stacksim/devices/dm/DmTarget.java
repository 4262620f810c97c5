package io.stacksim.devices.dm;

/**
 * One line of a device-mapper table ({@code struct dm_target}): it covers [{@code begin},
 * {@code begin + len}) of the mapped device and maps each sector there onto a member.
 */
sealed interface DmTarget permits LinearTarget, StripedTarget {
    /** ti->begin: the table line's first sector. */
    long begin();

    /** ti->len: its length in sectors. */
    long len();

    /** ti->max_io_len: a bio is split so that no piece crosses a multiple of it (0: none). */
    long maxIoLen();

    /** Where sector {@code sector} of the mapped device is: a member index and the sector on it. */
    Place map(long sector);

    /** A member (index into the table's device list) and a sector on it. */
    record Place(int device, long sector) {
    }
}
