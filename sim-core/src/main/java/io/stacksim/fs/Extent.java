package io.stacksim.fs;

/**
 * A run of a file's bytes stored contiguously on the device.
 *
 * @param fileOffset byte offset in the file (block aligned)
 * @param sector     first 512-byte sector on the device
 * @param length     length in bytes (block aligned)
 */
public record Extent(long fileOffset, long sector, long length) {
    public long fileEnd() {
        return fileOffset + length;
    }
}
