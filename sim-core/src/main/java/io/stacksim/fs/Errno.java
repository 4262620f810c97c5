package io.stacksim.fs;

/** The errno values the simulated kernel returns (negated, as syscalls return them). */
public final class Errno {
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    /** Inappropriate ioctl for device: an ioctl the file does not know (BLKDISCARD on a regular file). */
    public static final int ENOTTY = 25;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ENAMETOOLONG = 36;
    /** No data available: EXT4_IOC_MOVE_EXT over a range with no extent at or after it. */
    public static final int ENODATA = 61;
    /** BLK_STS_ZONE_ACTIVE_RESOURCE: too many active zones. */
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    /** BLK_STS_ZONE_OPEN_RESOURCE: too many open zones. */
    public static final int ETOOMANYREFS = 109;

    private Errno() {
    }

    public static String name(long negErrno) {
        return switch ((int) -negErrno) {
            case ENOENT -> "ENOENT";
            case EIO -> "EIO";
            case EEXIST -> "EEXIST";
            case EISDIR -> "EISDIR";
            case ENOTTY -> "ENOTTY";
            case EFBIG -> "EFBIG";
            
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case EFAULT -> "EFAULT";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENODATA -> "ENODATA";
            case EOVERFLOW -> "EOVERFLOW";
            case ETOOMANYREFS -> "ETOOMANYREFS";
            default -> "errno " + (-negErrno);
        };
    }
}
