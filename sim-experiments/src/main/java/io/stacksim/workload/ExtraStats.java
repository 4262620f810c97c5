package io.stacksim.workload;

/**
 * What a job's {@link JobExtras} options measured, for fio's report: the error counts of
 * continue_on_error (update_error_count), the depth latency_target settled on (ts->latency_depth)
 * and the steady-state detector fio reports (ts->ss_*).
 */
public final class ExtraStats {
    /** The signal that ended the job's process (SIGPIPE for a net job writing to a reset connection), 0 if none. */
    public int signal;
    /** td->total_err_count: errors the job went on after. */
    public long totalErrors;
    /** td->first_error: the errno of the first, 0 if none. */
    public int firstError;
    /** td->latency_qd at the end (latency_target's depth), 0 when no latency target. */
    public int latencyDepth;
    /** The steady-state detector the job reported to, or null. */
    public SteadyState steadyState;
    /** td->error: the errno that ended the job (td_verror), 0 if none. */
    public int jobError;
    /** td->verror: "file:F:L, func=FUNC, error=TEXT", as fio words the error that ended the job. */
    public String verror = "";
    /** What fio logged on standard error for this job as it ran (log_err), in order. */
    public final java.util.List<String> log = new java.util.ArrayList<>();

    /** The clone was reaped before it ran: its setup_files failed (see {@link CloneSetupFailed}). */
    public boolean reapedAtSetup;

    /** td_verror: the job ends with {@code errno}, raised in fio's {@code func} at {@code where} (file:line). */
    public void jobFailed(int errno, String where, String func, String log) {
        if (jobError == 0) {
            jobError = errno;
            verror = "file:" + where + ", func=" + func + ", error=" + FioErrors.text(errno);
            this.log.add(log);
        }
    }

    /** io_u_log_error: "fio: io_u error on file F: TEXT: DDIR offset=O, buflen=L". */
    public void ioError(String file, int errno, int ddir, long offset, long length) {
        log.add("fio: io_u error on file " + file + ": " + FioErrors.text(errno) + ": "
                + (ddir == JobStats.READ ? "read" : ddir == JobStats.WRITE ? "write" : "sync") + " offset=" + offset
                + ", buflen=" + length);
    }

    /** update_error_count. */
    void error(int errno) {
        totalErrors++;
        if (totalErrors == 1) {
            firstError = errno;
        }
    }

    /** sum_thread_stats: errors add up, first_error and latency_depth are the last member's. */
    void add(ExtraStats o) {
        totalErrors += o.totalErrors;
        firstError = o.firstError;
        latencyDepth = o.latencyDepth;
        log.addAll(o.log);
        if (jobError == 0 && o.jobError != 0) {
            // sum_thread_stats: the group's error is its first member's with one
            jobError = o.jobError;
            verror = o.verror;
        }
        if (o.steadyState != null) {
            steadyState = o.steadyState;
        }
    }
}
