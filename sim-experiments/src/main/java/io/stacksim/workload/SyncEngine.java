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
    private final JobRunner r;
    private final IoEngineKind kind;

    SyncEngine(JobRunner r, IoEngineKind kind) {
        this.r = r;
        this.kind = kind;
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
        Kernel.Ret done = res -> {
            u.result = res;
            u.lastBio = t.lastIo;
            r.completed(u);
            status.accept(COMPLETED);
        };
        Runnable call = () -> {
            r.issued(u);
            t.lastIo = null;
            boolean read = u.ddir == JobStats.READ;
            switch (u.ddir) {
                case JobStats.SYNC -> k.fsync(t, f, done);
                case JobStats.DATASYNC -> k.fdatasync(t, f, done);
                default -> {
                    switch (kind) {
                        case PVSYNC -> {
                            long[] iov = {u.length};
                            if (read) {
                                k.preadv(t, f, u.offset, iov, done);
                            } else {
                                k.pwritev(t, f, u.offset, iov, done);
                            }
                        }
                        case SYNC -> {
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
        if (kind == IoEngineKind.SYNC && !u.isSync() && f.position() != u.offset) {
            k.lseek(t, f, u.offset, x -> call.run());
        } else {
            call.run();
        }
    }
}
