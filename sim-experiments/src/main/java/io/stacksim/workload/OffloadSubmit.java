package io.stacksim.workload;

import io.stacksim.os.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code io_submit_mode=offload} (rate-submit.c, workqueue.c): the job's thread only prepares
 * units and hands each to one of {@code iodepth} submit workers, never reaping; each worker is
 * a thread of the job's process with its own copy of the engine at depth 1, which queues the
 * unit, commits it and waits for its completion (io_workqueue_fn: td_io_queue, then
 * io_u_queued_complete with min_evts 1), then takes its next unit. So the job's thread keeps the
 * rate's schedule whatever the device's completion times, as long as a free unit is left
 * (get_io_u waits on free_cond); a unit's slat includes its wait for a worker.
 *
 * <p>A unit goes to an idle worker from {@code next_free_worker} on, or else to the one given
 * work longest ago (get_submit_worker). The workers' statistics are the job's, as fio sums
 * them into it (sum_thread_stats) - every unit at depth 1.
 */
final class OffloadSubmit {
    /** One submit worker (struct submit_worker). */
    private static final class Worker {
        final int index;
        final Task task;
        final Engine engine;
        final ArrayDeque<IoUnit> work = new ArrayDeque<>();
        /** SW_F_IDLE: asleep with nothing to do. */
        boolean idle;
        /** Its engine is set up (td_io_init). */
        boolean ready;
        long seq;

        Worker(int index, Task task, Engine engine) {
            this.index = index;
            this.task = task;
            this.engine = engine;
        }
    }

    private final JobRunner r;
    private final List<Worker> workers = new ArrayList<>();
    private int nextFree;
    private long workSeq;

    OffloadSubmit(JobRunner r, int n) {
        this.r = r;
        for (int i = 0; i < n; i++) {
            Task t = r.kernel().cpus().newTask("fio");
            t.setIoprio(r.mainTask().ioprio());
            workers.add(new Worker(i, t, r.spec().engine().kind().factory().apply(r)));
        }
    }

    /** The workers' threads and the threads their engines started: the job's process. */
    List<Task> threads() {
        List<Task> out = new ArrayList<>();
        for (Worker w : workers) {
            out.add(w.task);
            out.addAll(w.engine.threads());
        }
        return out;
    }

    /** workqueue_init: every worker thread starts and sets its engine up (io_workqueue_init_worker_fn). */
    void start() {
        for (Worker w : workers) {
            w.task.start(() -> r.onTask(w.task, () -> w.engine.init(() -> {
                w.ready = true;
                next(w);
            })));
        }
    }

    /** workqueue_enqueue: the unit goes to a worker, which is woken if it sleeps. */
    void enqueue(IoUnit u) {
        Worker w = pick();
        w.work.addLast(u);
        w.seq = ++workSeq;
        if (w.idle) {
            w.idle = false;
            w.task.wake(() -> next(w));
        }
    }

    /** get_submit_worker: an idle worker from next_free_worker on (wrapping), else the least recently given work. */
    private Worker pick() {
        Worker best = null;
        int n = workers.size();
        for (int k = 0; k < n; k++) {
            Worker w = workers.get((nextFree + k) % n);
            if (w.idle && w.work.isEmpty()) {
                best = w;
                break;
            }
        }
        if (best == null) {
            for (Worker w : workers) {
                if (best == null || w.seq < best.seq) {
                    best = w;
                }
            }
        }
        if (best.index == nextFree) {
            nextFree = (nextFree + 1) % n;
        }
        return best;
    }

    /** The worker's loop (handle_list, then sleep until woken). */
    private void next(Worker w) {
        if (!w.ready) {
            return;
        }
        IoUnit u = w.work.pollFirst();
        if (u == null) {
            w.idle = true;
            w.task.sleep();
            return;
        }
        r.onTask(w.task, () -> w.engine.queue(u, st -> queued(w, u, st)));
    }

    /** io_workqueue_fn after td_io_queue: a completed unit is done; a queued one is committed and waited for. */
    private void queued(Worker w, IoUnit u, int status) {
        r.offloadQueued(u, status, w.engine.hasCommit());
        switch (status) {
            case Engine.COMPLETED -> {
                r.offloadDone(u);
                next(w);
            }
            case Engine.QUEUED -> r.onTask(w.task, () -> w.engine.commit(() -> r.onTask(w.task,
                    () -> w.engine.getevents(1, 1, n -> {
                        r.markBatch(false, n);
                        next(w);
                    }))));
            default -> r.onTask(w.task, () -> w.engine.commit(() -> r.onTask(w.task,
                    () -> w.engine.getevents(1, 1, n -> {
                        r.markBatch(false, n);
                        w.work.addFirst(u);
                        next(w);
                    }))));
        }
    }
}
