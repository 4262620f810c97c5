package io.stacksim.workload;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Timer;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.os.IoCounters;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one clone of a job on its own task the way fio's job thread does (backend.c thread_main
 * and do_io, io_u.c get_io_u, ioengines.c td_io_queue): it sets its files up, then loops -
 * take an I/O unit, choose its direction (a periodic fsync first, then the read/write mix and
 * the rate limit), file, offset and size, queue it on the engine, commit batches, reap when
 * the queue is full, think when asked - until the runtime, size or number of I/Os is reached;
 * then it drains, runs end_fsync, and repeats for each of {@code loops}.
 *
 * <p>Engines: {@link SyncEngine} (sync, psync, pvsync), {@link VsyncEngine}, {@link LibaioEngine},
 * {@link IoUringEngine}, {@link PosixAioEngine} and {@link MmapEngine}. The benchmark's own user
 * time per I/O ({@code userNsPerIo}) is spent as each unit is set up.
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

    private final Target[] targets;
    private final ArrayDeque<IoUnit> free = new ArrayDeque<>();
    private final RandomStream mixRng;
    private final RandomStream[] bsRng = new RandomStream[2];
    private final RandomStream[] poissonRng = new RandomStream[2];
    private final RandomStream fileRng;

    // fio's thread_data counters.
    private int curDepth;
    private int ioUQueued;
    private int inFlight;
    private IoUnit requeued;
    private final long[] ioIssues = new long[2];
    private final long[] ioBlocks = new long[2];
    private final long[] ioBytes = new long[2];
    private final long[] rateIssueBytes = new long[2];
    private final long[] rateNextNs = new long[2];
    private final long[] lastPoissonNs = new long[2];
    private long loopBytesIssued;
    private long loopIosIssued;
    private long totalBytesPerLoop;
    private int rwmixDdir;
    private long rwmixIssues;
    private int seqCountdown;
    private boolean lastWasSync;
    private boolean wroteThisLoop;
    private int fileCursor;
    private int fileLeft;
    private int loopsLeft;

    // Time.
    private long epochNs;
    private long stopAtNs;
    private boolean terminate;
    private boolean looping;
    private long loopStartNs;
    private final long[] runtimeUs = new long[2];
    private Timer sampleTimer;
    private final long[] sampleBytes = new long[2];
    private final long[] sampleIos = new long[2];
    private long sampleNs;
    private final long[] cpuBase = new long[6];
    private final long[] cpuCarry = new long[6];
    private boolean exited;
    private boolean inRamp;
    private java.nio.file.Path logDir = java.nio.file.Path.of("");
    private JobLogs logs;

    /** One file of the job (fio's struct fio_file) with its offset state. */
    private static final class Target {
        final SimFile file;
        final OffsetGenerator offsets;
        OpenFile open;
        Mapping mapping;

        Target(SimFile file, OffsetGenerator offsets) {
            this.file = file;
            this.offsets = offsets;
        }
    }

    /**
     * @param clone       clone number (numjobs)
     * @param userNsPerIo the benchmark's own user-space CPU time per I/O
     * @param onExit      runs when the job's task exits
     */
    public JobRunner(JobSpec spec, int clone, Kernel kernel, RandomStreams random, long userNsPerIo, Runnable onExit) {
        this.spec = spec;
        this.clone = clone;
        this.kernel = kernel;
        this.sim = kernel.sim();
        this.userNsPerIo = userNsPerIo;
        this.onExit = onExit;
        this.task = kernel.cpus().newTask("fio");
        this.stats.pid = task.pid();
        String stream = "workload." + spec.name() + "." + clone
                + (spec.access().randseed() == 0x89 ? "" : ".seed" + spec.access().randseed());
        this.mixRng = random.stream(stream + ".rwmix");
        this.bsRng[0] = random.stream(stream + ".bs.read");
        this.bsRng[1] = random.stream(stream + ".bs.write");
        this.poissonRng[0] = random.stream(stream + ".poisson.read");
        this.poissonRng[1] = random.stream(stream + ".poisson.write");
        this.fileRng = random.stream(stream + ".file");
        this.targets = resolveFiles(kernel.fs(), random, stream);
        if (spec.engine().kind() == MmapEngine.TYPE && spec.direct()) {
            throw new IllegalArgumentException("job '" + spec.name() + "': ioengine=mmap with direct=1 is not modelled"
                    + " (fio would msync and madvise(DONTNEED) each block)");
        }
        this.engine = spec.engine().kind().factory().apply(this);
        for (int i = 0; i < spec.iodepth(); i++) {
            free.add(new IoUnit());
        }
        this.seqCountdown = spec.access().seqNr();
        this.loopsLeft = spec.limits().loops();
        this.rwmixDdir = spec.rw().reads ? JobStats.READ : JobStats.WRITE;
    }

    // ------------------------------------------------------------------ files

    /**
     * The job's files (filesetup.c setup_files): the names given, or jobname.clone.N; the size
     * split evenly (or filesize= per file), from offset (+ offset_increment per clone). A file
     * that does not exist is created laid out, as fio lays it out before the job starts.
     */
    private Target[] resolveFiles(FileSystem fs, RandomStreams random, String stream) {
        JobSpec.Files f = spec.files();
        List<String> names = new ArrayList<>();
        if (!f.filenames().isEmpty()) {
            for (String n : f.filenames()) {
                names.add(n.startsWith("/") || f.directory().isEmpty() ? n : f.directory() + "/" + n);
            }
        } else {
            for (int i = 0; i < f.nrfiles(); i++) {
                String n = spec.name() + "." + clone + "." + i;
                names.add(f.directory().isEmpty() ? n : f.directory() + "/" + n);
            }
        }
        int nfiles = names.size();
        SimFile[] existing = new SimFile[nfiles];
        long existingTotal = 0;
        boolean allExist = true;
        for (int i = 0; i < nfiles; i++) {
            existing[i] = names.get(i).startsWith("/dev/") ? fs.blockDevice() : fs.lookup(names.get(i));
            if (existing[i] == null) {
                allExist = false;
            } else {
                existingTotal += existing[i].size();
            }
        }
        JobSpec.Size size = f.size();
        long total;
        if (size == null || size.isPercent()) {
            if (!allExist) {
                throw new IllegalArgumentException("job '" + spec.name() + "': size= is needed, file '"
                        + names.get(java.util.Arrays.asList(existing).indexOf(null)) + "' does not exist yet");
            }
            total = size == null ? existingTotal : size.resolve(existingTotal);
        } else {
            total = size.bytes();
        }
        long minBs = spec.access().bs().minBs();
        RandomStream sizeRng = random.stream(stream + ".filesize");
        Target[] out = new Target[nfiles];
        for (int i = 0; i < nfiles; i++) {
            long ioSize;
            if (f.filesizeMax() > 0) {
                long lo = f.filesizeMin();
                long hi = f.filesizeMax();
                ioSize = lo == hi ? lo : lo + sizeRng.nextLong(hi - lo + 1);
                ioSize -= ioSize % minBs;
            } else {
                ioSize = total / nfiles;
            }
            long real = existing[i] != null ? existing[i].size() : ioSize;
            long offset = f.offset().resolve(real) + clone * f.offsetIncrement().resolve(real);
            if (existing[i] != null && size == null && f.filesizeMax() == 0) {
                ioSize = Math.max(0, existing[i].size() - offset);
            }
            if (ioSize < minBs) {
                throw new IllegalArgumentException("job '" + spec.name() + "': the region of '" + names.get(i) + "' ("
                        + ioSize + " bytes) is smaller than the block size " + minBs);
            }
            SimFile sf = existing[i];
            if (sf == null) {
                sf = fs.create(names.get(i), offset + ioSize);
            } else if (offset + ioSize > sf.size()) {
                throw new IllegalArgumentException("job '" + spec.name() + "': region [" + offset + ", " + (offset + ioSize)
                        + ") is beyond the end of '" + sf.name() + "' (" + sf.size() + " bytes); give the jobs that share"
                        + " it the same size");
            }
            String fs2 = stream + ".file" + i;
            OffsetGenerator gen = new OffsetGenerator(offset, ioSize, sf.size(), spec.access(), spec.timeBased(), nfiles == 1,
                    random.stream(fs2 + ".offset"), random.stream(fs2 + ".seqrand.read"),
                    random.stream(fs2 + ".seqrand.write"), random.stream(fs2 + ".zone"), random.stream(fs2 + ".rank"));
            out[i] = new Target(sf, gen);
            totalBytesPerLoop += ioSize;
        }
        if (spec.limits().ioSize() > 0) {
            totalBytesPerLoop = spec.limits().ioSize();
        }
        return out;
    }

    // ------------------------------------------------------------------ for the engines

    public Task task() {
        return task;
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
        return targets[file].open;
    }

    Mapping mapping(int file) {
        return targets[file].mapping;
    }

    long mappedFrom(int file) {
        return targets[file].offsets.start();
    }

    /** issue_time: the unit goes to the kernel now; async engines sample slat here (io_u_queued). */
    void issued(IoUnit u) {
        u.issueNs = sim.now();
        if (!spec.engine().kind().syncio() && !u.isSync()) {
            stats.recordSlat(u.ddir, u.issueNs - u.startNs);
        }
    }

    /** io_completed: the unit's statistics (it stays allocated until put). */
    void completed(IoUnit u) {
        long now = sim.now();
        if (u.result < 0) {
            stats.errors++;
            throw new JobError(spec.name(), u.result);
        }
        if (u.isSync()) {
            stats.recordSync(now - u.issueNs);
            lastWasSync = true;
            return;
        }
        lastWasSync = false;
        int d = u.ddir;
        if (u.result < u.length) {
            stats.shortIos[d]++;
        }
        ioBlocks[d]++;
        ioBytes[d] += u.result;
        stats.record(d, u.issueNs, now, u.result, u.lastBio);
        stats.recordFio(d, u.startNs, u.issueNs, now, false);
        if (logs != null && !inRamp) {
            logs.completed(now, d, u.length, u.issueNs - u.startNs, now - u.issueNs, now - u.startNs,
                    !spec.engine().kind().syncio());
        }
        if (d == JobStats.WRITE) {
            wroteThisLoop = true;
        }
    }

    /** A unit reaped by getevents: accounted and returned to the pool. */
    void reaped(IoUnit u) {
        completed(u);
        put(u);
    }

    void markBatch(boolean submit, int n) {
        stats.markBatch(submit, n);
    }

    private void put(IoUnit u) {
        u.iocb = null;
        u.lastBio = null;
        curDepth--;
        free.addLast(u);
    }

    // ------------------------------------------------------------------ setup

    /**
     * Starts the job's task and prepares its files (open, invalidate or pre-read, the fadvise
     * hint, the mapping for mmap); {@code ready} runs when it is done, and the task then waits
     * for {@link #go()}.
     */
    public void prepare(Runnable ready) {
        if (spec.reporting().logs().any()) {
            try {
                logs = new JobLogs(spec, clone, logDir, !spec.engine().kind().syncio());
            } catch (java.io.UncheckedIOException e) {
                throw new io.stacksim.config.ConfigException("job '" + spec.name() + "': cannot write its log files in "
                        + logDir.toAbsolutePath() + ": " + e.getCause().getMessage());
            }
            logs.start(sim.now());
            for (Target t : targets) {
                logs.fileEvent(sim.now(), t.file.name(), "add");
            }
        }
        task.start(() -> openFiles(0, () -> {
            ready.run();
            task.sleep();
        }));
    }

    private void openFiles(int i, Runnable done) {
        if (i == targets.length) {
            done.run();
            return;
        }
        Target t = targets[i];
        int flags = (spec.direct() ? OpenFile.O_DIRECT : 0)
                | (spec.sync().openMode() == 1 ? OpenFile.O_SYNC : 0)
                | (spec.sync().openMode() == 2 ? OpenFile.O_DSYNC : 0);
        Runnable next = () -> openFiles(i + 1, done);
        Runnable mapped = () -> {
            if (spec.engine().kind() == MmapEngine.TYPE) {
                map(t, next);
            } else {
                next.run();
            }
        };
        Runnable hinted = () -> fadviseHint(t, mapped);
        kernel.open(task, t.file.name(), flags, -1, of -> {
            t.open = of;
            if (logs != null) {
                logs.fileEvent(sim.now(), t.file.name(), "open");
            }
            if (spec.cache().preRead()) {
                preRead(t, t.offsets.start(), hinted);
            } else if (spec.cache().invalidate() && spec.engine().kind() != MmapEngine.TYPE) {
                // td_io_open_file -> file_invalidate_cache (the mmap engine's invalidate is a
                // madvise of a mapping that does not exist yet: nothing is dropped).
                kernel.fadvise(task, of, t.offsets.start(), t.offsets.ioSize(), Kernel.Advice.DONTNEED, r -> hinted.run());
            } else {
                hinted.run();
            }
        });
    }

    /** fadvise_hint (default 1): POSIX_FADV_RANDOM for random jobs, SEQUENTIAL otherwise. */
    private void fadviseHint(Target t, Runnable k) {
        Kernel.Advice a = switch (spec.engine().fadvise()) {
            case NONE -> null;
            case TYPE -> spec.rw().random ? Kernel.Advice.RANDOM : Kernel.Advice.SEQUENTIAL;
            case SEQUENTIAL -> Kernel.Advice.SEQUENTIAL;
            case RANDOM -> Kernel.Advice.RANDOM;
        };
        if (a == null || spec.engine().kind() == MmapEngine.TYPE) {
            k.run();
            return;
        }
        kernel.fadvise(task, t.open, t.offsets.start(), t.offsets.ioSize(), a, r -> k.run());
    }

    /** fio_mmap_file: MAP_SHARED over the region, madvise by pattern. */
    private void map(Target t, Runnable k) {
        kernel.mmap(task, t.open, t.offsets.start(), t.offsets.ioSize(), true, spec.rw().writes, m -> {
            t.mapping = m;
            kernel.madvise(task, m, !spec.rw().random, spec.rw().random, r -> k.run());
        });
    }

    /** pre_read_file: the region read with buffered reads of the largest read block size. */
    private void preRead(Target t, long pos, Runnable then) {
        OpenFile buffered = new OpenFile(t.file, 0);
        long end = t.offsets.start() + t.offsets.ioSize();
        if (pos >= end) {
            then.run();
            return;
        }
        long n = Math.min(spec.access().bs().read().max(), end - pos);
        kernel.pread(task, buffered, pos, n, 0, r -> preRead(t, pos + n, then));
    }

    /** Starts the job: the prepared task wakes and runs fio's loop. */
    public void go() {
        task.wake(this::begin);
    }

    private void begin() {
        if (spec.limits().startDelayNs() > 0) {
            task.sleep();
            sim.after(spec.limits().startDelayNs(), () -> task.wake(this::start));
        } else {
            start();
        }
    }

    private void start() {
        long now = sim.now();
        epochNs = now;
        stats.startNs = now;
        snapshotCpu();
        if (spec.runtimeNs() > 0) {
            stopAtNs = now + spec.rampTimeNs() + spec.runtimeNs();
        }
        if (spec.rampTimeNs() > 0) {
            inRamp = true;
            sim.after(spec.rampTimeNs(), this::rampOver);
        } else {
            startSampling();
        }
        engine.init(this::startLoop);
    }

    /** ramp_time is over: statistics start from zero (reset_all_stats), rate accounting too. */
    private void rampOver() {
        if (exited) {
            return;
        }
        long now = sim.now();
        inRamp = false;
        stats.reset(now);
        epochNs = now;
        loopStartNs = now;
        snapshotCpu();
        java.util.Arrays.fill(cpuCarry, 0);
        for (int d = 0; d < 2; d++) {
            rateIssueBytes[d] = 0;
            rateNextNs[d] = 0;
            lastPoissonNs[d] = 0;
            runtimeUs[d] = 0;
        }
        startSampling();
    }

    private void startLoop() {
        looping = true;
        loopStartNs = Math.max(loopStartNs, epochNs);
        loopBytesIssued = 0;
        loopIosIssued = 0;
        wroteThisLoop = false;
        loop();
    }

    // ------------------------------------------------------------------ bandwidth / IOPS samples

    private void startSampling() {
        sampleNs = sim.now();
        sampleBytes[0] = ioBytes[0];
        sampleBytes[1] = ioBytes[1];
        sampleIos[0] = ioBlocks[0];
        sampleIos[1] = ioBlocks[1];
        long avg = Math.min(spec.reporting().bwAvgNs(), spec.reporting().iopsAvgNs());
        scheduleSample(avg);
    }

    private void scheduleSample(long avg) {
        sampleTimer = sim.scheduleTimer(sim.now() + avg, this::sample);
    }

    /**
     * stat.c __add_samples at each window end while the job runs: per direction with I/O in the
     * window, KiB/s = bytes x 1000 / ms / 1024 and IOPS = I/Os x 1000 / ms.
     */
    private void sample() {
        if (!looping || exited || (stopAtNs > 0 && sim.now() >= stopAtNs)) {
            return;
        }
        long spentMs = (sim.now() - sampleNs) / 1_000_000;
        for (int d = 0; d < 2; d++) {
            long db = ioBytes[d] - sampleBytes[d];
            if (db > 0 && spentMs > 0) {
                stats.bwStat[d].add(db * 1000 / spentMs / 1024);
            }
            long di = ioBlocks[d] - sampleIos[d];
            if (di > 0 && spentMs > 0) {
                stats.iopsStat[d].add(di * 1000 / spentMs);
            }
            sampleBytes[d] = ioBytes[d];
            sampleIos[d] = ioBlocks[d];
        }
        sampleNs = sim.now();
        scheduleSample(spec.reporting().bwAvgNs());
    }

    // ------------------------------------------------------------------ fio's do_io loop

    private void loop() {
        if (!terminate && stopAtNs > 0 && sim.now() >= stopAtNs) {
            terminate = true;
        }
        if (terminate) {
            endLoop();
            return;
        }
        if (requeued != null) {
            IoUnit u = requeued;
            requeued = null;
            submit(u);
            return;
        }
        if (!spec.timeBased() && (loopBytesIssued >= totalBytesPerLoop
                || (spec.numberIos() > 0 && loopIosIssued >= spec.numberIos()))) {
            endLoop();
            return;
        }
        task.compute(userNsPerIo, false, this::getIoU);
    }

    /** get_io_u: the unit's direction (sync first, then mix and rate), file, offset, size. */
    private void getIoU() {
        IoUnit u = free.pollFirst();
        curDepth++;
        int syncDdir = syncDue();
        if (syncDdir >= 0) {
            u.ddir = syncDdir;
            u.file = fileCursor;
            u.offset = 0;
            u.length = 0;
            u.startNs = sim.now();
            submit(u);
            return;
        }
        int ddir = rwmix();
        if (spec.pacing().limited()) {
            long[] wait = {0};
            ddir = rateDdir(ddir, wait);
            if (wait[0] > 0) {
                int dd = ddir;
                quiesce(() -> {
                    task.sleep();
                    sim.after(wait[0], () -> task.wake(() -> fill(u, dd)));
                });
                return;
            }
        }
        fill(u, ddir);
    }

    /** should_fsync + get_rw_ddir's sync check: fsync/fdatasync after every N write issues. */
    private int syncDue() {
        JobSpec.Sync s = spec.sync();
        if (lastWasSync || !spec.rw().writes || ioIssues[JobStats.WRITE] == 0) {
            return -1;
        }
        if (s.fsync() > 0 && ioIssues[JobStats.WRITE] % s.fsync() == 0) {
            return JobStats.SYNC;
        }
        if (s.fdatasync() > 0 && ioIssues[JobStats.WRITE] % s.fdatasync() == 0) {
            return JobStats.DATASYNC;
        }
        return -1;
    }

    /**
     * get_rw_ddir for a mixed pattern: a new direction is drawn (rwmixread%) once the current
     * one has issued its share (set_rwmix_bytes: issues of the old direction x the new one's
     * percentage).
     */
    private int rwmix() {
        if (!spec.rw().mixed()) {
            return spec.rw().writes ? JobStats.WRITE : JobStats.READ;
        }
        if (ioIssues[rwmixDdir] >= rwmixIssues) {
            int v = mixRng.nextInt(100);
            int ddir = v < spec.access().rwmixread() ? JobStats.READ : JobStats.WRITE;
            if (ddir != rwmixDdir) {
                int diff = ddir == JobStats.READ ? spec.access().rwmixread() : 100 - spec.access().rwmixread();
                rwmixIssues = ioIssues[rwmixDdir] * diff / 100;
            }
            rwmixDdir = ddir;
        }
        return rwmixDdir;
    }

    /**
     * rate_ddir: a direction that is behind its rate goes now; if it is ahead, the other
     * direction of a mix goes if that one is behind, else the job sleeps until the earlier
     * of the two is due (after quiescing, as fio does in inline submit mode).
     */
    private int rateDdir(int ddir, long[] wait) {
        long now = sim.now() - epochNs;
        if (rateNextNs[ddir] <= now) {
            return ddir;
        }
        int odir = ddir ^ 1;
        int oshare = odir == JobStats.READ ? spec.access().rwmixread() : 100 - spec.access().rwmixread();
        if (spec.rw().mixed() && oshare > 0) {
            if (rateNextNs[odir] <= now) {
                return odir;
            }
            if (rateNextNs[ddir] <= rateNextNs[odir]) {
                wait[0] = rateNextNs[ddir] - now;
            } else {
                wait[0] = rateNextNs[odir] - now;
                ddir = odir;
            }
        } else {
            wait[0] = rateNextNs[ddir] - now;
        }
        return ddir;
    }

    /**
     * usec_for_io (fio 3.33): linear pacing from the bytes issued and rate_bps (rate, or rate_iops
     * x the smallest block size - so with mixed block sizes rate_iops caps bandwidth); poisson
     * adds exponential gaps with mean 1e6 / (rate_bps / min_bs) microseconds.
     */
    private void updateRate(int ddir) {
        long bps = spec.pacing().bps(ddir, spec.access().bs().of(ddir).min());
        if (bps <= 0) {
            return;
        }
        if (spec.pacing().poisson()) {
            long iops = bps / spec.access().bs().of(ddir).min();
            if (iops <= 0) {
                return;
            }
            double u = poissonRng[ddir].nextDouble();
            long val = (long) ((1_000_000 / iops) * -Math.log(1.0 - u)) * 1000;
            lastPoissonNs[ddir] += val;
            rateNextNs[ddir] = lastPoissonNs[ddir];
        } else {
            long bytes = rateIssueBytes[ddir];
            rateNextNs[ddir] = (long) (bytes * 1e9 / bps);
        }
    }

    private void fill(IoUnit u, int ddir) {
        int fi = nextFile();
        OffsetGenerator gen = targets[fi].offsets;
        boolean rwSeqHit = false;
        if (--seqCountdown == 0) {
            rwSeqHit = true;
            seqCountdown = spec.access().seqNr();
        }
        long off = gen.next(ddir, rwSeqHit);
        if (gen.takeWrapped() && spec.cache().invalidate() && !spec.direct()
                && spec.engine().kind() != MmapEngine.TYPE) {
            // loop_cache_invalidate: a time-based job going round again drops the cached pages.
            Target t = targets[fi];
            kernel.fadvise(task, t.open, gen.start(), gen.ioSize(), Kernel.Advice.DONTNEED, r -> place(u, ddir, fi, off));
            return;
        }
        place(u, ddir, fi, off);
    }

    private void place(IoUnit u, int ddir, int fi, long off) {
        OffsetGenerator gen = targets[fi].offsets;
        long len = off < 0 ? 0 : blockSize(spec.access().bs().of(ddir), spec.access().bs().unaligned(), bsRng[ddir], gen, off);
        if (len == 0) {
            // No offset or size left: fio's get_io_u fails and the loop ends.
            put(u);
            endLoop();
            return;
        }
        len = gen.issued(ddir, off, len, gen.lastWasSequential());
        u.ddir = ddir;
        u.file = fi;
        u.offset = off;
        u.length = len;
        u.startNs = sim.now();
        submit(u);
    }

    /**
     * get_next_buflen: fixed, or for bsrange min + max x U aligned down to min and capped at
     * max, or a bssplit entry by cumulative percentage; redrawn until it fits in the region.
     */
    static long blockSize(JobSpec.BlockSize bs, boolean unaligned, RandomStream r, OffsetGenerator gen, long off) {
        long minbs = bs.min();
        long maxbs = bs.max();
        if (minbs == maxbs) {
            return gen.fits(off, minbs) ? minbs : 0;
        }
        if (!gen.fits(off, minbs)) {
            return 0;
        }
        long buflen;
        do {
            long r32 = OffsetGenerator.u32(r);
            if (bs.split().isEmpty()) {
                buflen = minbs + (long) ((double) maxbs * (r32 / (OffsetGenerator.FRAND32_MAX + 1.0)));
            } else {
                long perc = 0;
                buflen = minbs;
                for (JobSpec.Split s : bs.split()) {
                    if (s.percent() == 0) {
                        continue;
                    }
                    buflen = s.bs();
                    perc += s.percent();
                    if (r32 / perc <= 4294967295L / 100 && gen.fits(off, buflen)) {
                        break;
                    }
                }
            }
            if (!unaligned && Long.bitCount(minbs) == 1) {
                buflen &= ~(minbs - 1);
            } else if (!unaligned) {
                buflen -= buflen % minbs;
            }
            if (buflen > maxbs) {
                buflen = maxbs;
            }
        } while (!gen.fits(off, buflen));
        return buflen;
    }

    /** get_next_file: roundrobin (every N I/Os), sequential (a file until it is done) or random. */
    private int nextFile() {
        if (targets.length == 1) {
            return 0;
        }
        if (fileLeft > 0) {
            fileLeft--;
            return fileCursor;
        }
        switch (spec.files().service()) {
            case "random" -> fileCursor = fileRng.nextInt(targets.length);
            case "sequential" -> {
                // Stays on a file until its region is covered, then moves on.
                OffsetGenerator g = targets[fileCursor].offsets;
                if (targetDone(g)) {
                    fileCursor = (fileCursor + 1) % targets.length;
                }
            }
            default -> fileCursor = (fileCursor + 1) % targets.length;
        }
        fileLeft = spec.files().serviceNr() - 1;
        return fileCursor;
    }

    private boolean targetDone(OffsetGenerator g) {
        return g.next(spec.rw().writes && !spec.rw().reads ? 1 : 0, false) >= g.start() + g.ioSize();
    }

    /** td_io_queue + io_queue_event. */
    private void submit(IoUnit u) {
        boolean rw = !u.isSync();
        if (rw) {
            ioIssues[u.ddir]++;
            loopBytesIssued += u.length;
            loopIosIssued++;
            rateIssueBytes[u.ddir] += u.length;
        }
        if (logs != null) {
            logs.issued(sim.now(), targets[u.file].file.name(), u.ddir, u.offset, u.length);
        }
        engine.queue(u, st -> afterQueue(u, st));
    }

    private void afterQueue(IoUnit u, int status) {
        boolean rw = !u.isSync();
        if (!engine.hasCommit()) {
            stats.markBatch(true, 1);
            stats.markBatch(false, 1);
        }
        switch (status) {
            case Engine.COMPLETED -> {
                count(u);
                stats.markDepth(curDepth, 1);
                put(u);
                if (rw) {
                    updateRate(u.ddir);
                }
                reap(false);
            }
            case Engine.QUEUED -> {
                count(u);
                ioUQueued++;
                if (rw) {
                    updateRate(u.ddir);
                }
                if (ioUQueued >= spec.engine().batchSubmit()) {
                    commit(() -> reap(false));
                } else {
                    reap(false);
                }
            }
            default -> {
                if (rw) {
                    ioIssues[u.ddir]--;
                    loopBytesIssued -= u.length;
                    loopIosIssued--;
                    rateIssueBytes[u.ddir] -= u.length;
                }
                requeued = u;
                commit(() -> reap(true));
            }
        }
    }

    /** total_io_u: reads, writes and fsyncs (fdatasync goes to a slot fio does not print). */
    private void count(IoUnit u) {
        if (u.ddir <= JobStats.SYNC) {
            stats.totalIos[u.ddir]++;
        }
    }

    /** td_io_commit: mark the depth, submit the queued units. */
    private void commit(Runnable k) {
        if (curDepth == 0 || ioUQueued == 0) {
            k.run();
            return;
        }
        stats.markDepth(curDepth, ioUQueued);
        int n = ioUQueued;
        engine.commit(() -> {
            inFlight += n;
            ioUQueued = 0;
            k.run();
        });
    }

    private boolean queueFull() {
        return free.isEmpty() || curDepth >= spec.iodepth();
    }

    /** The reap step after queueing, then think time, then the next unit. */
    private void reap(boolean busy) {
        boolean full = queueFull() || (busy && curDepth > 0);
        if (full) {
            waitForCompletions(this::thinkThenLoop);
        } else {
            thinkThenLoop();
        }
    }

    /** wait_for_completions: reap at least iodepth_batch_complete_min, down to iodepth_low when full. */
    private void waitForCompletions(Runnable k) {
        boolean full = queueFull();
        int min = Math.min(spec.engine().batchCompleteMin(), curDepth);
        if ((full && min == 0) || spec.engine().batchCompleteMin() == 0) {
            min = 1;
        }
        int minEvts = min;
        queuedComplete(minEvts, n -> {
            if (full && curDepth > spec.engine().depthLow() && n > 0) {
                waitForCompletions(k);
            } else {
                k.run();
            }
        });
    }

    /** io_u_queued_complete / td_io_getevents: commit what is queued, then reap min..max. */
    private void queuedComplete(int minEvts, java.util.function.IntConsumer k) {
        int min = Math.min(minEvts, curDepth);
        commit(() -> {
            int max = Math.min(spec.engine().batchCompleteMax(), curDepth);
            int mn = min;
            if (mn > max) {
                max = mn;
            }
            if (max == 0) {
                k.accept(0);
                return;
            }
            engine.getevents(mn, max, n -> {
                inFlight -= n;
                stats.markBatch(false, n);
                k.accept(n);
            });
        });
    }

    /** io_u_quiesce: commit, then reap until nothing is in flight. */
    private void quiesce(Runnable k) {
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
            loop();
            return;
        }
        long b = p.thinkOnIssue() ? ioIssues[0] + ioIssues[1] : ioBlocks[0] + ioBlocks[1];
        if (b == 0 || b % p.thinktimeBlocks() != 0) {
            loop();
            return;
        }
        quiesce(() -> {
            long spin = Math.min(p.thinktimeSpinNs(), p.thinktimeNs());
            Runnable rest = () -> {
                long left = p.thinktimeNs() - spin;
                if (left <= 0) {
                    loop();
                    return;
                }
                task.sleep();
                sim.after(left, () -> task.wake(this::loop));
            };
            if (spin > 0) {
                task.compute(spin, false, rest);
            } else {
                rest.run();
            }
        });
    }

    // ------------------------------------------------------------------ the end

    /** End of one do_io: drain, end_fsync, update the run time; then the next loop or the end. */
    private void endLoop() {
        drain(() -> {
            boolean endSync = wroteThisLoop && (spec.sync().endFsync() || spec.sync().fsyncOnClose());
            Runnable after = () -> {
                long us = (sim.now() - loopStartNs) / 1000;
                for (int d = 0; d < 2; d++) {
                    boolean does = d == JobStats.READ ? spec.rw().reads : spec.rw().writes;
                    if (does && ioBytes[d] > 0) {
                        stats.runtimeMs[d] += (us + 999) / 1000;
                    }
                }
                loopsLeft--;
                if (loopsLeft > 0 && !terminate && !spec.timeBased()) {
                    nextLoop();
                } else {
                    finish();
                }
            };
            if (endSync) {
                endFsync(0, after);
            } else {
                after.run();
            }
        });
    }

    private void drain(Runnable k) {
        if (requeued != null) {
            put(requeued);
            requeued = null;
        }
        if (curDepth == 0) {
            k.run();
            return;
        }
        queuedComplete(curDepth, n -> {
            if (n == 0 && inFlight == 0 && ioUQueued == 0) {
                curDepth = 0;
                k.run();
            } else {
                drain(k);
            }
        });
    }

    /** end_fsync through the engine as a sync unit per file (td_io_sync), its latency recorded. */
    private void endFsync(int i, Runnable k) {
        if (i == targets.length) {
            k.run();
            return;
        }
        IoUnit u = free.pollFirst();
        curDepth++;
        u.ddir = JobStats.SYNC;
        u.file = i;
        u.startNs = sim.now();
        engine.queue(u, st -> {
            if (st == Engine.COMPLETED) {
                stats.markDepth(curDepth, 1);
                put(u);
                endFsync(i + 1, k);
            } else {
                ioUQueued++;
                queuedComplete(1, n -> drain(() -> endFsync(i + 1, k)));
            }
        });
    }

    /** clear_io_state between loops: files closed and reopened (invalidate, fadvise), positions reset. */
    private void nextLoop() {
        closeFiles(0, () -> {
            for (Target t : targets) {
                t.offsets.reset();
            }
            rwmixIssues = 0;
            lastWasSync = false;
            loopStartNs = sim.now();
            openFiles(0, this::startLoop);
        });
    }

    private void closeFiles(int i, Runnable k) {
        if (i == targets.length) {
            k.run();
            return;
        }
        Target t = targets[i];
        Runnable close = () -> kernel.close(task, t.open, r -> {
            if (logs != null) {
                logs.fileEvent(sim.now(), t.file.name(), "close");
            }
            closeFiles(i + 1, k);
        });
        if (t.mapping != null) {
            Mapping m = t.mapping;
            t.mapping = null;
            kernel.munmap(task, m, r -> close.run());
        } else {
            close.run();
        }
    }

    private void finish() {
        looping = false;
        if (sampleTimer != null) {
            sampleTimer.cancel();
        }
        long now = sim.now();
        stats.endNs = now;
        stats.totalRunTimeMs = (now - epochNs) / 1_000_000;
        long[] cpu = cpuNow();
        stats.userNs = cpu[0] - cpuBase[0] + cpuCarry[0];
        stats.sysNs = cpu[1] - cpuBase[1] + cpuCarry[1];
        stats.ctx = cpu[2] - cpuBase[2] + cpuCarry[2];
        stats.minf = cpu[4] - cpuBase[4] + cpuCarry[4];
        stats.majf = cpu[5] - cpuBase[5] + cpuCarry[5];
        if (engine instanceof IoUringEngine u && u.ring() != null) {
            stats.asyncInline = u.ring().inlineRequests();
            stats.asyncPunted = u.ring().puntedRequests();
            stats.workerThreads = u.ring().workers();
        } else if (engine instanceof PosixAioEngine p) {
            stats.asyncPunted = stats.totalIos[0] + stats.totalIos[1];
            stats.workerThreads = p.aio().threadsCreated();
        }
        closeFiles(0, () -> {
            if (logs != null) {
                logs.finish(sim.now());
            }
            exited = true;
            task.exit();
            onExit.run();
        });
    }

    // ------------------------------------------------------------------ CPU accounting

    /** The job's process: its task and the threads it started (glibc aio helpers, io-wq workers). */
    private List<Task> processTasks() {
        List<Task> out = new ArrayList<>();
        out.add(task);
        if (engine instanceof PosixAioEngine p) {
            out.addAll(p.aio().helperTasks());
        } else if (engine instanceof IoUringEngine u && u.ring() != null) {
            out.addAll(u.ring().workerTasks());
        }
        return out;
    }

    private long[] cpuNow() {
        long[] c = new long[6];
        for (Task t : processTasks()) {
            IoCounters k = t.counters();
            c[0] += k.userNs;
            c[1] += k.sysNs;
            c[2] += k.voluntarySwitches + k.involuntarySwitches;
            c[4] += k.minorFaults;
            c[5] += k.majorFaults;
        }
        return c;
    }

    private void snapshotCpu() {
        long[] c = cpuNow();
        System.arraycopy(c, 0, cpuBase, 0, c.length);
    }

    /** The simulation is about to zero every task's counters: keep what this job used so far. */
    public void countersReset() {
        if (exited) {
            return;
        }
        long[] c = cpuNow();
        for (int i = 0; i < c.length; i++) {
            cpuCarry[i] += c[i] - cpuBase[i];
            cpuBase[i] = 0;
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
