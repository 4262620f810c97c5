package io.stacksim.fs;

/**
 * The journal's place on the file system (the journal inode's extent as mkfs lays it out).
 *
 * @param firstFsBlock the journal superblock's file-system block
 * @param blocks       journal length in blocks (ext2fs_default_journal_size)
 * @param blockSize    bytes per block
 * @param firstSector  the device sector of the journal superblock
 */
public record JournalArea(long firstFsBlock, long blocks, int blockSize, long firstSector) {
    /** The device sector of file-system block 0 (the partition's start). */
    public long fsStartSector() {
        return firstSector - firstFsBlock * (blockSize / 512);
    }
}
