package io.stacksim.block;

/** A zone's condition (enum blk_zone_cond, include/uapi/linux/blkzoned.h; ZBC/ZAC and NVMe ZNS zone states). */
public enum ZoneCond {
    /** BLK_ZONE_COND_NOT_WP: a conventional zone. */
    NOT_WP,
    /** BLK_ZONE_COND_EMPTY: write pointer at the zone start. */
    EMPTY,
    /** BLK_ZONE_COND_IMP_OPEN: opened by a write. */
    IMP_OPEN,
    /** BLK_ZONE_COND_EXP_OPEN: opened by an OPEN ZONE command. */
    EXP_OPEN,
    /** BLK_ZONE_COND_CLOSED: partly written, holds an active resource but no open one. */
    CLOSED,
    /** BLK_ZONE_COND_READONLY. */
    READONLY,
    /** BLK_ZONE_COND_FULL: write pointer at the end (of the zone capacity). */
    FULL,
    /** BLK_ZONE_COND_OFFLINE. */
    OFFLINE;

    /** Implicitly or explicitly open: holds an open resource. */
    public boolean isOpen() {
        return this == IMP_OPEN || this == EXP_OPEN;
    }

    /** Open or closed: holds an active resource (NVMe ZNS; ZBC counts the same zones). */
    public boolean isActive() {
        return isOpen() || this == CLOSED;
    }
}
