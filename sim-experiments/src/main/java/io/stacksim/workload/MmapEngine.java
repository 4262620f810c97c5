package io.stacksim.workload;

import io.stacksim.fs.Mapping;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.function.IntConsumer;

/**
 * fio's mmap engine (engines/mmap.c): the job's region of each file is mapped once (MAP_SHARED,
 * madvise SEQUENTIAL or RANDOM by pattern) and each unit is a memcpy to or from the mapping:
 * user time, plus the page faults of pages not yet mapped. A sync unit is msync(MS_SYNC).
 */
final class MmapEngine implements Engine {
    /** memcpy to and from an mmap(2) of the file. */
    static final IoEngineType TYPE = new IoEngineType("mmap", true, false, IoEngineType.DeviceDepth.ONE,
            MmapEngine::new);

    private final JobRunner r;

    MmapEngine(JobRunner r) {
        this.r = r;
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        Kernel k = r.kernel();
        Task t = r.task();
        Mapping m = r.mapping(u.file);
        r.issued(u);
        if (u.isSync()) {
            k.msync(t, m, true, res -> {
                u.result = res;
                r.completed(u);
                status.accept(COMPLETED);
            });
            return;
        }
        if (u.ddir == JobStats.TRIM) {
            r.trim(u, res -> { // fio_mmapio_queue: do_io_u_trim on the file
                u.result = res;
                r.completed(u);
                status.accept(COMPLETED);
            });
            return;
        }
        long rel = u.offset - r.mappedFrom(u.file);
        boolean write = u.ddir == JobStats.WRITE;
        k.touch(t, m, rel, u.length, write, waited -> t.compute(k.fsCosts().copyNs(u.length), false, () -> {
            u.result = u.length;
            u.lastBio = waited;
            r.completed(u);
            status.accept(COMPLETED);
        }));
    }
}
