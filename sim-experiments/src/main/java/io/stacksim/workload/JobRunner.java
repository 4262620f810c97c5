package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.os.AioContext;
import io.stacksim.os.Iocb;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.List;

/**
 * Runs one clone of a job on its own task, the way fio's I/O loop does.
 *
 * <ul>
 *   <li>psync and sync issue one pread/pwrite (or lseek+read/write) and wait for it.</li>
 *   <li>libaio keeps up to {@code iodepth} in flight, submitting each as it is prepared
 *       (iodepth_batch_submit=1) and reaping with io_getevents(min_nr=1, nr=iodepth) when the
 *       queue is full.</li>
 *   <li>mmap maps the job's region once and copies each block to or from it (a user-space
 *       memcpy; touching unmapped pages faults).</li>
 * </ul>
 * Before measuring, a job opens its file, drops its cached pages (invalidate, fio's default)
 * or reads the region into the cache (pre_read); fsync/fdatasync=N sync after every N writes,
 * end_fsync when the writes are done.
 */
public final class JobRunner {
    private final JobSpec spec;
    private final Kernel kernel;
    private final Simulator sim;
    private final Task task;
    private final SimFile simFile;
    private final OffsetGenerator[] offsets = new OffsetGenerator[2];
    private final RandomStream mix;
    private final long userNsPerIo;
    private final long ioLimit;
    private final Runnable onExit;
    public final JobStats stats = new JobStats();

    private OpenFile file;
    private Mapping mapping;
    private long issued;
    private boolean stopping;
    private AioContext ctx;
    private int outstanding;
    private int writesSinceSync;
    private boolean wrote;

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
        this.simFile = f;
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

    // ------------------------------------------------------------------ setup

    /**
     * Starts the job's task and prepares it (open, invalidate or pre-read, map); {@code ready}
     * runs when it is done, and the task then waits for {@link #go()}.
     */
    public void prepare(Runnable ready) {
        int flags = (spec.direct() ? OpenFile.O_DIRECT : 0)
                | (spec.sync().openMode() == 1 ? OpenFile.O_SYNC : 0)
                | (spec.sync().openMode() == 2 ? OpenFile.O_DSYNC : 0);
        task.start(() -> kernel.open(task, simFile.name(), flags, -1, of -> {
            file = of;
            Runnable mapped = () -> {
                ready.run();
                task.sleep();
            };
            Runnable cached = () -> {
                if (spec.ioengine().equals("mmap")) {
                    kernel.mmap(task, file, spec.offset(), spec.size(), true, spec.rw().writes, m -> {
                        mapping = m;
                        mapped.run();
                    });
                } else {
                    mapped.run();
                }
            };
            if (spec.preRead()) {
                preRead(spec.offset(), cached);
            } else if (spec.invalidate()) {
                kernel.fadvise(task, file, spec.offset(), spec.size(), Kernel.Advice.DONTNEED, r -> cached.run());
            } else {
                cached.run();
            }
        }));
    }

    /** fio's pre_read: reads the region sequentially into the page cache with buffered reads. */
    private void preRead(long pos, Runnable then) {
        OpenFile buffered = new OpenFile(simFile, 0);
        long end = spec.offset() + spec.size();
        if (pos >= end) {
            then.run();
            return;
        }
        long n = Math.min(Math.max(spec.bs(), 1 << 20), end - pos);
        kernel.pread(task, buffered, pos, n, 0, r -> preRead(pos + n, then));
    }

    /** Starts measuring: the prepared task wakes and begins its I/O loop. */
    public void go() {
        task.wake(this::begin);
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

    // ------------------------------------------------------------------ sync engines and mmap

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
            switch (spec.ioengine()) {
                case "mmap" -> {
                    task.lastIo = null;
                    long rel = off - spec.offset();
                    // The faults come first; then fio copies the block (user time).
                    kernel.touch(task, mapping, rel, spec.bs(), dir == JobStats.WRITE,
                            () -> task.compute(kernel.fsCosts().copyNs(spec.bs()), false, () -> ret.ret(spec.bs())));
                }
                case "sync" -> {
                    file.seek(off);
                    if (dir == JobStats.READ) {
                        kernel.read(task, file, spec.bs(), 0, ret);
                    } else {
                        kernel.write(task, file, spec.bs(), 0, ret);
                    }
                }
                default -> {
                    if (dir == JobStats.READ) {
                        kernel.pread(task, file, off, spec.bs(), 0, ret);
                    } else {
                        kernel.pwrite(task, file, off, spec.bs(), 0, ret);
                    }
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
        Runnable next = () -> {
            if (spec.thinktimeNs() > 0) {
                task.sleep();
                sim.after(spec.thinktimeNs(), () -> task.wake(this::syncNext));
            } else {
                syncNext();
            }
        };
        if (dir == JobStats.WRITE) {
            wrote = true;
            writesSinceSync++;
            if (syncDue()) {
                syncFile(next);
                return;
            }
        }
        next.run();
    }

    private boolean syncDue() {
        JobSpec.Sync s = spec.sync();
        return (s.fsync() > 0 && writesSinceSync >= s.fsync()) || (s.fdatasync() > 0 && writesSinceSync >= s.fdatasync());
    }

    /** fsync (or fdatasync, or msync for the mmap engine), timed as fio's "sync" latency. */
    private void syncFile(Runnable then) {
        writesSinceSync = 0;
        long t0 = sim.now();
        Kernel.Ret done = r -> {
            stats.syncLat.record(sim.now() - t0);
            then.run();
        };
        if (mapping != null) {
            kernel.msync(task, mapping, true, done);
        } else if (spec.sync().fdatasync() > 0 && spec.sync().fsync() == 0) {
            kernel.fdatasync(task, file, done);
        } else {
            kernel.fsync(task, file, done);
        }
    }

    // ------------------------------------------------------------------ libaio

    private void asyncLoop() {
        if (!finished() && outstanding < spec.iodepth() && !(syncDue() && outstanding > 0)) {
            if (syncDue()) {
                syncFile(this::asyncLoop);
                return;
            }
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
                    int dir = (Integer) cb.data;
                    stats.record(dir, cb.tSubmitted, now, cb.result, cb.lastBio);
                    if (dir == JobStats.WRITE) {
                        wrote = true;
                        writesSinceSync++;
                    }
                }
                asyncLoop();
            });
            return;
        }
        finish();
    }

    // ------------------------------------------------------------------ the end

    private void finish() {
        stats.endNs = sim.now();
        Runnable close = () -> {
            Runnable exit = () -> {
                task.exit();
                onExit.run();
            };
            if (mapping != null) {
                kernel.munmap(task, mapping, r -> kernel.close(task, file, r2 -> exit.run()));
            } else {
                kernel.close(task, file, r -> exit.run());
            }
        };
        boolean endSync = wrote && (spec.sync().endFsync() || spec.sync().fsyncOnClose());
        if (endSync) {
            syncFile(() -> {
                stats.endNs = sim.now();
                close.run();
            });
        } else {
            close.run();
        }
    }

    /** An I/O failed: the job stops, as fio does without continue_on_error. */
    public static final class JobError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public JobError(String job, long errno) {
            super("job '" + job + "': I/O failed with " + io.stacksim.fs.Errno.name(errno));
        }
    }
}
