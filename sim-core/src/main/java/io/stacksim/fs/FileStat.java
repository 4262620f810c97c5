package io.stacksim.fs;

/**
 * What stat(2) and FIEMAP say of a file.
 *
 * @param ino      the inode number
 * @param size     st_size
 * @param blocks   st_blocks: 512-byte units allocated (data and extent-tree blocks)
 * @param extents  the extents of its extent tree (written and unwritten)
 * @param filefrag what {@code filefrag} prints: extents counting physically contiguous ones as one
 */
public record FileStat(long ino, long size, long blocks, int extents, int filefrag) {
}
