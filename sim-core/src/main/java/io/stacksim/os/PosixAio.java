package io.stacksim.os;

import io.stacksim.block.Op;
import io.stacksim.fs.OpenFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * glibc's POSIX AIO (aio_read(3), aio_write(3), aio_fsync(3), aio_error(3), aio_suspend(3)), which
 * Linux does not implement in the kernel: glibc emulates it in user space with helper threads
 * that do ordinary blocking pread/pwrite/fsync calls (sysdeps/pthread/aio_misc.c).
 *
 * <ul>
 *   <li>Requests are kept per file descriptor. A descriptor that already has a request queued
 *       or running gets the new one appended behind it: glibc never runs two requests of one
 *       descriptor at once ("this new thread would fight with the running thread").</li>
 *   <li>A request for a new descriptor goes to the run list; an idle helper is signalled, or a
 *       new one created (pthread_create, a clone(2)) while fewer than aio_threads (20) exist.</li>
 *   <li>A helper finishing a request queues the descriptor's next request on the run list,
 *       notifies aio_suspend waiters (a futex wake), takes the head of the run list, and when
 *       that is empty waits up to aio_idle_time (1 s) for work before exiting.</li>
 *   <li>aio_error only reads the control block; aio_suspend sleeps on a futex until one of the
 *       listed requests completes.</li>
 * </ul>
 * CPU costs marked [est] have no measurement behind them.
 */
public final class PosixAio {
    /** asm-generic/errno.h EINPROGRESS: aio_error's answer while a request runs. */
    public static final int EINPROGRESS = 115;
    /** glibc optim.aio_threads default. */
    static final int AIO_THREADS = 20;
    /** glibc optim.aio_idle_time default, 1 s. */
    static final long AIO_IDLE_NS = 1_000_000_000L;
    /** The library work of aio_read/aio_write: lock, allocate and enqueue the request [est]. */
    static final long ENQUEUE_USER_NS = 300;
    /** pthread_create's clone(2) in the kernel, a new thread's setup [est]. */
    static final long CLONE_SYS_NS = 15_000;
    /** aio_error: one load from the control block [est]. */
    public static final long ERROR_USER_NS = 20;

    private final Kernel kernel;
    private final String comm;
    /** Per descriptor: its requests in order, the head running or waiting on the run list. */
    private final Map<OpenFile, ArrayDeque<Iocb>> byFd = new IdentityHashMap<>();
    private final ArrayDeque<Iocb> runlist = new ArrayDeque<>();
    private final ArrayDeque<Helper> idle = new ArrayDeque<>();
    private int nthreads;
    private int created;
    private final List<Task> helpers = new ArrayList<>();
    private Waiter waiter;

    private final class Helper {
        final Task task;
        io.stacksim.engine.Timer idleTimer;

        Helper(Task task) {
            this.task = task;
        }
    }

    /** A thread sleeping in aio_suspend on a list of requests. */
    private record Waiter(Task task, List<Iocb> list, Runnable k) {
    }

    public PosixAio(Kernel kernel, String comm) {
        this.kernel = kernel;
        this.comm = comm;
    }

    /** Helper threads created so far. */
    public int threadsCreated() {
        return created;
    }

    /** Every helper thread created (threads of the caller's process). */
    public List<Task> helperTasks() {
        return java.util.Collections.unmodifiableList(helpers);
    }

    /**
     * aio_read / aio_write / aio_fsync (by {@code cb.op}; FLUSH is aio_fsync) from {@code caller}:
     * returns (runs {@code k}) once the request is queued, before it is done.
     */
    public void submit(Task caller, Iocb cb, Runnable k) {
        cb.result = -EINPROGRESS;
        cb.tSubmitted = kernel.sim().now();
        caller.compute(ENQUEUE_USER_NS, false, () -> {
            ArrayDeque<Iocb> chain = byFd.get(cb.file);
            if (chain != null) {
                chain.addLast(cb); // the descriptor is being worked on: run after its requests
                k.run();
                return;
            }
            chain = new ArrayDeque<>();
            chain.addLast(cb);
            byFd.put(cb.file, chain);
            if (nthreads < AIO_THREADS && idle.isEmpty()) {
                nthreads++;
                created++;
                // pthread_create: clone(2) from the caller; the new thread starts on this request.
                kernel.enter(caller, Syscall.CLONE, CLONE_SYS_NS, () -> {
                    Helper h = new Helper(thread(caller));
                    helpers.add(h.task);
                    h.task.start(() -> handle(h, cb));
                    kernel.exit(caller, 0, r -> k.run());
                });
                return;
            }
            runlist.addLast(cb);
            Helper h = idle.pollFirst();
            if (h != null) {
                // pthread_cond_signal: a futex wake for the idle helper.
                kernel.enter(caller, Syscall.FUTEX, kernel.cost().vfsCallNs(), () -> {
                    if (h.idleTimer != null) {
                        h.idleTimer.cancel();
                    }
                    h.task.wake(() -> kernel.exit(h.task, 0, r -> takeNext(h)));
                    kernel.exit(caller, 1, r -> k.run());
                });
                return;
            }
            k.run();
        });
    }

    /** aio_error: true while the request has not finished. */
    public boolean inProgress(Iocb cb) {
        return cb.result == -EINPROGRESS;
    }

    /** aio_suspend: returns at once if any listed request is done, else sleeps on a futex until one is. */
    public void suspend(Task caller, List<Iocb> list, Runnable k) {
        for (Iocb cb : list) {
            if (!inProgress(cb)) {
                caller.compute(ERROR_USER_NS * list.size(), false, k);
                return;
            }
        }
        kernel.enter(caller, Syscall.FUTEX, kernel.cost().vfsCallNs(), () -> {
            waiter = new Waiter(caller, new ArrayList<>(list), k);
            caller.sleep();
        });
    }

    /** handle_fildes_io: run {@code cb} with a blocking syscall, then look for more. */
    private void handle(Helper h, Iocb cb) {
        OpenFile f = cb.file;
        Kernel.IoRet done = (r, waited) -> finished(h, cb, r, waited);
        if (cb.op == Op.READ) {
            kernel.pread(h.task, f, cb.offset, cb.length, 0, done);
        } else if (cb.op == Op.WRITE) {
            kernel.pwrite(h.task, f, cb.offset, cb.length, 0, done);
        } else {
            kernel.fsync(h.task, f, r -> finished(h, cb, r, null));
        }
    }

    private void finished(Helper h, Iocb cb, long result, io.stacksim.block.Bio waited) {
        cb.result = result;
        cb.tCompleted = kernel.sim().now();
        cb.lastBio = waited;
        ArrayDeque<Iocb> chain = byFd.get(cb.file);
        chain.pollFirst();
        if (chain.isEmpty()) {
            byFd.remove(cb.file);
        } else {
            runlist.addLast(chain.peekFirst());
        }
        Waiter w = waiter;
        if (w != null && w.list().contains(cb)) {
            // __aio_notify: the waiter's counter reaches zero, futex wake.
            waiter = null;
            kernel.enter(h.task, Syscall.FUTEX, kernel.cost().vfsCallNs(), () -> {
                w.task().wake(() -> kernel.exit(w.task(), 0, r -> w.k().run()));
                kernel.exit(h.task, 1, r -> takeNext(h));
            });
            return;
        }
        takeNext(h);
    }

    /**
     * pthread_create from {@code parent}: a thread of its process, in its cgroup, with its I/O
     * priority (copy_io gives a thread without CLONE_IO an io_context of the same ioprio).
     */
    private Task thread(Task parent) {
        Task t = kernel.cpus().newTask(comm);
        t.setBlkcg(parent.blkcg());
        t.setIoprio(parent.ioprio());
        return t;
    }

    /** Take the run list's head, or wait for work up to aio_idle_time, then exit. */
    private void takeNext(Helper h) {
        Iocb next = runlist.pollFirst();
        if (next != null) {
            if (!runlist.isEmpty() && idle.isEmpty() && nthreads < AIO_THREADS) {
                // Two or more queued: start another helper for the rest (handle_fildes_io).
                nthreads++;
                created++;
                Iocb other = runlist.pollFirst();
                kernel.enter(h.task, Syscall.CLONE, CLONE_SYS_NS, () -> {
                    Helper n = new Helper(thread(h.task));
                    helpers.add(n.task);
                    n.task.start(() -> handle(n, other));
                    kernel.exit(h.task, 0, r -> handle(h, next));
                });
                return;
            }
            handle(h, next);
            return;
        }
        // pthread_cond_timedwait: a futex wait with aio_idle_time's timeout.
        kernel.enter(h.task, Syscall.FUTEX, kernel.cost().vfsCallNs(), () -> {
            idle.addLast(h);
            h.idleTimer = kernel.sim().scheduleTimer(kernel.sim().now() + AIO_IDLE_NS, () -> {
                idle.remove(h);
                nthreads--;
                h.task.wake(() -> kernel.exit(h.task, 0, r -> h.task.exit()));
            });
            h.task.sleep();
        });
    }
}
