package io.stacksim.workload;

import java.util.function.IntConsumer;

/**
 * fio's file-operation engines (engines/fileoperations.c): filecreate, filestat and filedelete.
 * Their work is in the engine's open_file hook - open(O_CREAT|O_RDWR), stat(2)/lstat(2)/
 * statx(2), unlink(2) - timed by fio as one clat sample each (in the read direction for a read
 * job, else write), done by {@link FileSetup#open} when the job first chooses the file; the
 * queue hook completes each unit at once with no system call. The flags FIO_SYNCIO,
 * FIO_FAKEIO (a unit counts its bytes as moved) and FIO_NOSTATS (units add no latency
 * samples) make fio report the units' count and bytes with the opens' latencies. filecreate
 * is also FIO_DISKLESSIO: setup_files neither sizes (real_file_size = min_bs) nor lays out its
 * files; filestat and filedelete find theirs laid out by setup_files first.
 */
final class FileOpsEngine implements Engine {
    /** What the open_file hook does. */
    enum Op { CREATE, STAT, DELETE }

    static final IoEngineType FILECREATE = new IoEngineType("filecreate", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new FileOpsEngine(r));
    static final IoEngineType FILESTAT = new IoEngineType("filestat", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new FileOpsEngine(r));
    static final IoEngineType FILEDELETE = new IoEngineType("filedelete", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new FileOpsEngine(r));

    private final JobRunner r;

    private FileOpsEngine(JobRunner r) {
        this.r = r;
    }

    /** The open_file hook of {@code t}, or null when the engine is not one of these. */
    static Op op(IoEngineType t) {
        return t == FILECREATE ? Op.CREATE : t == FILESTAT ? Op.STAT : t == FILEDELETE ? Op.DELETE : null;
    }

    /** FIO_NOSTATS: units are counted, not timed. */
    static boolean noStats(IoEngineType t) {
        return op(t) != null;
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    /** queue_io: FIO_Q_COMPLETED at once, the unit's bytes counted as done (FIO_FAKEIO). */
    @Override
    public void queue(IoUnit u, IntConsumer status) {
        r.issued(u);
        u.result = u.isSync() ? 0 : u.length;
        u.lastBio = null;
        r.completed(u);
        status.accept(COMPLETED);
    }
}
