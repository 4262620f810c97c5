package io.stacksim.workload;

import java.util.List;
import java.util.Map;

/**
 * One fio job as StackSim simulates it: fio's options, read from a job file or the YAML
 * {@code workload} section by {@link io.stacksim.workload.fio.JobTranslator}, grouped by what
 * they control. Names and defaults are fio's (fio's HOWTO.rst and options.c).
 *
 * @param name      job name
 * @param files     which files, how large, where the I/O region starts
 * @param access    pattern, mix, block sizes and the random offset distribution
 * @param engine    the ioengine and its queue-depth settings, O_DIRECT
 * @param limits    when the job stops
 * @param pacing    rate limits and think time
 * @param sync      sync-related options
 * @param cache     page-cache preparation before the job starts
 * @param reporting grouping and what the report shows
 * @param numjobs   clones of the job, each its own task and files
 * @param placement the job's I/O priority and cgroup
 * @param control   verify, job control and what is measured
 * @param origins   where each option was written
 * @param extras    the histogram log, error handling, pacing by latency, flow, steady state and
 *                  the other options of {@link JobExtras}
 * @param zones     zonemode and the zone options (fio's zbd.c)
 */
public record JobSpec(String name, Files files, Access access, Engine engine, Limits limits, Pacing pacing,
                      Sync sync, Cache cache, Reporting reporting, int numjobs, Placement placement, Control control,
                      Origins origins, JobExtras extras, ZoneSpec zones) {

    /** A job with none of {@link JobExtras}' options set and no zone options. */
    public JobSpec(String name, Files files, Access access, Engine engine, Limits limits, Pacing pacing,
                   Sync sync, Cache cache, Reporting reporting, int numjobs, Placement placement, Control control,
                   Origins origins) {
        this(name, files, access, engine, limits, pacing, sync, cache, reporting, numjobs, placement, control, origins,
                JobExtras.DEFAULT, ZoneSpec.NONE);
    }

    /** A job without zone options (zonemode=none). */
    public JobSpec(String name, Files files, Access access, Engine engine, Limits limits, Pacing pacing,
                   Sync sync, Cache cache, Reporting reporting, int numjobs, Placement placement, Control control,
                   Origins origins, JobExtras extras) {
        this(name, files, access, engine, limits, pacing, sync, cache, reporting, numjobs, placement, control, origins,
                extras, ZoneSpec.NONE);
    }

    /**
     * Where each option of the job was written (option name to file and line; "" for the job's
     * first option), for the errors found only when the job is laid out or run. Where an option
     * was written is not part of what the job is: any two Origins are equal, so a job from a
     * YAML config equals the same job from a fio job file.
     */
    public record Origins(Map<String, io.stacksim.config.Origin> byOption) {
        public static final Origins NONE = new Origins(Map.of());

        public Origins {
            byOption = Map.copyOf(byOption);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Origins;
        }

        @Override
        public int hashCode() {
            return 0;
        }

        @Override
        public String toString() {
            return "Origins" + new java.util.TreeMap<>(byOption);
        }
    }

    /** A job whose options came from nowhere a message could name. */
    public JobSpec(String name, Files files, Access access, Engine engine, Limits limits, Pacing pacing,
                   Sync sync, Cache cache, Reporting reporting, int numjobs, Placement placement, Control control) {
        this(name, files, access, engine, limits, pacing, sync, cache, reporting, numjobs, placement, control, Origins.NONE);
    }

    /** A job with fio's default verify, job control and measurements. */
    public JobSpec(String name, Files files, Access access, Engine engine, Limits limits, Pacing pacing,
                   Sync sync, Cache cache, Reporting reporting, int numjobs, Placement placement) {
        this(name, files, access, engine, limits, pacing, sync, cache, reporting, numjobs, placement, Control.DEFAULT);
    }

    /**
     * Where the first of {@code options} that the job file set was written (file and line), for
     * errors found only when the job is laid out or run; else where any option of the job was
     * written; null when the job came from no file.
     */
    public io.stacksim.config.Origin origin(String... options) {
        for (String o : options) {
            io.stacksim.config.Origin at = origins.byOption().get(o);
            if (at != null) {
                return at;
            }
        }
        return origins.byOption().get("");
    }

    /** A job in the root cgroup with no I/O priority set. */
    public JobSpec(String name, Files files, Access access, Engine engine, Limits limits, Pacing pacing,
                   Sync sync, Cache cache, Reporting reporting, int numjobs) {
        this(name, files, access, engine, limits, pacing, sync, cache, reporting, numjobs, Placement.DEFAULT);
    }

    /**
     * Where the job's process runs: its I/O priority (fio prioclass=, prio=) and its cgroup (fio
     * cgroup=, cgroup_weight=).
     *
     * @param prioclass    0 none, 1 realtime, 2 best-effort, 3 idle (include/uapi/linux/ioprio.h)
     * @param prio         the level, 0 (highest) to 7
     * @param cgroup       the cgroup's path, "/" for the root
     * @param cgroupWeight the cgroup's weight, 100 to 1000 (bfq's io.bfq.weight)
     */
    public record Placement(int prioclass, int prio, String cgroup, int cgroupWeight, CmdPrio cmdprio) {
        public static final Placement DEFAULT = new Placement(0, 0, "/", 100);

        /** Without per-I/O priorities. */
        public Placement(int prioclass, int prio, String cgroup, int cgroupWeight) {
            this(prioclass, prio, cgroup, cgroupWeight, CmdPrio.NONE);
        }
    }

    /**
     * fio's per-I/O priorities (engines/cmdprio.c, options of the libaio and io_uring engines),
     * per direction (index 0 reads, 1 writes): {@code percentage} of the I/Os carry
     * IOPRIO_PRIO_VALUE(prioclass, prio) (cmdprio_percentage, cmdprio_class, cmdprio), or, with
     * cmdprio_bssplit, the entries of the I/O's block size decide. The others go with the job's
     * own priority (prio/prioclass).
     *
     * @param percentage cmdprio_percentage per direction, 0 to 100
     * @param prioclass  cmdprio_class per direction, 1 to 3 (0 as given = unset: realtime)
     * @param prio       cmdprio per direction, 0 to 7
     * @param bssplit    cmdprio_bssplit entries per direction, sorted by block size (empty = none)
     */
    public record CmdPrio(List<Integer> percentage, List<Integer> prioclass, List<Integer> prio,
                          List<List<PrioSplit>> bssplit) {
        /** No cmdprio option given. */
        public static final CmdPrio NONE = new CmdPrio(List.of(0, 0), List.of(0, 0), List.of(0, 0),
                List.of(List.of(), List.of()));

        public CmdPrio {
            percentage = List.copyOf(percentage);
            prioclass = List.copyOf(prioclass);
            prio = List.copyOf(prio);
            bssplit = bssplit.stream().map(List::copyOf).toList();
        }

        /** Whether any I/O gets a priority of its own (fio's CMDPRIO_MODE_PERC or _BSSPLIT). */
        public boolean active() {
            return percentage.get(0) > 0 || percentage.get(1) > 0 || !bssplit.get(0).isEmpty()
                    || !bssplit.get(1).isEmpty();
        }
    }

    /**
     * One cmdprio_bssplit entry: {@code percent} of the I/Os of {@code bs} bytes get priority
     * {@code ioprio} (an IOPRIO_PRIO_VALUE), or the cmdprio_class/cmdprio one when it is -1.
     */
    public record PrioSplit(long bs, int percent, int ioprio) {
    }

    /**
     * Verify, job control and what fio measures (HOWTO "Verification", "Error handling",
     * "Measurements and reporting").
     *
     * @param verify          the verify family
     * @param exitall         exitall: when a job ends, fio stops others (which: the ending job's exit_what)
     * @param exitWhat        exit_what: group (its reporting group), stonewall (every running job) or all
     * @param exitallOnError  exitall_on_error: when this job fails, every job is stopped
     * @param waitFor         wait_for: the job starts when the named job has finished (null: none)
     * @param disableSlat     disable_slat (or gtod_reduce): no submission latency measured
     * @param disableClat     disable_clat (or gtod_reduce): no completion latency measured
     * @param disableLat      disable_lat (or gtod_reduce): no total latency measured
     * @param engineOptions   the ioengine's own options as written (cpuload=, ...), read by the engine
     */
    public record Control(Verify verify, boolean exitall, String exitWhat, boolean exitallOnError, String waitFor,
                          boolean disableSlat, boolean disableClat, boolean disableLat, Map<String, String> engineOptions) {
        public static final Control DEFAULT = new Control(Verify.NONE, false, "group", false, null, false, false, false,
                Map.of());

        public Control {
            engineOptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(engineOptions));
        }
    }

    /**
     * fio's verify options (verify.c, HOWTO "Verification").
     *
     * @param algorithm   verify=: md5, crc32c, ..., pattern, meta, null; "" for none
     * @param interval    verify_interval: bytes per verify header (0 = the block size)
     * @param backlog     verify_backlog: verify after this many written blocks (0 = after the write phase)
     * @param backlogBatch verify_backlog_batch: blocks verified each time (0 = backlog)
     * @param doVerify    do_verify: run the verify phase
     * @param only        verify_only: no writes, verify what an earlier run wrote
     * @param fatal       verify_fatal: stop at the first mismatch
     * @param async       verify_async: threads that checksum (0 = the job's own)
     */
    public record Verify(String algorithm, long interval, long backlog, long backlogBatch, boolean doVerify,
                         boolean only, boolean fatal, int async) {
        public static final Verify NONE = new Verify("", 0, 0, 0, true, false, false, 0);

        /** True when verify= names an algorithm that checks data. */
        public boolean on() {
            return !algorithm.isEmpty() && !algorithm.equals("null");
        }
    }

    /**
     * The files of a job.
     *
     * @param filenames       the files named by filename= (':'-separated); empty = fio's generated
     *                        names jobname.clone.filenum in {@code directory}
     * @param directory       directory= (prefix for generated and relative names), or ""
     * @param nrfiles         files per clone when names are generated
     * @param size            total region size per clone (size=), or null when not given
     * @param filesizeMin     filesize= low end (0 = size / number of files)
     * @param filesizeMax     filesize= high end
     * @param offset          start of the region in each file (offset=, may be a percentage)
     * @param offsetIncrement added to the offset per clone (offset_increment=)
     * @param service         file_service_type: roundrobin, sequential, random, zipf, pareto or normal
     * @param serviceNr       I/Os on one file before switching (the :N of file_service_type)
     * @param layout          naming, creation, layout and removal of the files
     */
    public record Files(List<String> filenames, String directory, int nrfiles, Size size, long filesizeMin,
                        long filesizeMax, Size offset, Size offsetIncrement, String service, int serviceNr,
                        Layout layout) {
        public Files {
            filenames = List.copyOf(filenames);
        }

        /** With fio's default naming, file handling and layout. */
        public Files(List<String> filenames, String directory, int nrfiles, Size size, long filesizeMin,
                     long filesizeMax, Size offset, Size offsetIncrement, String service, int serviceNr) {
            this(filenames, directory, nrfiles, size, filesizeMin, filesizeMax, offset, offsetIncrement, service,
                    serviceNr, Layout.DEFAULT);
        }
    }

    /** fio's fallocate= (file.h enum fio_fallocate_mode): how extend_file pre-allocates a file. */
    public enum Fallocate { NONE, POSIX, KEEP, NATIVE, TRUNCATE }

    /**
     * How a job names, creates, lays out, opens and removes its files (fio's filesetup.c).
     *
     * @param filenameFormat   filename_format ("" = fio's $jobname.$jobnum.$filenum)
     * @param serviceDist      file_service_type zipf/pareto/normal: the file-choice distribution
     *                         (null for roundrobin, sequential and random)
     * @param openFiles        openfiles: files open at once (0 = nrfiles, fio's fixup)
     * @param createOnOpen     create_on_open: files are created when the job opens them
     * @param createSerialize  create_serialize: every job's files are set up before any job runs
     * @param createFsync      create_fsync: fsync a laid-out file before closing it
     * @param fallocate        fallocate=
     * @param unlink           unlink: the files are removed when the job ends
     * @param unlinkEachLoop   unlink_each_loop: removed after each loop
     * @param fileAppend       file_append: I/O starts at the end of the file
     * @param allowFileCreate  allow_file_create: fio may create missing files
     * @param overwrite        overwrite: a write job lays its files out fully before writing
     * @param createOnly       create_only: the files are set up and the job does no I/O
     */
    public record Layout(String filenameFormat, Distribution serviceDist, int openFiles, boolean createOnOpen,
                         boolean createSerialize, boolean createFsync, Fallocate fallocate, boolean unlink,
                         boolean unlinkEachLoop, boolean fileAppend, boolean allowFileCreate, boolean overwrite,
                         boolean createOnly) {
        /** fio 3.33's defaults. */
        public static final Layout DEFAULT = new Layout("", null, 0, false, true, true, Fallocate.NATIVE, false, false,
                false, true, false, false);
    }

    /** A byte count, or a percentage of the file or device ({@code percent} >= 0). */
    public record Size(long bytes, double percent) {
        public static Size bytes(long b) {
            return new Size(b, -1);
        }

        public boolean isPercent() {
            return percent >= 0;
        }

        public long resolve(long whole) {
            return isPercent() ? (long) (whole * percent / 100.0) : bytes;
        }
    }

    /**
     * What I/O the job does.
     *
     * @param rw           direction and order
     * @param seqAdd       the N of rw=write:N on sequential patterns: a hole added after each I/O
     * @param seqNr        the N of rw=randread:N: a new random offset only every N I/Os
     * @param identicalSeq rw_sequencer=identical (repeat the same offset) instead of sequential
     * @param rwmixread    percentage of reads in a mixed pattern
     * @param percRandom   percentage_random for reads and writes (100 = all random)
     * @param bs           block sizes per direction
     * @param distribution random offset distribution
     * @param randomMap    fio's random map (off with norandommap or a non-uniform distribution)
     * @param randseed     fio's randseed, folded into the job's random stream names
     * @param lfsr         random_generator=lfsr: uniform offsets from fio's LFSR, no random map
     */
    public record Access(Pattern rw, long seqAdd, int seqNr, boolean identicalSeq, int rwmixread,
                         List<Integer> percRandom, BlockSizes bs, Distribution distribution, boolean randomMap,
                         long randseed, boolean lfsr) {
        public Access {
            percRandom = List.copyOf(percRandom);
        }

        /** With fio's default generator (tausworthe). */
        public Access(Pattern rw, long seqAdd, int seqNr, boolean identicalSeq, int rwmixread,
                      List<Integer> percRandom, BlockSizes bs, Distribution distribution, boolean randomMap,
                      long randseed) {
            this(rw, seqAdd, seqNr, identicalSeq, rwmixread, percRandom, bs, distribution, randomMap, randseed, false);
        }
    }

    /** Block sizes of reads and writes; {@code unaligned} is bs_unaligned. */
    public record BlockSizes(BlockSize read, BlockSize write, BlockSize trim, boolean unaligned) {
        /** Read and write sizes; trims take the write's (a value not followed by a comma applies to the later directions). */
        public BlockSizes(BlockSize read, BlockSize write, boolean unaligned) {
            this(read, write, write, unaligned);
        }

        public BlockSize of(int ddir) {
            return ddir == 0 ? read : ddir == 1 ? write : trim;
        }

        /** The smallest block size of any direction the job uses (fio's min_bs over rw). */
        public long minBs() {
            return Math.min(read.min(), write.min());
        }
    }

    /**
     * One direction's block sizes: fixed (min == max), a range (bsrange) or a split (bssplit).
     *
     * @param min   smallest size
     * @param max   largest size
     * @param split bssplit entries (empty when none)
     * @param align blockalign: random offsets are multiples of it (default min)
     */
    public record BlockSize(long min, long max, List<Split> split, long align) {
        public BlockSize {
            split = List.copyOf(split);
        }

        public static BlockSize fixed(long bs) {
            return new BlockSize(bs, bs, List.of(), bs);
        }
    }

    /** One bssplit entry: {@code percent} of I/Os are {@code bs} bytes. */
    public record Split(long bs, int percent) {
    }

    /** posix_fadvise hint at open (fadvise_hint): none, by pattern (fio's default), or forced. */
    public enum Fadvise { NONE, TYPE, SEQUENTIAL, RANDOM }

    /**
     * The ioengine and its depth settings (fio's defaults: batch 1, complete_min 1,
     * complete_max and depth_low = iodepth).
     *
     * @param kind             the engine
     * @param iodepth          I/O units the job may have in flight
     * @param batchSubmit      iodepth_batch_submit: queued units committed at once
     * @param batchCompleteMin iodepth_batch_complete_min: events to wait for when reaping
     * @param batchCompleteMax iodepth_batch_complete_max: events reaped at most per call
     * @param depthLow         iodepth_low: reaping of a full queue continues down to this depth
     * @param direct           O_DIRECT
     * @param fadvise          fadvise_hint
     */
    public record Engine(IoEngineType kind, int iodepth, int batchSubmit, int batchCompleteMin,
                         int batchCompleteMax, int depthLow, boolean direct, Fadvise fadvise) {
    }

    /**
     * When the job stops.
     *
     * @param ioSize       bytes per loop (io_size; 0 = the region size)
     * @param numberIos    I/Os before stopping (0 = no limit)
     * @param runtimeNs    time limit after ramp_time (0 = none)
     * @param timeBased    keep going until the runtime is over
     * @param rampTimeNs   warm-up before statistics start (it is added to the runtime)
     * @param startDelayNs delay before the job starts
     * @param loops        passes over the workload
     */
    public record Limits(long ioSize, long numberIos, long runtimeNs, boolean timeBased, long rampTimeNs,
                         long startDelayNs, int loops) {
    }

    /**
     * Rate limits (per direction, per clone) and think time.
     *
     * @param rateBps         rate= per direction in bytes/s (0 = none) as [read, write]
     * @param rateIops        rate_iops= per direction (0 = none)
     * @param poisson         rate_process=poisson instead of linear
     * @param thinktimeNs     stall after I/O
     * @param thinktimeSpinNs part of the stall spent spinning on the CPU
     * @param thinktimeBlocks stall every this many blocks
     * @param thinkOnIssue    thinktime_blocks_type=issue (count issued, not completed blocks)
     */
    public record Pacing(List<Long> rateBps, List<Long> rateIops, boolean poisson, long thinktimeNs,
                         long thinktimeSpinNs, int thinktimeBlocks, boolean thinkOnIssue) {
        public Pacing {
            rateBps = List.copyOf(rateBps);
            rateIops = List.copyOf(rateIops);
        }

        public static Pacing none() {
            return new Pacing(List.of(0L, 0L, 0L), List.of(0L, 0L, 0L), false, 0, 0, 1, false);
        }

        /** fio's rate_bps: rate, or rate_iops x the smallest block size (init.c __setup_rate). */
        public long bps(int ddir, long minBs) {
            if (ddir >= rateBps.size()) {
                return 0;
            }
            long r = rateBps.get(ddir);
            return r > 0 ? r : rateIops.get(ddir) * minBs;
        }

        /** Some direction has a rate limit (asked for every I/O: a loop, not a stream, so it allocates nothing). */
        public boolean limited() {
            for (int i = 0; i < rateBps.size(); i++) {
                if (rateBps.get(i) > 0) {
                    return true;
                }
            }
            for (int i = 0; i < rateIops.size(); i++) {
                if (rateIops.get(i) > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * fio's sync options.
     *
     * @param openMode     sync=none|sync|dsync (0, 1 = O_SYNC, 2 = O_DSYNC)
     * @param fsync        fsync after every N writes (0 = never)
     * @param fdatasync    fdatasync after every N writes (0 = never)
     * @param endFsync     fsync when the job's writes are done
     * @param fsyncOnClose fsync when the file is closed
     * @param syncFileRange      sync_file_range after every N writes (0 = never)
     * @param syncFileRangeFlags its SYNC_FILE_RANGE_WAIT_BEFORE (1) | WRITE (2) | WAIT_AFTER (4)
     */
    public record Sync(int openMode, int fsync, int fdatasync, boolean endFsync, boolean fsyncOnClose,
                       int syncFileRange, int syncFileRangeFlags) {
        public static Sync none() {
            return new Sync(0, 0, 0, false, false, 0, 0);
        }

        /** True when any write needs a sync after it. */
        public boolean anyPeriodic() {
            return fsync > 0 || fdatasync > 0 || syncFileRange > 0;
        }
    }

    /**
     * Page-cache preparation.
     *
     * @param invalidate drop the file's cached pages when it is opened (fio default true)
     * @param preRead    read the region into the page cache before starting (pre_read)
     */
    public record Cache(boolean invalidate, boolean preRead) {
    }

    /**
     * Grouping and report options.
     *
     * @param groupReporting  report the group's jobs as one
     * @param stonewall       wait for every earlier job to finish, and start a new group
     * @param newGroup        start a new reporting group
     * @param percentiles     percentile_list
     * @param clatPercentiles show clat percentiles (default on)
     * @param latPercentiles  show lat percentiles
     * @param slatPercentiles show slat percentiles
     * @param kbBase          1024 or 1000
     * @param unitBase        8 (bytes) or 1 (bits, the net engine's default) for bandwidth units
     * @param sigFigs         significant_figures for the normal report
     * @param stats           include the job in the statistics
     * @param diskUtil        show disk utilisation
     * @param description     description=
     * @param bwAvgNs         bwavgtime: bandwidth sample window
     * @param iopsAvgNs       iopsavgtime: IOPS sample window
     * @param logs            per-I/O logs asked for
     * @param options         the job's own options as written, in fio's print order
     */
    public record Reporting(boolean groupReporting, boolean stonewall, boolean newGroup, List<Double> percentiles,
                            boolean clatPercentiles, boolean latPercentiles, boolean slatPercentiles, int kbBase,
                            int unitBase, int sigFigs, boolean stats, boolean diskUtil, String description,
                            long bwAvgNs, long iopsAvgNs, Logs logs, Map<String, String> options) {
        public Reporting {
            percentiles = List.copyOf(percentiles);
            options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
        }

        /** fio's default percentile_list. */
        public static final List<Double> DEFAULT_PERCENTILES = List.of(1.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0,
                70.0, 80.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99);
    }

    /**
     * Per-I/O logs (write_lat_log, write_bw_log, write_iops_log, write_iolog).
     *
     * @param latPrefix  write_lat_log prefix, or null
     * @param bwPrefix   write_bw_log prefix, or null
     * @param iopsPrefix write_iops_log prefix, or null
     * @param avgMsec    log_avg_msec (0 = one entry per I/O)
     * @param perJob     per_job_logs: one log per clone (default) or one per job
     * @param iolog      write_iolog file name, or null
     * @param offset     log_offset: each entry also gives the I/O's offset
     * @param prio       log_prio: the last column is the I/O's full ioprio (0x%04x), not 1 for RT
     */
    public record Logs(String latPrefix, String bwPrefix, String iopsPrefix, long avgMsec, boolean perJob,
                       String iolog, boolean offset, boolean prio) {
        /** Without log_offset and log_prio. */
        public Logs(String latPrefix, String bwPrefix, String iopsPrefix, long avgMsec, boolean perJob, String iolog) {
            this(latPrefix, bwPrefix, iopsPrefix, avgMsec, perJob, iolog, false, false);
        }

        public static Logs none() {
            return new Logs(null, null, null, 0, true, null);
        }

        public boolean any() {
            return latPrefix != null || bwPrefix != null || iopsPrefix != null || iolog != null;
        }
    }

    /**
     * The spec a trace replay reports under (it is not run as a job): named "replay", its
     * description the trace, {@code records} I/Os at {@code depth} (0 = open loop).
     */
    public static JobSpec replay(String trace, long records, int depth) {
        JobSpec.BlockSize bs = JobSpec.BlockSize.fixed(4096);
        return new JobSpec("replay",
                new Files(List.of(trace), "", 1, Size.bytes(0), 0, 0, Size.bytes(0), Size.bytes(0), "roundrobin", 1),
                new Access(Pattern.RANDRW, 0, 1, false, 50, List.of(100, 100), new BlockSizes(bs, bs, false),
                        new Distribution.Uniform(), false, 0),
                new Engine(LibaioEngine.TYPE, Math.max(1, depth), 1, 1, Math.max(1, depth), Math.max(1, depth), true,
                        Fadvise.NONE),
                new Limits(0, records, 0, false, 0, 0, 1), Pacing.none(), Sync.none(), new Cache(false, false),
                new Reporting(false, false, false, Reporting.DEFAULT_PERCENTILES, true, false, false, 1024, 8, 4, true,
                        true, "replay", 500_000_000L, 500_000_000L, Logs.none(), Map.of()),
                1);
    }

    /**
     * This job with its runtime capped at {@code capNs} (a job with no runtime gets it as one):
     * {@code stacksim fio --max-runtime}, for a quick look at a long job file.
     */
    public JobSpec withRuntimeCap(long capNs) {
        long rt = limits.runtimeNs() == 0 ? capNs : Math.min(limits.runtimeNs(), capNs);
        Limits l = new Limits(limits.ioSize(), limits.numberIos(), rt, limits.timeBased(), limits.rampTimeNs(),
                limits.startDelayNs(), limits.loops());
        return new JobSpec(name, files, access, engine, l, pacing, sync, cache, reporting, numjobs, placement, control,
                origins, extras, zones);
    }

    /** True for the spec of a trace replay. */
    public boolean isReplay() {
        return name.equals("replay") && "replay".equals(reporting.description());
    }

    // ------------------------------------------------------------------ convenience views

    /** The I/O pattern. */
    public Pattern rw() {
        return access.rw();
    }

    /** The block size of the job's first direction (the smallest when a range or split). */
    public long bs() {
        return access.rw().reads ? access.bs().read().min() : access.bs().write().min();
    }

    /** fio's ioengine name. */
    public String ioengine() {
        return engine.kind().fioName();
    }

    public int iodepth() {
        return engine.iodepth();
    }

    public boolean direct() {
        return engine.direct();
    }

    /** The first file name, or "" when names are generated. */
    public String filename() {
        return files.filenames().isEmpty() ? "" : files.filenames().get(0);
    }

    public long numberIos() {
        return limits.numberIos();
    }

    public long rampTimeNs() {
        return limits.rampTimeNs();
    }

    public long runtimeNs() {
        return limits.runtimeNs();
    }

    public boolean timeBased() {
        return limits.timeBased();
    }

    /** True for engines that keep several I/Os in flight. */
    public boolean async() {
        return !engine.kind().syncio();
    }

    /**
     * I/Os the job keeps in flight at the device: iodepth for libaio and io_uring with O_DIRECT
     * (and io_uring buffered), one for sync engines, buffered libaio (it completes inside
     * io_submit) and posixaio (glibc runs one request per file descriptor at a time).
     */
    public int effectiveDepth() {
        return engine.kind().depth().of(engine.iodepth(), engine.direct());
    }
}
