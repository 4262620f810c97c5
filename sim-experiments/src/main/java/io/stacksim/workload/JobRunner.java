package io.stacksim.workload;

import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.ArrayDeque;

/**
 * Runs one clone of a job on its own task the way fio's job thread does (backend.c thread_main
 * and do_io, io_u.c get_io_u, ioengines.c td_io_queue): it sets its files up, then loops -
 * take an I/O unit, choose its direction (a periodic fsync first, then the read/write mix and
 * the rate limit), file, offset and size, queue it on the engine, commit batches, reap when
 * the queue is full, think when asked - until the runtime, size or number of I/Os is reached;
 * then it drains, runs end_fsync, and repeats for each of {@code loops}.
 *
 * <p>This class is the loop itself (backend.c do_io: submit, commit, reap, think, drain,
 * end_fsync, the next loop). Its parts, one file each: {@link FileSetup} (filesetup.c: the
 * files, their regions, open and close), {@link IoUnitPlanner} (io_u.c: each unit's direction,
 * file, offset and size, and when a loop ends), {@link JobSamples} (stat.c: bandwidth and IOPS
 * samples), {@link ProcessCpu} (the job's rusage), {@link JobLogs} (write_*_log, write_iolog)
 * and the engine ({@link IoEngines}). The benchmark's own user time per I/O
 * ({@code userNsPerIo}) is spent as each unit is set up.
 *
 * <p>Statistics follow fio: slat/clat/lat per direction, fio's latency histograms, bandwidth
 * and IOPS samples every bwavgtime/iopsavgtime from the end of ramp_time, the depth, submit and
 * complete distributions, per-direction run time and the process's CPU use.
 */
public final class JobRunner {
    private final JobSpec spec;
    private final int clone;
    private final Kernel kernel;
    private final Simulator sim;
    private final Task task;
    private final long userNsPerIo;
    private final Runnable onExit;
    private final Engine engine;
    public final JobStats stats = new JobStats();

    private final FileSetup files;
    /** setup_files has run (or is running) for this job. */
    private boolean filesSetUp;
    private boolean taskStarted;
    private final IoUnitPlanner planner;
    private final JobSamples samples;
    private final ProcessCpu cpu;
    private final ArrayDeque<IoUnit> free = new ArrayDeque<>();

    // fio's thread_data counters of the do_io loop.
    private int curDepth;
    private int ioUQueued;
    private int inFlight;
    private IoUnit requeued;
    private final long[] ioBlocks = new long[JobStats.DIRS];
    private final long[] ioBytes = new long[JobStats.DIRS];
    private boolean lastWasSync;
    private boolean wroteThisLoop;
    private int loopsLeft;

    // Time.
    private long epochNs;
    private long stopAtNs;
    private boolean terminate;
    private boolean looping;
    private long loopStartNs;
    private boolean exited;
    private boolean inRamp;
    private java.nio.file.Path logDir = java.nio.file.Path.of("");
    private JobLogs logs;
    /** write_hist_log, or null. */
    private HistLog histLog;
    /** continue_on_error/ignore_error: what a failed I/O does. */
    private final FioErrors errorPolicy;
    /** latency_target's depth search, or null. */
    private final LatencyTarget latTarget;
    /** The run's flows (flow=), and this job's membership once it started. */
    private FlowGroups flowGroups;
    private FlowGroups.Member flowMember;
    /** The steady-state detector this job reports to (ss=), or null. */
    private SteadyState steadyState;
    /** fio's cmdprio (engines/cmdprio.c) when the job sets any of its options, else null. */
    private final CmdPrio cmdprio;
    /** td->ioprio: the job's own priority (prio/prioclass), 0 when it set none. */
    private final int jobIoprio;
    private RunState state = RunState.NOT_CREATED;
    /** The verify family's bookkeeping, or null when verify= is off. */
    private final Verifier verifier;
    private boolean verifying;
    private long verifyStartNs;
    private int lastDdir = -1;
    private io.stacksim.engine.Timer delayTimer;
    /** zonemode=zbd (zbd.c), or null. */
    private final ZbdJob zbd;
    /** zonemode=strided (io_u.c setup_strided_zone_mode), or null. */
    private final StridedZones strided;
    /** The host's network stack, built when a net engine first asks for it. */
    private java.util.function.Supplier<io.stacksim.os.NetStack> network;
    /** rate_min / rate_iops_min (backend.c check_min_rate), or null. */
    private final MinRateCheck minRate;
    /** do_io's comp_time: when the last completion was taken (what check_min_rate measures to). */
    private long compNs;
    /** td->start: the start of this loop, or of the statistics after ramp_time. */
    private long loopClockNs;
    /** io_bytes/io_blocks when this loop (or the statistics) started: this_io_bytes is the rest. */
    private final long[] loopBaseBytes = new long[JobStats.DIRS];
    private final long[] loopBaseBlocks = new long[JobStats.DIRS];
    /** io_submit_mode=offload's submit workers (rate-submit.c), or null. */
    private final OffloadSubmit offload;
    /** The task an engine call runs on: a submit worker's while it calls its engine, else the job's. */
    private Task engineTask;
    /** The job's thread waits for a unit a worker frees (get_io_u on free_cond), or for all (workqueue_flush). */
    private Runnable waitFree;
    private Runnable waitFlush;

    /**
     * fio's td->runstate as its status line shows it (eta.c check_str_update): the letter of
     * each state; RUNNING's letter depends on the job's pattern.
     */
    public enum RunState {
        NOT_CREATED('P'), SETTING_UP('I'), RAMP('/'), RUNNING('R'), VERIFYING('V'), FSYNCING('F'),
        FINISHING('f'), REAPED('_');

        final char letter;

        RunState(char letter) {
            this.letter = letter;
        }
    }

    /**
     * @param clone       clone number (numjobs)
     * @param userNsPerIo the benchmark's own user-space CPU time per I/O
     * @param onExit      runs when the job's task exits
     */
    public JobRunner(JobSpec spec, int clone, Kernel kernel, RandomStreams random, long userNsPerIo, Runnable onExit) {
        this(spec, clone, kernel, random, userNsPerIo, onExit, new ZonedFiles());
    }

    /**
     * As above, with {@code zoned} the run's zone information under zonemode=zbd, shared by the
     * jobs that name the same file.
     */
    public JobRunner(JobSpec spec, int clone, Kernel kernel, RandomStreams random, long userNsPerIo, Runnable onExit,
                     ZonedFiles zoned) {
        this.spec = spec;
        this.clone = clone;
        this.kernel = kernel;
        this.sim = kernel.sim();
        this.userNsPerIo = userNsPerIo;
        this.onExit = onExit;
        this.task = kernel.cpus().newTask("fio");
        // fio's ioprio_set and cgroup placement before the job starts (backend.c thread_main).
        JobSpec.Placement pl = spec.placement();
        task.setIoprio(io.stacksim.block.IoPriority.value(io.stacksim.block.IoPriority.values()[pl.prioclass()],
                pl.prio()));
        if (!pl.cgroup().equals("/")) {
            task.setBlkcg(new io.stacksim.block.Blkcg(pl.cgroup(), pl.cgroupWeight()));
        }
        this.stats.pid = task.pid();
        String stream = "workload." + spec.name() + "." + clone
                + (spec.access().randseed() == 0x89 ? "" : ".seed" + spec.access().randseed())
                // randrepeat=0: fio seeds from the system's RNG; here from run.seed, on streams of their own.
                + (spec.extras().randrepeat() ? "" : ".urandom");
        // zbd_init_files runs before setup_files lays the files out: a file that did not exist has size 0 to it.
        boolean[] existed = spec.zones().mode() == ZoneSpec.Mode.ZBD ? ZbdJob.existing(spec, clone, kernel) : null;
        this.files = new FileSetup(spec, clone, kernel, task, random, stream);
        // fileoperations.c init: the operations' latencies are read samples in a read job, else write.
        int opDdir = spec.rw().reads ? JobStats.READ : JobStats.WRITE;
        files.onOperationLatency(ns -> {
            if (!inRamp && !spec.control().disableClat()) {
                stats.recordOperation(opDdir, ns);
            }
        });
        this.planner = new IoUnitPlanner(spec, files.offsets(), files.bytesPerLoop(), random, stream);
        this.zbd = spec.zones().mode() == ZoneSpec.Mode.ZBD ? new ZbdJob(spec, files, existed, kernel, task, zoned, stats,
                new ZbdJob.Host() {
                    public void quiesce(Runnable k) {
                        JobRunner.this.quiesce(k);
                    }

                    public OpenFile open(int fi) {
                        return files.get(fi).open;
                    }
                }) : null;
        this.strided = spec.zones().mode() == ZoneSpec.Mode.STRIDED ? new StridedZones(spec.zones(), files.offsets())
                : null;
        this.cmdprio = pl.cmdprio().active() ? new CmdPrio(pl.cmdprio(), random.stream(stream + ".prio")) : null;
        this.jobIoprio = task.ioprio();
        stats.jobIoprio = jobIoprio;
        if (spec.engine().kind() == MmapEngine.TYPE && spec.direct()) {
            throw new IllegalArgumentException("job '" + spec.name() + "': ioengine=mmap with direct=1 is not modelled"
                    + " (fio would msync and madvise(DONTNEED) each block)");
        }
        this.engine = spec.engine().kind().factory().apply(this);
        this.cpu = new ProcessCpu(task, engine);
        this.offload = spec.extras().offload() ? new OffloadSubmit(this, spec.iodepth()) : null;
        if (offload != null) {
            cpu.alsoCount(offload.threads());
        }
        this.samples = new JobSamples(sim, spec, stats, ioBytes, ioBlocks,
                () -> looping && !exited && !(stopAtNs > 0 && sim.now() >= stopAtNs));
        for (int i = 0; i < spec.iodepth(); i++) {
            free.add(new IoUnit());
        }
        this.loopsLeft = spec.limits().loops();
        this.errorPolicy = new FioErrors(spec.extras().errors(), spec.extras().fillDevice());
        this.latTarget = spec.extras().latency() == null ? null : new LatencyTarget(spec.extras().latency(), spec.iodepth());
        this.minRate = spec.extras().minRate() == null ? null : new MinRateCheck(spec.extras().minRate(), spec.name());
        this.verifier = spec.control().verify().on()
                ? new Verifier(spec, files.count(), kernel.cost().copyNs(1 << 20) / (double) (1 << 20)) : null;
        this.asyncVerify = verifier != null && spec.extras().verifyAsync() > 0
                ? new AsyncVerify(spec.extras().verifyAsync()) : null;
        if (asyncVerify != null) {
            cpu.alsoCount(asyncVerify.threads);
        }
    }

    /** verify_async's threads and the held units (none, or the job's own thread checking). */
    private final AsyncVerify asyncVerify;

    /**
     * verify_async=N (verify.c verify_async_init, verify_async_thread): N threads of the job's
     * process; a completed verify read is put on td->verify_list with IO_U_F_FREE_DEF, so it
     * stays one of the job's units in flight (cur_depth) until a verify thread has checked its
     * data - the checksum on that thread's CPU - and put it back (put_io_u), waking the job's
     * thread if it waits for a unit (free_cond). The job's thread pays no checksum of its own.
     */
    private final class AsyncVerify {
        final java.util.List<Task> threads = new java.util.ArrayList<>();
        private final ArrayDeque<Task> idle = new ArrayDeque<>();
        private final ArrayDeque<IoUnit> list = new ArrayDeque<>();
        /** Units held (listed or being checked). */
        int held;

        AsyncVerify(int n) {
            for (int i = 0; i < n; i++) {
                Task t = kernel.cpus().newTask("fio");
                t.setIoprio(task.ioprio());
                t.startAsleep();
                threads.add(t);
                idle.add(t);
            }
        }

        /** verify_io_u_async: onto the list, a sleeping verify thread signalled. */
        void add(IoUnit u) {
            held++;
            list.addLast(u);
            Task t = idle.pollFirst();
            if (t != null) {
                t.wake(() -> next(t));
            }
        }

        /** verify_async_thread: check the next unit's data, put it back, then the next. */
        private void next(Task t) {
            IoUnit u = list.pollFirst();
            if (u == null) {
                idle.addLast(t);
                t.sleep();
                return;
            }
            long ns = u.verifyHoldNs;
            t.compute(ns, false, () -> {
                u.verifyHoldNs = 0;
                held--;
                put(u);
                next(t);
            });
        }
    }

    // ------------------------------------------------------------------ status (eta.c)

    /** The job's state now. */
    public RunState runState() {
        return state;
    }

    /**
     * The letter fio's status line shows for this job (eta.c check_str_update): while running
     * R/W/M sequential, r/w/m random (rw with rwmixread=100 counts as a read job).
     */
    public char statusLetter() {
        if (state != RunState.RUNNING) {
            return state.letter;
        }
        Pattern p = spec.rw();
        char c = p.mixed() ? (spec.access().rwmixread() == 100 ? 'R' : spec.access().rwmixread() == 0 ? 'W' : 'M')
                : p.reads ? 'R' : 'W';
        return p.random ? Character.toLowerCase(c) : c;
    }

    /** Bytes read [0] and written [1] so far (fio's io_bytes). */
    public long ioBytes(int ddir) {
        return ioBytes[ddir];
    }

    /** Reads [0] and writes [1] completed so far (fio's io_blocks). */
    public long ioBlocks(int ddir) {
        return ioBlocks[ddir];
    }

    /** Files the job has open now. */
    public int filesOpen() {
        return state == RunState.RUNNING || state == RunState.VERIFYING || state == RunState.FSYNCING
                || state == RunState.FINISHING ? files.count() : 0;
    }

    /** Simulated ns since the job's epoch (its start, or the end of ramp_time). */
    public long elapsedNs() {
        return state == RunState.NOT_CREATED || state == RunState.SETTING_UP ? 0 : sim.now() - epochNs;
    }

    /** fio's total_io_size: what the job will move in all its loops (0 for a time-based job without size). */
    public long totalIoBytes() {
        long total = files.bytesPerLoop() * Math.max(1, spec.limits().loops());
        // thread_eta: a verifying write job reads it all back (a mixed one, its write share).
        if (verifier != null && spec.control().verify().doVerify() && spec.rw().writes) {
            total += spec.rw().mixed() ? total * (100 - spec.access().rwmixread()) / 100 : total;
        }
        return total;
    }

    /** The run's flow groups, for a job with flow= (flow.c). */
    public void flowGroups(FlowGroups g) {
        this.flowGroups = g;
    }

    /** Where the net engines find the host's network stack (built on first use). */
    public void network(java.util.function.Supplier<io.stacksim.os.NetStack> net) {
        this.network = net;
    }

    /** The steady-state detector of this job (or its reporting group), for a job with ss_dur. */
    public void steadyState(SteadyState s) {
        this.steadyState = s;
        s.add(this);
        stats.extra.steadyState = s;
    }

    // ------------------------------------------------------------------ for the engines

    /** The task engine calls run on: the job's, or a submit worker's (io_submit_mode=offload). */
    public Task task() {
        return engineTask != null ? engineTask : task;
    }

    /** Runs {@code body}, an engine call of submit worker task {@code t}, with {@link #task()} being {@code t}. */
    void onTask(Task t, Runnable body) {
        Task prev = engineTask;
        engineTask = t;
        try {
            body.run();
        } finally {
            engineTask = prev;
        }
    }

    /**
     * Units go to the submit workers: io_submit_mode=offload, outside the verify pass. do_verify
     * (backend.c) submits with io_u_submit, td_io_queue on the job's own thread and engine at its
     * iodepth, reaping with wait_for_completions as inline jobs do; only do_io enqueues.
     */
    private boolean offloading() {
        return offload != null && !verifying;
    }

    /** A submit worker queued {@code u} (td_io_queue in the worker: its totals, depth 1). */
    void offloadQueued(IoUnit u, int status, boolean hasCommit) {
        if (status == Engine.BUSY) {
            return;
        }
        count(u);
        stats.markDepth(1, 1);
        if (!hasCommit) {
            stats.markBatch(true, 1);
            stats.markBatch(false, 1);
        }
    }

    /** A submit worker's unit completed inline (a sync engine): it goes back to the job's pool. */
    void offloadDone(IoUnit u) {
        put(u);
    }

    Kernel kernel() {
        return kernel;
    }

    public JobSpec spec() {
        return spec;
    }

    public Task mainTask() {
        return task;
    }

    /** Where per-I/O logs (write_lat_log and friends) go; the current directory by default. */
    public void logDirectory(java.nio.file.Path dir) {
        this.logDir = dir;
    }

    /** The clone number. */
    public int cloneIndex() {
        return clone;
    }

    OpenFile open(int file) {
        return files.get(file).open;
    }

    /** File {@code file}'s name as the job gives it (/dev/sg0, not the disk it is). */
    String fileName(int file) {
        return files.get(file).name;
    }

    io.stacksim.os.NetStack network() {
        if (network == null) {
            throw new IllegalStateException("job '" + spec.name() + "': no network stack was given to the runner");
        }
        return network.get();
    }

    /**
     * reset_all_stats before any I/O (the net engine once a connection is accepted, or the UDP
     * reader at the writer's open message): the job's clock, CPU use and samples start now.
     */
    void resetStats() {
        long now = sim.now();
        stats.reset(now);
        stats.startNs = now;
        epochNs = now;
        loopStartNs = now;
        cpu.restart(false);
        planner.resetRate();
        samples.stop();
        samples.start();
        loopClock(now);
        if (spec.runtimeNs() > 0) {
            stopAtNs = now + spec.rampTimeNs() + spec.runtimeNs();
        }
    }

    /**
     * io_queue_event's resid path: the engine moved only {@code moved} bytes of {@code u}. With
     * some moved the unit is requeued for the rest (offset and length advanced, a short I/O
     * counted; the piece moved is not counted in io_bytes, as fio does); with none the unit
     * just ends, uncounted (the engine has said the job is done).
     */
    void shortTransfer(IoUnit u, long moved) {
        if (moved > 0) {
            stats.shortIos[u.ddir]++;
            u.offset += moved;
            u.length -= moved;
            u.resid = true;
        } else {
            u.resid = false;
            u.discard = true;
        }
    }

    /** td->done: the loop ends after the unit in progress (the net engine's close message, end of file). */
    void done() {
        terminate = true;
    }

    boolean isDone() {
        return terminate;
    }

    /** drop_io_u: {@code n} of the job's I/Os of {@code ddir} were lost on the way (UDP). */
    void dropped(int ddir, long n) {
        stats.dropIos[ddir] += n;
    }

    /** The job's process got signal {@code sig} (SIGPIPE on a reset connection): it ends now. */
    void killedBySignal(int sig) {
        terminate = true;
        stats.extra.signal = sig;
    }

    Mapping mapping(int file) {
        return files.get(file).mapping;
    }

    long mappedFrom(int file) {
        return files.get(file).offsets.start();
    }

    /** The BLKDISCARD ioctl, made on the first trim. */
    private io.stacksim.os.BlkDiscard discard;

    /**
     * do_io_u_trim: the unit's trim, os_trim's BLKDISCARD over its offset and length (a file that
     * is not a block device fails with ENOTTY, a device without discard with EOPNOTSUPP); {@code k}
     * gets the unit's length or -errno.
     */
    void trim(IoUnit u, io.stacksim.os.Kernel.Ret k) {
        if (discard == null) {
            discard = new io.stacksim.os.BlkDiscard(kernel);
        }
        discard.discard(task, open(u.file), u.offset, u.length, (res, last) -> {
            u.lastBio = last;
            k.ret(res < 0 ? res : u.length);
        });
    }

    /**
     * An asynchronous engine's trim (libaio, io_uring, posixaio: FIO_ASYNCIO_SYNC_TRIM): done at
     * once and synchronously, counted as a batch of one submitted and one completed.
     */
    void syncTrim(IoUnit u, java.util.function.IntConsumer status) {
        issued(u);
        trim(u, res -> {
            u.result = res;
            markBatch(true, 1);
            markBatch(false, 1);
            completed(u);
            status.accept(Engine.COMPLETED);
        });
    }

    /** issue_time: the unit goes to the kernel now; async engines sample slat here (io_u_queued). */
    void issued(IoUnit u) {
        u.issueNs = sim.now();
        if (!spec.engine().kind().syncio() && !u.isSync() && !spec.control().disableSlat()) {
            stats.recordSlat(u.ddir, u.issueNs - u.startNs);
        }
    }

    /** io_completed: the unit's statistics (it stays allocated until put). */
    void completed(IoUnit u) {
        long now = sim.now();
        if (u.result < 0) {
            int errno = (int) -u.result;
            switch (errorPolicy.onError(u.ddir, errno)) {
                case CONTINUE -> {
                    // update_error_count; the I/O is not accounted (io_completed).
                    stats.extra.error(errno);
                    return;
                }
                case END -> {
                    // fill_device's ENOSPC: logged (io_u_log_error), cleared, the job ends.
                    stats.extra.ioError(files.get(u.file).name, errno, u.ddir, u.offset, u.length);
                    terminate = true;
                    return;
                }
                default -> {
                    stats.errors++;
                    if (u.ddir == JobStats.TRIM) {
                        // do_io_u_trim set io_u->error: td_io_queue's td_verror ends the job, the run goes on.
                        if (spec.extras().errors().on()) {
                            stats.extra.error(errno);
                        }
                        stats.extra.jobFailed(errno, "ioengines.c:399", "td_io_queue", "");
                        terminate = true;
                        return;
                    }
                    String sense = u.lastBio == null ? null : u.lastBio.sense;
                    if (sense != null) {
                        // A passthrough command the device failed (SG_INFO_CHECK): fio_sgio_queue's
                        // td_verror(EIO, "xfer") ends the job, the run goes on.
                        stats.extra.ioError(files.get(u.file).name, errno, u.ddir, u.offset, u.length);
                        stats.extra.jobFailed(errno, "engines/" + spec.engine().kind().fioName() + ".c", "xfer",
                                "fio: " + files.get(u.file).name + ": " + sense);
                        terminate = true;
                        return;
                    }
                    throw new JobError(spec, u.result);
                }
            }
        }
        if (FileOpsEngine.noStats(spec.engine().kind())) {
            // FIO_NOSTATS: io_completed counts the unit and its bytes; account_io_completion adds no sample.
            if (!u.isSync()) {
                ioBlocks[u.ddir]++;
                ioBytes[u.ddir] += u.result;
                stats.countOnly(u.ddir, u.result);
                if (u.ddir == JobStats.WRITE) {
                    wroteThisLoop = true;
                }
            }
            lastWasSync = u.isSync();
            return;
        }
        if (u.isSync()) {
            if (state != RunState.FSYNCING) {
                stats.recordSync(now - u.issueNs);
            }
            lastWasSync = true;
            FileSetup.FioFile ff = files.get(u.file);
            ff.firstWrite = -1;
            ff.lastWrite = -1;
            return;
        }
        lastWasSync = false;
        int d = u.ddir;
        lastDdir = d;
        if (verifier != null && d == JobStats.READ && (u.verify || !spec.rw().writes)) {
            // verify_io_u: the data read back is checksummed (a read-only verify job checks every read);
            // with verify_async, verify_io_u_async hands the unit to the verify threads instead
            if (asyncVerify != null) {
                u.verifyHoldNs = Math.max(1, verifier.verifiedAsync(u.result));
            } else {
                verifier.verified(u.result);
            }
        }
        u.verify = false;
        if (u.result < u.length) {
            stats.shortIos[d]++;
        }
        ioBlocks[d]++;
        ioBytes[d] += u.result;
        if (d == JobStats.WRITE && u.result > 0) {
            files.get(u.file).logWrite(u.offset, u.result);
        }
        stats.record(d, u.issueNs, now, u.result, u.lastBio);
        stats.recordFio(d, u.startNs, u.issueNs, now, false, !spec.control().disableClat(), !spec.control().disableLat());
        if (cmdprio != null) {
            // the io_u's clat_prio_index: its cmdprio value, else the job's own (td->ioprio)
            stats.recordPrio(d, u.ioprio != 0 ? u.ioprio : jobIoprio,
                    spec.reporting().latPercentiles() ? now - u.startNs : now - u.issueNs);
        }
        if (latTarget != null && !inRamp && latTarget.isLate(now - u.startNs)
                && latTarget.late(now, ioBlocks[0] + ioBlocks[1])) {
            // lat_fatal: late at depth 1 with latency_percentile=100.
            throw new JobError(spec, "latency of " + (now - u.startNs) + " nsec exceeds specified max ("
                    + latTarget.targetNs() + " nsec)");
        }
        if (histLog != null && !inRamp && !spec.control().disableClat()) {
            histLog.clat((now - epochNs) / 1_000_000, d, u.length, now - u.issueNs);
        }
        if (logs != null && !inRamp) {
            logs.completed(now, d, u.length, u.issueNs - u.startNs, now - u.issueNs, now - u.startNs,
                    !spec.engine().kind().syncio(), u.offset, u.ioprio != 0 ? u.ioprio : jobIoprio);
        }
        if (d == JobStats.WRITE) {
            wroteThisLoop = true;
        }
    }

    /** A unit reaped by getevents: accounted and returned to the pool. */
    void reaped(IoUnit u) {
        completed(u);
        if (zbd != null && !u.isSync()) {
            zbd.put(u);
        }
        put(u);
    }

    void markBatch(boolean submit, int n) {
        stats.markBatch(submit, n);
    }

    private void put(IoUnit u) {
        if (u.verifyHoldNs > 0) {
            // IO_U_F_FREE_DEF: the async verify thread puts it back once its data is checked
            asyncVerify.add(u);
            return;
        }
        u.iocb = null;
        u.lastBio = null;
        curDepth--;
        free.addLast(u);
        if (waitFree != null) {
            // td_io_u_free_notify: the job's thread waiting in get_io_u goes on
            Runnable k = waitFree;
            waitFree = null;
            task.wake(k);
        } else if (waitFlush != null && curDepth == 0) {
            Runnable k = waitFlush;
            waitFlush = null;
            task.wake(k);
        }
    }

    // ------------------------------------------------------------------ setup

    /**
     * Starts the job's task and prepares its files (open, invalidate or pre-read, the fadvise
     * hint, the mapping for mmap); {@code ready} runs when it is done, and the task then waits
     * for {@link #go()}.
     */
    public void prepare(Runnable ready) {
        state = RunState.SETTING_UP;
        if (spec.reporting().logs().any()) {
            try {
                logs = new JobLogs(spec, clone, logDir, !spec.engine().kind().syncio());
            } catch (java.io.UncheckedIOException e) {
                throw new io.stacksim.config.ConfigException("job '" + spec.name() + "': cannot write its log files in "
                        + logDir.toAbsolutePath() + ": " + e.getCause().getMessage());
            }
            logs.start(sim.now());
            files.logTo(logs);
        }
        JobExtras.HistLogSpec hist = spec.extras().hist();
        if (hist != null) {
            try {
                histLog = new HistLog(hist, spec.name(), clone, spec.reporting().logs().perJob(), logDir,
                        spec.reporting().clatPercentiles() || spec.reporting().latPercentiles());
            } catch (java.io.UncheckedIOException e) {
                throw new io.stacksim.config.ConfigException("job '" + spec.name() + "': cannot write its log files in "
                        + logDir.toAbsolutePath() + ": " + e.getCause().getMessage());
            }
        }
        Runnable body = () -> {
            Runnable preRead = () -> files.preReadAll(() -> {
                Runnable done = () -> {
                    ready.run();
                    task.sleep();
                };
                if (zbd != null) {
                    zbd.prepare(done);
                } else {
                    done.run();
                }
            });
            if (filesSetUp) {
                preRead.run();
            } else {
                // thread_main: setup_files in the job's own thread (create_serialize=0).
                filesSetUp = true;
                files.setUp(preRead);
            }
        };
        if (taskStarted) {
            task.wake(body);
        } else {
            taskStarted = true;
            task.start(body);
        }
    }

    /**
     * create_serialize (the default): run_threads' setup_files for this job before any job's
     * thread starts, one job after another so their files are not interleaved on disk;
     * {@code done} runs (as a new event) when this job's files are laid out, and the task waits
     * for {@link #prepare}.
     */
    public void setUpFiles(Runnable done) {
        state = RunState.SETTING_UP;
        filesSetUp = true;
        taskStarted = true;
        task.start(() -> files.setUp(() -> {
            sim.schedule(sim.now(), done::run);
            task.sleep();
        }));
    }

    /**
     * create_serialize, with files to lay out: they are set up before the jobs start (see
     * {@link #setUpFiles}).
     */
    public boolean createSerialize() {
        return spec.files().layout().createSerialize() && files.needsSetUp();
    }

    /** Starts the job: the prepared task wakes and runs fio's loop. */
    public void go() {
        task.wake(this::begin);
    }

    private void begin() {
        if (spec.files().layout().createOnly()) {
            // setup_files: create_only sets td->done; the job's loop does no I/O.
            long now = sim.now();
            epochNs = now;
            stats.startNs = now;
            cpu.restart(false);
            finish();
            return;
        }
        if (spec.limits().startDelayNs() > 0 && !terminate) {
            task.sleep();
            delayTimer = sim.timerAfter(spec.limits().startDelayNs(), () -> {
                delayTimer = null;
                task.wake(this::start);
            });
        } else {
            start();
        }
    }

    private void start() {
        long now = sim.now();
        epochNs = now;
        stats.startNs = now;
        cpu.restart(false);
        startExtras(now);
        if (minRate != null) {
            // thread_main: last_rate_check_time starts at bw_sample_time, the epoch.
            minRate.start(now);
        }
        if (spec.runtimeNs() > 0) {
            stopAtNs = now + spec.rampTimeNs() + spec.runtimeNs();
        }
        state = spec.rampTimeNs() > 0 ? RunState.RAMP : RunState.RUNNING;
        if (spec.rampTimeNs() > 0) {
            inRamp = true;
            sim.after(spec.rampTimeNs(), this::rampOver);
        } else {
            samples.start();
        }
        engine.init(() -> {
            if (offload != null) {
                offload.start(); // rate_submit_init: workqueue_init
            }
            startLoop();
        });
    }

    /** ramp_time is over: statistics start from zero (reset_all_stats), rate accounting too. */
    private void rampOver() {
        if (exited) {
            return;
        }
        long now = sim.now();
        inRamp = false;
        if (state == RunState.RAMP) {
            state = RunState.RUNNING;
        }
        stats.reset(now);
        epochNs = now;
        loopStartNs = now;
        cpu.restart(true);
        planner.resetRate();
        samples.start();
        loopClock(now);
        if (latTarget != null) {
            // reset_all_stats -> lat_target_reset
            latTarget.init(now, ioBlocks[0] + ioBlocks[1]);
        }
    }

    /** lat_target_init, flow_init_job and the steady-state epoch, at the job's start. */
    private void startExtras(long now) {
        if (latTarget != null) {
            latTarget.init(now, ioBlocks[0] + ioBlocks[1]);
        }
        JobExtras.Flow f = spec.extras().flow();
        if (f != null && flowGroups != null && flowMember == null) {
            flowMember = flowGroups.join(f.id(), f.weight());
        }
        if (steadyState != null) {
            steadyState.started(this);
        }
    }

    /**
     * latency_target's final run: quiesced, the statistics start again at the depth found
     * (reset_all_stats, reset_io_stats).
     */
    private void latencyFinalRun() {
        long now = sim.now();
        stats.reset(now);
        epochNs = now;
        loopStartNs = now;
        cpu.restart(true);
        planner.resetRate();
        samples.stop();
        samples.start();
        latTarget.restartCycle(now, ioBlocks[0] + ioBlocks[1]);
    }

    /** The loop's hooks before an I/O: latency target check and quiesce, flow; true when one took over. */
    private boolean extrasBeforeIo() {
        if (latTarget != null && !inRamp && !verifying) {
            latTarget.check(sim.now(), ioBlocks[0] + ioBlocks[1]);
            if (latTarget.done) {
                terminate = true;
                return false;
            }
            if (latTarget.quiesce) {
                latTarget.quiesce = false;
                boolean reset = latTarget.resetStats;
                latTarget.resetStats = false;
                quiesce(() -> {
                    if (reset) {
                        latencyFinalRun();
                    } else {
                        latTarget.restartCycle(sim.now(), ioBlocks[0] + ioBlocks[1]);
                    }
                    loop();
                });
                return true;
            }
        }
        if (flowMember != null && flowMember.exceeded()) {
            long sleepUs = spec.extras().flow().sleepUs();
            if (sleepUs > 0) {
                // flow_threshold_exceeded: io_u_quiesce, then usleep(flow_sleep).
                quiesce(() -> {
                    task.sleep();
                    sim.after(sleepUs * 1000, () -> task.wake(this::loop));
                });
            } else {
                // fio turns its loop again at once: the job's thread spins, its own time per turn.
                task.compute(Math.max(userNsPerIo, 1), false, this::loop);
            }
            return true;
        }
        return false;
    }

    private void startLoop() {
        if (state == RunState.FSYNCING || state == RunState.VERIFYING) {
            state = inRamp ? RunState.RAMP : RunState.RUNNING;
        }
        looping = true;
        loopStartNs = Math.max(loopStartNs, epochNs);
        loopClock(sim.now());
        planner.startLoop();
        wroteThisLoop = false;
        loop();
    }

    // ------------------------------------------------------------------ fio's do_io loop

    private void loop() {
        if (!terminate && stopAtNs > 0 && sim.now() >= stopAtNs) {
            terminate = true;
        }
        if (!terminate && extrasBeforeIo()) {
            return;
        }
        if (terminate) {
            if (verifying) {
                endVerify();
            } else {
                endLoop();
            }
            return;
        }
        if (requeued != null) {
            IoUnit u = requeued;
            requeued = null;
            issue(u);
            return;
        }
        if (!verifying && (planner.loopDone() || (IoEngines.noio(spec.engine().kind()) && !spec.timeBased()))) {
            // FIO_NOIO without time_based: do_io's bytes_issued >= total_bytes (0) holds at once.
            endLoop();
            return;
        }
        task.compute(userNsPerIo + (verifier == null ? 0 : verifier.takeOwed()), false, getIoUK);
    }

    /**
     * get_io_u: set_io_u_file first - the file (get_next_file, opened when it is chosen closed;
     * -EBUSY with I/O in flight reaps and retries; no file left ends the loop) - then on it
     * fill_io_u: the direction (a periodic fsync, then mix and rate), offset and size. A file
     * whose region is used up is closed and done and another is chosen. fio chooses the file
     * before the direction, so with several files a periodic sync goes to the file
     * get_next_file gives next (checked with fio 3.33: nrfiles=2 fsync=1 writes file 0 and
     * syncs file 1 until file 0 is done).
     */
    private void getIoU() {
        if ((offloading() || asyncVerify != null) && free.isEmpty()) {
            // __get_io_u: every unit is with the workers (or the async verify threads); wait for one to come back
            waitFree = this::getIoU;
            task.sleep();
            return;
        }
        IoUnit u = free.pollFirst();
        curDepth++;
        if (verifying) {
            Verifier.Piece p = verifier.next();
            if (p == null) {
                put(u);
                endVerify();
                return;
            }
            verifyRead(u, p);
            return;
        }
        if (verifier != null && spec.control().verify().doVerify() && spec.rw().writes
                && verifier.backlogDue(lastDdir == JobStats.READ)) {
            Verifier.Piece p = verifier.next();
            if (p != null) {
                verifier.tookBacklog();
                verifyRead(u, p);
                return;
            }
        }
        chooseFile(u);
    }

    private void chooseFile(IoUnit u) {
        FileService service = planner.service();
        int fi = service.next(curDepth > 1);
        if (fi == FileService.BUSY) {
            put(u);
            reap(true);
            return;
        }
        if (fi == FileService.NONE) {
            put(u);
            endLoop();
            return;
        }
        if (service.takeOpened()) {
            files.open(fi, () -> {
                planner.resetFile(fi);
                if (zbd != null) {
                    zbd.fileReset(fi, () -> direction(u, fi)); // fio_file_reset's zbd_file_reset
                } else {
                    direction(u, fi);
                }
            });
        } else {
            direction(u, fi);
        }
    }

    /** fill_io_u's set_rw_ddir on file {@code fi}: a periodic sync, or the mix then the rate limit. */
    private void direction(IoUnit u, int fi) {
        int syncDdir = planner.syncDue(lastWasSync);
        if (syncDdir >= 0) {
            u.ddir = syncDdir;
            u.file = fi;
            u.offset = 0;
            u.length = 0;
            u.startNs = sim.now();
            submit(u);
            return;
        }
        int ddir = planner.direction();
        if (spec.pacing().limited()) {
            long[] wait = {0};
            ddir = planner.rateDirection(ddir, sim.now() - epochNs, wait);
            if (wait[0] > 0) {
                int dd = ddir;
                quiesce(() -> {
                    task.sleep();
                    sim.after(wait[0], () -> task.wake(() -> fill(u, dd, fi)));
                });
                return;
            }
        }
        fill(u, ddir, fi);
    }

    /** The unit's offset in file {@code fi}; a file that wrapped may first drop its cached pages. */
    private void fill(IoUnit u, int ddir0, int fi) {
        int ddir = ddir0;
        if (zbd != null) {
            ddir = zbd.adjustDdir(fi, ddir);
            zbd.beforeOffset(fi, ddir);
        } else if (strided != null) {
            strided.beforeOffset(files.get(fi).offsets, ddir);
        }
        if (spec.rw().trimWrite()) {
            ddir = planner.trimWriteDirection(fi);
        }
        int dd = ddir;
        long off = planner.nextOffset(fi, ddir);
        if (planner.wrapped(fi) && files.invalidateOnWrap(fi, () -> place(u, dd, fi, off))) {
            return;
        }
        place(u, ddir, fi, off);
    }

    /** The unit's size, then it is submitted; a file with no offset or size left is done. */
    private void place(IoUnit u, int ddir, int fi, long off) {
        long len = planner.length(fi, ddir, off);
        if (len == 0) {
            fileDone(u, fi);
            return;
        }
        u.ddir = ddir;
        u.file = fi;
        u.offset = off;
        u.length = len;
        if (zbd != null) {
            // zbd_adjust_block: the unit moves to a write pointer, or below one, or the file is done.
            zbd.adjustBlock(u, ok -> {
                if (!ok) {
                    fileDone(u, fi);
                    return;
                }
                files.get(fi).offsets.placed(ddir, u.offset, u.length);
                zbd.filled(u.length);
                u.startNs = sim.now();
                submit(u);
            });
            return;
        }
        if (strided != null) {
            strided.filled(len);
        }
        u.startNs = sim.now();
        submit(u);
    }

    /**
     * fill_io_u failed: set_io_u_file closes the file, marks it done (or resets a
     * zipf/pareto/normal one) and asks get_next_file again.
     */
    private void fileDone(IoUnit u, int fi) {
        boolean reset = planner.service().exhausted(fi);
        files.close(fi, () -> {
            if (reset) {
                planner.resetFile(fi);
            }
            chooseFile(u);
        });
    }

    /** get_next_verify: a read of a logged piece, its checksum paid when it completes. */
    private void verifyRead(IoUnit u, Verifier.Piece p) {
        u.ddir = JobStats.READ;
        u.file = p.file();
        u.offset = p.offset();
        u.length = p.length();
        u.verify = true;
        u.startNs = sim.now();
        submit(u);
    }

    /**
     * A write of a verify job: fio logs it for the verify phase (log_io_piece, with do_verify)
     * and populate_verify_io_u checksums its buffer first, on the job's CPU; verify_only
     * writes nothing (do_dry_run: the unit completes at once, logged but not issued).
     */
    private void submit(IoUnit u) {
        if (spec.extras().refillPattern() && u.ddir == JobStats.WRITE && !IoEngines.noio(spec.engine().kind())) {
            // io_u_fill_buffer: buffer_pattern copied over the unit's buffer, on the job's CPU.
            task.compute(Math.max(1, kernel.cost().copyNs(u.length)), false, () -> submitFilled(u));
            return;
        }
        double random = spec.extras().refillRandom();
        if (random > 0 && u.ddir == JobStats.WRITE && !IoEngines.noio(spec.engine().kind())) {
            // io_u_fill_buffer (refill_buffers): new random data over the unit's buffer, on the job's CPU
            long ns = (long) Math.ceil(u.length * random / JobExtras.RANDOM_FILL_BYTES_PER_SEC * 1e9);
            task.compute(Math.max(1, ns), false, () -> submitFilled(u));
            return;
        }
        submitFilled(u);
    }

    private void submitFilled(IoUnit u) {
        if (verifier == null || u.ddir != JobStats.WRITE) {
            issue(u);
            return;
        }
        JobSpec.Verify v = spec.control().verify();
        if (v.doVerify()) {
            verifier.log(u.file, u.offset, u.length);
        }
        if (v.only()) {
            planner.issued(u.ddir, u.length);
            issued(u);
            u.result = u.length;
            completed(u);
            afterQueue(u, Engine.COMPLETED);
            return;
        }
        long ns = verifier.checksumNs(u.length);
        if (ns > 0) {
            task.compute(ns, false, () -> issue(u));
        } else {
            issue(u);
        }
    }

    /** td_io_queue + io_queue_event. */
    private void issue(IoUnit u) {
        boolean rw = !u.isSync();
        if (rw && !u.verify) {
            planner.issued(u.ddir, u.length);
        }
        if (logs != null) {
            logs.issued(sim.now(), files.get(u.file).name, u.ddir, u.offset, u.length);
        }
        if (offloading()) {
            // do_io, offload: workqueue_enqueue, the rate's next time, no reaping (a backlog
            // verify read too: do_io hands every unit it gets to the workers)
            offload.enqueue(u);
            if (rw) {
                planner.updateRate(u.ddir);
            }
            thinkThenLoop();
            return;
        }
        engine.queue(u, st -> afterQueue(u, st));
    }

    private void afterQueue(IoUnit u, int status) {
        boolean rw = !u.isSync();
        if (zbd != null && rw && status != Engine.BUSY) {
            zbd.queued(u, status == Engine.COMPLETED); // zbd_queue_io
        }
        if (!engine.hasCommit()) {
            stats.markBatch(true, 1);
            stats.markBatch(false, 1);
        }
        switch (status) {
            case Engine.COMPLETED -> {
                count(u);
                stats.markDepth(curDepth, 1);
                if (!u.resid) {
                    compNs = sim.now(); // io_queue_event's sync_done (a short transfer is requeued instead)
                }
                if (u.resid) {
                    // requeue_io_u: the rest goes again at once, a new unit to fio's clock (get_io_u stamps it).
                    u.resid = false;
                    u.startNs = sim.now();
                    requeued = u;
                    loop();
                    return;
                }
                u.discard = false;
                put(u);
                if (rw) {
                    planner.updateRate(u.ddir);
                }
                reap(false);
            }
            case Engine.QUEUED -> {
                count(u);
                ioUQueued++;
                if (rw) {
                    planner.updateRate(u.ddir);
                }
                if (ioUQueued >= spec.engine().batchSubmit()) {
                    commit(reapNotBusy);
                } else {
                    reap(false);
                }
            }
            default -> {
                if (rw && !u.verify) {
                    planner.unissued(u.ddir, u.length);
                }
                requeued = u;
                commit(reapBusy);
            }
        }
    }

    /**
     * do_io_u_sync: fsync, fdatasync, or sync_file_range over the range written since the last
     * sync (do_sync_file_range: f->first_write .. f->last_write with the job's flags; nothing at
     * all, and 0, when that range is empty).
     */
    void syncCall(IoUnit u, Kernel.Ret done) {
        Task t = task;
        OpenFile f = open(u.file);
        switch (u.ddir) {
            case JobStats.SYNC -> kernel.fsync(t, f, done);
            case JobStats.DATASYNC -> kernel.fdatasync(t, f, done);
            case JobStats.SYNC_FILE_RANGE -> {
                FileSetup.FioFile ff = files.get(u.file);
                long nbytes = ff.lastWrite - ff.firstWrite;
                if (nbytes == 0) {
                    done.ret(0);
                } else {
                    kernel.syncFileRange(t, f, ff.firstWrite, nbytes, spec.sync().syncFileRangeFlags(), done);
                }
            }
            default -> throw new IllegalStateException("not a sync: " + u.ddir);
        }
    }

    /** total_io_u: reads, writes, fsyncs and fdatasyncs (td_io_queue). */
    private void count(IoUnit u) {
        stats.totalIos[u.ddir]++;
    }

    /** td_io_commit: mark the depth, submit the queued units. */
    private void commit(Runnable k) {
        if (curDepth == 0 || ioUQueued == 0) {
            k.run();
            return;
        }
        stats.markDepth(curDepth, ioUQueued);
        int n = ioUQueued;
        if (commitK != null) {
            // a commit inside another's continuation: its own
            engine.commit(() -> {
                inFlight += n;
                ioUQueued = 0;
                k.run();
            });
            return;
        }
        commitN = n;
        commitK = k;
        engine.commit(committed);
    }

    /** The units the engine can give back: the job's depth less those the async verify threads hold. */
    private int reapable() {
        return asyncVerify == null ? curDepth : curDepth - asyncVerify.held;
    }
    // The continuations of the job's thread, made once: the thread runs one chain at a time, so
    // each in-progress step keeps its arguments in fields (a step already in use falls back to a
    // continuation of its own), and a loop turn allocates none.
    private final Runnable getIoUK = this::getIoU;
    private final Runnable reapNotBusy = () -> reap(false);
    private final Runnable reapBusy = () -> reap(true);
    private final Runnable thinkThenLoopK = this::thinkThenLoop;
    /** td_io_commit's units in the io_submit in progress and what runs after it. */
    private int commitN;
    private Runnable commitK;
    private final Runnable committed = () -> {
        int n = commitN;
        Runnable k = commitK;
        commitK = null;
        inFlight += n;
        ioUQueued = 0;
        k.run();
    };
    /** wait_for_completions in progress: whether the queue was full, and what runs after it. */
    private boolean wfcFull;
    private Runnable wfcK;
    private final java.util.function.IntConsumer wfcReaped = n -> {
        boolean full = wfcFull;
        Runnable k = wfcK;
        wfcK = null;
        afterWaitForCompletions(full, n, k);
    };
    /** io_u_queued_complete in progress: min_evts and what runs after it. */
    private int qcMin;
    private java.util.function.IntConsumer qcK;
    private final Runnable qcCommitted = () -> {
        int min = qcMin;
        java.util.function.IntConsumer k = qcK;
        qcK = null;
        getevents(min, k);
    };

    /** queue_full: with latency_target the depth searched for (td->latency_qd) is the limit. */
    private boolean queueFull() {
        return free.isEmpty() || curDepth >= (latTarget != null ? latTarget.qd : spec.iodepth());
    }

    /** The reap step after queueing, then think time, then the next unit. */
    private void reap(boolean busy) {
        if (asyncVerify != null && inFlight == 0 && ioUQueued == 0 && asyncVerify.held > 0 && curDepth == asyncVerify.held) {
            // only the async verify threads hold units: nothing to reap; get_io_u waits for them
            thinkThenLoop();
            return;
        }
        boolean full = queueFull() || (busy && curDepth > 0);
        if (full) {
            waitForCompletions(thinkThenLoopK);
        } else {
            thinkThenLoop();
        }
    }

    /** wait_for_completions: reap at least iodepth_batch_complete_min, down to iodepth_low when full. */
    private void waitForCompletions(Runnable k) {
        compNs = sim.now();
        boolean full = queueFull();
        int min = Math.min(spec.engine().batchCompleteMin(), reapable());
        if ((full && min == 0) || spec.engine().batchCompleteMin() == 0) {
            min = 1;
        }
        int minEvts = min;
        if (wfcK != null) {
            queuedComplete(minEvts, n -> afterWaitForCompletions(full, n, k));
            return;
        }
        wfcFull = full;
        wfcK = k;
        queuedComplete(minEvts, wfcReaped);
    }

    private void afterWaitForCompletions(boolean full, int n, Runnable k) {
        if (full && curDepth > spec.engine().depthLow() && n > 0) {
            waitForCompletions(k);
        } else {
            k.run();
        }
    }

    /** io_u_queued_complete / td_io_getevents: commit what is queued, then reap min..max. */
    private void queuedComplete(int minEvts, java.util.function.IntConsumer k) {
        int min = Math.min(minEvts, reapable());
        if (qcK != null) {
            commit(() -> getevents(min, k));
            return;
        }
        qcMin = min;
        qcK = k;
        commit(qcCommitted);
    }

    /** td_io_getevents(min, max) after the commit: max from the depth now. */
    private void getevents(int min, java.util.function.IntConsumer k) {
        int max = Math.min(spec.engine().batchCompleteMax(), reapable());
        int mn = min;
        if (mn > max) {
            max = mn;
        }
        if (max == 0) {
            k.accept(0);
            return;
        }
        if (geK != null) {
            engine.getevents(mn, max, n -> gotEvents(n, k));
            return;
        }
        geK = k;
        engine.getevents(mn, max, gotEventsK);
    }

    /** The getevents in progress: what runs after it. */
    private java.util.function.IntConsumer geK;
    private final java.util.function.IntConsumer gotEventsK = n -> {
        java.util.function.IntConsumer k = geK;
        geK = null;
        gotEvents(n, k);
    };

    private void gotEvents(int n, java.util.function.IntConsumer k) {
        inFlight -= n;
        stats.markBatch(false, n);
        k.accept(n);
    }

    /** io_u_quiesce: commit, then reap until nothing is in flight. */
    private void quiesce(Runnable k) {
        if (offloading()) {
            // io_u_quiesce: the job's thread has nothing in flight of its own
            k.run();
            return;
        }
        commit(() -> {
            if (inFlight <= 0) {
                k.run();
                return;
            }
            queuedComplete(1, n -> quiesce(k));
        });
    }

    /**
     * handle_thinktime: every thinktime_blocks completed (or issued) blocks, quiesce, spin for
     * thinktime_spin, then sleep for the rest of thinktime.
     */
    private void thinkThenLoop() {
        JobSpec.Pacing p = spec.pacing();
        if (p.thinktimeNs() <= 0) {
            turnDone();
            return;
        }
        long b = p.thinkOnIssue() ? planner.issues(0) + planner.issues(1) : ioBlocks[0] + ioBlocks[1];
        if (b == 0 || b % p.thinktimeBlocks() != 0) {
            turnDone();
            return;
        }
        quiesce(() -> {
            long spin = Math.min(p.thinktimeSpinNs(), p.thinktimeNs());
            Runnable rest = () -> {
                long left = p.thinktimeNs() - spin;
                if (left <= 0) {
                    compNs = sim.now();
                    turnDone();
                    return;
                }
                task.sleep();
                sim.after(left, () -> task.wake(() -> {
                    compNs = sim.now();
                    turnDone();
                }));
            };
            if (spin > 0) {
                task.compute(spin, false, rest);
            } else {
                rest.run();
            }
        });
    }

    /** td->start and this loop's counters start now (thread_main before do_io; reset_all_stats). */
    private void loopClock(long now) {
        loopClockNs = now;
        for (int d = 0; d < JobStats.DIRS; d++) {
            loopBaseBytes[d] = ioBytes[d];
            loopBaseBlocks[d] = ioBlocks[d];
        }
    }

    /**
     * The end of one turn of do_io (after the reap and the think time): check_min_rate, then
     * the next turn. A job that missed its minimum rate fails with EIO (td_verror at
     * backend.c:1131) and leaves its loop; with exitall_on_error the others are stopped as its
     * task exits.
     */
    private void turnDone() {
        if (minRate != null && !inRamp && !verifying && !terminate
                && (ioBytes[0] + ioBytes[1] > 0 || IoEngines.noio(spec.engine().kind()))) {
            long[] bytes = {ioBytes[0] - loopBaseBytes[0], ioBytes[1] - loopBaseBytes[1]};
            long[] blocks = {ioBlocks[0] - loopBaseBlocks[0], ioBlocks[1] - loopBaseBlocks[1]};
            String fail = minRate.check(compNs, loopClockNs, bytes, blocks, ioBytes);
            if (fail != null) {
                stats.extra.jobFailed(5, "backend.c:1131", "check_min_rate", fail);
                terminate = true;
            }
        }
        loop();
    }

    /** The job ended with an error of its own (td->error), as check_min_rate's. */
    public boolean failed() {
        return stats.extra.jobError != 0;
    }

    // ------------------------------------------------------------------ the end

    /**
     * End of one do_io: drain, end_fsync, update the run time; then the verify pass (do_verify,
     * when the job wrote with verify and do_verify), then the next loop or the end.
     */
    private void endLoop() {
        drain(() -> {
            // do_io: no end_fsync after an error (td->error: cleanup_pending_aio only)
            boolean endSync = wroteThisLoop && (spec.sync().endFsync() || spec.sync().fsyncOnClose()) && !failed();
            Runnable after = () -> {
                long us = (sim.now() - loopStartNs) / 1000;
                for (int d = 0; d < JobStats.DIRS; d++) {
                    boolean does = spec.rw().does(d);
                    if (does && ioBytes[d] > 0) {
                        stats.runtimeMs[d] += (us + 999) / 1000;
                    }
                }
                if (!terminate && wroteThisLoop && verifier != null && spec.control().verify().doVerify()) {
                    startVerify();
                } else {
                    afterLoop();
                }
            };
            if (endSync) {
                state = RunState.FSYNCING;
                endFsync(0, after);
            } else {
                after.run();
            }
        });
    }

    /** keep_running: the next loop, a time-based verify job's next write pass, or the end. */
    private void afterLoop() {
        loopsLeft--;
        boolean again = spec.timeBased() ? verifier != null : loopsLeft > 0 || ioSizeLeft();
        if (again && !terminate) {
            nextLoop();
        } else {
            finish();
        }
    }

    /**
     * do_verify: every file synced and its cache dropped (so the reads reach the device), then
     * the logged pieces are read back through the engine, each checksummed as it completes.
     */
    private void startVerify() {
        syncAndInvalidate(0, () -> {
            state = RunState.VERIFYING;
            verifying = true;
            verifyStartNs = sim.now();
            loop();
        });
    }

    private void syncAndInvalidate(int i, Runnable k) {
        if (i == files.count() || IoEngines.diskless(spec.engine().kind())) {
            k.run();
            return;
        }
        OpenFile f = files.get(i).open;
        Runnable next = () -> syncAndInvalidate(i + 1, k);
        kernel.fsync(task, f, r -> {
            if (spec.cache().invalidate() || spec.direct()) {
                kernel.fadvise(task, f, files.get(i).offsets.start(), files.get(i).offsets.ioSize(),
                        io.stacksim.os.Kernel.Advice.DONTNEED, x -> next.run());
            } else {
                next.run();
            }
        });
    }

    /** The verify pass is over: its time is read time (update_runtime DDIR_READ). */
    private void endVerify() {
        drain(() -> {
            verifying = false;
            long us = (sim.now() - verifyStartNs) / 1000;
            stats.runtimeMs[JobStats.READ] += (us + 999) / 1000;
            state = inRamp ? RunState.RAMP : RunState.RUNNING;
            afterLoop();
        });
    }

    private void drain(Runnable k) {
        if (requeued != null) {
            if (zbd != null) {
                zbd.dropped(requeued);
            }
            put(requeued);
            requeued = null;
        }
        if (curDepth == 0) {
            k.run();
            return;
        }
        if (asyncVerify != null && inFlight == 0 && ioUQueued == 0 && curDepth == asyncVerify.held) {
            // the units left are with the async verify threads: wait until they are put back
            waitFlush = k;
            task.sleep();
            return;
        }
        if (offloading()) {
            // workqueue_flush: wait until every worker is idle, every unit back
            waitFlush = k;
            task.sleep();
            return;
        }
        queuedComplete(reapable(), n -> {
            if (n == 0 && inFlight == 0 && ioUQueued == 0 && reapable() == curDepth) {
                curDepth = 0;
                k.run();
            } else {
                drain(k);
            }
        });
    }

    /**
     * end_fsync through the engine as a sync unit per file (backend.c fio_io_sync). fio runs it
     * in the TD_FSYNCING state, so td_io_queue counts it in neither total_io_u nor the depth
     * distribution and io_completed does not account its latency: fio 3.33's JSON shows
     * {@code sync.total_ios} 0 and {@code lat_ns.N} 0 for it. Its time is in the run time.
     */
    private void endFsync(int i, Runnable k) {
        if (i == files.count()) {
            k.run();
            return;
        }
        if (!files.isOpen(i)) {
            // fio_file_fsync: a closed file is opened (td_io_open_file), synced and closed again.
            planner.service().reopened(i);
            files.open(i, () -> endFsyncOpen(i, () -> {
                planner.service().close(i);
                files.close(i, () -> endFsync(i + 1, k));
            }));
            return;
        }
        endFsyncOpen(i, () -> endFsync(i + 1, k));
    }

    private void endFsyncOpen(int i, Runnable k) {
        IoUnit u = free.pollFirst();
        curDepth++;
        u.ddir = JobStats.SYNC;
        u.file = i;
        u.startNs = sim.now();
        engine.queue(u, st -> {
            if (!engine.hasCommit()) {
                stats.markBatch(true, 1);
                stats.markBatch(false, 1);
            }
            if (st == Engine.COMPLETED) {
                put(u);
                k.run();
            } else {
                ioUQueued++;
                queuedComplete(1, n -> drain(k));
            }
        });
    }

    /** clear_io_state between loops: files closed (reopened when chosen: invalidate, fadvise), positions reset. */
    private void nextLoop() {
        files.closeAll(() -> {
            if (spec.files().layout().unlinkEachLoop()) {
                files.unlinkAll(false, this::loopAgain);
            } else {
                loopAgain();
            }
        });
    }

    /**
     * keep_running after the loops: io_size beyond what the files hold starts another pass
     * while at least a largest block is left to do (and number_ios is not reached).
     */
    private boolean ioSizeLeft() {
        long limit = spec.limits().ioSize();
        if (limit <= 0 || verifier != null) {
            return false;
        }
        if (spec.numberIos() > 0 && ioBlocks[0] + ioBlocks[1] + ioBlocks[2] >= spec.numberIos()) {
            return false;
        }
        long done = ioBytes[0] + ioBytes[1] + ioBytes[2];
        long maxBs = Math.max(spec.access().bs().read().max(), spec.access().bs().write().max());
        return done < limit && limit - done >= maxBs;
    }

    private void loopAgain() {
        planner.nextLoop();
        lastWasSync = false;
        loopStartNs = sim.now();
        startLoop();
    }

    private void finish() {
        if (latTarget != null) {
            stats.extra.latencyDepth = latTarget.qd;
        }
        if (flowMember != null) {
            flowMember.leave();
        }
        state = RunState.FINISHING;
        looping = false;
        samples.stop();
        long now = sim.now();
        stats.endNs = now;
        stats.totalRunTimeMs = (now - epochNs) / 1_000_000;
        long[] used = cpu.used();
        stats.userNs = used[ProcessCpu.USER];
        stats.sysNs = used[ProcessCpu.SYS];
        stats.ctx = used[ProcessCpu.CTX];
        stats.minf = used[ProcessCpu.MINF];
        stats.majf = used[ProcessCpu.MAJF];
        engine.report(stats);
        if (stats.extra.signal != 0) {
            stats.lostAtSignal();
        }
        Runnable exit0 = () -> {
            if (logs != null) {
                logs.finish(sim.now());
            }
            if (histLog != null) {
                histLog.close();
            }
            exited = true;
            state = RunState.REAPED;
            task.exit();
            onExit.run();
        };
        // td_io_close_file: the engine's close_file (the net engine's close message and close).
        Runnable exit = () -> engine.close(exit0);
        // close_and_free_files: unlink=1 removes the files at the job's end.
        files.closeAll(() -> {
            if (spec.files().layout().unlink()) {
                files.unlinkAll(true, exit);
            } else {
                exit.run();
            }
        });
    }

    /**
     * fio_mark_td_terminate: the job stops at its next loop step (it drains what is in flight,
     * as fio's do_io does once td->terminate is set); a job still in its start delay starts at
     * once and ends (fio clears start_delay).
     */
    public void terminate() {
        terminate = true;
        if (delayTimer != null && delayTimer.isPending()) {
            delayTimer.cancel();
            delayTimer = null;
            task.wake(this::start);
        }
    }

    /** True once the job was told to stop (exitall, or its runtime is over). */
    public boolean terminated() {
        return terminate;
    }

    /** The simulation is about to zero every task's counters: keep what this job used so far. */
    public void countersReset() {
        if (exited) {
            return;
        }
        cpu.countersReset();
    }

    /** An I/O failed: the job stops, as fio does without continue_on_error. */
    public static final class JobError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public JobError(JobSpec spec, long errno) {
            super(message(spec, errno));
        }

        /** A failure that is not an errno of the I/O (fio's lat_fatal), at the job's first line. */
        public JobError(JobSpec spec, String what) {
            super((spec.origin() == null ? "" : spec.origin() + ": ") + "job '" + spec.name() + "': " + what);
        }

        /**
         * The error where the user can fix it: EINVAL on an O_DIRECT job is a block size or
         * offset that is not a multiple of the device's logical block size (blkdev_dio_invalid,
         * iomap_dio_rw), so the line of bs= (or offset=); any other errno the job's first line.
         */
        private static String message(JobSpec spec, long errno) {
            String name = io.stacksim.fs.Errno.name(errno);
            String engine = spec.engine().kind().fioName();
            // SG_IO (sg_io: blk_rq_map_user) and NVMe passthrough carry whole logical blocks
            boolean passthrough = engine.equals("sg") || engine.equals("io_uring_cmd");
            boolean dioAlign = (spec.direct() || passthrough) && name.equals("EINVAL");
            // sg_ioctl: SG_IO on anything but a SCSI disk (an NVMe namespace, a file) is ENOTTY
            boolean notScsi = engine.equals("sg") && name.equals("ENOTTY");
            io.stacksim.config.Origin at = dioAlign
                    ? spec.origin("bs", "bsrange", "bssplit", "ba", "offset", "offset_increment", "direct")
                    : notScsi ? spec.origin("filename", "directory", "ioengine") : spec.origin();
            String msg = "job '" + spec.name() + "': I/O failed with " + name
                    + (dioAlign ? " (" + (passthrough ? "passthrough commands need" : "direct I/O needs") + " block sizes and"
                    + " offsets that are multiples of the device's logical block size)" : "")
                    + (notScsi ? " (the sg engine's SG_IO needs a SCSI disk, /dev/sdX or /dev/sgN)" : "");
            return at == null ? msg : at + ": " + msg;
        }
    }

    /**
     * The priority a read or write unit is queued with by the libaio and io_uring engines
     * (fio_cmdprio_set_ioprio at queue time): an IOPRIO_PRIO_VALUE, or 0 for the job's own.
     */
    int cmdprio(IoUnit u) {
        u.ioprio = cmdprio == null || u.isSync() ? 0 : cmdprio.ioprio(u.ddir, u.length);
        return u.ioprio;
    }
}
