package io.stacksim.os;

import io.stacksim.fs.SimFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * io_uring's worker pool (io_uring/io-wq.c): kernel threads that run the requests which would
 * block the submitter, in their own context, while the submitter carries on.
 *
 * <ul>
 *   <li>Workers are created on demand when work is queued and none is idle, up to the bounded
 *       limit min(SQ entries, 4 x online CPUs) (io_wq_create, io_wq_max_workers).</li>
 *   <li>Writes to a regular file are hashed by inode (io_prep_async_work: hash_reg_file), and
 *       work of one hash runs one at a time (io_get_next_work skips a hash that is running).</li>
 *   <li>An idle worker sleeps until new work arrives (io_wq_activate_free_worker).</li>
 * </ul>
 */
final class IoWq {
    /** One queued request. */
    record Work(Iocb cb, IoUring ring) {
    }

    private final Kernel kernel;
    /** The ring's task: its workers are its threads (create_io_thread: CLONE_THREAD | CLONE_IO). */
    private final Task owner;
    private final String comm;
    private final int maxWorkers;
    private final ArrayDeque<Work> queue = new ArrayDeque<>();
    private final ArrayDeque<Task> idle = new ArrayDeque<>();
    private final Set<SimFile> hashRunning = new HashSet<>();
    private final List<Task> all = new ArrayList<>();

    IoWq(Kernel kernel, Task owner, int sqEntries) {
        this.kernel = kernel;
        this.owner = owner;
        this.comm = "iou-wrk-" + owner.comm();
        this.maxWorkers = Math.min(sqEntries, 4 * kernel.cpus().count());
    }

    int workers() {
        return all.size();
    }

    List<Task> tasks() {
        return java.util.Collections.unmodifiableList(all);
    }

    /** Queues {@code cb} (io_queue_iowq); an idle worker is woken, or a new one created. */
    void enqueue(Iocb cb, IoUring ring) {
        queue.addLast(new Work(cb, ring));
        Task w = idle.pollFirst();
        if (w != null) {
            w.wake(() -> run(w));
        } else if (all.size() < maxWorkers) {
            Task t = kernel.cpus().newTask(comm);
            // threads of the owner's process: its cgroup, and its io_context (CLONE_IO) with the ioprio
            t.setBlkcg(owner.blkcg());
            t.setIoprio(owner.ioprio());
            all.add(t);
            t.start(() -> run(t));
        }
    }

    /** io_worker_handle_work: runs queued work until none it may take is left, then idles. */
    private void run(Task w) {
        Work work = next();
        if (work == null) {
            idle.addLast(w);
            w.sleep();
            return;
        }
        boolean hashed = hashed(work.cb());
        if (hashed) {
            hashRunning.add(work.cb().file.file());
        }
        kernel.uring().ioWqExecute(w, work.cb(), work.ring(), () -> {
            if (hashed) {
                hashRunning.remove(work.cb().file.file());
                wakeForHashed();
            }
            run(w);
        });
    }

    private static boolean hashed(Iocb cb) {
        return cb.op == io.stacksim.block.Op.WRITE && !cb.file.file().isBlockDevice();
    }

    private Work next() {
        for (Iterator<Work> it = queue.iterator(); it.hasNext(); ) {
            Work w = it.next();
            if (hashed(w.cb()) && hashRunning.contains(w.cb().file.file())) {
                continue;
            }
            it.remove();
            return w;
        }
        return null;
    }

    /** A hash finished: queued work of it may now run on an idle worker. */
    private void wakeForHashed() {
        if (queue.isEmpty()) {
            return;
        }
        Task w = idle.pollFirst();
        if (w != null) {
            w.wake(() -> run(w));
        }
    }
}
