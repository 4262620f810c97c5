package io.stacksim.workload.fio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every option fio 3.33 knows, and what StackSim does with each: simulate it, use it only for
 * the report, accept it as having nothing to simulate, or reject it as not modelled. The global
 * options come from {@code fio-3.33-options.txt} ({@code fio --cmdhelp=all} and options.c), the
 * engine-specific ones, per engine, from {@code fio-3.33-engine-options.txt} (fio's
 * engines/*.c, listed by examples/fio-examples/engine-options.py); the options fio's tiobench
 * and act profiles add to its table are known too. A name in neither list is a typo and always
 * an error.
 */
public final class FioOptions {
    /** What StackSim does with an option. */
    public enum Support {
        /** Changes what is simulated. */
        MODELLED,
        /** Changes only what the report shows (percentiles, logs, units). */
        REPORT,
        /** Accepted: nothing in the simulation depends on it (e.g. thread vs process). */
        NO_EFFECT,
        /** fio says it is deprecated and ignores it; StackSim does the same, with a warning. */
        DEPRECATED,
        /** fio knows it, StackSim does not simulate it: an error, or a warning with --lenient. */
        NOT_MODELLED
    }

    /** Where fio declares an option. */
    public enum Scope {
        /** fio's own table (options.c): valid in any job. */
        GLOBAL,
        /** An engine's table: valid only with one of {@link Def#engines()}. */
        ENGINE,
        /** Added by a profile (profiles/tiobench.c, act.c): accepted, used only by {@code --profile}. */
        PROFILE
    }

    /**
     * One option.
     *
     * @param name    fio's name
     * @param alias   its other name, or null
     * @param flag    FIO_OPT_STR_SET: the value may be left out ({@code time_based})
     * @param support what StackSim does with it (for an engine option: with an engine StackSim simulates)
     * @param prio    fio's parse priority: higher first ({@code kb_base} 1, {@code filename} -1),
     *                which is also the order fio prints options back in
     * @param scope   fio's table the option is in
     * @param engines for {@link Scope#ENGINE}: the engines whose table has it, in name order
     * @param type    fio's type as the resource lists it (flag, bool, int, size, time, str, string, ...)
     */
    public record Def(String name, String alias, boolean flag, Support support, int prio, Scope scope,
                      java.util.List<String> engines, String type) {
        /**
         * The value may be left out: FIO_OPT_STR_SET, and FIO_OPT_STR, whose callback gets NULL
         * (parse.c __handle_option: a bare {@code write_bw_log} names the log after the job).
         */
        public boolean valueOptional() {
            return flag || type.equals("str");
        }

        /** The engines as a message names them ("net, netsplice or rdma"). */
        public String engineList() {
            if (engines.size() == 1) {
                return engines.get(0);
            }
            return String.join(", ", engines.subList(0, engines.size() - 1)) + " or " + engines.get(engines.size() - 1);
        }
    }

    private static final Map<String, Support> SUPPORTED = new LinkedHashMap<>();
    /** Engine options StackSim simulates, as "engine:option". */
    private static final Map<String, Support> ENGINE_SUPPORTED = new LinkedHashMap<>();

    static {
        for (String n : new String[] {"name", "filename", "directory", "size", "filesize", "nrfiles", "offset",
            "offset_increment", "file_service_type", "rw", "rw_sequencer", "rwmixread", "rwmixwrite",
            "percentage_random", "bs", "ba", "bsrange", "bssplit", "bs_unaligned", "iodepth", "iodepth_batch",
            "iodepth_batch_complete_min", "iodepth_batch_complete_max", "iodepth_low", "numjobs", "ioengine",
            "direct", "buffered", "sync", "fsync", "fdatasync", "sync_file_range", "end_fsync", "fsync_on_close", "invalidate",
            "pre_read", "fadvise_hint", "runtime", "time_based", "ramp_time", "startdelay", "number_ios", "io_size",
            "loops", "rate", "rate_iops", "rate_process", "thinktime", "thinktime_spin", "thinktime_blocks",
            "thinktime_blocks_type", "random_distribution", "random_generator", "randseed", "randrepeat",
            "norandommap", "stonewall", "new_group", "group_reporting", "kb_base", "bwavgtime", "iopsavgtime",
            "stats", "prio", "prioclass", "cgroup", "cgroup_weight", "filename_format", "openfiles",
            "allow_file_create", "exitall", "exit_what", "exitall_on_error", "wait_for", "verify", "do_verify",
            "verify_only", "verify_backlog", "verify_backlog_batch", "verify_pattern", "zonemode", "zonesize",
            "zonecapacity", "zonerange", "zoneskip", "read_beyond_wp", "max_open_zones", "job_max_open_zones",
            "ignore_zone_limits", "zone_reset_threshold", "zone_reset_frequency", "create_on_open",
            "create_serialize", "create_fsync", "create_only", "fallocate", "overwrite", "unlink", "unlink_each_loop",
            "file_append"}) {
            SUPPORTED.put(n, Support.MODELLED);
        }
        for (String n : new String[] {"description", "percentile_list", "clat_percentiles", "lat_percentiles",
            "slat_percentiles", "significant_figures", "unit_base", "disk_util", "write_lat_log", "write_bw_log",
            "write_iops_log", "log_avg_msec", "per_job_logs", "write_iolog", "log_offset", "log_prio", "gtod_reduce", "disable_lat", "disable_clat",
            "disable_slat"}) {
            SUPPORTED.put(n, Support.REPORT);
        }
        // verify_interval/offset: the checksums cover the same bytes; verify_fatal/dump: simulated
        // devices return what was written, so no verify can fail; verify_state_save: fio saves
        // the state only when a job is interrupted.
        for (String n : new String[] {"thread", "cgroup_nodelete",
            "verify_interval", "verify_offset", "verify_fatal", "verify_dump", "verify_state_save"}) {
            SUPPORTED.put(n, Support.NO_EFFECT);
        }
        SUPPORTED.putAll(ExtraOptions.SUPPORT);
        // engines/e4defrag.c: the donor file and whether its blocks are allocated per unit.
        ENGINE_SUPPORTED.put("e4defrag:donorname", Support.MODELLED);
        ENGINE_SUPPORTED.put("e4defrag:inplace", Support.MODELLED);
        for (String n : new String[] {"cpuload", "cpuchunks", "cpumode"}) {
            ENGINE_SUPPORTED.put("cpuio:" + n, Support.MODELLED);
        }
        // engines/net.c: every option of the net and netsplice engines.
        for (String e : new String[] {"net", "netsplice"}) {
            for (String n : new String[] {"hostname", "port", "protocol", "listen", "pingpong", "nodelay", "window_size",
                "mss", "interface", "ttl"}) {
                ENGINE_SUPPORTED.put(e + ":" + n, Support.MODELLED);
            }
        }
        // engines/fileoperations.c: filestat's stat call (stat, lstat or statx).
        ENGINE_SUPPORTED.put("filestat:stat_type", Support.MODELLED);
        // engines/sg.c: the command each write issues and the FUA bits.
        for (String n : new String[] {"sg_write_mode", "readfua", "writefua"}) {
            ENGINE_SUPPORTED.put("sg:" + n, Support.MODELLED);
        }
        // engines/io_uring.c with cmd_type=nvme (its only type). registerfiles (a registered fd
        // spares the per-SQE fget/fput) and nonvectored (NVME_URING_CMD_IO rather than its _VEC
        // form: the same buffer mapped) change nothing StackSim's cost model charges.
        ENGINE_SUPPORTED.put("io_uring_cmd:cmd_type", Support.MODELLED);
        // IORING_SETUP_SQPOLL (io_uring/sqpoll.c); the SQ thread's CPU affinity is not modelled
        // (the simulated scheduler has none), so sqthread_poll_cpu changes nothing.
        for (String e : new String[] {"io_uring", "io_uring_cmd"}) {
            ENGINE_SUPPORTED.put(e + ":sqthread_poll", Support.MODELLED);
            ENGINE_SUPPORTED.put(e + ":sqthread_poll_cpu", Support.NO_EFFECT);
        }
        ENGINE_SUPPORTED.put("io_uring_cmd:registerfiles", Support.NO_EFFECT);
        ENGINE_SUPPORTED.put("io_uring_cmd:nonvectored", Support.NO_EFFECT);
        // engines/cmdprio.c: the per-I/O priorities of the libaio and io_uring engines.
        for (String e : new String[] {"libaio", "io_uring"}) {
            for (String n : new String[] {"cmdprio_percentage", "cmdprio_class", "cmdprio", "cmdprio_bssplit"}) {
                ENGINE_SUPPORTED.put(e + ":" + n, Support.MODELLED);
            }
        }
    }

    private static final Map<String, Def> BY_KEY = new LinkedHashMap<>();
    private static final Map<String, Def> ENGINE_BY_KEY = new LinkedHashMap<>();
    private static final java.util.Set<String> ENGINE_NAMES = new java.util.TreeSet<>();

    static {
        load();
    }

    private FioOptions() {
    }

    private static java.util.List<String[]> rows(String resource) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        try (InputStream in = FioOptions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the build");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.trim().split("\\s+"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void load() {
        for (String[] f : rows("fio-3.33-options.txt")) {
            String name = f[0];
            String alias = f[1].equals("-") ? null : f[1];
            Scope scope = f[2].equals("profile") ? Scope.PROFILE : Scope.GLOBAL;
            Support s = switch (f[2]) {
                case "profile" -> Support.NO_EFFECT;
                case "deprecated" -> Support.DEPRECATED;
                default -> SUPPORTED.getOrDefault(name, Support.NOT_MODELLED);
            };
            int prio = switch (name) {
                case "kb_base" -> 1;
                case "filename" -> -1;
                default -> 0;
            };
            Def d = new Def(name, alias, f[2].equals("flag"), s, prio, scope, java.util.List.of(), f[2]);
            BY_KEY.put(name, d);
            if (alias != null) {
                BY_KEY.putIfAbsent(alias, d);
            }
        }
        Map<String, java.util.TreeSet<String>> engines = new LinkedHashMap<>();
        Map<String, String[]> first = new LinkedHashMap<>();
        for (String[] f : rows("fio-3.33-engine-options.txt")) {
            if (f[0].equals("engine")) {
                ENGINE_NAMES.add(f[1]);
                continue;
            }
            engines.computeIfAbsent(f[1], k -> new java.util.TreeSet<>()).add(f[0]);
            first.putIfAbsent(f[1], f);
            if (!f[2].equals("-")) {
                engines.computeIfAbsent(f[2], k -> new java.util.TreeSet<>()).add(f[0]);
                first.putIfAbsent(f[2], f);
            }
        }
        for (Map.Entry<String, java.util.TreeSet<String>> e : engines.entrySet()) {
            String[] f = first.get(e.getKey());
            if (BY_KEY.containsKey(e.getKey())) {
                throw new IllegalStateException("engine option " + e.getKey() + " is also a global option");
            }
            String alias = f[2].equals("-") ? null : f[2];
            ENGINE_BY_KEY.put(e.getKey(), new Def(f[1], alias, f[3].equals("flag"), Support.NOT_MODELLED, 0, Scope.ENGINE,
                    java.util.List.copyOf(e.getValue()), f[3]));
        }
        for (String n : SUPPORTED.keySet()) {
            if (!BY_KEY.containsKey(n)) {
                throw new IllegalStateException("supported option " + n + " is not a fio 3.33 option");
            }
        }
        for (String n : ENGINE_SUPPORTED.keySet()) {
            String[] p = n.split(":");
            Def d = ENGINE_BY_KEY.get(p[1]);
            if (d == null || !d.engines().contains(p[0])) {
                throw new IllegalStateException("supported engine option " + n + " is not a fio 3.33 option of " + p[0]);
            }
        }
    }

    /** The global option named (or aliased) {@code key}, else the engine option, or null if fio has no such option. */
    public static Def lookup(String key) {
        Def d = BY_KEY.get(key);
        return d != null ? d : ENGINE_BY_KEY.get(key);
    }

    /** What StackSim does with engine option {@code d} of {@code engine}. */
    public static Support engineSupport(String engine, Def d) {
        return ENGINE_SUPPORTED.getOrDefault(engine + ":" + d.name(), Support.NOT_MODELLED);
    }

    /** Every engine fio 3.33's source has (engines/*.c), compiled into the Debian build or not. */
    public static java.util.Set<String> engineNames() {
        return java.util.Collections.unmodifiableSet(ENGINE_NAMES);
    }

    /** Every known name and alias, engine options included. */
    public static Set<String> keys() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(BY_KEY.keySet());
        all.addAll(ENGINE_BY_KEY.keySet());
        return all;
    }

    /**
     * The closest option name to a misspelt {@code key}, if close enough to be worth showing:
     * fio's own rule (parse.c string_distance_ok) is an edit distance of at most half the length.
     */
    public static String suggestion(String key) {
        return io.stacksim.config.Spelling.closest(key, keys(), (key.length() + 1) / 2);
    }
}
