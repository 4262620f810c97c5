package io.stacksim.workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * fio's completion-latency histogram log (write_hist_log): stat.c add_clat_sample keeps, per
 * direction, a window that opens at the first sample (hist_last); the first completion at
 * least log_hist_msec after it writes a line stamped with its own time and block size and
 * moves the window on by exactly log_hist_msec (the drift kept). The line is iolog.c
 * flush_hist_samples': "time, ddir, bs, " then the clat histogram's counts since the
 * direction's previous line, fio's FIO_IO_U_PLAT_NR bins summed {@code 2^coarseness} at a time
 * (hist_sum). A window still open when the job ends is not written, as in fio.
 *
 * <p>Lines are written as they are made (fio keeps them until the job ends), so memory stays
 * at two histograms per direction however long the job runs.
 */
final class HistLog implements AutoCloseable {
    private final long msec;
    private final int stride;
    private final boolean binsOn;
    private final long[][] now = new long[3][FioHistogram.NR];
    private final long[][] before = new long[3][FioHistogram.NR];
    private final long[] histLast = new long[3];
    private final BufferedWriter out;
    private final StringBuilder line = new StringBuilder();

    /**
     * @param binsOn clat_percentiles: fio copies ts->io_u_plat[FIO_CLAT], which it fills only
     *               with clat (or lat) percentiles on, so without them every bin is 0
     */
    HistLog(JobExtras.HistLogSpec spec, String jobName, int clone, boolean perJob, Path dir, boolean binsOn) {
        this.msec = spec.msec();
        this.stride = 1 << spec.coarseness();
        this.binsOn = binsOn;
        String p = spec.prefix().isEmpty() ? jobName : spec.prefix();
        // init.c gen_log_name(..., "clat_hist", ...): PREFIX_clat_hist.N.log, N left out with per_job_logs=0.
        Path file = dir.resolve(p + "_clat_hist" + (perJob ? "." + (clone + 1) : "") + ".log");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A completion's clat sample (add_clat_sample), {@code elapsedMs} after the job's epoch
     * (mtime_since_now(&td->epoch)).
     */
    void clat(long elapsedMs, int ddir, long bs, long clatNs) {
        if (binsOn) {
            now[ddir][FioHistogram.index(clatNs)]++;
        }
        if (msec <= 0) {
            return;
        }
        if (histLast[ddir] == 0) {
            histLast[ddir] = elapsedMs;
        }
        long window = elapsedMs - histLast[ddir];
        if (window >= msec) {
            write(elapsedMs, ddir, bs);
            histLast[ddir] = elapsedMs - (window - msec);
        }
    }

    private void write(long ms, int ddir, long bs) {
        long[] cur = now[ddir];
        long[] prev = before[ddir];
        line.setLength(0);
        line.append(ms).append(", ").append(ddir).append(", ").append(bs).append(", ");
        for (int j = 0; j < FioHistogram.NR; j += stride) {
            long sum = 0;
            for (int k = j; k < j + stride; k++) {
                sum += cur[k] - prev[k];
            }
            line.append(sum).append(j + stride < FioHistogram.NR ? ", " : "\n");
        }
        System.arraycopy(cur, 0, prev, 0, cur.length);
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
