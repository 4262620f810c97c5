package io.stacksim.block;

/**
 * One zone as REPORT ZONES describes it ({@code struct blk_zone}, include/uapi/linux/blkzoned.h),
 * in 512-byte sectors.
 *
 * @param start    first sector
 * @param len      zone size in sectors
 * @param wp       write pointer (start + len for a conventional zone, as the kernel reports it)
 * @param capacity writable sectors from the start (at most len: a ZNS zone capacity)
 * @param type     the zone's type
 * @param cond     its condition
 */
public record BlkZone(long start, long len, long wp, long capacity, ZoneType type, ZoneCond cond) {
    public long end() {
        return start + len;
    }
}
