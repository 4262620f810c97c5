package io.stacksim.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * fio's null engine (engines/null.c): no I/O, no system call, no file opened (FIO_DISKLESSIO):
 * each unit completes at once, so a job measures only fio's own work per I/O (the benchmark's
 * user time). With iodepth=1 null_init makes it a sync engine; deeper, queued units are
 * "submitted" by the commit hook, which stamps their issue time (FIO_ASYNCIO_SETS_ISSUE_TIME),
 * and all of them come back with the next getevents; a queue while those are unreaped is BUSY.
 */
final class NullEngine implements Engine {
    /** iodepth > 1: queue, commit, getevents. */
    static final IoEngineType TYPE = new IoEngineType("null", false, true, (iodepth, direct) -> 0, NullEngine::new);
    /** iodepth=1: null_init sets FIO_SYNCIO, every unit completes inside queue. */
    static final IoEngineType SYNC = new IoEngineType("null", true, false, (iodepth, direct) -> 0, NullEngine::new);
    /**
     * cpp_null: engines/null.c compiled as C++ into an external engine (its get_ioengine fills
     * the same ops: fio_null_queue, _commit, _getevents, _init, FIO_DISKLESSIO | FIO_FAKEIO),
     * so it behaves as null does, the sync variant at iodepth=1 included.
     */
    static final IoEngineType CPP = new IoEngineType("cpp_null", false, true, (iodepth, direct) -> 0, NullEngine::new);
    static final IoEngineType CPP_SYNC = new IoEngineType("cpp_null", true, false, (iodepth, direct) -> 0,
            NullEngine::new);

    private final JobRunner r;
    private final List<IoUnit> queued = new ArrayList<>();
    private final List<IoUnit> events = new ArrayList<>();

    private NullEngine(JobRunner r) {
        this.r = r;
    }

    /** The engine type for {@code ioengine=null} at {@code iodepth} (null_init). */
    static IoEngineType forDepth(int iodepth) {
        return iodepth == 1 ? SYNC : TYPE;
    }

    /** The engine type for {@code ioengine=cpp_null} at {@code iodepth}. */
    static IoEngineType cppForDepth(int iodepth) {
        return iodepth == 1 ? CPP_SYNC : CPP;
    }

    @Override
    public boolean hasCommit() {
        return r.spec().engine().kind().commit();
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        if (r.spec().engine().kind().syncio()) {
            r.issued(u);
            u.result = u.length;
            r.completed(u);
            status.accept(COMPLETED);
            return;
        }
        if (!events.isEmpty()) {
            status.accept(BUSY);
            return;
        }
        queued.add(u);
        status.accept(QUEUED);
    }

    @Override
    public void commit(Runnable k) {
        if (events.isEmpty()) {
            r.markBatch(true, queued.size());
            for (IoUnit u : queued) {
                r.issued(u);
                u.result = u.length;
            }
            events.addAll(queued);
            queued.clear();
        }
        k.run();
    }

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        if (min == 0) {
            k.accept(0);
            return;
        }
        // null_getevents hands back every event, whatever max says.
        List<IoUnit> done = new ArrayList<>(events);
        events.clear();
        for (IoUnit u : done) {
            r.reaped(u);
        }
        k.accept(done.size());
    }
}
