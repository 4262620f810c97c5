package io.stacksim.workload;

/**
 * The fio options of issue 18's third round, kept apart from {@link JobSpec}'s older groups
 * so that each has one reader: the histogram log (stat.c add_clat_sample, iolog.c
 * flush_hist_samples). Read from a job file by {@link io.stacksim.workload.fio.ExtraOptions}.
 *
 * @param hist write_hist_log with log_hist_msec and log_hist_coarseness, or null when not asked
 */
public record JobExtras(HistLogSpec hist) {
    /** None of these options set: fio's defaults. */
    public static final JobExtras DEFAULT = new JobExtras(null);

    /**
     * write_hist_log=PREFIX: PREFIX_clat_hist.N.log, one line per direction every
     * {@code msec} ms of completions, the clat histogram's new counts in fio's 1856 bins
     * (FIO_IO_U_PLAT_NR) summed {@code 1 << coarseness} at a time.
     *
     * @param prefix     the log's prefix ("" = the job's name)
     * @param msec       log_hist_msec: the window (0 = fio logs nothing, the file stays empty)
     * @param coarseness log_hist_coarseness, 0 to FIO_IO_U_PLAT_BITS (6)
     */
    public record HistLogSpec(String prefix, long msec, int coarseness) {
    }
}
