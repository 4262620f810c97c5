package io.stacksim.fs;

/**
 * An open file description ({@code struct file}): the file, the open flags, the position and
 * the per-open readahead state.
 */
public final class OpenFile {
    public static final int O_DIRECT = 1;
    public static final int O_SYNC = 1 << 1;
    public static final int O_DSYNC = 1 << 2;
    /** O_CREAT: openat creates a missing file (an empty one, as ext4_create makes it). */
    public static final int O_CREAT = 1 << 3;
    /** O_TRUNC: openat truncates an existing regular file to 0 (do_truncate). */
    public static final int O_TRUNC = 1 << 4;

    private final SimFile file;
    private final int flags;
    private long position;
    /** Readahead state of this open file (file_ra_state), owned by the page cache. */
    public Object raState;
    /** FMODE_RANDOM: set by POSIX_FADV_RANDOM. */
    public boolean randomHint;
    /** POSIX_FADV_SEQUENTIAL doubles the readahead window. */
    public boolean sequentialHint;

    public OpenFile(SimFile file, int flags) {
        this.file = file;
        this.flags = flags;
    }

    public SimFile file() {
        return file;
    }

    public int flags() {
        return flags;
    }

    public boolean isDirect() {
        return (flags & O_DIRECT) != 0;
    }

    public boolean isSync() {
        return (flags & (O_SYNC | O_DSYNC)) != 0;
    }

    /** O_SYNC (which implies O_DSYNC): fsync semantics for every write (IOCB_SYNC), not fdatasync's. */
    public boolean isFullSync() {
        return (flags & O_SYNC) != 0;
    }

    public long position() {
        return position;
    }

    public void seek(long pos) {
        this.position = pos;
    }
}
