package io.stacksim.workload;

import java.util.List;

/**
 * The fio options of issue 18's third round, kept apart from {@link JobSpec}'s older groups
 * so that each has one reader: the histogram log (stat.c add_clat_sample, iolog.c
 * flush_hist_samples), error handling (td_error.c), the latency-target depth search (io_u.c
 * lat_target_*), token flow between jobs (flow.c), steady-state detection (steadystate.c) and
 * randrepeat (init.c setup_random_seeds). Read from a job file by
 * {@link io.stacksim.workload.fio.ExtraOptions}.
 *
 * @param hist       write_hist_log with log_hist_msec and log_hist_coarseness, or null when not asked
 * @param errors     continue_on_error and ignore_error
 * @param latency    latency_target and its window, percentile and latency_run, or null
 * @param flow       flow, flow_id and flow_sleep, or null
 * @param ss         ss, ss_dur and ss_ramp, or null
 * @param randrepeat randrepeat: fio's fixed seeds (true) or the system's random ones
 * @param refillPattern buffer_pattern on a job that also reads: every write's buffer is
 *                   filled with the pattern again before it is issued (str_buffer_pattern_cb
 *                   sets refill_buffers; io_u_fill_buffer copies the pattern over buflen bytes)
 * @param minRate    rate_min, rate_iops_min and rate_cycle (backend.c check_min_rate), or null
 * @param fillDevice fill_device (fill_fs): without size= the job's region is the device or the
 *                   file system's free space, and ENOSPC ends the job cleanly (init.c
 *                   fixup_options size = -1, backend.c break_on_this_error)
 * @param offload    io_submit_mode=offload: iodepth submit workers queue the job's units
 *                   (rate-submit.c), the job's thread never reaps
 * @param refillRandom the share of each write's buffer fio fills with new random data before
 *                   the write (refill_buffers: 1; buffer_compress_percentage C below 100 turns
 *                   refill_buffers on with (100 - C) % random, the rest zeroes; 0 = buffers filled
 *                   once). Dedupe (dedupe_percentage, dedupe_mode) only chooses which random data
 *                   a buffer gets, at the same cost. The simulated devices keep no data and
 *                   neither compress nor dedupe, so the contents change nothing else.
 * @param bufferPattern buffer_pattern as written (what every write buffer holds), or null
 * @param verifyAsync verify_async: that many threads check the verify reads' data, off the
 *                   job's thread (verify.c verify_async_thread), 0 for the job's thread itself
 */
public record JobExtras(HistLogSpec hist, Errors errors, LatencyTarget latency, Flow flow, SteadyStateSpec ss,
                        boolean randrepeat, boolean refillPattern, MinRate minRate, boolean fillDevice,
                        boolean offload, double refillRandom, String bufferPattern, int verifyAsync) {
    /** The options without verify_async. */
    public JobExtras(HistLogSpec hist, Errors errors, LatencyTarget latency, Flow flow, SteadyStateSpec ss,
                     boolean randrepeat, boolean refillPattern, MinRate minRate, boolean fillDevice, boolean offload,
                     double refillRandom, String bufferPattern) {
        this(hist, errors, latency, flow, ss, randrepeat, refillPattern, minRate, fillDevice, offload, refillRandom,
                bufferPattern, 0);
    }

    /** The options without buffer_pattern's value. */
    public JobExtras(HistLogSpec hist, Errors errors, LatencyTarget latency, Flow flow, SteadyStateSpec ss,
                     boolean randrepeat, boolean refillPattern, MinRate minRate, boolean fillDevice, boolean offload,
                     double refillRandom) {
        this(hist, errors, latency, flow, ss, randrepeat, refillPattern, minRate, fillDevice, offload, refillRandom,
                null);
    }

    /** None of these options set: fio's defaults. */
    public static final JobExtras DEFAULT = new JobExtras(null, Errors.NONE, null, null, null, true, false, null,
            false, false, 0);

    /**
     * fio's fill_random_buf, bytes per second of user time: 8 GiB of 128 KiB writes to the null
     * engine with refill_buffers took 1646 ms of user time against 52 ms without, with fio 3.33 on
     * the development machine (buffer_compress_percentage=50: 992 ms, the random half).
     */
    public static final double RANDOM_FILL_BYTES_PER_SEC = 5140.0 * (1 << 20);

    /**
     * The minimum rate a job must keep (backend.c __check_min_rate): per direction bytes/s
     * (rate_min) or, when that is 0, I/Os per second (rate_iops_min), judged every
     * {@code cycleMs} (rate_cycle) after a 2 s settle period; missing it fails the job with EIO.
     *
     * @param bytesPerSec rate_min per direction (read, write), 0 = none
     * @param iops        rate_iops_min per direction, 0 = none
     * @param cycleMs     rate_cycle, ms (fio's default 1000)
     */
    public record MinRate(List<Long> bytesPerSec, List<Long> iops, long cycleMs) {
        public MinRate {
            bytesPerSec = List.copyOf(bytesPerSec);
            iops = List.copyOf(iops);
        }
    }

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

    /**
     * continue_on_error and ignore_error (td_error.h enum error_type; options.c
     * ignore_error_type).
     *
     * @param continueMask bit 0 reads, 1 writes, 2 verify (ERROR_TYPE_*_BIT); 0xffff for all
     * @param ignore       per error type (read, write, verify) the errno values that do not stop
     *                     the job; an empty list means fio's __NON_FATAL_ERR, EIO and EILSEQ
     */
    public record Errors(int continueMask, List<List<Integer>> ignore) {
        public static final Errors NONE = new Errors(0, List.of(List.of(), List.of(), List.of()));

        public Errors {
            ignore = ignore.stream().map(List::copyOf).toList();
        }

        /** ts->continue_on_error: the report shows the error counts. */
        public boolean on() {
            return continueMask != 0;
        }
    }

    /**
     * latency_target (io_u.c lat_target_init/check/success/failed): fio searches for the
     * highest queue depth at which {@code percentile} % of the I/Os of each {@code windowUs}
     * window complete within {@code targetUs}.
     *
     * @param targetNs   latency_target, ns (fio compares the total latency, in ns)
     * @param windowUs   latency_window, us
     * @param percentile latency_percentile, 0 to 100 (default 100)
     * @param run        latency_run: keep searching instead of stopping at the depth found
     */
    public record LatencyTarget(long targetNs, long windowUs, double percentile, boolean run) {
    }

    /**
     * Token flow between jobs (flow.c): jobs with the same {@code id} share a counter; a job
     * whose share of it exceeds its share of the weights stalls, sleeping {@code sleepUs}.
     *
     * @param weight  flow, the job's weight (> 0)
     * @param id      flow_id
     * @param sleepUs flow_sleep, us (0: no sleep, just another turn of the loop)
     */
    public record Flow(int weight, int id, long sleepUs) {
    }

    /**
     * Steady-state detection (steadystate.c): every second the job's (or with group_reporting
     * its group's) IOPS or bandwidth goes into a ring of {@code durS} samples; once the ring is
     * full, the job ends when the samples' largest deviation from their mean, or their
     * least-squares slope, is below {@code limit} (a percentage of the mean with {@code pct}).
     *
     * @param iops   FIO_SS_IOPS: judge IOPS, else bandwidth
     * @param slope  FIO_SS_SLOPE: the slope criterion, else the mean deviation
     * @param pct    FIO_SS_PCT: limit is a percentage of the mean
     * @param limit  the criterion's limit
     * @param durS   ss_dur in whole seconds
     * @param rampUs ss_ramp, us: samples start a second after it
     */
    public record SteadyStateSpec(boolean iops, boolean slope, boolean pct, double limit, int durS, long rampUs) {
        /** fio's name of the criterion (ss=): iops, iops_slope, bw, bw_slope. */
        public String criterion() {
            return (iops ? "iops" : "bw") + (slope ? "_slope" : "");
        }
    }
}
