package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.os.Iocb;
import io.stacksim.os.PosixAio;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * fio's posixaio engine (engines/posixaio.c) on glibc's emulation ({@link PosixAio}): each unit
 * is one aio_read/aio_write/aio_fsync call, issued when the call returns; reaping polls
 * aio_error on every unit in flight and sleeps in aio_suspend when fewer than {@code min} are
 * done (fio_posixaio_getevents).
 */
final class PosixAioEngine implements Engine {
    /** glibc's aio_read(3)/aio_write(3): helper threads doing pread/pwrite, one per descriptor. */
    static final IoEngineType TYPE = new IoEngineType("posixaio", false, false, IoEngineType.DeviceDepth.ONE,
            PosixAioEngine::new);

    private final JobRunner r;
    private final PosixAio aio;
    private final List<IoUnit> inFlight = new ArrayList<>();

    PosixAioEngine(JobRunner r) {
        this.r = r;
        this.aio = new PosixAio(r.kernel(), r.task().comm());
    }

    PosixAio aio() {
        return aio;
    }

    @Override
    public List<io.stacksim.os.Task> threads() {
        return aio.helperTasks();
    }

    @Override
    public void report(JobStats stats) {
        stats.asyncPunted = stats.totalIos[0] + stats.totalIos[1];
        stats.workerThreads = aio.threadsCreated();
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        if (u.ddir == JobStats.TRIM) {
            // fio_posixaio_queue: a trim waits until nothing is in flight, then is done synchronously.
            if (!inFlight.isEmpty()) {
                status.accept(BUSY);
                return;
            }
            r.issued(u);
            r.trim(u, res -> {
                u.result = res;
                r.completed(u);
                status.accept(COMPLETED);
            });
            return;
        }
        Op op = u.isSync() ? Op.FLUSH : u.ddir == JobStats.READ ? Op.READ : Op.WRITE;
        u.iocb = new Iocb(r.open(u.file), op, u.offset, u.length, u);
        aio.submit(r.task(), u.iocb, () -> {
            r.issued(u);
            inFlight.add(u);
            status.accept(QUEUED);
        });
    }

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        poll(min, 0, k);
    }

    private void poll(int min, int reaped, IntConsumer k) {
        r.task().compute(PosixAio.ERROR_USER_NS * Math.max(1, inFlight.size()), false, () -> {
            int n = reaped;
            List<Iocb> waiting = new ArrayList<>();
            for (Iterator<IoUnit> it = inFlight.iterator(); it.hasNext(); ) {
                IoUnit u = it.next();
                if (aio.inProgress(u.iocb)) {
                    waiting.add(u.iocb);
                    continue;
                }
                it.remove();
                u.result = u.iocb.result;
                u.lastBio = u.iocb.lastBio;
                r.reaped(u);
                n++;
            }
            if (n >= min || waiting.isEmpty()) {
                k.accept(n);
                return;
            }
            int sofar = n;
            aio.suspend(r.task(), waiting, () -> poll(min, sofar, k));
        });
    }
}
