package io.stacksim.workload;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;

/**
 * What a job's next I/O unit is, by fio's rules (io_u.c get_io_u and its helpers): whether a
 * periodic fsync is due (should_fsync), the direction of a read/write mix (get_rw_ddir,
 * set_rwmix_bytes), the rate limit's choice of direction and its wait (rate_ddir,
 * usec_for_io), the file (get_next_file), the offset (get_next_offset, with rw=...:N's every-N
 * random draws and the files' {@link OffsetGenerator}s) and the size (get_next_buflen for bs,
 * bsrange and bssplit), and when a loop ends (size or io_size bytes, or number_ios I/Os).
 *
 * <p>It holds only the planning state; the job's loop ({@link JobRunner}) asks it in fio's
 * order and tells it what was issued. It does no I/O, so it can be checked on its own.
 */
final class IoUnitPlanner {
    private final JobSpec spec;
    private final OffsetGenerator[] files;
    private final long bytesPerLoop;
    private final RandomStream mixRng;
    private final RandomStream[] bsRng = new RandomStream[JobStats.DIRS];
    private final RandomStream[] poissonRng = new RandomStream[JobStats.DIRS];
    private final FileService service;

    // fio's thread_data counters.
    private final long[] ioIssues = new long[JobStats.DIRS];
    private final long[] rateIssueBytes = new long[JobStats.DIRS];
    private final long[] rateNextNs = new long[JobStats.DIRS];
    private final long[] lastPoissonNs = new long[JobStats.DIRS];
    private long loopBytesIssued;
    /** td->io_issue_bytes: read and write bytes issued over all loops. */
    private long bytesIssued;
    private long loopIosIssued;
    private int rwmixDdir;
    private long rwmixIssues;
    private int seqCountdown;

    /**
     * @param files        the offset state of each of the job's files
     * @param bytesPerLoop bytes one loop issues (io_size, or the regions' total)
     * @param stream       prefix of the job clone's random streams
     */
    IoUnitPlanner(JobSpec spec, OffsetGenerator[] files, long bytesPerLoop, RandomStreams random, String stream) {
        this.spec = spec;
        this.files = files;
        this.bytesPerLoop = bytesPerLoop;
        this.mixRng = random.stream(stream + ".rwmix");
        this.bsRng[0] = random.stream(stream + ".bs.read");
        this.bsRng[1] = random.stream(stream + ".bs.write");
        this.poissonRng[0] = random.stream(stream + ".poisson.read");
        this.poissonRng[1] = random.stream(stream + ".poisson.write");
        this.bsRng[2] = random.stream(stream + ".bs.trim");
        this.poissonRng[2] = random.stream(stream + ".poisson.trim");
        Distribution fd = spec.files().layout().serviceDist();
        this.service = new FileService(files.length, spec.files().service(), spec.files().serviceNr(),
                spec.files().layout().openFiles(), random.stream(stream + ".file"),
                fd == null ? null : OffsetGenerator.fileChooser(fd, files.length, random.stream(stream + ".file.dist")));
        // init.c: td->ddir_seq_nr starts at 1, not at N, so the first I/O takes a random offset
        // (fio 3.30+, "Fix :<nr> suffix with random read/write causing 0 initial offset").
        this.seqCountdown = 1;
        this.rwmixDdir = spec.rw().reads ? JobStats.READ : spec.rw().writes ? JobStats.WRITE : JobStats.TRIM;
    }

    // ------------------------------------------------------------------ loops

    /** A loop (do_io) starts: nothing issued in it yet. */
    void startLoop() {
        loopBytesIssued = 0;
        loopIosIssued = 0;
    }

    /** clear_io_state between loops: the files' positions and the mix's share start again. */
    void nextLoop() {
        for (OffsetGenerator g : files) {
            g.reset();
        }
        service.nextLoop();
        rwmixIssues = 0;
    }

    /**
     * The loop has issued its bytes (size or io_size) or number_ios I/Os; a time-based job
     * never ends so, unless it verifies (do_io breaks out so the verify pass can run).
     */
    boolean loopDone() {
        // do_io: "in trimwrite mode, each byte is trimmed and then written", so twice the bytes and I/Os.
        int times = spec.rw().trimWrite() ? 2 : 1;
        // io_issue_bytes_exceeded: with io_size, the bytes issued in all loops against io_size x loops
        // (a pass io_size started beyond the files ends there: fio 3.33, io_size=8m over a region of
        // 511 strided 16 KiB writes, issues 512 writes, not two passes)
        long ioSize = spec.limits().ioSize();
        boolean ioSizeDone = ioSize > 0
                && bytesIssued >= times * ioSize * Math.max(1, spec.limits().loops());
        return (!spec.timeBased() || spec.control().verify().on()) && (loopBytesIssued >= times * bytesPerLoop
                || ioSizeDone || (spec.numberIos() > 0 && loopIosIssued >= times * spec.numberIos()));
    }

    /** Read or write units issued so far (for fsync=N and thinktime_blocks_type=issue). */
    long issues(int ddir) {
        return ioIssues[ddir];
    }

    /** A read or write of {@code len} bytes was issued (td_io_queue's accounting). */
    void issued(int ddir, long len) {
        ioIssues[ddir]++;
        loopBytesIssued += len;
        bytesIssued += len;
        loopIosIssued++;
        rateIssueBytes[ddir] += len;
    }

    /** The engine was busy: the unit goes back and is not issued yet (FIO_Q_BUSY). */
    void unissued(int ddir, long len) {
        ioIssues[ddir]--;
        loopBytesIssued -= len;
        bytesIssued -= len;
        loopIosIssued--;
        rateIssueBytes[ddir] -= len;
    }

    // ------------------------------------------------------------------ direction

    /**
     * should_fsync + get_rw_ddir's sync check: JobStats.SYNC, DATASYNC or SYNC_FILE_RANGE when
     * fsync=N, fdatasync=N or sync_file_range=str:N is due after every N write issues (not
     * right after a sync), else -1.
     */
    int syncDue(boolean lastWasSync) {
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
        if (s.syncFileRange() > 0 && ioIssues[JobStats.WRITE] % s.syncFileRange() == 0) {
            return JobStats.SYNC_FILE_RANGE;
        }
        return -1;
    }

    /**
     * get_rw_ddir for a mixed pattern: a new direction is drawn (rwmixread%) once the current
     * one has issued its share (set_rwmix_bytes: issues of the old direction x the new one's
     * percentage).
     */
    int direction() {
        if (!spec.rw().mixed()) {
            // get_rw_ddir: td_read, else td_write (trimwrite too: set_rw_ddir then picks), else td_trim.
            return spec.rw().reads ? JobStats.READ : spec.rw().writes ? JobStats.WRITE : JobStats.TRIM;
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
     * rate_ddir at {@code nowNs} after the job's epoch: a direction that is behind its rate
     * goes now; if it is ahead, the other direction of a mix goes if that one is behind, else
     * {@code wait[0]} gets the time until the earlier of the two is due.
     */
    int rateDirection(int ddir, long nowNs, long[] wait) {
        if (rateNextNs[ddir] <= nowNs) {
            return ddir;
        }
        int odir = ddir ^ 1;
        int oshare = odir == JobStats.READ ? spec.access().rwmixread() : 100 - spec.access().rwmixread();
        if (spec.rw().mixed() && oshare > 0) {
            if (rateNextNs[odir] <= nowNs) {
                return odir;
            }
            if (rateNextNs[ddir] <= rateNextNs[odir]) {
                wait[0] = rateNextNs[ddir] - nowNs;
            } else {
                wait[0] = rateNextNs[odir] - nowNs;
                ddir = odir;
            }
        } else {
            wait[0] = rateNextNs[ddir] - nowNs;
        }
        return ddir;
    }

    /**
     * usec_for_io (fio 3.33) after a unit of {@code ddir} was issued: linear pacing from the
     * bytes issued and rate_bps (rate, or rate_iops x the smallest block size - so with mixed
     * block sizes rate_iops caps bandwidth); poisson adds exponential gaps with mean
     * 1e6 / (rate_bps / min_bs) microseconds.
     */
    void updateRate(int ddir) {
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

    /** ramp_time is over: rate accounting starts from zero (reset_all_stats). */
    void resetRate() {
        for (int d = 0; d < JobStats.DIRS; d++) {
            rateIssueBytes[d] = 0;
            rateNextNs[d] = 0;
            lastPoissonNs[d] = 0;
        }
    }

    // ------------------------------------------------------------------ file, offset, size

    /** The job's file selection (get_next_file). */
    FileService service() {
        return service;
    }

    /** fio_file_reset: file {@code fi}'s offsets start again (on open, and for a reset zipf file). */
    void resetFile(int fi) {
        files[fi].reset();
    }

    /**
     * get_next_offset in file {@code fi} for {@code ddir}, or -1 when the region is used up;
     * with rw=...:N a random offset is taken every N-th unit only (ddir_seq_nr).
     */
    long nextOffset(int fi, int ddir) {
        boolean rwSeqHit = false;
        if (--seqCountdown == 0) {
            rwSeqHit = true;
            seqCountdown = spec.access().seqNr();
        }
        OffsetGenerator gen = files[fi];
        if (randTrimWrite() && ddir == JobStats.WRITE) {
            // get_next_block: the write of randtrimwrite goes where the last trim began.
            return gen.lastStart(JobStats.TRIM);
        }
        long off = gen.next(ddir, rwSeqHit);
        if (randTrimWrite() && ddir == JobStats.TRIM && off >= 0) {
            gen.trimRepeated(off);
        }
        return off;
    }

    private boolean randTrimWrite() {
        return spec.rw().trimWrite() && spec.rw().random;
    }

    /**
     * set_rw_ddir for trimwrite and randtrimwrite on file {@code fi}: a trim when the file's last
     * write began where its last trim did (the pair is done), else the write of the block just
     * trimmed.
     */
    int trimWriteDirection(int fi) {
        OffsetGenerator gen = files[fi];
        return gen.lastStart(JobStats.WRITE) == gen.lastStart(JobStats.TRIM) ? JobStats.TRIM : JobStats.WRITE;
    }

    /** True once after file {@code fi} wrapped or began a new random pass. */
    boolean wrapped(int fi) {
        return files[fi].takeWrapped();
    }

    /**
     * The size of the unit at {@code off} in file {@code fi} (get_next_buflen), marked used in
     * the file's random map, which may shorten it; 0 when no offset or size is left, which
     * ends the loop.
     */
    long length(int fi, int ddir, long off) {
        OffsetGenerator gen = files[fi];
        if (randTrimWrite() && ddir == JobStats.WRITE && off >= 0) {
            // get_next_buflen: the trimmed block's size, not marked in the random map (IO_U_F_BUSY_OK).
            long len = gen.lastPos(JobStats.TRIM) - gen.lastStart(JobStats.TRIM);
            return len <= 0 ? 0 : gen.issued(ddir, off, len, true);
        }
        long len = off < 0 ? 0 : blockSize(spec.access().bs().of(ddir), spec.access().bs().unaligned(), bsRng[ddir], gen,
                off);
        if (len == 0) {
            return 0;
        }
        return gen.issued(ddir, off, len, gen.lastWasSequential());
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
}
