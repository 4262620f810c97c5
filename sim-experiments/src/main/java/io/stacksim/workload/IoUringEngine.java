package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.os.IoUring;
import io.stacksim.os.Iocb;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * fio's io_uring engine (engines/io_uring.c): a unit is an SQE written into the ring; commit is
 * io_uring_enter(to_submit, 0, IORING_ENTER_GETEVENTS), after which the submitted units get
 * their issue time (fio_ioring_queued). Reaping reads the CQ ring without a system call and
 * calls io_uring_enter(0, min_complete) only when fewer than {@code min} are ready
 * (fio_ioring_getevents). Sync units are IORING_OP_FSYNC requests.
 *
 * <p>{@code sqthread_poll=1} sets IORING_SETUP_SQPOLL: the kernel's SQ thread submits the SQEs
 * as they are written (io_uring/sqpoll.c). fio's commit then only calls io_uring_enter with
 * IORING_ENTER_SQ_WAKEUP when the ring says IORING_SQ_NEED_WAKEUP, and its getevents polls the
 * CQ ring without any system call, busy on the job's CPU until enough completions are there
 * (fio_ioring_getevents skips io_uring_enter with sqpoll_thread). fio 3.33's commit does not
 * call fio_ioring_queued in this mode; StackSim stamps the units' issue time at the commit.
 */
final class IoUringEngine implements Engine {
    /** io_uring_enter(2) on shared submission and completion rings. */
    static final IoEngineType TYPE = new IoEngineType("io_uring", false, true, (iodepth, direct) -> iodepth,
            IoUringEngine::new);

    /**
     * fio's io_uring_cmd engine (engines/io_uring.c with cmd_type=nvme): the same rings, each
     * SQE an IORING_OP_URING_CMD carrying an NVMe Read or Write (fio_nvme_uring_cmd_prep: slba =
     * offset / LBA size, the block count from the length) to the namespace's generic character
     * device /dev/ngXnY, which nvme_uring_cmd_io passes to the controller through a passthrough
     * request; the CQE's res is 0 or an error. fio_ioring_cmd_open_file refuses any other file
     * and block sizes that are not a multiple of the LBA size; a sync unit has no NVMe command in
     * fio_nvme_uring_cmd_prep (ENOTSUP).
     */
    static final IoEngineType CMD = new IoEngineType("io_uring_cmd", false, true, (iodepth, direct) -> iodepth,
            r -> new IoUringEngine(r, true));

    /** One turn of fio's loop over the CQ ring while it waits with sqthread_poll. */
    private static final long SPIN_NS = 1_000;

    private final JobRunner r;
    /** io_uring_cmd: NVMe commands through uring_cmd rather than reads and writes. */
    private final boolean cmd;
    private long dataToken;
    private IoUring ring;
    /** SQEs written but not submitted, in ring order. */
    private final java.util.ArrayDeque<Iocb> sqes = new java.util.ArrayDeque<>();

    IoUringEngine(JobRunner r) {
        this(r, false);
    }

    private IoUringEngine(JobRunner r, boolean cmd) {
        this.r = r;
        this.cmd = cmd;
    }

    /** The generic NVMe character device node /dev/ngXnY. */
    static boolean isNvmeGenericNode(String name) {
        return name.matches("/dev/ng\\d+n\\d+");
    }

    /**
     * fio_nvme_uring_cmd_prep: the NVMe command of unit {@code u} on a namespace of
     * {@code lbaSize}-byte blocks, or null when fio has none for it (a sync unit, a length that is
     * not whole blocks).
     */
    static io.stacksim.device.NvmeCommand nvmeCommand(int ddir, long offset, long length, int lbaSize, long token) {
        if ((ddir != JobStats.READ && ddir != JobStats.WRITE) || length % lbaSize != 0 || offset % lbaSize != 0) {
            return null;
        }
        int opcode = ddir == JobStats.READ ? io.stacksim.device.NvmeCommand.READ : io.stacksim.device.NvmeCommand.WRITE;
        return new io.stacksim.device.NvmeCommand(opcode, offset / lbaSize, length / lbaSize, 0, false, length, token);
    }

    IoUring ring() {
        return ring;
    }

    @Override
    public List<io.stacksim.os.Task> threads() {
        return ring == null ? List.of() : ring.workerTasks();
    }

    @Override
    public void report(JobStats stats) {
        if (ring != null) {
            stats.asyncInline = ring.inlineRequests();
            stats.asyncPunted = ring.puntedRequests();
            stats.workerThreads = ring.workers();
        }
    }

    /** sqthread_poll: IORING_SETUP_SQPOLL. */
    private boolean sqpoll() {
        String v = r.spec().control().engineOptions().get("sqthread_poll");
        return v != null && !v.equals("0");
    }

    @Override
    public void init(Runnable k) {
        if (sqpoll()) {
            // fio_ioring_queue_init: no sq_thread_idle given, so the kernel's HZ (1 s)
            r.kernel().uring().ioUringSetupSqpoll(r.task(), r.spec().iodepth(), 0, g -> {
                ring = g;
                k.run();
            });
            return;
        }
        r.kernel().uring().ioUringSetup(r.task(), r.spec().iodepth(), g -> {
            ring = g;
            k.run();
        });
    }

    /** The ring's fd is closed at the job's end (fio_ioring_cleanup): its SQ thread ends. */
    @Override
    public void close(Runnable k) {
        if (ring != null) {
            r.kernel().uring().close(ring);
        }
        k.run();
    }

    /** fio_ioring_cmd_open_file's checks, at the first unit (the files are open by then). */
    private void checkCmdFile() {
        if (cmdChecked) {
            return;
        }
        cmdChecked = true;
        String name = r.fileName(0);
        if (!isNvmeGenericNode(name)) {
            throw new JobRunner.JobError(r.spec(), "ioengine io_uring_cmd only works with nvme ns generic char"
                    + " devices (/dev/ngXnY), not '" + name + "'");
        }
        io.stacksim.block.BlockTarget bdev = r.open(0).file().bdev();
        if (bdev.transport() != io.stacksim.device.Transport.NVME) {
            throw new JobRunner.JobError(r.spec(), "cannot open '" + name + "': no such device (the machine's"
                    + " disk " + bdev.name() + " is not an NVMe namespace; ioengine=io_uring_cmd needs an nvme or"
                    + " zns profile)");
        }
        dataToken = SgEngine.patternToken(r.spec().extras().bufferPattern());
    }

    private boolean cmdChecked;

    @Override
    public boolean hasCommit() {
        return true;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        if (sqes.size() == r.spec().iodepth()) {
            status.accept(BUSY);
            return;
        }
        if (u.ddir == JobStats.TRIM) {
            // fio_ioring_queue, FIO_ASYNCIO_SYNC_TRIM: after the queued SQEs, a synchronous trim.
            if (!sqes.isEmpty()) {
                status.accept(BUSY);
                return;
            }
            r.syncTrim(u, status);
            return;
        }
        Op op = u.isSync() ? Op.FLUSH : u.ddir == JobStats.READ ? Op.READ : Op.WRITE;
        u.iocb = new Iocb(r.open(u.file), op, u.offset, u.length, u);
        if (cmd) {
            checkCmdFile();
            int lbs = r.open(u.file).file().bdev().limits().logicalBlockSize();
            u.iocb.command = nvmeCommand(u.ddir, u.offset, u.length, lbs, dataToken);
            if (u.iocb.command == null) {
                r.issued(u);
                u.result = u.isSync() ? -io.stacksim.os.Passthru.EOPNOTSUPP : -io.stacksim.fs.Errno.EINVAL;
                r.completed(u);
                status.accept(COMPLETED);
                return;
            }
        }
        u.iocb.ioprio = r.cmdprio(u); // fio_ioring_cmdprio_prep: the SQE's ioprio
        if (!ring.push(u.iocb)) {
            status.accept(BUSY);
            return;
        }
        sqes.addLast(u.iocb);
        status.accept(QUEUED);
    }

    @Override
    public void commit(Runnable k) {
        if (sqes.isEmpty()) {
            k.run();
            return;
        }
        if (ring.sqPoll()) {
            // fio_ioring_commit with sqpoll_thread: the SQ thread submits; kick it only if it sleeps
            int n = sqes.size();
            while (!sqes.isEmpty()) {
                r.issued((IoUnit) sqes.pollFirst().data);
            }
            r.markBatch(true, n);
            if (ring.needsWakeup()) {
                r.kernel().uring().ioUringWakeSq(r.task(), ring, n, x -> k.run());
            } else {
                k.run();
            }
            return;
        }
        r.kernel().uring().ioUringEnter(r.task(), ring, sqes.size(), 0, n -> {
            for (int j = 0; j < n; j++) {
                r.issued((IoUnit) sqes.pollFirst().data);
            }
            r.markBatch(true, (int) n);
            if (!sqes.isEmpty()) {
                commit(k);
            } else {
                k.run();
            }
        });
    }

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        reap(min, max, 0, k);
    }

    private void reap(int min, int max, int events, IntConsumer k) {
        List<Iocb> done = ring.reap(max - events);
        for (Iocb cb : done) {
            IoUnit u = (IoUnit) cb.data;
            // A uring_cmd's CQE res is 0 on success: the unit moved its whole length.
            u.result = cmd && cb.result == 0 ? u.length : cb.result;
            u.lastBio = cb.lastBio;
            r.reaped(u);
        }
        int total = events + done.size();
        if (total >= min) {
            k.accept(total);
            return;
        }
        if (ring.sqPoll()) {
            // no io_uring_enter with sqpoll_thread: fio spins on the CQ ring in user space
            r.task().compute(SPIN_NS, false, () -> reap(min, max, total, k));
            return;
        }
        r.kernel().uring().ioUringEnter(r.task(), ring, 0, min - total, x -> reap(min, max, total, k));
    }
}
