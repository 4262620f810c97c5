package io.stacksim.workload.fio;

import io.stacksim.workload.FioErrors;
import io.stacksim.workload.JobExtras;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@link JobExtras} for one job, as fio's options.c parses them: which options
 * they are (and whether each changes the simulation or only the report) and their values.
 * {@link JobTranslator} hands every option of this table here.
 */
final class ExtraOptions {
    /** The options read here and what StackSim does with each. */
    static final Map<String, FioOptions.Support> SUPPORT = new LinkedHashMap<>();

    static {
        for (String n : new String[] {"write_hist_log", "log_hist_msec", "log_hist_coarseness", "error_dump"}) {
            SUPPORT.put(n, FioOptions.Support.REPORT);
        }
        for (String n : new String[] {"continue_on_error", "ignore_error", "latency_target", "latency_window",
            "latency_percentile", "latency_run", "flow", "flow_id", "flow_sleep", "steadystate",
            "steadystate_duration", "steadystate_ramp_time", "buffer_pattern", "rate_min", "rate_iops_min",
            "rate_cycle", "fill_device", "io_submit_mode", "verify_async", "refill_buffers", "buffer_compress_percentage",
            "buffer_compress_chunk", "dedupe_percentage", "dedupe_mode", "dedupe_working_set_percentage",
            "dedupe_global"}) {
            SUPPORT.put(n, FioOptions.Support.MODELLED);
        }
    }

    static {
        // The simulated machine has one NUMA node (io.stacksim.os.Cpus has no nodes: every CPU
        // and all memory are node 0's), so a valid node list changes nothing.
        SUPPORT.put("numa_cpu_nodes", FioOptions.Support.NO_EFFECT);
        SUPPORT.put("numa_mem_policy", FioOptions.Support.NO_EFFECT);
    }

    /**
     * Why an engine fio has is not simulated, where the stack lacks what it needs (null: no
     * particular reason beyond not being written yet).
     */
    static String refusal(String engine) {
        String pmem = "it needs persistent memory mapped into the process (loads, stores and cache-line"
                + " flushes with no block layer), and every StackSim device is a block device behind the block"
                + " layer; no persistent-memory (DAX) model yet";
        return switch (engine) {
            case "dev-dax" -> "ioengine dev-dax mmaps a device-DAX node (/dev/daxX.Y): " + pmem;
            case "libpmem" -> "ioengine libpmem mmaps files of a DAX-mounted file system (ext4 -o dax) and copies"
                    + " with libpmem: " + pmem;
            case "pmemblk" -> "ioengine pmemblk uses a libpmemblk pool on persistent memory: " + pmem;
            case "mtd" -> "ioengine mtd drives a raw flash device (/dev/mtdX: erase blocks, page programs, bad"
                    + " blocks) through libmtd, and StackSim's flash devices (the ssd and nvme profiles) sit behind"
                    + " their FTL and the block layer; no raw-NAND (MTD) model yet";
            case "http" -> "ioengine http needs an HTTP (S3, Swift or WebDAV) server, which StackSim does not simulate";
            case "rdma" -> "ioengine rdma needs an RDMA fabric and its peer, which StackSim does not simulate";
            case "rbd", "rados" -> "ioengine " + engine + " needs a Ceph cluster, which StackSim does not simulate";
            case "nfs" -> "ioengine nfs needs an NFS server, which StackSim does not simulate";
            case "libiscsi" -> "ioengine libiscsi needs an iSCSI target, which StackSim does not simulate";
            case "nbd" -> "ioengine nbd needs an NBD server, which StackSim does not simulate";
            case "gfapi", "gfapi_async" -> "ioengine " + engine + " needs a GlusterFS volume, which StackSim does not"
                    + " simulate";
            default -> null;
        };
    }

    private String histPrefix;
    private long histMsec;
    private int histCoarseness;
    private int continueMask;
    private final List<List<Integer>> ignore = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
    private long latencyTargetUs;
    private long latencyWindowUs;
    private double latencyPercentile = 100;
    private boolean latencyRun;
    private int flow;
    private int flowId;
    private long flowSleepUs;
    /** fio's .def of steadystate: iops_slope:0.01%. */
    private String ss = "iops_slope:0.01%";
    private long ssDurUs;
    private long ssRampUs;
    private boolean randrepeat = true;
    private String bufferPattern;
    private final long[] rateMin = new long[2];
    private final long[] rateIopsMin = new long[2];
    /** rate_cycle's .def. */
    private long rateCycleMs = 1000;
    private boolean fillDevice;
    private boolean offload;
    private int verifyAsync;
    private Boolean refillBuffers;
    private int compressPercentage;
    private int dedupePercentage;
    private boolean dedupeWorkingSet;
    /** dedupe_working_set_percentage's .def. */
    private int dedupeWorkingSetPercentage = 5;

    /** Takes option {@code opt} (fio's canonical name) with value {@code v}; false if it is not one of these. */
    boolean set(String opt, String v, int kbBase) {
        switch (opt) {
            // options.c str_write_hist_log_cb: a bare write_hist_log names the log after the job.
            case "write_hist_log" -> histPrefix = v == null ? "" : v;
            case "log_hist_msec" -> histMsec = intIn(v, kbBase, 0, Integer.MAX_VALUE, "milliseconds");
            // .maxval = FIO_IO_U_PLAT_BITS
            case "log_hist_coarseness" -> histCoarseness = (int) intIn(v, kbBase, 0, 6, "a coarseness");
            case "error_dump" -> FioValues.bool(v);
            case "continue_on_error" -> continueMask = switch (v.strip()) {
                case "none", "0" -> 0;
                case "read" -> 1;
                case "write" -> 2;
                case "io" -> 3;
                case "verify" -> 4;
                case "all", "1" -> 0xffff;
                default -> throw new IllegalArgumentException("expected none, read, write, io, verify, all, 0 or 1, got '"
                        + v + "'");
            };
            case "ignore_error" -> ignoreError(v);
            case "latency_target" -> latencyTargetUs = FioValues.timeUs(v, 1);
            case "latency_window" -> latencyWindowUs = FioValues.timeUs(v, 1);
            case "latency_percentile" -> {
                latencyPercentile = FioValues.real(FioValues.split(v, ':').get(0));
                if (latencyPercentile < 0 || latencyPercentile > 100) {
                    throw new IllegalArgumentException("expected a percentile from 0 to 100, got " + v);
                }
            }
            case "latency_run" -> latencyRun = FioValues.bool(v);
            // FLOW_MAX_WEIGHT 1000
            case "flow" -> flow = (int) intIn(v, kbBase, 0, 1000, "a flow weight");
            case "flow_id" -> flowId = (int) intIn(v, kbBase, 0, Integer.MAX_VALUE, "a flow id");
            case "flow_sleep" -> flowSleepUs = intIn(v, kbBase, 0, Integer.MAX_VALUE, "microseconds");
            case "steadystate" -> ss = checkSs(v.strip(), kbBase);
            // is_seconds: a bare number is seconds.
            case "steadystate_duration" -> ssDurUs = FioValues.timeUs(v, 1_000_000);
            case "steadystate_ramp_time" -> ssRampUs = FioValues.timeUs(v, 1_000_000);
            case "randrepeat" -> randrepeat = FioValues.bool(v);
            case "buffer_pattern" -> {
                if (v.isBlank()) {
                    throw new IllegalArgumentException("expected a pattern (0x hex bytes, a \"string\" or a number)");
                }
                bufferPattern = v.strip();
            }
            // FIO_OPT_ULL / FIO_OPT_INT with off1..off3: per direction, the normal size suffixes.
            case "rate_min" -> perDirection(v, kbBase, rateMin);
            case "rate_iops_min" -> perDirection(v, kbBase, rateIopsMin);
            case "rate_cycle" -> rateCycleMs = intIn(v, kbBase, 0, Integer.MAX_VALUE, "milliseconds");
            case "fill_device" -> fillDevice = FioValues.bool(v);
            case "refill_buffers" -> refillBuffers = v == null || FioValues.bool(v);
            case "buffer_compress_percentage" -> compressPercentage = (int) intIn(v, kbBase, 0, 100, "a percentage");
            case "buffer_compress_chunk" -> intIn(v, kbBase, 0, Integer.MAX_VALUE, "a chunk size");
            case "dedupe_percentage" -> dedupePercentage = (int) intIn(v, kbBase, 0, 100, "a percentage");
            case "dedupe_working_set_percentage" -> dedupeWorkingSetPercentage = (int) intIn(v, kbBase, 0, 100,
                    "a percentage");
            case "dedupe_global" -> FioValues.bool(v);
            case "dedupe_mode" -> dedupeWorkingSet = switch (v.strip()) {
                case "repeat" -> false;
                case "working_set" -> true;
                default -> throw new IllegalArgumentException("expected repeat or working_set, got '" + v + "'");
            };
            case "numa_cpu_nodes" -> nodes(v.strip());
            case "numa_mem_policy" -> memPolicy(v.strip());
            case "verify_async" -> verifyAsync = (int) intIn(v, kbBase, 0, 4096, "a number of threads");
            case "io_submit_mode" -> offload = switch (v.strip()) {
                case "inline" -> false;
                case "offload" -> true;
                default -> throw new IllegalArgumentException("expected inline or offload, got '" + v + "'");
            };
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * libnuma's numa_parse_nodestring over the simulated machine's one node: "all", or a
     * comma-separated list of nodes and ranges, each of which must be node 0 (libnuma: "node
     * argument 1 out of range", and fio drops the job).
     */
    private static void nodes(String list) {
        if (list.equals("all")) {
            return;
        }
        for (String part : list.split(",", -1)) {
            String[] ends = part.split("-", -1);
            if (ends.length > 2 || part.isEmpty()) {
                throw new IllegalArgumentException("expected a NUMA node list such as 0, 0-1 or all, got '" + list + "'");
            }
            for (String e : ends) {
                long n;
                try {
                    n = Long.parseLong(e.strip());
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("expected a NUMA node list such as 0, 0-1 or all, got '" + list
                            + "'");
                }
                if (n != 0) {
                    throw new IllegalArgumentException("node " + n + " does not exist: the simulated machine has one NUMA"
                            + " node, node 0 (libnuma: node argument " + n + " out of range; fio drops the job)");
                }
            }
        }
    }

    /** options.c str_numa_mpol_cb: MODE[:NODES], prefer with one node, bind with a list, local and default with none. */
    private static void memPolicy(String v) {
        int colon = v.indexOf(':');
        String mode = colon < 0 ? v : v.substring(0, colon);
        String list = colon < 0 ? null : v.substring(colon + 1);
        switch (mode) {
            case "prefer" -> {
                if (list == null) {
                    throw new IllegalArgumentException("one node is needed for 'prefer'");
                }
                if (!list.matches("[0-9]+")) {
                    throw new IllegalArgumentException("one node only for 'prefer'");
                }
            }
            case "bind" -> {
                if (list == null) {
                    throw new IllegalArgumentException("a nodelist is needed for 'bind'");
                }
            }
            case "local", "default" -> {
                if (list != null) {
                    throw new IllegalArgumentException("NO nodelist for '" + mode + "'");
                }
            }
            case "interleave" -> {
            }
            default -> throw new IllegalArgumentException("memory policy should be: default, prefer, bind, interleave,"
                    + " local");
        }
        if (list != null) {
            nodes(list);
        }
    }

    private static void perDirection(String v, int kbBase, long[] into) {
        FioValues.unsigned(v, "a rate");
        String[] d = FioValues.perDirection(v, true);
        for (int i = 0; i < 2; i++) {
            if (d[i] != null) {
                into[i] = FioValues.size(d[i], kbBase);
            }
        }
    }

    /**
     * fixup_options' dedupe working set checks: null when they hold, else fio's complaint.
     *
     * @param sizeSet size= was given
     * @param nrfiles the job's number of files
     */
    String dedupeProblem(boolean sizeSet, int nrfiles) {
        if (dedupePercentage == 0 || !dedupeWorkingSet) {
            return null;
        }
        if (!sizeSet) {
            return "pregenerated dedupe working set requires size to be set";
        }
        if (nrfiles != 1) {
            return "dedupe working set mode supported with single file per job, but " + nrfiles + " files provided";
        }
        if (dedupeWorkingSetPercentage + dedupePercentage > 100) {
            return "impossible to reach expected dedupe percentage " + dedupePercentage + " since "
                    + dedupeWorkingSetPercentage + " percentage of size is reserved to dedupe working set (those are"
                    + " unique pages)";
        }
        return null;
    }

    /**
     * fixup_options and fill_io_buffer: the share of a write's buffer filled with new random
     * data each time. buffer_compress_percentage=100 zeroes the buffers once (zero_buffers);
     * below 100 it sets refill_buffers unless the job set it, and that share is random.
     */
    private double refillRandom() {
        int c = compressPercentage;
        boolean refill = refillBuffers != null ? refillBuffers : c > 0 && c < 100;
        if (!refill || c == 100) {
            return 0;
        }
        return (100 - c) / 100.0;
    }

    /** io_submit_mode=offload. */
    boolean offload() {
        return offload;
    }

    /**
     * fixup_options: a minimum above the rate of its direction is an error ("minimum rate
     * exceeds rate"); null when it is not, else the direction's name.
     */
    String minRateAboveRate(long[] rate, long[] rateIops) {
        for (int d = 0; d < 2; d++) {
            if ((rate[d] > 0 && rate[d] < rateMin[d]) || (rateIops[d] > 0 && rateIops[d] < rateIopsMin[d])) {
                return d == 0 ? "reads" : "writes";
            }
        }
        return null;
    }

    /** options.c str_ignore_error_cb: READ_LIST,WRITE_LIST,VERIFY_LIST, each E-names or numbers split by ':'. */
    private void ignoreError(String v) {
        String[] types = v.strip().split(",", -1);
        if (types.length > 3) {
            throw new IllegalArgumentException("expected at most three lists (read,write,verify), got '" + v + "'");
        }
        for (int t = 0; t < types.length; t++) {
            List<Integer> errs = new ArrayList<>();
            for (String e : types[t].split(":", -1)) {
                if (e.isEmpty()) {
                    break;
                }
                int n = e.startsWith("E") ? FioErrors.byName(e) : Math.abs(parseIntOrZero(e));
                if (n == 0) {
                    throw new IllegalArgumentException("unknown error " + e + ", please use number value");
                }
                errs.add(n);
            }
            if (!errs.isEmpty()) {
                // ignore_error_type: a list also turns continue_on_error on for its type.
                continueMask |= 1 << t;
                ignore.set(t, errs);
            }
        }
    }

    private static int parseIntOrZero(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String checkSs(String v, int kbBase) {
        int colon = v.indexOf(':');
        String kind = colon < 0 ? v : v.substring(0, colon);
        if (!List.of("iops", "iops_slope", "bw", "bw_slope").contains(kind)) {
            throw new IllegalArgumentException("expected iops, iops_slope, bw or bw_slope with :LIMIT, got '" + v + "'");
        }
        if (colon < 0) {
            throw new IllegalArgumentException("steadystate threshold must be specified in addition to criterion");
        }
        limit(kind, v.substring(colon + 1), kbBase);
        return v;
    }

    /** str_steadystate_cb: LIMIT% sets FIO_SS_PCT; else a float (iops) or a size (bw). */
    private static double limit(String kind, String nr, int kbBase) {
        if (nr.contains("%")) {
            return FioValues.real(nr.substring(0, nr.indexOf('%')).strip());
        }
        return kind.startsWith("iops") ? FioValues.real(nr) : FioValues.size(nr, kbBase);
    }

    private static long intIn(String v, int kbBase, long min, long max, String what) {
        long n = FioValues.intWithSuffix(v, kbBase);
        if (n < min || n > max) {
            throw new IllegalArgumentException("expected " + what + " from " + min + " to " + max + ", got " + n);
        }
        return n;
    }

    /** @param randseedSet randseed= was given: it overrides randrepeat (init.c setup_random_seeds) */
    JobExtras build(int kbBase, boolean randseedSet, boolean reads) {
        JobExtras.HistLogSpec hist = histPrefix == null ? null
                : new JobExtras.HistLogSpec(histPrefix, histMsec, histCoarseness);
        JobExtras.Errors errors = continueMask == 0 && ignore.stream().allMatch(List::isEmpty) ? JobExtras.Errors.NONE
                : new JobExtras.Errors(continueMask, ignore);
        JobExtras.LatencyTarget lat = latencyTargetUs > 0
                ? new JobExtras.LatencyTarget(latencyTargetUs * 1000, latencyWindowUs, latencyPercentile, latencyRun)
                : null;
        JobExtras.Flow fl = flow > 0 ? new JobExtras.Flow(flow, flowId, flowSleepUs) : null;
        JobExtras.SteadyStateSpec st = null;
        // td_steadystate_init: ss_dur in whole seconds; 0 = off.
        int durS = (int) (ssDurUs / 1_000_000L);
        if (durS > 0) {
            String kind = ss.substring(0, ss.indexOf(':'));
            String nr = ss.substring(ss.indexOf(':') + 1);
            st = new JobExtras.SteadyStateSpec(kind.startsWith("iops"), kind.endsWith("_slope"), nr.contains("%"),
                    limit(kind, nr, kbBase), durS, ssRampUs);
        }
        // str_buffer_pattern_cb: refill_buffers only when the job also reads (its reads could
        // overwrite the pattern in the shared buffers); a write-only job fills them once.
        JobExtras.MinRate minRate = rateMin[0] + rateMin[1] + rateIopsMin[0] + rateIopsMin[1] == 0 ? null
                : new JobExtras.MinRate(List.of(rateMin[0], rateMin[1]), List.of(rateIopsMin[0], rateIopsMin[1]),
                        rateCycleMs);
        return new JobExtras(hist, errors, lat, fl, st, randrepeat || randseedSet, bufferPattern != null && reads,
                minRate, fillDevice, offload, refillRandom(), bufferPattern, verifyAsync);
    }
}
