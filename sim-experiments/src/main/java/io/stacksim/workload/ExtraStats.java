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
        if (o.steadyState != null) {
            steadyState = o.steadyState;
        }
    }
}
