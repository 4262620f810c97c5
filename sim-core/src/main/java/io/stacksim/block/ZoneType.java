package io.stacksim.block;

/** A zone's type (enum blk_zone_type, include/uapi/linux/blkzoned.h). */
public enum ZoneType {
    /** BLK_ZONE_TYPE_CONVENTIONAL: written at any offset, no write pointer. */
    CONVENTIONAL,
    /** BLK_ZONE_TYPE_SEQWRITE_REQ: every write must start at the write pointer. */
    SEQWRITE_REQ,
    /** BLK_ZONE_TYPE_SEQWRITE_PREF: host-aware; random writes allowed but slow. */
    SEQWRITE_PREF;

    /** Has a write pointer (every type but conventional). */
    public boolean sequential() {
        return this != CONVENTIONAL;
    }
}
