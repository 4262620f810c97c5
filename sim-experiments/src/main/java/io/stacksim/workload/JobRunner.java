package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.os.AioContext;
import io.stacksim.os.Iocb;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.List;

/**
 * Runs one clone of a job on its own task, the way fio's I/O loop does: the sync engines
 * (psync, sync) issue one I/O and wait for it; libaio keeps up to {@code iodepth} in flight,
 * submitting each as it is prepared (iodepth_batch_submit=1) and reaping with
 * io_getevents(min_nr=1, nr=iodepth) when the queue is full.
 */
public final class JobRunner {
    private final JobSpec spec;
    private final Kernel kernel;
    private final Simulator sim;
    private final Task task;
    private final OpenFile file;
    private final OffsetGenerator[] offsets = new OffsetGenerator[2];
    private final RandomStream mix;
    private final long userNsPerIo;
    private final long ioLimit;
    private final Runnable onExit;
    public final JobStats stats = new JobStats();

    private long issued;
    private boolean stopping;
    private AioContext ctx;
    private int outstanding;

    /**
     * @param clone        clone number (numjobs)
     * @param userNsPerIo  the benchmark's own user-space CPU time per I/O
     * @param onExit       runs when the job's task exits
     */
    public JobRunner(JobSpec spec, int clone, Kernel kernel, RandomStreams random, long userNsPerIo, Runnable onExit) {
        this.spec = spec;
        this.kernel = kernel;
        this.sim = kernel.sim();
        this.userNsPerIo = userNsPerIo;
        this.onExit = onExit;
        this.task = kernel.cpus().newTask("fio");
        FileSystem fs = kernel.fs();
        SimFile f;
        if (spec.filename().startsWith("/dev/")) {
            f = fs.blockDevice();
        } else {
            String name = spec.filename().isEmpty() ? spec.name() + "." + clone + ".0" : spec.filename();
            f = fs.lookup(name);
            if (f == null) {
                f = fs.create(name, spec.offset() + spec.size());
            }
        }
        if (spec.offset() + spec.size() > f.size()) {
            throw new IllegalArgumentException("job '" + spec.name() + "': region ends at " + (spec.offset() + spec.size())
                    + " beyond " + f.name() + " (" + f.size() + " bytes)");
        }
        this.file = new OpenFile(f, spec.direct() ? OpenFile.O_DIRECT : 0);
        String stream = "workload." + spec.name() + "." + clone;
        for (int d = 0; d < 2; d++) {
            offsets[d] = new OffsetGenerator(spec.offset(), spec.size(), spec.bs(), spec.rw().random,
                    spec.norandommap(), random.stream(stream + (d == 0 ? ".read" : ".write")));
        }
        this.mix = random.stream(stream + ".mix");
        long limitBytes = spec.ioSize() > 0 ? spec.ioSize() : spec.size();
        this.ioLimit = spec.numberIos() > 0 ? spec.numberIos()
                : spec.timeBased() ? Long.MAX_VALUE : Math.max(1, limitBytes / spec.bs());
    }

    public Task task() {
        return task;
    }

    public JobSpec spec() {
        return spec;
    }

    /** Makes the job's task runnable. */
    public void start() {
        task.start(this::begin);
    }

    private void begin() {
        stats.startNs = sim.now();
        if (spec.runtimeNs() > 0) {
            sim.after(spec.rampTimeNs() + spec.runtimeNs(), () -> stopping = true);
        }
        if (spec.async()) {
            kernel.ioSetup(task, spec.iodepth(), c -> {
                ctx = c;
                asyncLoop();
            });
        } else {
            syncNext();
        }
    }

    private boolean finished() {
        return stopping || issued >= ioLimit;
    }

    private int nextDirection() {
        if (!spec.rw().mixed()) {
            return spec.rw().writes ? JobStats.WRITE : JobStats.READ;
        }
        return mix.nextInt(100) < spec.rwmixread() ? JobStats.READ : JobStats.WRITE;
    }

    // ------------------------------------------------------------------ sync engines

    private void syncNext() {
        if (finished()) {
            finish();
            return;
        }
        int dir = nextDirection();
        long off = offsets[dir].next();
        issued++;
        task.compute(userNsPerIo, false, () -> {
            long t0 = sim.now();
            Kernel.Ret ret = r -> completed(dir, t0, r);
            boolean positional = !spec.ioengine().equals("sync");
            if (positional) {
                if (dir == JobStats.READ) {
                    kernel.pread(task, file, off, spec.bs(), 0, ret);
                } else {
                    kernel.pwrite(task, file, off, spec.bs(), 0, ret);
                }
            } else {
                file.seek(off);
                if (dir == JobStats.READ) {
                    kernel.read(task, file, spec.bs(), 0, ret);
                } else {
                    kernel.write(task, file, spec.bs(), 0, ret);
                }
            }
        });
    }

    private void completed(int dir, long t0, long result) {
        if (result < 0) {
            stats.errors++;
            throw new JobError(spec.name(), result);
        }
        stats.record(dir, t0, sim.now(), result, task.lastIo);
        if (spec.thinktimeNs() > 0) {
            task.sleep();
            sim.after(spec.thinktimeNs(), () -> task.wake(this::syncNext));
        } else {
            syncNext();
        }
    }

    // ------------------------------------------------------------------ libaio

    private void asyncLoop() {
        if (!finished() && outstanding < spec.iodepth()) {
            int dir = nextDirection();
            long off = offsets[dir].next();
            issued++;
            outstanding++;
            task.compute(userNsPerIo, false, () -> {
                Iocb cb = new Iocb(file, dir == JobStats.READ ? Op.READ : Op.WRITE, off, spec.bs(), dir);
                kernel.ioSubmit(task, ctx, List.of(cb), r -> asyncLoop());
            });
            return;
        }
        if (outstanding > 0) {
            kernel.ioGetevents(task, ctx, 1, spec.iodepth(), events -> {
                long now = sim.now();
                for (Iocb cb : events) {
                    outstanding--;
                    if (cb.result < 0) {
                        stats.errors++;
                        throw new JobError(spec.name(), cb.result);
                    }
                    stats.record((Integer) cb.data, cb.tSubmitted, now, cb.result, cb.lastBio);
                }
                asyncLoop();
            });
            return;
        }
        finish();
    }

    private void finish() {
        stats.endNs = sim.now();
        task.exit();
        onExit.run();
    }

    /** An I/O failed: the job stops, as fio does without continue_on_error. */
    public static final class JobError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public JobError(String job, long errno) {
            super("job '" + job + "': I/O failed with " + io.stacksim.fs.Errno.name(errno));
        }
    }
}
