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
 * Every option fio 3.33 knows (read from {@code fio-3.33-options.txt}, taken from
 * {@code fio --cmdhelp=all}), and what StackSim does with each: simulate it, use it only for the
 * report, accept it as having nothing to simulate, or reject it as not modelled. A name that
 * is not in the list is a typo and always an error.
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
        /** fio knows it, StackSim does not simulate it: an error, or a warning with --lenient. */
        NOT_MODELLED
    }

    /**
     * One option.
     *
     * @param name    fio's name
     * @param alias   its other name, or null
     * @param flag    FIO_OPT_STR_SET: the value may be left out ({@code time_based})
     * @param support what StackSim does with it
     * @param prio    fio's parse priority: higher first ({@code kb_base} 1, {@code filename} -1),
     *                which is also the order fio prints options back in
     */
    public record Def(String name, String alias, boolean flag, Support support, int prio) {
    }

    private static final Map<String, Support> SUPPORTED = new LinkedHashMap<>();

    static {
        for (String n : new String[] {"name", "filename", "directory", "size", "filesize", "nrfiles", "offset",
            "offset_increment", "file_service_type", "rw", "rw_sequencer", "rwmixread", "rwmixwrite",
            "percentage_random", "bs", "ba", "bsrange", "bssplit", "bs_unaligned", "iodepth", "iodepth_batch",
            "iodepth_batch_complete_min", "iodepth_batch_complete_max", "iodepth_low", "numjobs", "ioengine",
            "direct", "buffered", "sync", "fsync", "fdatasync", "end_fsync", "fsync_on_close", "invalidate",
            "pre_read", "fadvise_hint", "runtime", "time_based", "ramp_time", "startdelay", "number_ios", "io_size",
            "loops", "rate", "rate_iops", "rate_process", "thinktime", "thinktime_spin", "thinktime_blocks",
            "thinktime_blocks_type", "random_distribution", "random_generator", "randseed", "randrepeat",
            "norandommap", "stonewall", "new_group", "group_reporting", "kb_base", "bwavgtime", "iopsavgtime",
            "stats"}) {
            SUPPORTED.put(n, Support.MODELLED);
        }
        for (String n : new String[] {"description", "percentile_list", "clat_percentiles", "lat_percentiles",
            "slat_percentiles", "significant_figures", "unit_base", "disk_util", "write_lat_log", "write_bw_log",
            "write_iops_log", "log_avg_msec", "per_job_logs", "write_iolog"}) {
            SUPPORTED.put(n, Support.REPORT);
        }
        for (String n : new String[] {"thread", "allow_file_create", "create_on_open"}) {
            SUPPORTED.put(n, Support.NO_EFFECT);
        }
    }

    private static final Map<String, Def> BY_KEY = load();

    private FioOptions() {
    }

    private static Map<String, Def> load() {
        Map<String, Def> byKey = new LinkedHashMap<>();
        try (InputStream in = FioOptions.class.getResourceAsStream("fio-3.33-options.txt")) {
            if (in == null) {
                throw new IllegalStateException("fio-3.33-options.txt missing from the build");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                String name = f[0];
                String alias = f[1].equals("-") ? null : f[1];
                boolean flag = f[2].equals("flag");
                Support s = SUPPORTED.getOrDefault(name, Support.NOT_MODELLED);
                int prio = switch (name) {
                    case "kb_base" -> 1;
                    case "filename" -> -1;
                    default -> 0;
                };
                Def d = new Def(name, alias, flag, s, prio);
                byKey.put(name, d);
                if (alias != null) {
                    byKey.putIfAbsent(alias, d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String n : SUPPORTED.keySet()) {
            if (!byKey.containsKey(n)) {
                throw new IllegalStateException("supported option " + n + " is not a fio 3.33 option");
            }
        }
        return Collections.unmodifiableMap(byKey);
    }

    /** The option named (or aliased) {@code key}, or null if fio has no such option. */
    public static Def lookup(String key) {
        return BY_KEY.get(key);
    }

    /** Every known name and alias. */
    public static Set<String> keys() {
        return BY_KEY.keySet();
    }

    /**
     * The closest option name to a misspelt {@code key}, if close enough to be worth showing:
     * fio's own rule (parse.c string_distance_ok) is an edit distance of at most half the length.
     */
    public static String suggestion(String key) {
        return io.stacksim.config.Spelling.closest(key, BY_KEY.keySet(), (key.length() + 1) / 2);
    }
}
