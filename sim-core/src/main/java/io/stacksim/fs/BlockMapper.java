package io.stacksim.fs;

/**
 * The file system's side of a file's block mapping, for the files whose blocks are chosen
 * during the run (ext4): the page cache calls it at writeback (delayed allocation:
 * ext4_writepages), direct I/O around a write (ext4_iomap_begin / ext4_dio_write_end), the
 * buffered write path when i_size grows. A file of {@code fs.type: raw} has no mapper: its
 * blocks were placed when it was created.
 */
public interface BlockMapper {
    /**
     * Maps bytes [offset, offset+len) of {@code f} for writeback, allocating what delayed
     * allocation left unmapped and converting unwritten extents. Returns the lengths in bytes
     * of the pieces that go in bios of their own (ext4_do_writepages submits its bio after each
     * extent it maps, of at most MAX_WRITEPAGES_EXTENT_LEN blocks), or null when every block
     * was already mapped (one run). Throws {@link FsException} (ENOSPC) when no block is left.
     */
    long[] mapForWriteback(SimFile f, long offset, long len);

    /** Before a direct write of [offset, offset+len): holes get unwritten extents (ext4_iomap_alloc). */
    int prepareDirectWrite(SimFile f, long offset, long len);

    /** After a direct write completed: its unwritten extents are converted, i_disksize grows (ext4_dio_write_end_io). */
    void directWriteDone(SimFile f, long offset, long len);

    /**
     * A writeback bio of [offset, offset+len) completed; called before its pages end their
     * writeback, so that unwritten extents it wrote can be converted first (ext4_end_bio).
     */
    default void writebackDone(SimFile f, long offset, long len) {
    }

    /** A buffered write moved i_size from {@code oldSize} to {@code newSize} (ext4_da_write_end). */
    void sizeChanged(SimFile f, long oldSize, long newSize);
}
