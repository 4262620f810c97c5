package io.stacksim.workload.fio;

import io.stacksim.workload.JobExtras;
import java.util.LinkedHashMap;
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
        for (String n : new String[] {"write_hist_log", "log_hist_msec", "log_hist_coarseness"}) {
            SUPPORT.put(n, FioOptions.Support.REPORT);
        }
    }

    private String histPrefix;
    private long histMsec;
    private int histCoarseness;

    /** Takes option {@code opt} (fio's canonical name) with value {@code v}; false if it is not one of these. */
    boolean set(String opt, String v, int kbBase) {
        switch (opt) {
            // options.c str_write_hist_log_cb: a bare write_hist_log names the log after the job.
            case "write_hist_log" -> histPrefix = v == null ? "" : v;
            case "log_hist_msec" -> histMsec = intIn(v, kbBase, 0, Integer.MAX_VALUE, "milliseconds");
            // .maxval = FIO_IO_U_PLAT_BITS
            case "log_hist_coarseness" -> histCoarseness = (int) intIn(v, kbBase, 0, 6, "a coarseness");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long intIn(String v, int kbBase, long min, long max, String what) {
        long n = FioValues.intWithSuffix(v, kbBase);
        if (n < min || n > max) {
            throw new IllegalArgumentException("expected " + what + " from " + min + " to " + max + ", got " + n);
        }
        return n;
    }

    JobExtras build() {
        JobExtras.HistLogSpec hist = histPrefix == null ? null
                : new JobExtras.HistLogSpec(histPrefix, histMsec, histCoarseness);
        return new JobExtras(hist);
    }
}
