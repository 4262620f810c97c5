package io.stacksim.fs.ext4;

/**
 * A block allocation request (struct ext4_allocation_request): {@code len} blocks for logical
 * block {@code logical} of {@code inode}, near {@code goal}, with the physical neighbours the
 * extent tree gave (pleft/pright: the last block of the extent on the left and the first of
 * the one on the right, -1 when none).
 */
record AllocRequest(Ext4Inode inode, long logical, int len, long goal, int flags,
                    long lleft, long pleft, long lright, long pright, int cpu) {
    /** EXT4_MB_HINT_DATA: file data, eligible for preallocation. */
    static final int HINT_DATA = 0x1;
    /** EXT4_MB_HINT_NOPREALLOC (from EXT4_GET_BLOCKS_NO_NORMALIZE): exactly what was asked. */
    static final int HINT_NOPREALLOC = 0x4;
    /** EXT4_MB_HINT_TRY_GOAL: try the goal block first. */
    static final int HINT_TRY_GOAL = 0x200;
}
