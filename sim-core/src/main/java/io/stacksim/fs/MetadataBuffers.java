package io.stacksim.fs;

/**
 * The block device's page cache as the file system's buffer cache (buffer heads over the
 * bdev inode's pages, reported as Buffers in /proc/meminfo): where ext4 reads and dirties its
 * metadata blocks.
 */
public interface MetadataBuffers {
    /**
     * File-system block {@code fsBlock} (at byte {@code deviceOffset} of the device) is in use:
     * brought into the cache if absent (sb_bread; the read itself is not simulated) and, with
     * {@code dirty}, marked dirty for writeback (mark_buffer_dirty).
     */
    void touch(long deviceOffset, int blockSize, boolean dirty);
}
