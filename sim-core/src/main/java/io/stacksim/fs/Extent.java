package io.stacksim.fs;

/**
 * A run of a file's bytes stored contiguously on the device.
 *
 * @param fileOffset byte offset in the file (block aligned)
 * @param sector     first 512-byte sector on the device
 * @param length     length in bytes (block aligned)
 * @param unwritten  allocated but not yet written (fallocate, a direct write in flight): it
 *                   reads as zeros without I/O until written (EXT4_EXT_MARK_UNWRIT)
 */
public record Extent(long fileOffset, long sector, long length, boolean unwritten) {
    public Extent(long fileOffset, long sector, long length) {
        this(fileOffset, sector, length, false);
    }

    public long fileEnd() {
        return fileOffset + length;
    }
}
