package io.stacksim.fs;

/** The errno values the simulated kernel returns (negated, as syscalls return them). */
public final class Errno {
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EFAULT = 14;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;

    private Errno() {
    }

    public static String name(long negErrno) {
        return switch ((int) -negErrno) {
            case EIO -> "EIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case EFAULT -> "EFAULT";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            default -> "errno " + (-negErrno);
        };
    }
}
