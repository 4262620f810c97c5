package io.stacksim.fs;

/** A file-system call that failed with {@code errno} (EEXIST, ENOSPC, ENOENT, ...). */
public final class FsException extends RuntimeException {
    private final int errno;

    public FsException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** The errno, positive (as errno(3) has it). */
    public int errno() {
        return errno;
    }
}
