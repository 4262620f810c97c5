package io.stacksim.workload;

import io.stacksim.fs.Errno;
import java.util.function.IntConsumer;

/**
 * fio's ftruncate engine (engines/ftruncate.c): each write unit is ftruncate(2) of the file to
 * the unit's offset (its length is not used), timed as a synchronous I/O (FIO_SYNCIO) whose
 * bytes count as moved (FIO_FAKEIO); any other direction fails with EINVAL. The file is opened
 * as the sync engines open theirs (generic_open_file).
 */
final class FtruncateEngine implements Engine {
    static final IoEngineType TYPE = new IoEngineType("ftruncate", true, false, IoEngineType.DeviceDepth.ONE,
            FtruncateEngine::new);

    private final JobRunner r;

    private FtruncateEngine(JobRunner r) {
        this.r = r;
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        r.issued(u);
        if (u.ddir != JobStats.WRITE) {
            u.result = -Errno.EINVAL;
            u.lastBio = null;
            r.completed(u);
            status.accept(COMPLETED);
            return;
        }
        r.kernel().ftruncate(r.task(), r.open(u.file), u.offset, res -> {
            u.result = res < 0 ? res : u.length;
            u.lastBio = null;
            r.completed(u);
            status.accept(COMPLETED);
        });
    }
}
