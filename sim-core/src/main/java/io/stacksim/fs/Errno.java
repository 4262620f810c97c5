package io.stacksim.fs;

/** The errno values the simulated kernel returns (negated, as syscalls return them). */
public final class Errno {
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EFAULT = 14;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    /** BLK_STS_ZONE_ACTIVE_RESOURCE: too many active zones. */
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    /** BLK_STS_ZONE_OPEN_RESOURCE: too many open zones. */
    public static final int ETOOMANYREFS = 109;

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
            case EOVERFLOW -> "EOVERFLOW";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ETOOMANYREFS -> "ETOOMANYREFS";
            default -> "errno " + (-negErrno);
        };
    }
}
