package io.stacksim.block;

/**
 * The operation of a bio or request (REQ_OP_* in include/linux/blk_types.h), the zoned block
 * device operations included (REQ_OP_ZONE_APPEND and the zone management operations, which
 * block/blk-zoned.c and the zoned drivers handle).
 */
public enum Op {
    READ('R', false),
    WRITE('W', true),
    FLUSH('F', true),
    DISCARD('D', true),
    /** REQ_OP_ZONE_APPEND (13): a write at the zone's write pointer; the device returns the sector written. */
    ZONE_APPEND('N', true),
    /** REQ_OP_ZONE_OPEN (10): explicitly open a zone. */
    ZONE_OPEN('N', false),
    /** REQ_OP_ZONE_CLOSE (11): close an open zone. */
    ZONE_CLOSE('N', true),
    /** REQ_OP_ZONE_FINISH (12): move a zone's write pointer to its end (FULL). */
    ZONE_FINISH('N', false),
    /** REQ_OP_ZONE_RESET (15): rewind a zone's write pointer to its start (EMPTY). */
    ZONE_RESET('N', true),
    /** REQ_OP_ZONE_RESET_ALL (17): reset every sequential zone. */
    ZONE_RESET_ALL('N', true),
    /**
     * REQ_OP_DRV_IN (34): a passthrough command the driver hands to the device as it is (SG_IO's
     * SCSI CDB, an NVMe command through /dev/ngXnY) that moves data from the device, or none.
     */
    DRV_IN('N', false),
    /** REQ_OP_DRV_OUT (35): a passthrough command that moves data to the device (op_is_write: odd). */
    DRV_OUT('N', true);

    private final char rwbs;
    private final boolean write;

    Op(char rwbs, boolean write) {
        this.rwbs = rwbs;
        this.write = write;
    }

    /** The letter blkparse prints for this operation in the RWBS field (blk_fill_rwbs: 'N' for the zone ops). */
    public char rwbsLetter() {
        return rwbs;
    }

    /**
     * Data direction used by diskstats and the schedulers: writes, flushes and discards are
     * writes; a zone operation's direction is the kernel's op_is_write (an odd REQ_OP number):
     * append, close and reset write, open and finish read.
     */
    public boolean isWrite() {
        return write;
    }

    /** True for operations that move data. */
    public boolean hasData() {
        return this == READ || this == WRITE || this == ZONE_APPEND;
    }

    /**
     * blk_op_is_passthrough: REQ_OP_DRV_IN or REQ_OP_DRV_OUT, a request built by a driver's
     * passthrough path (blk_mq_alloc_request + blk_execute_rq) rather than from a bio by submit_bio.
     */
    public boolean isPassthrough() {
        return this == DRV_IN || this == DRV_OUT;
    }

    /** op_is_zone_mgmt: reset, reset all, open, close and finish (no data, one zone or all). */
    public boolean isZoneManagement() {
        return this == ZONE_OPEN || this == ZONE_CLOSE || this == ZONE_FINISH || this == ZONE_RESET
                || this == ZONE_RESET_ALL;
    }
}
