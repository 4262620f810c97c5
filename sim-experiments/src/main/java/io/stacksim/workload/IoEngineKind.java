package io.stacksim.workload;

import java.util.Locale;

/** fio's ioengine values that StackSim simulates, with the engine flags fio gives them. */
public enum IoEngineKind {
    /** read(2)/write(2), lseek(2) when the position must move (engines/sync.c). */
    SYNC(true, false),
    /** pread(2)/pwrite(2): fio's default engine on Linux. */
    PSYNC(true, false),
    /** readv(2)/writev(2) of adjacent I/Os gathered up to iodepth_batch (fio_vsyncio_queue). */
    VSYNC(true, true),
    /** preadv(2)/pwritev(2), one iovec per call. */
    PVSYNC(true, false),
    /** io_submit(2)/io_getevents(2). */
    LIBAIO(false, true),
    /** io_uring_enter(2) on shared submission and completion rings. */
    IO_URING(false, true),
    /** glibc's aio_read(3)/aio_write(3): helper threads doing pread/pwrite. */
    POSIXAIO(false, false),
    /** memcpy to and from an mmap(2) of the file. */
    MMAP(true, false);

    /** FIO_SYNCIO: the engine completes I/O inside its queue hook (or commit, for vsync). */
    public final boolean syncio;
    /** The engine has a commit hook (io_u are submitted in batches). */
    public final boolean commit;

    IoEngineKind(boolean syncio, boolean commit) {
        this.syncio = syncio;
        this.commit = commit;
    }

    /** fio's spelling. */
    public String fioName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind fio calls {@code name}, or null. */
    public static IoEngineKind byName(String name) {
        for (IoEngineKind k : values()) {
            if (k.fioName().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The names StackSim accepts. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (IoEngineKind k : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.fioName());
        }
        return sb.toString();
    }
}
