package io.stacksim.block;

/** The operation of a bio or request (REQ_OP_* in include/linux/blk_types.h). */
public enum Op {
    READ('R'),
    WRITE('W'),
    FLUSH('F'),
    DISCARD('D');

    private final char rwbs;

    Op(char rwbs) {
        this.rwbs = rwbs;
    }

    /** The letter blkparse prints for this operation in the RWBS field. */
    public char rwbsLetter() {
        return rwbs;
    }

    /** Data direction used by diskstats and the schedulers: writes, flushes and discards are writes. */
    public boolean isWrite() {
        return this != READ;
    }

    /** True for operations that move data. */
    public boolean hasData() {
        return this == READ || this == WRITE;
    }
}
