package io.stacksim.workload;

import java.util.List;

/**
 * What a job does with a failed I/O (td_error.c, backend.c break_on_this_error, io_u.c
 * io_completed): an error of a type continue_on_error names (read, write, verify: EILSEQ is
 * verify's) whose errno is in that type's ignore_error list (by default fio's
 * __NON_FATAL_ERR: EIO, EILSEQ) is counted (update_error_count: the total and the first) and
 * the job goes on; ENOSPC or EDQUOT with fill_device ends the job cleanly; any other stops it.
 */
public final class FioErrors {
    /** What to do with one failed I/O. */
    public enum Outcome { CONTINUE, END, FATAL }

    /** options.c str2error's names, errno 1 to 34 in order. */
    private static final String[] NAMES = {"EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
        "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
        "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
        "EMLINK", "EPIPE", "EDOM", "ERANGE"};
    /** glibc's strerror texts for the same errnos, as fio's "first_error=N/<text>" prints them. */
    private static final String[] TEXTS = {"Operation not permitted", "No such file or directory", "No such process",
        "Interrupted system call", "Input/output error", "No such device or address", "Argument list too long",
        "Exec format error", "Bad file descriptor", "No child processes", "Resource temporarily unavailable",
        "Cannot allocate memory", "Permission denied", "Bad address", "Block device required",
        "Device or resource busy", "File exists", "Invalid cross-device link", "No such device", "Not a directory",
        "Is a directory", "Invalid argument", "Too many open files in system", "Too many open files",
        "Inappropriate ioctl for device", "Text file busy", "File too large", "No space left on device",
        "Illegal seek", "Read-only file system", "Too many links", "Broken pipe", "Numerical argument out of domain",
        "Numerical result out of range"};
    private static final int EIO = 5;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final int EILSEQ = 84;

    private final JobExtras.Errors spec;
    private final boolean fillDevice;

    public FioErrors(JobExtras.Errors spec, boolean fillDevice) {
        this.spec = spec;
        this.fillDevice = fillDevice;
    }

    /** str2error: the errno of an E-name, 0 if fio does not know it. */
    public static int byName(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** strerror(errno) as glibc words it. */
    public static String text(int errno) {
        if (errno == 0) {
            return "Success";
        }
        if (errno == EILSEQ) {
            return "Invalid or incomplete multibyte or wide character";
        }
        if (errno == EDQUOT) {
            return "Disk quota exceeded";
        }
        if (errno == 95) {
            return "Operation not supported"; // EOPNOTSUPP: a discard to a device without one
        }
        return errno > 0 && errno <= TEXTS.length ? TEXTS[errno - 1] : "Unknown error " + errno;
    }

    /** td_error_type: EILSEQ is a verify error, else by direction (a sync counts as a write). */
    static int type(int ddir, int errno) {
        if (errno == EILSEQ) {
            return 2;
        }
        return ddir == JobStats.READ ? 0 : 1;
    }

    /** break_on_this_error for an I/O of direction {@code ddir} that failed with {@code errno} (positive). */
    public Outcome onError(int ddir, int errno) {
        int t = type(ddir, errno);
        if ((spec.continueMask() & (1 << t)) != 0) {
            List<Integer> list = spec.ignore().get(t);
            if (list.isEmpty() ? errno == EIO || errno == EILSEQ : list.contains(errno)) {
                return Outcome.CONTINUE;
            }
        }
        if (fillDevice && (errno == ENOSPC || errno == EDQUOT)) {
            return Outcome.END;
        }
        return Outcome.FATAL;
    }
}
