package io.stacksim.workload;

import io.stacksim.fs.FileSystem;
import java.util.function.IntConsumer;

/**
 * fio's falloc engine (engines/falloc.c): each unit is one fallocate(2) over its offset and
 * length - FALLOC_FL_KEEP_SIZE for a read, mode 0 (allocate and extend) for a write - timed as
 * an ordinary synchronous I/O (FIO_SYNCIO: clat is the call, the unit's bytes count as moved).
 * The file is opened O_CREAT|O_RDWR with neither O_DIRECT nor the sync flags. A sync unit
 * (fsync=N) reaches fallocate with length 0, which fails with EINVAL as on Linux. A trim is
 * FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE (the extents freed, the cached pages dropped).
 */
final class FallocEngine implements Engine {
    static final IoEngineType TYPE = new IoEngineType("falloc", true, false, IoEngineType.DeviceDepth.ONE,
            FallocEngine::new);

    private final JobRunner r;

    private FallocEngine(JobRunner r) {
        this.r = r;
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        r.issued(u);
        int mode = u.ddir == JobStats.READ ? FileSystem.FALLOC_FL_KEEP_SIZE
                : u.ddir == JobStats.TRIM ? FileSystem.FALLOC_FL_KEEP_SIZE | FileSystem.FALLOC_FL_PUNCH_HOLE : 0;
        long len = u.isSync() ? 0 : u.length;
        r.kernel().fallocate(r.task(), r.open(u.file), mode, u.offset, len, res -> {
            u.result = res < 0 ? res : len;
            u.lastBio = null;
            r.completed(u);
            status.accept(COMPLETED);
        });
    }
}
