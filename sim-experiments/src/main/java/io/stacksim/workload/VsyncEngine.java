package io.stacksim.workload;

import io.stacksim.fs.OpenFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * fio's vsync engine (engines/sync.c fio_vsyncio_*): units that continue where the previous
 * queued one ended (same file and direction) are gathered, up to iodepth, and committed as one
 * lseek(2) + readv(2)/writev(2); a unit that does not continue the batch makes fio commit the
 * batch first (FIO_Q_BUSY). The batch's units are reaped together after the call returns.
 * Since fio commits after iodepth_batch_submit queued units (default 1), batches form only
 * with iodepth_batch_submit > 1.
 */
final class VsyncEngine implements Engine {
    /** readv(2)/writev(2) of adjacent I/Os gathered up to iodepth_batch (fio_vsyncio_queue). */
    static final IoEngineType TYPE = new IoEngineType("vsync", true, true, IoEngineType.DeviceDepth.ONE,
            VsyncEngine::new);

    private final JobRunner r;
    private final List<IoUnit> queued = new ArrayList<>();
    private final List<IoUnit> events = new ArrayList<>();
    private long lastOffset = -1;
    private int lastFile = -1;
    private int lastDdir = -1;

    VsyncEngine(JobRunner r) {
        this.r = r;
    }

    @Override
    public boolean hasCommit() {
        return true;
    }

    private boolean appendable(IoUnit u) {
        return !u.isSync() && u.offset == lastOffset && u.file == lastFile && u.ddir == lastDdir;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        if (!appendable(u)) {
            if (!queued.isEmpty()) {
                status.accept(BUSY);
                return;
            }
            if (u.ddir == JobStats.TRIM) {
                r.issued(u); // fio_vsyncio_queue: do_io_u_trim, then fio_io_end
                r.trim(u, res -> {
                    u.result = res;
                    r.completed(u);
                    status.accept(COMPLETED);
                });
                return;
            }
            if (u.isSync()) {
                Task t = r.task();
                OpenFile f = r.open(u.file);
                r.issued(u);
                Kernel.Ret done = res -> {
                    u.result = res;
                    r.completed(u);
                    status.accept(COMPLETED);
                };
                r.syncCall(u, done);
                return;
            }
        } else if (queued.size() == r.spec().iodepth()) {
            status.accept(BUSY);
            return;
        }
        r.issued(u); // FIO_SYNCIO: issue_time is stamped when the unit is queued
        queued.add(u);
        lastOffset = u.offset + u.length;
        lastFile = u.file;
        lastDdir = u.ddir;
        status.accept(QUEUED);
    }

    @Override
    public void commit(Runnable k) {
        if (queued.isEmpty()) {
            k.run();
            return;
        }
        r.markBatch(true, queued.size());
        Task t = r.task();
        IoUnit first = queued.get(0);
        OpenFile f = r.open(first.file);
        long[] iov = new long[queued.size()];
        for (int i = 0; i < iov.length; i++) {
            iov[i] = queued.get(i).length;
        }
        boolean read = first.ddir == JobStats.READ;
        Kernel.IoRet done = (res, waited) -> {
            long left = res;
            for (IoUnit u : queued) {
                u.result = res < 0 ? res : Math.min(left, u.length);
                u.lastBio = waited;
                left = Math.max(0, left - u.length);
            }
            events.addAll(queued);
            queued.clear();
            k.run();
        };
        r.kernel().lseek(t, f, first.offset, x -> {
            if (read) {
                r.kernel().readv(t, f, iov, done);
            } else {
                r.kernel().writev(t, f, iov, done);
            }
        });
    }

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        if (min == 0) {
            k.accept(0);
            return;
        }
        int n = events.size();
        for (IoUnit u : events) {
            r.reaped(u);
        }
        events.clear();
        k.accept(n);
    }
}
