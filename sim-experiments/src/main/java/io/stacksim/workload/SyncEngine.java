package io.stacksim.workload;

import io.stacksim.fs.OpenFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.function.IntConsumer;

/**
 * fio's sync, psync and pvsync engines (engines/sync.c): one blocking system call per unit,
 * the unit complete when it returns. sync moves the file position with lseek(2) only when it
 * is not already there (fio_syncio_prep); pvsync passes one iovec to preadv(2)/pwritev(2).
 */
final class SyncEngine implements Engine {
    /** read(2)/write(2), lseek(2) when the position must move (engines/sync.c). */
    static final IoEngineType SYNC = new IoEngineType("sync", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new SyncEngine(r, Call.READ));
    /** pread(2)/pwrite(2): fio's default engine on Linux. */
    static final IoEngineType PSYNC = new IoEngineType("psync", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new SyncEngine(r, Call.PREAD));
    /** preadv(2)/pwritev(2), one iovec per call. */
    static final IoEngineType PVSYNC = new IoEngineType("pvsync", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new SyncEngine(r, Call.PREADV));

    /** The system calls of each engine: read/write at the file position, pread/pwrite, preadv/pwritev. */
    private enum Call { READ, PREAD, PREADV }

    private final JobRunner r;
    private final Call calls;

    private SyncEngine(JobRunner r, Call call) {
        this.r = r;
        this.calls = call;
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        Kernel k = r.kernel();
        Task t = r.task();
        OpenFile f = r.open(u.file);
        Kernel.IoRet done = (res, waited) -> {
            u.result = res;
            u.lastBio = waited;
            r.completed(u);
            status.accept(COMPLETED);
        };
        Runnable call = () -> {
            r.issued(u);
            boolean read = u.ddir == JobStats.READ;
            switch (u.ddir) {
                case JobStats.SYNC, JobStats.DATASYNC, JobStats.SYNC_FILE_RANGE -> r.syncCall(u, res -> done.ret(res, null));
                case JobStats.TRIM -> r.trim(u, res -> done.ret(res, u.lastBio)); // do_io_u_trim
                default -> {
                    switch (calls) {
                        case PREADV -> {
                            long[] iov = {u.length};
                            if (read) {
                                k.preadv(t, f, u.offset, iov, done);
                            } else {
                                k.pwritev(t, f, u.offset, iov, done);
                            }
                        }
                        case READ -> {
                            if (read) {
                                k.read(t, f, u.length, 0, done);
                            } else {
                                k.write(t, f, u.length, 0, done);
                            }
                        }
                        default -> {
                            if (read) {
                                k.pread(t, f, u.offset, u.length, 0, done);
                            } else {
                                k.pwrite(t, f, u.offset, u.length, 0, done);
                            }
                        }
                    }
                }
            }
        };
        if (calls == Call.READ && !u.isSync() && u.ddir != JobStats.TRIM && f.position() != u.offset) {
            k.lseek(t, f, u.offset, x -> call.run());
        } else {
            call.run();
        }
    }
}
