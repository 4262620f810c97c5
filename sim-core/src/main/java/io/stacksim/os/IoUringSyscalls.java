package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.BufferedIo;
import io.stacksim.fs.IoDone;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.PageCacheLayer;
import io.stacksim.fs.VmSettings;
import java.util.function.Consumer;

/**
 * io_uring (io_uring/io_uring.c, rw.c, io-wq.c): io_uring_setup makes a ring
 * ({@link IoUring}) with its io-wq worker pool ({@link IoWq}), io_uring_enter submits SQEs and
 * waits for CQEs; each request is first tried without blocking in the submitter and punted to
 * an io-wq worker when it would block.
 */
public final class IoUringSyscalls {
    private final Kernel kernel;
    private final Simulator sim;
    private final CostModel cost;
    private final PageCacheLayer pc;

    IoUringSyscalls(Kernel kernel) {
        this.kernel = kernel;
        this.sim = kernel.sim();
        this.cost = kernel.cost();
        this.pc = kernel.pageCache();
    }

    /** io_uring_setup(entries): a ring with its io-wq pool (bounded workers: min(SQ, 4 x CPUs)). */
    public void ioUringSetup(Task t, int entries, Consumer<IoUring> k) {
        kernel.enter(t, Syscall.IO_URING_SETUP, cost.vfsCallNs(), () -> {
            int sq = entries <= 1 ? 1 : Integer.highestOneBit(entries - 1) << 1;
            IoUring ring = new IoUring(entries, new IoWq(kernel, t, sq));
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(ring));
        });
    }

    /** cpu_relax() turns of io_sq_thread polling an empty SQ, simulated as slices of this much CPU. */
    static final long SQPOLL_SPIN_NS = 1_000;

    /**
     * io_uring_setup(entries) with IORING_SETUP_SQPOLL (io_uring/sqpoll.c io_sq_offload_create):
     * the ring gets a kernel thread ("iou-sqp-PID", a thread of the caller's process) that
     * submits whatever the application writes into the SQ, in its own context, so the
     * application needs no io_uring_enter to submit (io_sq_thread -> __io_sq_thread ->
     * io_submit_sqes, every entry at once for a single ring). Between batches it polls the empty
     * SQ, busy on its CPU (sqt_spin, cpu_relax), for {@code idleNs} after it last found work
     * (sq_thread_idle; 0 means HZ, 1 s); then it sets IORING_SQ_NEED_WAKEUP and sleeps until
     * io_uring_enter(IORING_ENTER_SQ_WAKEUP) wakes it. The thread has no CPU affinity here
     * (IORING_SETUP_SQ_AFF's sq_thread_cpu is not modelled: the simulated scheduler has none).
     */
    public void ioUringSetupSqpoll(Task t, int entries, long idleNs, Consumer<IoUring> k) {
        ioUringSetup(t, entries, ring -> {
            ring.sqIdleNs = idleNs > 0 ? idleNs : 1_000_000_000L;
            ring.sqThread = kernel.cpus().newTask("iou-sqp-" + t.pid());
            ring.sqLastWorkNs = sim.now();
            ring.sqThread.start(() -> sqLoop(ring));
            k.accept(ring);
        });
    }

    /** io_sq_thread's loop: submit what the SQ holds, else poll it until idle, else sleep. */
    private void sqLoop(IoUring ring) {
        Task sq = ring.sqThread;
        if (ring.closed) {
            sq.exit();
            return;
        }
        int n = ring.sq.size();
        if (n > 0) {
            long work = 0;
            for (Iocb cb : ring.sq) {
                work += sqeWork(cb);
            }
            sq.compute(work, true, () -> {
                Plug plug = n > 2 ? Plug.start(sq) : null;
                uringSubmit(sq, ring, n, () -> {
                    Plug.finish(sq, plug);
                    ring.sqLastWorkNs = sim.now();
                    kernel.afterRequestWait(sq, () -> sqLoop(ring));
                });
            });
            return;
        }
        if (sim.now() - ring.sqLastWorkNs < ring.sqIdleNs) {
            sq.compute(SQPOLL_SPIN_NS, true, () -> sqLoop(ring));
            return;
        }
        ring.sqNeedWakeup = true;
        sq.sleep();
    }

    /**
     * io_uring_enter(fd, to_submit, 0, IORING_ENTER_SQ_WAKEUP) on an SQPOLL ring: nothing is
     * submitted by the caller; the sleeping SQ thread is woken (wake_up(&sqd->wait)), clears
     * IORING_SQ_NEED_WAKEUP and polls again for sq_thread_idle. Returns to_submit.
     */
    public void ioUringWakeSq(Task t, IoUring ring, int toSubmit, Kernel.Ret k) {
        kernel.enter(t, Syscall.IO_URING_ENTER, cost.vfsCallNs(), () -> {
            if (ring.sqNeedWakeup) {
                ring.sqNeedWakeup = false;
                ring.sqThread.wake(() -> {
                    ring.sqLastWorkNs = sim.now();
                    sqLoop(ring);
                });
            }
            kernel.exit(t, toSubmit, k);
        });
    }

    /** The ring's file is closed (io_ring_ctx_free): an SQ thread ends. */
    public void close(IoUring ring) {
        ring.closed = true;
        if (ring.sqThread != null && ring.sqNeedWakeup) {
            ring.sqNeedWakeup = false;
            ring.sqThread.wake(() -> sqLoop(ring));
        }
    }

    /** The kernel CPU of submitting one SQE (io_submit_sqes: the issue hook, page pinning and bio submission). */
    private long sqeWork(Iocb cb) {
        long work = cost.vfsCallNs();
        if (cb.command != null) {
            work += ((cb.command.dataBytes() + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
        } else if (cb.file.isDirect() && cb.op != Op.FLUSH) {
            work += ((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs();
        }
        return work;
    }

    /**
     * io_uring_enter(fd, to_submit, min_complete, IORING_ENTER_GETEVENTS): submits up to
     * {@code toSubmit} SQEs, then waits until the CQ holds {@code minComplete} entries; returns
     * the number submitted (io_submit_sqes, io_cqring_wait).
     *
     * <p>Each request is first issued non-blocking in the submitter (IO_URING_F_NONBLOCK):
     * <ul>
     *   <li>direct reads and writes submit their bios and complete later from the completion
     *       interrupt, unless the file has cached pages (writing them back could block:
     *       kiocb_write_and_wait returns -EAGAIN under IOCB_NOWAIT);</li>
     *   <li>a buffered read whose pages are all in the cache is copied at once;</li>
     *   <li>anything else - a buffered read that misses, every buffered write (the simulated
     *       file system, like ext4, does not set FOP_BUFFER_WASYNC), fsync - gets -EAGAIN and
     *       is punted to an io-wq worker, which does the blocking call in its own context while
     *       the submitter carries on (io_queue_iowq).</li>
     * </ul>
     * Submission plugs when more than two requests go in at once (io_submit_state_start). The
     * CQE of an interrupt-completed request is posted at completion (task_work delivery is not
     * modelled separately). Deviation: a cached page still being read counts as cached, since
     * the page cache does not expose its uptodate bit outside fs.
     */
    public void ioUringEnter(Task t, IoUring ring, int toSubmit, int minComplete, Kernel.Ret k) {
        int n = Math.min(toSubmit, ring.sq.size());
        long work = 0;
        int i = 0;
        for (Iocb cb : ring.sq) {
            if (i++ == n) {
                break;
            }
            work += sqeWork(cb);
        }
        kernel.enter(t, Syscall.IO_URING_ENTER, work, () -> {
            Plug plug = n > 2 ? Plug.start(t) : null;
            uringSubmit(t, ring, n, () -> {
                Plug.finish(t, plug);
                kernel.afterRequestWait(t, () -> {
                    if (minComplete > 0 && ring.cq.size() < minComplete) {
                        ring.waiter = t;
                        ring.waitMin = minComplete;
                        ring.waitCont = () -> kernel.exit(t, n, k);
                        t.sleep();
                    } else {
                        kernel.exit(t, n, k);
                    }
                });
            });
        });
    }

    private void uringSubmit(Task t, IoUring ring, int left, Runnable done) {
        for (int j = 0; j < left; j++) {
            Iocb cb = ring.sq.pollFirst();
            cb.tSubmitted = sim.now();
            ring.inFlight++;
            OpenFile f = cb.file;
            if (cb.command != null) {
                // io_uring_cmd -> nvme_uring_cmd_io: issued inline; the CQE's res is 0 or an error.
                ring.inline++;
                kernel.passthru().uringCmd(t, f, cb.command, r -> uringComplete(ring, cb,
                        r.checkCondition() ? -io.stacksim.fs.Errno.EIO : r.ret(), r.bio()));
                continue;
            }
            if (cb.op == Op.FLUSH || (f.isDirect() && pc.cachedPages(f.file()) > 0)) {
                punt(ring, cb);
            } else if (f.isDirect()) {
                ring.inline++;
                long err = kernel.directIo().checkAlignment(cb.offset, cb.length, 0);
                if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
                    uringComplete(ring, cb, err, null);
                    continue;
                }
                Plug plug = Plug.start(t);
                int flags = cb.op == Op.WRITE ? kernel.dioWriteFlags(f, cb.offset, cb.length) : Kernel.dioFlags(cb.op);
                boolean sync = cb.op == Op.WRITE && kernel.dioNeedsSync(f, flags);
                kernel.directIo().submit(t, f, cb.op, cb.offset, cb.length, flags, cb.ioprio, (res, last) -> {
                    if (cb.op == Op.WRITE) {
                        pc.afterDirectWrite(f, cb.offset, cb.length);
                    }
                    if (sync) {
                        kernel.dioSyncInWorker(f, cb.offset, res, () -> uringComplete(ring, cb, res, last));
                    } else {
                        uringComplete(ring, cb, res, last);
                    }
                });
                Plug.finish(t, plug);
            } else if (cb.op == Op.READ && rangeCached(f, cb.offset, cb.length)) {
                ring.inline++;
                int rest = left - j - 1;
                pc.read(t, f, cb.offset, cb.length, (res, waited) -> {
                    uringComplete(ring, cb, res, waited);
                    uringSubmit(t, ring, rest, done);
                });
                return;
            } else {
                punt(ring, cb);
            }
        }
        done.run();
    }

    private void punt(IoUring ring, Iocb cb) {
        ring.punted++;
        ring.wq.enqueue(cb, ring);
    }

    /** Every page of [offset, offset+len) is in the page cache. */
    private boolean rangeCached(OpenFile f, long offset, long len) {
        long end = Math.min(offset + len, f.file().size());
        for (long idx = offset >>> VmSettings.PAGE_SHIFT; (idx << VmSettings.PAGE_SHIFT) < end; idx++) {
            if (!pc.isCached(f.file(), idx)) {
                return false;
            }
        }
        return true;
    }

    /** Posts {@code cb}'s CQE and wakes a submitter waiting in io_uring_enter for enough of them. */
    private void uringComplete(IoUring ring, Iocb cb, long result, Bio last) {
        cb.result = result;
        cb.lastBio = last;
        cb.tCompleted = sim.now();
        ring.inFlight--;
        ring.cq.addLast(cb);
        Task w = ring.waiter;
        if (w != null && ring.cq.size() >= ring.waitMin) {
            ring.waiter = null;
            w.wake(ring.waitCont);
        }
    }

    /** A kernel thread sleeping on its own direct I/O: no syscall frame around the wait. */
    private static final class WorkerWait implements IoDone {
        private final Task task;
        private final IoDone then;
        private boolean sleeping;
        private boolean finished;
        private long result;
        private Bio last;

        WorkerWait(Task task, IoDone then) {
            this.task = task;
            this.then = then;
        }

        @Override
        public void done(long res, Bio lastBio) {
            if (sleeping) {
                task.wake(() -> then.done(res, lastBio));
            } else {
                finished = true;
                result = res;
                last = lastBio;
            }
        }

        void block() {
            if (finished) {
                then.done(result, last);
            } else {
                sleeping = true;
                task.sleep();
            }
        }
    }

    /**
     * io_wq_submit_work on worker {@code w}: the request issued blocking, in the worker's
     * context (kernel time, its own sleeps); {@code then} runs on the worker afterwards.
     */
    void ioWqExecute(Task w, Iocb cb, IoUring ring, Runnable then) {
        OpenFile f = cb.file;
        w.compute(cost.vfsCallNs(), true, () -> {
            if (cb.op == Op.FLUSH) {
                pc.fsync(w, f, false, () -> {
                    uringComplete(ring, cb, 0, null); // an fsync waits for no single bio
                    then.run();
                });
            } else if (f.isDirect()) {
                Runnable submit = () -> {
                    long err = kernel.directIo().checkAlignment(cb.offset, cb.length, 0);
                    if (err != 0 || (cb.op == Op.READ && cb.offset >= f.file().size())) {
                        uringComplete(ring, cb, err, null);
                        then.run();
                        return;
                    }
                    int flags = cb.op == Op.WRITE ? kernel.dioWriteFlags(f, cb.offset, cb.length) : Kernel.dioFlags(cb.op);
                    boolean sync = cb.op == Op.WRITE && kernel.dioNeedsSync(f, flags);
                    WorkerWait wait = new WorkerWait(w, (r, last) -> {
                        if (cb.op == Op.WRITE) {
                            pc.afterDirectWrite(f, cb.offset, cb.length);
                        }
                        Runnable complete = () -> {
                            uringComplete(ring, cb, r, last);
                            then.run();
                        };
                        if (sync && r > 0) {
                            // generic_write_sync, here in the io-wq worker that waited for the write
                            pc.fsyncRange(w, f, cb.offset, cb.offset + r, !f.isFullSync(), complete);
                        } else {
                            complete.run();
                        }
                    });
                    w.compute(((cb.length + 4095) >>> 12) * cost.dioPagePinNs() + cost.blockSubmitNs(), true, () -> {
                        Plug plug = Plug.start(w);
                        kernel.directIo().submit(w, f, cb.op, cb.offset, cb.length, flags, cb.ioprio, wait);
                        Plug.finish(w, plug);
                        kernel.afterRequestWait(w, wait::block);
                    });
                };
                if (cb.op == Op.READ) {
                    pc.beforeDirectRead(w, f, cb.offset, cb.length, submit);
                } else {
                    pc.beforeDirectWrite(w, f, cb.offset, cb.length, submit);
                }
            } else {
                BufferedIo.Done done = (res, waited) -> {
                    uringComplete(ring, cb, res, waited);
                    then.run();
                };
                if (cb.op == Op.READ) {
                    pc.read(w, f, cb.offset, cb.length, done);
                } else {
                    pc.write(w, f, cb.offset, cb.length, done);
                }
            }
        });
    }
}
