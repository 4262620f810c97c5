package io.stacksim.workload.fio;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.workload.Distribution;
import io.stacksim.workload.IoEngineType;
import io.stacksim.workload.IoEngines;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.Pattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a job's fio options into a {@link JobSpec}: the one translation both front ends use
 * (fio job files through {@code stacksim fio}, and the YAML {@code workload} section).
 *
 * <p>Options are applied in fio's order (parse.c sort_options: by priority, so kb_base comes
 * first and filename last, otherwise as written), and fio's fix-ups follow (init.c
 * fixup_options: bsrange and bssplit override bs, iodepth_batch 0 means iodepth, and so on).
 * An option fio knows but StackSim does not simulate is an error naming its file, line and
 * name, or with {@code lenient} a warning the caller records; a malformed value names what was
 * expected.
 */
public final class JobTranslator {
    /** A translated job and the warnings it produced (lenient mode). */
    public record Result(JobSpec spec, List<String> warnings) {
    }

    private final boolean lenient;
    private final List<String> warnings = new ArrayList<>();
    /** The name an option is called in messages (a YAML config's dotted path), if not its key. */
    private final Map<JobFile.Option, String> paths;

    // Builder state with fio's defaults.
    private String name;
    private String description = "";
    private List<String> filenames = List.of();
    private String directory = "";
    private int nrfiles = 1;
    private JobSpec.Size size;
    private long filesizeMin;
    private long filesizeMax;
    private JobSpec.Size offset = JobSpec.Size.bytes(0);
    private JobSpec.Size offsetIncrement = JobSpec.Size.bytes(0);
    private String service = "roundrobin";
    private int serviceNr = 1;
    private Distribution serviceDist;
    private String filenameFormat = "";
    private int openFiles;
    private boolean createOnOpen;
    private boolean createSerialize = true;
    private boolean createFsync = true;
    private JobSpec.Fallocate fallocate = JobSpec.Fallocate.NATIVE;
    private boolean unlink;
    private boolean unlinkEachLoop;
    private boolean fileAppend;
    private boolean allowFileCreate = true;
    private boolean overwrite;
    private boolean createOnly;
    private Pattern rw = Pattern.READ;
    private long seqAdd;
    private int seqNr = 1;
    private boolean identicalSeq;
    private int rwmixread = 50;
    private final int[] percRandom = {100, 100, 100};
    /** bs, bsrange, bssplit and ba per direction: read, write, trim. */
    private final long[] bs = {4096, 4096, 4096};
    private final long[][] bsRange = new long[3][];
    private final List<List<JobSpec.Split>> bsSplit = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
    private final long[] blockAlign = {0, 0, 0};
    private boolean bsUnaligned;
    private int iodepth = 1;
    private int batchSubmit = 1;
    private int batchCompleteMin = 1;
    private int batchCompleteMax;
    private int depthLow;
    private int numjobs = 1;
    private int prio = -1;
    private int prioclass = -1;
    private String cgroup;
    private int cgroupWeight;
    /** The libaio/io_uring cmdprio options, per direction (engines/cmdprio.c). */
    private final int[] cmdprioPercentage = new int[2];
    private final int[] cmdprioClass = new int[2];
    private final int[] cmdprioLevel = new int[2];
    private String cmdprioBssplit;
    private JobFile.Option cmdprioOrigin;
    private IoEngineType engine = IoEngines.byName("psync");
    private boolean direct;
    private int syncMode;
    private int fsync;
    private int fdatasync;
    /** sync_file_range=str:N: every N writes (0 = never), with its flags (str_sfr_cb). */
    private int syncFileRange;
    private int syncFileRangeFlags;
    private boolean endFsync;
    private boolean fsyncOnClose;
    private boolean invalidate = true;
    private boolean preRead;
    private JobSpec.Fadvise fadvise = JobSpec.Fadvise.TYPE;
    private long runtimeNs;
    private boolean timeBased;
    private long rampNs;
    private long startDelayNs;
    private long numberIos;
    private long ioSize;
    private int loops = 1;
    private final long[] rate = {0, 0, 0};
    private final long[] rateIops = {0, 0, 0};
    private boolean poisson;
    private long thinkNs;
    private long thinkSpinNs;
    private int thinkBlocks = 1;
    private boolean thinkOnIssue;
    private Distribution distribution = new Distribution.Uniform();
    private boolean norandommap;
    private boolean lfsr;
    private long randseed = 0x89;
    private boolean stonewall;
    private boolean newGroup;
    private boolean groupReporting;
    private int kbBase = 1024;
    /** unit_base: 0 auto (bits for an engine with FIO_BIT_BASED, else bytes), 8 bytes, 1 bits. */
    private int unitBase = 0;
    private long bwAvgNs = 500_000_000L;
    private long iopsAvgNs = 500_000_000L;
    private boolean stats = true;
    private List<Double> percentiles = JobSpec.Reporting.DEFAULT_PERCENTILES;
    private boolean clatPercentiles = true;
    private boolean latPercentiles;
    private boolean slatPercentiles;
    private int sigFigs = 4;
    private boolean diskUtil = true;
    private String latLog;
    private String bwLog;
    private String iopsLog;
    private long logAvgMsec;
    private boolean perJobLogs = true;
    private String iolog;
    // Job control and measurements (JobSpec.Control).
    private boolean exitall;
    private boolean exitallOnError;
    private String exitWhat = "group";
    private boolean logOffset;
    private boolean logPrio;
    private String verify = "";
    private boolean doVerify = true;
    private boolean verifyOnly;
    private long verifyBacklog;
    private long verifyBacklogBatch;
    private boolean verifyPattern;
    private String waitFor;
    private boolean disableSlat;
    private boolean disableClat;
    private boolean disableLat;
    private final Map<String, String> engineOptions = new LinkedHashMap<>();
    /** zonemode and the zone options (their own class: fio's zbd options). */
    private final ZoneOptions zoneOptions = new ZoneOptions();
    /** The options of JobExtras (histogram log, error handling, latency target, flow, steady state, ...). */
    private final ExtraOptions extras = new ExtraOptions();
    private Origin timeBasedOrigin;
    /** The job's ioengine= as written (the last one wins), for its engine options. */
    private String engineWritten = "psync";
    /** The ioengine the [global] options set, or null. */
    private String globalEngine;
    /** The options the job has from [global] sections, not its own. */
    private java.util.Set<JobFile.Option> inherited = java.util.Set.of();

    /** Where each option was last set (fio's later-wins rule), "" for the job's first option. */
    private final Map<String, Origin> origins = new java.util.HashMap<>();

    private JobTranslator(String name, boolean lenient, Map<JobFile.Option, String> paths) {
        this.name = name;
        this.lenient = lenient;
        this.paths = paths;
    }

    /**
     * Translates one job.
     *
     * @param defaultName the section name (name= overrides it)
     * @param effective   the job's options with the [global] ones before its own
     * @param own         the job's own options, for fio's "job options" block
     * @param lenient     options StackSim does not model become warnings instead of errors
     * @param defaultSize size when none is given (null: fio's rule, the file's size at run time)
     */
    public static Result translate(String defaultName, List<JobFile.Option> effective, List<JobFile.Option> own,
                                   boolean lenient, JobSpec.Size defaultSize) {
        return translate(defaultName, effective, own, lenient, defaultSize, Map.of());
    }

    private static Result translate(String defaultName, List<JobFile.Option> effective, List<JobFile.Option> own,
                                    boolean lenient, JobSpec.Size defaultSize, Map<JobFile.Option, String> paths) {
        JobTranslator t = new JobTranslator(defaultName, lenient, paths);
        t.size = defaultSize;
        java.util.Set<JobFile.Option> mine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        mine.addAll(own);
        for (JobFile.Option o : effective) {
            FioOptions.Def d = FioOptions.lookup(o.key());
            if (d != null && d.name().equals("ioengine") && o.value() != null) {
                t.engineWritten = o.value().strip();
                if (!mine.contains(o)) {
                    t.globalEngine = t.engineWritten;
                }
            }
        }
        t.inherited = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (JobFile.Option o : effective) {
            if (!mine.contains(o)) {
                t.inherited.add(o);
            }
        }
        for (JobFile.Option o : inFioOrder(effective)) {
            t.apply(o);
        }
        return new Result(t.build(own), List.copyOf(t.warnings));
    }

    /**
     * Options in the order fio parses (and prints) them: by priority, higher first, the file
     * order kept among equals (a stable sort, as glibc's qsort is for these arrays).
     */
    public static List<JobFile.Option> inFioOrder(List<JobFile.Option> options) {
        List<JobFile.Option> sorted = new ArrayList<>(options);
        sorted.sort(Comparator.comparingInt((JobFile.Option o) -> {
            FioOptions.Def d = FioOptions.lookup(o.key());
            return d == null ? 0 : -d.prio();
        }));
        return sorted;
    }

    /**
     * fio's printed form of options (the "global options" and "job options" blocks): canonical
     * names, in parse order, leaving out options written without a value as fio does.
     */
    public static Map<String, String> printed(List<JobFile.Option> options) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JobFile.Option o : inFioOrder(options)) {
            if (o.value() == null) {
                continue;
            }
            FioOptions.Def d = FioOptions.lookup(o.key());
            out.remove(d == null ? o.key() : d.name());
            out.put(d == null ? o.key() : d.name(), o.value());
        }
        return out;
    }

    // ------------------------------------------------------------------ the YAML front end

    /**
     * The jobs of a YAML {@code workload} section: the section itself is one job, or it holds
     * {@code jobs:}, a list of jobs, and its other keys are defaults for all of them (fio's
     * [global]). Keys are fio option names; unknown or unmodelled ones are errors.
     */
    public static List<JobSpec> fromConfig(ConfigNode w) {
        ConfigNode list = w.child("jobs");
        Map<JobFile.Option, String> paths = new java.util.IdentityHashMap<>();
        List<JobFile.Option> global = options(w, "jobs", paths);
        w.markOpen();
        if (list == null) {
            return List.of(translate("job", global, global, false, JobSpec.Size.bytes(1L << 30), paths).spec());
        }
        if (!list.isList() || list.items().isEmpty()) {
            throw ConfigException.at(list.origin(), "'workload.jobs' must be a non-empty list of jobs");
        }
        List<JobSpec> specs = new ArrayList<>();
        int i = 0;
        for (ConfigNode item : list.items()) {
            if (!item.isMap()) {
                throw ConfigException.at(item.origin(), "'workload.jobs[" + i + "]' must be a map of fio options");
            }
            List<JobFile.Option> own = options(item, null, paths);
            List<JobFile.Option> all = new ArrayList<>(global);
            all.addAll(own);
            specs.add(translate("job" + i, all, own, false, JobSpec.Size.bytes(1L << 30), paths).spec());
            item.markOpen();
            i++;
        }
        return specs;
    }

    private static List<JobFile.Option> options(ConfigNode map, String skip, Map<JobFile.Option, String> paths) {
        List<JobFile.Option> out = new ArrayList<>();
        for (String key : new ArrayList<>(map.keys())) {
            if (key.equals(skip)) {
                continue;
            }
            ConfigNode c = map.child(key);
            if (!c.isScalar()) {
                throw ConfigException.at(c.origin(), "'" + c.path() + "' must be a single value (a fio option)");
            }
            String text = c.text();
            // a blank value is no value, as the job-file parser reads 'bs=' (and --set workload.bs= says so)
            JobFile.Option o = new JobFile.Option(key, text == null || text.isBlank() ? null : text.trim(), c.origin());
            paths.put(o, c.path());
            out.add(o);
        }
        return out;
    }

    // ------------------------------------------------------------------ one option

    private void apply(JobFile.Option o) {
        FioOptions.Def def = FioOptions.lookup(o.key());
        if (def == null) {
            String best = FioOptions.suggestion(o.key());
            throw ConfigException.at(o.origin(), "unknown fio option '" + display(o) + "'"
                    + (best == null ? "" : "; did you mean '" + best + "'?"));
        }
        if (def.scope() == FioOptions.Scope.ENGINE) {
            engineOption(def, o);
            return;
        }
        if (def.scope() == FioOptions.Scope.PROFILE) {
            // profiles/tiobench.c, act.c add these to fio's table; only --profile reads them.
            return;
        }
        if (def.support() == FioOptions.Support.DEPRECATED) {
            warnings.add(o.origin() + ": option '" + display(o) + "' is deprecated (fio ignores it too)");
            return;
        }
        if (def.support() == FioOptions.Support.NOT_MODELLED) {
            notModelled(o, "option '" + display(o) + "' is not modelled by StackSim");
            return;
        }
        String v = o.value();
        if (v == null && !def.flag() && !LOG_OPTIONS.contains(def.name())) {
            throw ConfigException.at(o.origin(), "option '" + display(o) + "' needs a value");
        }
        origins.put(def.name(), o.origin());
        origins.putIfAbsent("", o.origin());
        try {
            set(def.name(), v, o);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ConfigException.at(o.origin(), "'" + display(o) + "': " + e.getMessage());
        }
    }

    /**
     * sync_file_range=str:N (FIO_OPT_STR_MULTI with str_sfr_cb): the flags wait_before, write,
     * wait_after, comma-separated, or'ed together; the postfix the number of writes, 1 without.
     */
    private void syncFileRange(String v) {
        int colon = v.indexOf(':');
        String flags = colon < 0 ? v : v.substring(0, colon);
        int f = 0;
        for (String w : flags.split(",")) {
            f |= switch (w.trim()) {
                case "wait_before" -> io.stacksim.os.Kernel.SYNC_FILE_RANGE_WAIT_BEFORE;
                case "write" -> io.stacksim.os.Kernel.SYNC_FILE_RANGE_WRITE;
                case "wait_after" -> io.stacksim.os.Kernel.SYNC_FILE_RANGE_WAIT_AFTER;
                default -> throw new IllegalArgumentException(
                        "expected wait_before, write and/or wait_after (comma-separated), then :N, got '" + v + "'");
            };
        }
        syncFileRangeFlags = f;
        syncFileRange = colon < 0 ? 1 : intIn(v.substring(colon + 1), 0, Integer.MAX_VALUE, "a number of writes after ':'");
    }

    /** FIO_OPT_STR log options whose callback takes no value: the log is named after the job. */
    private static final java.util.Set<String> LOG_OPTIONS =
            java.util.Set.of("write_bw_log", "write_lat_log", "write_iops_log", "write_hist_log");

    /**
     * An option from an engine's table: fio knows it only once that engine is loaded, so with
     * another ioengine it is an error (fio: "Bad option"), whatever --lenient says.
     */
    private void engineOption(FioOptions.Def def, JobFile.Option o) {
        String engine = engineWritten.contains(":") ? engineWritten.substring(0, engineWritten.indexOf(':')) : engineWritten;
        if (!def.engines().contains(engine) && inherited.contains(o) && globalEngine != null
                && def.engines().contains(baseEngine(globalEngine))) {
            // ioengine_load: the job's own ioengine replaces [global]'s, whose options go with it
            return;
        }
        if (!def.engines().contains(engine)) {
            throw ConfigException.at(o.origin(), "option '" + display(o) + "' is an option of ioengine " + def.engineList()
                    + ", and this job's ioengine is " + engineWritten);
        }
        FioOptions.Support s = FioOptions.engineSupport(engine, def);
        if (s == FioOptions.Support.NOT_MODELLED) {
            notModelled(o, "option '" + display(o) + "' of ioengine " + engine + " is not modelled by StackSim");
            return;
        }
        if (o.value() == null && !def.flag()) {
            // only an engine's set-only options (listen, pingpong) stand alone
            throw ConfigException.at(o.origin(), "option '" + display(o) + "' needs a value (" + display(o) + "=...)");
        }
        origins.put(def.name(), o.origin()); // an engine's refusal at run time names this line
        try {
            setEngineOption(engine, def.name(), o.value(), o);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ConfigException.at(o.origin(), "'" + display(o) + "': " + e.getMessage());
        }
    }

    private static String baseEngine(String e) {
        return e.contains(":") ? e.substring(0, e.indexOf(':')) : e;
    }

    /** Engine options StackSim simulates (FioOptions' engine table says which). */
    private void setEngineOption(String engine, String opt, String v, JobFile.Option o) {
        switch (opt) {
            case "cmdprio_percentage" -> perDirectionInt(v, cmdprioPercentage, 0, 100, "a percentage");
            case "cmdprio_class" -> perDirectionInt(v, cmdprioClass, 1, 3, "an I/O priority class (1 rt, 2 be, 3 idle)");
            case "cmdprio" -> perDirectionInt(v, cmdprioLevel, 0, 7, "an I/O priority level");
            // engines/cpu.c
            case "cpuload" -> engineOptions.put(opt, Long.toString(Math.min(intIn(v, 0, Integer.MAX_VALUE, "a percentage"),
                    100)));
            case "cpuchunks" -> engineOptions.put(opt, Long.toString(intIn(v, 1, Integer.MAX_VALUE, "microseconds")));
            case "cpumode" -> engineOptions.put(opt, switch (v.strip()) {
                case "noop", "qsort" -> v.strip();
                default -> throw new IllegalArgumentException("expected noop or qsort, got '" + v + "'");
            });
            case "cmdprio_bssplit" -> {
                cmdprioBssplit = v.strip();
                cmdprioOrigin = o;
            }
            case "stat_type" -> {
                if (!List.of("stat", "lstat", "statx").contains(v)) {
                    throw new IllegalArgumentException("expected stat, lstat or statx, got '" + v + "'");
                }
                engineOptions.put(opt, v);
            }
            case "sg_write_mode" -> {
                // options.c's choices for sg_write_mode, the deprecated verify and same included
                List<String> modes = List.of("write", "write_and_verify", "verify", "write_same", "same",
                        "write_same_ndob", "write_stream", "verify_bytchk_00", "verify_bytchk_01", "verify_bytchk_11");
                if (v == null || !modes.contains(v.strip())) {
                    throw new IllegalArgumentException("expected one of " + String.join(", ", modes) + ", got '" + v + "'");
                }
                engineOptions.put(opt, v.strip());
            }
            case "readfua", "writefua" -> engineOptions.put(opt, FioValues.bool(v) ? "1" : "0");
            // engines/e4defrag.c
            case "donorname" -> engineOptions.put(opt, v.strip());
            case "inplace" -> engineOptions.put(opt, Long.toString(intIn(v, 0, 1, "0 or 1")));
            case "cmd_type" -> {
                if (!v.strip().equals("nvme")) {
                    throw new IllegalArgumentException("expected nvme (fio's only uring_cmd type), got '" + v + "'");
                }
            }
            case "sqthread_poll" -> engineOptions.put(opt, v == null || FioValues.bool(v) ? "1" : "0");
            case "sqthread_poll_cpu" -> intIn(v, 0, Integer.MAX_VALUE, "a CPU number");
            case "registerfiles", "nonvectored" -> {
                if (v != null && !v.isBlank()) {
                    FioValues.integer(v.strip());
                }
            }
            // engines/net.c
            case "hostname", "interface" -> {
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException("expected a host name or address");
                }
                engineOptions.put(opt, v.strip());
            }
            case "port" -> engineOptions.put(opt, Long.toString(intIn(v, 1, 65535, "a port")));
            case "protocol" -> engineOptions.put(opt, switch (v.strip()) {
                case "tcp", "tcpv6", "udp", "udpv6", "unix" -> v.strip();
                default -> throw new IllegalArgumentException("expected tcp, tcpv6, udp, udpv6 or unix, got '" + v + "'");
            });
            // FIO_OPT_STR_SET: present means set
            case "listen", "pingpong" -> {
                if (v == null || FioValues.bool(v)) {
                    engineOptions.put(opt, "1");
                } else {
                    engineOptions.remove(opt);
                }
            }
            case "nodelay" -> engineOptions.put(opt, Boolean.toString(v == null || FioValues.bool(v)));
            case "window_size", "ttl" -> engineOptions.put(opt, Long.toString(intIn(v, 0, Integer.MAX_VALUE,
                    opt.equals("ttl") ? "a time to live" : "a size in bytes")));
            case "mss" -> engineOptions.put(opt, Long.toString(intIn(v, 0, 65535, "a segment size")));
            default -> throw new IllegalStateException("supported engine option without a handler: " + engine + ":" + opt);
        }
    }

    /**
     * cmdprio_bssplit's entries per direction (options.c split_parse_prio_ddir): "bs/perc" or
     * "bs/perc/class/level" separated by ':', a ',' between reads and writes (one list: both);
     * percentages above 100 count as 100, class and level are capped at 3 and 7, entries of 0 %
     * are dropped, the rest sorted by block size; per block size they may add up to 100.
     */
    private List<List<JobSpec.PrioSplit>> cmdprioSplits() {
        List<List<JobSpec.PrioSplit>> out = new ArrayList<>(List.of(List.of(), List.of()));
        if (cmdprioBssplit == null || cmdprioBssplit.isEmpty()) {
            return out;
        }
        String[] d = FioValues.perDirection(cmdprioBssplit, false);
        for (int i = 0; i < 2; i++) {
            if (d[i] == null) {
                continue;
            }
            List<JobSpec.PrioSplit> entries = new ArrayList<>();
            for (String e : d[i].split(":")) {
                if (e.isEmpty()) {
                    break;
                }
                String[] f = e.split("/", -1);
                if (f.length == 3 || f.length > 4 || f[0].isEmpty()) {
                    throw ConfigException.at(cmdprioOrigin.origin(), "'" + display(cmdprioOrigin)
                            + "': expected blocksize/percentage or blocksize/percentage/class/level, got '" + e + "'");
                }
                try {
                    long bs = FioValues.size(f[0], kbBase);
                    int perc = f.length > 1 && !f[1].isEmpty() ? (int) Math.min(Long.parseLong(f[1]), 100) : 0;
                    int prio = -1;
                    if (f.length == 4) {
                        prio = (int) Math.min(Long.parseLong(f[2]), 3) << io.stacksim.block.IoPriority.CLASS_SHIFT
                                | (int) Math.min(Long.parseLong(f[3]), 7);
                    }
                    if (perc > 0) {
                        entries.add(new JobSpec.PrioSplit(bs, perc, prio));
                    }
                } catch (IllegalArgumentException ex) {
                    throw ConfigException.at(cmdprioOrigin.origin(), "'" + display(cmdprioOrigin)
                            + "': expected blocksize/percentage[/class/level] entries, got '" + e + "'");
                }
            }
            entries.sort(java.util.Comparator.comparingLong(JobSpec.PrioSplit::bs));
            java.util.Map<Long, Integer> total = new java.util.HashMap<>();
            for (JobSpec.PrioSplit e : entries) {
                if (total.merge(e.bs(), e.percent(), Integer::sum) > 100) {
                    throw ConfigException.at(cmdprioOrigin.origin(), "'" + display(cmdprioOrigin)
                            + "': total percentage for bs " + e.bs() + " exceeds 100");
                }
            }
            out.set(i, entries);
        }
        return out;
    }

    private String display(JobFile.Option o) {
        return paths.getOrDefault(o, o.key());
    }

    /** An unmodelled option or value: an error, or a warning when lenient. */
    private void notModelled(JobFile.Option o, String what) {
        if (!lenient) {
            throw ConfigException.at(o.origin(), what + " (use --lenient to ignore it with a warning)");
        }
        warnings.add(o.origin() + ": " + what + "; ignored");
    }

    private boolean flag(String v) {
        return v == null || FioValues.bool(v);
    }

    private int intIn(String v, long min, long max, String what) {
        long n;
        try {
            n = FioValues.intWithSuffix(v, kbBase);
        } catch (IllegalArgumentException e) {
            // say what the option takes (a port, a percentage), not only that the text is no size
            throw new IllegalArgumentException("expected " + what + " from " + min + " to " + max
                    + " (a whole number; fio's k, m, g suffixes allowed), got '" + excerpt(v.strip()) + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("expected " + what + " from " + min + " to " + max + ", got " + n);
        }
        return (int) n;
    }

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private long nsOf(String v, long defaultUnitUs) {
        return Math.multiplyExact(FioValues.timeUs(v, defaultUnitUs), 1000L);
    }

    private void set(String opt, String v, JobFile.Option o) {
        switch (opt) {
            case "name" -> {
                if (v.isBlank()) {
                    throw new IllegalArgumentException("expected a job name, got an empty one");
                }
                name = v;
            }
            case "description" -> description = v;
            case "filename" -> filenames = splitFilenames(v);
            case "directory" -> directory = v;
            case "size" -> {
                // fio reads size=0 as no size (filesetup.c: !td->o.size): the files' own sizes.
                JobSpec.Size z = FioValues.sizeOrPercent(v, kbBase);
                size = !z.isPercent() && z.bytes() == 0 ? null : z;
            }
            case "filesize" -> {
                if (v.indexOf('-') > 0 || v.indexOf(':') > 0) {
                    long[] r = FioValues.range(v, kbBase);
                    filesizeMin = r[0];
                    filesizeMax = r[1];
                } else {
                    filesizeMin = filesizeMax = FioValues.size(v, kbBase);
                }
            }
            case "nrfiles" -> nrfiles = intIn(v, 1, 1 << 20, "a number of files");
            case "offset" -> offset = FioValues.sizeOrPercent(v, kbBase);
            case "offset_increment" -> offsetIncrement = FioValues.sizeOrPercent(v, kbBase);
            case "file_service_type" -> fileService(v, o);
            case "filename_format" -> filenameFormat = v;
            case "openfiles" -> openFiles = intIn(v, 0, 1 << 20, "a number of files");
            case "create_on_open" -> createOnOpen = FioValues.bool(v);
            case "create_serialize" -> createSerialize = FioValues.bool(v);
            case "create_fsync" -> createFsync = FioValues.bool(v);
            case "fallocate" -> fallocate = switch (v) {
                case "none", "0" -> JobSpec.Fallocate.NONE;
                case "posix", "1" -> JobSpec.Fallocate.POSIX;
                case "keep" -> JobSpec.Fallocate.KEEP;
                case "native" -> JobSpec.Fallocate.NATIVE;
                case "truncate" -> JobSpec.Fallocate.TRUNCATE;
                default -> throw new IllegalArgumentException("expected none, native, posix, keep, truncate, 0 or 1, got '"
                        + v + "'");
            };
            case "unlink" -> unlink = FioValues.bool(v);
            case "unlink_each_loop" -> unlinkEachLoop = FioValues.bool(v);
            case "file_append" -> fileAppend = FioValues.bool(v);
            case "allow_file_create" -> allowFileCreate = FioValues.bool(v);
            case "overwrite" -> overwrite = FioValues.bool(v);
            case "create_only" -> createOnly = FioValues.bool(v);
            case "rw" -> rw(v, o);
            case "rw_sequencer" -> {
                switch (v) {
                    case "sequential" -> identicalSeq = false;
                    case "identical" -> identicalSeq = true;
                    default -> throw new IllegalArgumentException("expected sequential or identical, got '" + v + "'");
                }
            }
            case "rwmixread" -> rwmixread = intIn(v, 0, 100, "a percentage");
            case "rwmixwrite" -> rwmixread = 100 - intIn(v, 0, 100, "a percentage");
            case "percentage_random" -> perDirectionInt(v, percRandom, 0, 100, "a percentage");
            case "bs" -> {
                FioValues.unsigned(v, "a block size");
                String[] d = FioValues.perDirection(v, true);
                for (int i = 0; i < 3; i++) {
                    if (d[i] != null) {
                        bs[i] = positive(FioValues.size(d[i], kbBase), "a block size");
                    }
                }
            }
            case "ba" -> {
                FioValues.unsigned(v, "a block alignment");
                String[] d = FioValues.perDirection(v, true);
                for (int i = 0; i < 3; i++) {
                    if (d[i] != null) {
                        blockAlign[i] = positive(FioValues.size(d[i], kbBase), "a block alignment");
                    }
                }
            }
            case "bsrange" -> {
                String[] d = FioValues.perDirection(v.replace('/', ','), false);
                for (int i = 0; i < 3; i++) {
                    if (d[i] != null) {
                        bsRange[i] = FioValues.range(d[i], kbBase);
                        positive(bsRange[i][0], "a block size");
                        bsSplit.set(i, List.of());
                    }
                }
            }
            case "bssplit" -> bssplit(v);
            case "bs_unaligned" -> bsUnaligned = flag(v);
            case "iodepth" -> iodepth = intIn(v, 1, 65535, "a queue depth");
            case "iodepth_batch" -> batchSubmit = intIn(v, 0, 65535, "a batch size");
            case "iodepth_batch_complete_min" -> batchCompleteMin = intIn(v, 0, 65535, "a batch size");
            case "iodepth_batch_complete_max" -> batchCompleteMax = intIn(v, 0, 65535, "a batch size");
            case "iodepth_low" -> depthLow = intIn(v, 0, 65535, "a queue depth");
            case "numjobs" -> numjobs = intIn(v, 1, 4096, "a number of clones");
            case "ioengine" -> {
                IoEngineType k = IoEngines.byName(v);
                if (k == null) {
                    String why = ExtraOptions.refusal(v.strip());
                    notModelled(o, "ioengine=" + v + " is not simulated (" + (why != null ? why
                            : "StackSim simulates " + IoEngines.names()) + ")");
                } else {
                    engine = k;
                }
            }
            case "direct" -> direct = FioValues.bool(v);
            case "buffered" -> direct = !FioValues.bool(v);
            case "sync" -> syncMode = switch (v.toLowerCase(Locale.ROOT)) {
                case "none", "0" -> 0;
                case "sync", "1" -> 1;
                case "dsync" -> 2;
                default -> throw new IllegalArgumentException("expected none, sync (or 1) or dsync, got '" + v + "'");
            };
            case "fsync" -> fsync = intIn(v, 0, Integer.MAX_VALUE, "a number of writes");
            case "fdatasync" -> fdatasync = intIn(v, 0, Integer.MAX_VALUE, "a number of writes");
            case "sync_file_range" -> syncFileRange(v);
            case "end_fsync" -> endFsync = FioValues.bool(v);
            case "fsync_on_close" -> fsyncOnClose = FioValues.bool(v);
            case "invalidate" -> invalidate = FioValues.bool(v);
            case "pre_read" -> preRead = FioValues.bool(v);
            case "fadvise_hint" -> fadvise = switch (v) {
                case "0" -> JobSpec.Fadvise.NONE;
                case "1" -> JobSpec.Fadvise.TYPE;
                case "sequential" -> JobSpec.Fadvise.SEQUENTIAL;
                case "random" -> JobSpec.Fadvise.RANDOM;
                default -> throw new IllegalArgumentException("expected 0, 1, sequential or random, got '" + v + "'");
            };
            case "runtime" -> runtimeNs = nsOf(v, 1_000_000);
            case "time_based" -> {
                timeBased = flag(v);
                timeBasedOrigin = o.origin();
            }
            case "ramp_time" -> rampNs = nsOf(v, 1_000_000);
            case "startdelay" -> startDelayNs = nsOf(v, 1_000_000);
            case "number_ios" -> numberIos = FioValues.size(v, kbBase);
            case "io_size" -> ioSize = positive(FioValues.size(v, kbBase), "an I/O size");
            case "loops" -> loops = intIn(v, 1, Integer.MAX_VALUE, "a number of loops");
            case "rate" -> perDirectionSize(v, rate);
            case "rate_iops" -> perDirectionSize(v, rateIops);
            case "rate_process" -> poisson = switch (v) {
                case "linear" -> false;
                case "poisson" -> true;
                default -> throw new IllegalArgumentException("expected linear or poisson, got '" + v + "'");
            };
            case "prio" -> prio = intIn(v, 0, 7, "an I/O priority level");
            case "prioclass" -> prioclass = intIn(v, 0, 3, "an I/O priority class (0 none, 1 rt, 2 be, 3 idle)");
            case "cgroup" -> cgroup = v.strip();
            case "cgroup_weight" -> cgroupWeight = intIn(v, 100, 1000, "a cgroup weight");
            case "thinktime" -> thinkNs = nsOf(v, 1);
            case "thinktime_spin" -> thinkSpinNs = nsOf(v, 1);
            case "thinktime_blocks" -> thinkBlocks = intIn(v, 1, Integer.MAX_VALUE, "a number of blocks");
            case "thinktime_blocks_type" -> thinkOnIssue = switch (v) {
                case "complete" -> false;
                case "issue" -> true;
                default -> throw new IllegalArgumentException("expected complete or issue, got '" + v + "'");
            };
            case "random_distribution" -> distribution = distribution(v, o);
            case "random_generator" -> {
                switch (v) {
                    case "tausworthe", "tausworthe64" -> lfsr = false;
                    case "lfsr" -> lfsr = true;
                    default -> throw new IllegalArgumentException("expected tausworthe, lfsr or tausworthe64, got '" + v + "'");
                }
            }
            case "randseed" -> randseed = FioValues.integer(v);
            case "norandommap" -> norandommap = flag(v);
            case "stonewall" -> stonewall = flag(v);
            case "new_group" -> newGroup = flag(v);
            case "group_reporting" -> groupReporting = flag(v);
            case "kb_base" -> kbBase = switch (v) {
                case "1024" -> 1024;
                case "1000" -> 1000;
                default -> throw new IllegalArgumentException("expected 1024 or 1000, got '" + v + "'");
            };
            case "bwavgtime" -> bwAvgNs = intIn(v, 1, Integer.MAX_VALUE, "milliseconds") * 1_000_000L;
            case "iopsavgtime" -> iopsAvgNs = intIn(v, 1, Integer.MAX_VALUE, "milliseconds") * 1_000_000L;
            case "stats" -> stats = FioValues.bool(v);
            case "percentile_list" -> percentiles = percentileList(v);
            case "clat_percentiles" -> clatPercentiles = FioValues.bool(v);
            case "lat_percentiles" -> latPercentiles = FioValues.bool(v);
            case "slat_percentiles" -> slatPercentiles = FioValues.bool(v);
            case "significant_figures" -> sigFigs = intIn(v, 1, 10, "significant figures");
            case "unit_base" -> {
                switch (v) {
                    case "0" -> unitBase = 0;
                    case "8" -> unitBase = 8;
                    case "1" -> unitBase = 1;
                    default -> throw new IllegalArgumentException("expected 0, 1 or 8, got '" + v + "'");
                }
            }
            case "disk_util" -> diskUtil = FioValues.bool(v);
            case "write_lat_log" -> latLog = v == null ? "" : v;
            case "write_bw_log" -> bwLog = v == null ? "" : v;
            case "write_iops_log" -> iopsLog = v == null ? "" : v;
            case "log_avg_msec" -> logAvgMsec = intIn(v, 0, Integer.MAX_VALUE, "milliseconds");
            case "per_job_logs" -> perJobLogs = FioValues.bool(v);
            case "write_iolog" -> iolog = v;
            case "verify" -> verify = switch (v.strip()) {
                case "0" -> "";
                case "md5", "crc64", "crc32", "crc32c", "crc32c-intel", "crc16", "crc7", "sha1", "sha256", "sha512",
                        "sha3-224", "sha3-256", "sha3-384", "sha3-512", "xxhash", "meta", "pattern", "null" -> v.strip();
                default -> throw new IllegalArgumentException("expected 0, md5, crc64, crc32, crc32c, crc32c-intel, crc16,"
                        + " crc7, sha1, sha256, sha512, sha3-224, sha3-256, sha3-384, sha3-512, xxhash, meta, pattern or"
                        + " null, got '" + v + "'");
            };
            case "log_offset" -> logOffset = FioValues.bool(v);
            case "log_prio" -> logPrio = FioValues.bool(v);
            case "do_verify" -> doVerify = FioValues.bool(v);
            case "verify_only" -> verifyOnly = flag(v);
            case "verify_backlog" -> verifyBacklog = FioValues.size(v, kbBase);
            case "verify_backlog_batch" -> verifyBacklogBatch = intIn(v, 0, Integer.MAX_VALUE, "a number of blocks");
            case "verify_pattern" -> verifyPattern = !v.isBlank();
            case "verify_interval", "verify_offset", "verify_fatal", "verify_dump", "verify_state_save" -> { }
            case "gtod_reduce" -> {
                // options.c str_gtod_reduce_cb: one switch for the three latencies.
                boolean b = FioValues.bool(v);
                disableSlat = b;
                disableClat = b;
                disableLat = b;
                clatPercentiles = !b;
            }
            case "disable_lat" -> disableLat = FioValues.bool(v);
            case "disable_clat" -> disableClat = FioValues.bool(v);
            case "disable_slat" -> disableSlat = FioValues.bool(v);
            case "exitall" -> exitall = flag(v);
            case "exitall_on_error" -> exitallOnError = flag(v);
            case "exit_what" -> exitWhat = switch (v.strip()) {
                case "group", "stonewall", "all" -> v.strip();
                default -> throw new IllegalArgumentException("expected group, stonewall or all, got '" + v + "'");
            };
            case "wait_for" -> waitFor = v.strip();
            case "thread", "cgroup_nodelete" -> { }
            case "zonemode", "zonesize", "zonecapacity", "zonerange", "zoneskip", "read_beyond_wp", "max_open_zones",
                 "job_max_open_zones", "ignore_zone_limits", "zone_reset_threshold", "zone_reset_frequency" ->
                    zoneOptions.set(opt, v, kbBase, o.origin());
            default -> {
                if (!extras.set(opt, v, kbBase)) {
                    throw new IllegalStateException("supported option without a handler: " + opt);
                }
            }
        }
    }

    private static long positive(long v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException("expected " + what + " greater than 0, got " + v);
        }
        return v;
    }

    private static List<String> splitFilenames(String v) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() && v.charAt(i + 1) == ':') {
                cur.append(':');
                i++;
            } else if (c == ':') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        out.removeIf(String::isEmpty);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("expected a file name, got '" + v + "'");
        }
        return out;
    }

    private void perDirectionInt(String v, int[] into, int min, int max, String what) {
        String[] d = FioValues.perDirection(v, true);
        for (int i = 0; i < Math.min(3, into.length); i++) {
            if (d[i] != null) {
                into[i] = intIn(d[i], min, max, what);
            }
        }
    }

    private void perDirectionSize(String v, long[] into) {
        FioValues.unsigned(v, "a rate");
        String[] d = FioValues.perDirection(v, true);
        for (int i = 0; i < 3; i++) {
            if (d[i] != null) {
                into[i] = FioValues.size(d[i], kbBase);
            }
        }
    }

    /**
     * file_service_type=roundrobin|sequential|random[:N] (N I/Os per file before switching) or
     * zipf|pareto|normal|gauss[:VALUE[:CENTER]] (options.c str_fst_cb: a distribution over
     * the files, defaults zipf 1.1, pareto 0.2, normal 0; one I/O per choice).
     */
    private void fileService(String v, JobFile.Option o) {
        int colon = v.indexOf(':');
        String kind = colon < 0 ? v : v.substring(0, colon);
        serviceNr = 1;
        serviceDist = null;
        switch (kind) {
            case "roundrobin", "sequential", "random" -> {
                service = kind;
                serviceNr = colon < 0 ? 1 : (int) positive(FioValues.integer(v.substring(colon + 1)), "a number of I/Os");
            }
            case "zipf", "pareto", "normal", "gauss" -> {
                service = kind.equals("gauss") ? "normal" : kind;
                String def = switch (kind) {
                    case "zipf" -> "zipf:1.1";
                    case "pareto" -> "pareto:0.2";
                    default -> "normal:0";
                };
                serviceDist = distribution(colon < 0 ? def : v, o);
            }
            default -> throw new IllegalArgumentException("expected roundrobin, sequential, random, zipf, pareto, normal"
                    + " or gauss, got '" + v + "'");
        }
    }

    /** rw=PATTERN[:N] (options.c str_rw_cb): N is a hole (sequential) or a run length (random). */
    private void rw(String v, JobFile.Option o) {
        int colon = v.indexOf(':');
        String p = colon < 0 ? v : v.substring(0, colon);
        rw = Pattern.parse(p);
        seqAdd = 0;
        seqNr = 1;
        if (colon >= 0) {
            String n = v.substring(colon + 1);
            if (rw.random) {
                seqNr = (int) positive(FioValues.integer(n), "a number of I/Os");
            } else if (n.startsWith("-")) {
                // str_rw_cb: a negative offset reads backwards (rw=read:-8k).
                seqAdd = -FioValues.size(n.substring(1), kbBase);
            } else {
                seqAdd = FioValues.size(n, kbBase);
            }
        }
    }

    /**
     * bssplit=BS/PERC:BS/PERC[,...] (options.c bssplit_ddir): a blank percentage shares out what
     * the others leave; the total may not exceed 100.
     */
    private void bssplit(String v) {
        String[] dirs = FioValues.perDirection(v, false);
        for (int d = 0; d < 3; d++) {
            if (dirs[d] == null) {
                continue;
            }
            List<long[]> entries = new ArrayList<>();
            int perc = 0;
            int missing = 0;
            for (String e : FioValues.split(dirs[d], ':')) {
                if (e.isBlank()) {
                    continue;
                }
                int slash = e.indexOf('/');
                long b = positive(FioValues.size(slash < 0 ? e : e.substring(0, slash), kbBase), "a block size");
                long p = -1;
                if (slash >= 0 && !e.substring(slash + 1).isBlank()) {
                    p = FioValues.integer(e.substring(slash + 1));
                    if (p < 0 || p > 100) {
                        throw new IllegalArgumentException("expected a percentage from 0 to 100 in '" + e + "'");
                    }
                    perc += (int) p;
                } else {
                    missing++;
                }
                entries.add(new long[] {b, p});
            }
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("expected BS/PERCENT entries such as 4k/60:64k/40, got '" + dirs[d] + "'");
            }
            if (entries.size() > 64) {
                throw new IllegalArgumentException("at most 64 bssplit entries per direction");
            }
            if (perc > 100) {
                throw new IllegalArgumentException("bssplit percentages add up to " + perc + "%, more than 100%");
            }
            if (missing == 0 && perc == 0) {
                throw new IllegalArgumentException("bssplit percentages add up to 0%; expected shares of 100% (or a"
                        + " blank percentage, such as 4k/:64k/, for an even split)");
            }
            if (missing == 1 && entries.size() == 1) {
                perc = 100;
            }
            List<JobSpec.Split> split = new ArrayList<>();
            for (long[] e : entries) {
                int p = e[1] < 0 ? (100 - perc) / missing : (int) e[1];
                split.add(new JobSpec.Split(e[0], p));
            }
            // options.c sorts by percentage before lookup.
            split.sort(Comparator.comparingInt(JobSpec.Split::percent));
            bsSplit.set(d, split);
            bsRange[d] = null;
        }
    }

    /** random_distribution=random|zipf:T[:C]|pareto:H[:C]|normal:D[:C]|zoned:...|zoned_abs:... */
    private Distribution distribution(String v, JobFile.Option o) {
        int colon = v.indexOf(':');
        String kind = colon < 0 ? v : v.substring(0, colon);
        String args = colon < 0 ? "" : v.substring(colon + 1);
        switch (kind) {
            case "random":
                return new Distribution.Uniform();
            case "zipf": {
                double[] a = floats(args, kind);
                if (a[0] == 1.0 || a[0] <= 0) {
                    throw new IllegalArgumentException("zipf theta must be positive and not 1, got " + a[0]);
                }
                return new Distribution.Zipf(a[0], a[1]);
            }
            case "pareto": {
                double[] a = floats(args, kind);
                if (a[0] <= 0 || a[0] >= 1) {
                    throw new IllegalArgumentException("pareto h must be between 0 and 1 (exclusive), got " + a[0]);
                }
                return new Distribution.Pareto(a[0], a[1]);
            }
            case "normal", "gauss": {
                double[] a = floats(args, kind);
                if (a[0] < 0 || a[0] > 100) {
                    throw new IllegalArgumentException("normal deviation is a percentage from 0 to 100, got " + a[0]);
                }
                return new Distribution.Normal(a[0], a[1]);
            }
            case "zoned", "zoned_abs":
                return zoned(args, kind.equals("zoned_abs"));
            default:
                throw new IllegalArgumentException("expected random, zipf:THETA, pareto:H, normal:DEV, zoned:... or"
                        + " zoned_abs:..., got '" + v + "'");
        }
    }

    private static double[] floats(String args, String kind) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(kind + " needs a parameter, e.g. " + kind + ":1.2");
        }
        List<String> p = FioValues.split(args, ':');
        if (p.size() > 2) {
            throw new IllegalArgumentException("expected " + kind + ":VALUE[:CENTER], got '" + kind + ":" + args + "'");
        }
        double center = -1;
        if (p.size() == 2) {
            center = FioValues.real(p.get(1));
            if (center < 0 || center > 1) {
                throw new IllegalArgumentException("the centre of " + kind + " is a fraction from 0 to 1, got " + center);
            }
        }
        return new double[] {FioValues.real(p.get(0)), center};
    }

    /** zoned:ACCESS/SIZE%:... per direction, or zoned_abs:ACCESS/BYTES:... (options.c str_random_distribution_cb). */
    private Distribution zoned(String args, boolean absolute) {
        String[] dirs = FioValues.perDirection(args, false);
        List<List<Distribution.Zone>> zones = new ArrayList<>(List.of(List.of(), List.of()));
        for (int d = 0; d < 2; d++) {
            if (dirs[d] == null) {
                continue;
            }
            // options.c split_parse_ddir + zone_split_ddir: an empty entry ends the list; a
            // size left out or 0 ("20/", "20") shares out what the others leave.
            List<long[]> entries = new ArrayList<>();
            int access = 0;
            int sizes = 0;
            int missing = 0;
            for (String e : FioValues.split(dirs[d], ':')) {
                if (e.isEmpty()) {
                    break;
                }
                int slash = e.indexOf('/');
                int a = (int) FioValues.integer(slash < 0 ? e : e.substring(0, slash));
                String sz = slash < 0 ? "" : e.substring(slash + 1);
                long size;
                if (absolute) {
                    size = sz.isEmpty() ? 0 : positive(FioValues.size(sz, kbBase), "a zone size");
                } else {
                    String n = sz.endsWith("%") ? sz.substring(0, sz.length() - 1) : sz;
                    size = n.isEmpty() ? 0 : Math.min(100, FioValues.integer(n));
                    if (size <= 0) {
                        missing++;
                        size = -1;
                    } else {
                        sizes += (int) size;
                    }
                }
                entries.add(new long[] {a, size});
                access += a;
            }
            if (access != 100) {
                throw new IllegalArgumentException("zone access percentages must add up to 100, they add up to " + access);
            }
            if (!absolute && sizes > 100) {
                throw new IllegalArgumentException("zone sizes add up to " + sizes + "%, more than 100%");
            }
            if (missing == 1 && entries.size() == 1) {
                sizes = 100;
            }
            List<Distribution.Zone> z = new ArrayList<>();
            for (long[] e : entries) {
                if (absolute) {
                    z.add(new Distribution.Zone((int) e[0], 0, e[1]));
                } else {
                    z.add(new Distribution.Zone((int) e[0], e[1] < 0 ? (100 - sizes) / missing : (int) e[1], 0));
                }
            }
            zones.set(d, z);
        }
        if (zones.get(0).isEmpty() && zones.get(1).isEmpty()) {
            throw new IllegalArgumentException("zoned needs at least one zone");
        }
        List<Distribution.Zone> read = zones.get(0).isEmpty() ? zones.get(1) : zones.get(0);
        List<Distribution.Zone> write = zones.get(1).isEmpty() ? read : zones.get(1);
        return new Distribution.Zoned(read, write, absolute);
    }

    private static List<Double> percentileList(String v) {
        List<Double> out = new ArrayList<>();
        for (String p : FioValues.split(v, ':')) {
            double d = FioValues.real(p);
            if (!(d > 0 && d <= 100)) {
                throw new IllegalArgumentException("percentiles must be above 0 and at most 100, got " + p);
            }
            out.add(d);
        }
        if (out.size() > 20) {
            throw new IllegalArgumentException("at most 20 percentiles (fio's FIO_IO_U_LIST_MAX_LEN), got " + out.size());
        }
        out.sort(Double::compare);
        return out;
    }

    // ------------------------------------------------------------------ fix-ups and the spec

    private JobSpec build(List<JobFile.Option> own) {
        if (timeBased && runtimeNs == 0) {
            // fixup_options (init.c): fio says so and runs the job without time_based.
            warnings.add(timeBasedOrigin + ": time_based requires a runtime/timeout setting; fio turns time_based"
                    + " off, and so does StackSim");
            timeBased = false;
        }
        if (engine.fioName().equals("cpuio")) {
            cpuioInit();
        }
        if (engine.fioName().equals("e4defrag") && engineOptions.getOrDefault("donorname", "").isEmpty()) {
            // engines/e4defrag.c fio_e4defrag_init fails the job without one
            throw ConfigException.at(origins.get(""), "job '" + name + "': ioengine=e4defrag needs donorname= (the"
                    + " donor file whose blocks it swaps in: fio's \"'donorname' options required\")");
        }
        if (extras.offload() && engine.fioName().equals("io_uring")) {
            // ioengines.c check_engine_ops: FIO_NO_OFFLOAD
            throw ConfigException.at(origins.get("io_submit_mode"), "job '" + name + "': io_uring can't be used with"
                    + " offloaded submit (io_submit_mode=offload); use a sync engine, as fio says");
        }
        if (extras.offload() && engine.fioName().equals("posixaio")) {
            throw ConfigException.at(origins.get("io_submit_mode"), "job '" + name + "': io_submit_mode=offload with"
                    + " ioengine=posixaio is not modelled (its submit workers would each need glibc's aio helper"
                    + " threads of their own)");
        }
        String dedupe = extras.dedupeProblem(size != null, nrfiles);
        if (dedupe != null) {
            throw ConfigException.at(origins.get("dedupe_mode"), "job '" + name + "': " + dedupe + ", as fio says");
        }
        String minAbove = extras.minRateAboveRate(rate, rateIops);
        if (minAbove != null) {
            // fixup_options: "fio: minimum rate exceeds rate, ddir N"
            Origin at = origins.containsKey("rate_min") ? origins.get("rate_min") : origins.get("rate_iops_min");
            throw ConfigException.at(at, "job '" + name + "': the minimum rate (rate_min, rate_iops_min) exceeds the rate"
                    + " (rate, rate_iops) for " + minAbove + ", as fio refuses it");
        }
        // init.c fixup_options.
        if (batchSubmit == 0 || batchSubmit > iodepth) {
            batchSubmit = iodepth;
        }
        if (batchCompleteMax == 0 || batchCompleteMax > iodepth) {
            batchCompleteMax = iodepth;
        }
        if (batchCompleteMax < batchCompleteMin) {
            batchCompleteMax = batchCompleteMin;
        }
        if (depthLow == 0 || depthLow > iodepth) {
            depthLow = iodepth;
        }
        JobSpec.BlockSize[] sizes = new JobSpec.BlockSize[3];
        for (int d = 0; d < 3; d++) {
            long min = bs[d];
            long max = bs[d];
            List<JobSpec.Split> split = bsSplit.get(d);
            if (bsRange[d] != null) {
                min = bsRange[d][0];
                max = bsRange[d][1];
            } else if (!split.isEmpty()) {
                min = split.stream().mapToLong(JobSpec.Split::bs).min().orElseThrow();
                max = split.stream().mapToLong(JobSpec.Split::bs).max().orElseThrow();
            }
            sizes[d] = new JobSpec.BlockSize(min, max, split, blockAlign[d] > 0 ? blockAlign[d] : min);
        }
        if (syncFileRange > 0 && !List.of("sync", "psync", "vsync", "pvsync", "pvsync2", "libaio").contains(engine.fioName())) {
            throw ConfigException.at(origins.get("sync_file_range"), "'sync_file_range': simulated with ioengine sync,"
                    + " psync, vsync, pvsync, pvsync2 or libaio (do_io_u_sync), not " + engine.fioName());
        }
        boolean randomMap = !norandommap && distribution instanceof Distribution.Uniform;
        Map<String, String> printed = printed(own);
        return new JobSpec(name,
                new JobSpec.Files(filenames, directory, nrfiles, size, filesizeMin, filesizeMax, offset, offsetIncrement,
                        service, serviceNr, new JobSpec.Layout(filenameFormat, serviceDist, openFiles, createOnOpen,
                                createSerialize, createFsync, fallocate, unlink, unlinkEachLoop, fileAppend,
                                allowFileCreate, overwrite, createOnly)),
                new JobSpec.Access(rw, seqAdd, seqNr, identicalSeq, rwmixread, List.of(percRandom[0], percRandom[1], percRandom[2]),
                        new JobSpec.BlockSizes(sizes[0], sizes[1], sizes[2], bsUnaligned), distribution, randomMap, randseed,
                        lfsr && distribution instanceof Distribution.Uniform),
                new JobSpec.Engine(IoEngines.atDepth(engine, iodepth), iodepth, batchSubmit, batchCompleteMin, batchCompleteMax, depthLow, direct,
                        fadvise),
                new JobSpec.Limits(ioSize, numberIos, runtimeNs, timeBased, rampNs, startDelayNs, loops),
                new JobSpec.Pacing(List.of(rate[0], rate[1], rate[2]), List.of(rateIops[0], rateIops[1], rateIops[2]), poisson, thinkNs,
                        thinkSpinNs, thinkBlocks, thinkOnIssue),
                new JobSpec.Sync(syncMode, fsync, fdatasync, endFsync, fsyncOnClose, syncFileRange, syncFileRangeFlags),
                new JobSpec.Cache(invalidate && !preRead, preRead),
                new JobSpec.Reporting(groupReporting, stonewall, newGroup, percentiles, clatPercentiles, latPercentiles,
                        slatPercentiles, kbBase,
                        // init.c: unit_base 0 is bits for an engine flagged FIO_BIT_BASED (net), else bytes
                        unitBase != 0 ? unitBase : engine.fioName().equals("net") ? 1 : 8, sigFigs, stats, diskUtil, description, bwAvgNs, iopsAvgNs,
                        new JobSpec.Logs(latLog, bwLog, iopsLog, logAvgMsec, perJobLogs, iolog, logOffset, logPrio), printed),
                numjobs, placement(), new JobSpec.Control(verifySpec(), exitall, exitWhat, exitallOnError, waitFor,
                        disableSlat, disableClat, disableLat, engineOptions), new JobSpec.Origins(origins),
                extras.build(kbBase, origins.containsKey("randseed"), rw.reads),
                zbdTrims(zoneOptions.build(createSerialize, openFiles, origins.get(""))));
    }

    /** zbd_do_io_u_trim (a trim resets the zones it covers whole) is not simulated: a trim job in zonemode=zbd is refused. */
    private io.stacksim.workload.ZoneSpec zbdTrims(io.stacksim.workload.ZoneSpec z) {
        if (rw.trims && z.mode() == io.stacksim.workload.ZoneSpec.Mode.ZBD) {
            Origin at = origins.containsKey("rw") ? origins.get("rw") : origins.get("readwrite");
            notModelled(new JobFile.Option("rw", rw.fioName(), at != null ? at : origins.get("")),
                    "rw=" + rw.fioName() + " with zonemode=zbd (fio's zbd_do_io_u_trim: zone resets) is not modelled");
        }
        return z;
    }

    /**
     * engines/cpu.c fio_cpuio_init: cpuload is required (capped at 100); the job thinks
     * cpuchunks x (100 - cpuload) / cpuload us after every unit, without spinning, on one file;
     * FIO_NOIO needs no size (the region StackSim walks is never read).
     */
    private void cpuioInit() {
        String load = engineOptions.get("cpuload");
        if (load == null || load.equals("0")) {
            throw ConfigException.at(origins.get(""), "job '" + name + "': ioengine=cpuio needs cpuload= (cpu thread needs"
                    + " rate, as fio says)");
        }
        long l = Long.parseLong(load);
        long cycle = Long.parseLong(engineOptions.getOrDefault("cpuchunks", "50000"));
        thinkNs = cycle * (100 - l) / l * 1000;
        thinkBlocks = 1;
        thinkSpinNs = 0;
        thinkOnIssue = false;
        nrfiles = 1;
        openFiles = 1;
        if (size == null) {
            size = JobSpec.Size.bytes(1L << 30);
        }
    }

    /** The verify family; verify_pattern alone means verify=pattern (options.c str_verify_pattern_cb). */
    private JobSpec.Verify verifySpec() {
        String alg = verify.isEmpty() && verifyPattern ? "pattern" : verify;
        return new JobSpec.Verify(alg, 0, verifyBacklog, verifyBacklogBatch, doVerify, verifyOnly, false, 0);
    }

    /**
     * fio's prio/prioclass: the job's process calls ioprio_set when either is nonzero
     * (backend.c), with class best-effort when none is given (os-linux.h ioprio_value) and level
     * 0 by default; and cgroup/cgroup_weight: the job runs in that cgroup, whose weight fio
     * writes, which bfq reads as the cgroup's bfq weight.
     */
    private JobSpec.Placement placement() {
        int level = Math.max(prio, 0);
        int cls = prioclass > 0 || level > 0 ? (prioclass > 0 ? prioclass : 2) : 0;
        String cg = cgroup == null || cgroup.isEmpty() ? "/" : (cgroup.startsWith("/") ? cgroup : "/" + cgroup);
        int w = cgroupWeight > 0 ? cgroupWeight : 100;
        List<List<JobSpec.PrioSplit>> splits = cmdprioSplits();
        boolean perc = cmdprioPercentage[0] > 0 || cmdprioPercentage[1] > 0;
        if (perc && (!splits.get(0).isEmpty() || !splits.get(1).isEmpty())) {
            // fio_cmdprio_init: "cmdprio_percentage and cmdprio_bssplit options are mutually exclusive"
            throw ConfigException.at(cmdprioOrigin.origin(), "'" + display(cmdprioOrigin)
                    + "': cmdprio_percentage and cmdprio_bssplit are mutually exclusive");
        }
        JobSpec.CmdPrio cmd = new JobSpec.CmdPrio(List.of(cmdprioPercentage[0], cmdprioPercentage[1]),
                List.of(cmdprioClass[0], cmdprioClass[1]), List.of(cmdprioLevel[0], cmdprioLevel[1]), splits);
        return new JobSpec.Placement(cls, level, cg, w, cmd.active() ? cmd : JobSpec.CmdPrio.NONE);
    }
}
