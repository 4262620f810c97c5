package io.stacksim.workload;

/**
 * One clone of a job cannot set its files up the way fio's setup_files refuses it (filesetup.c
 * err_offset: "JOB: you need to specify valid offset=" for a clone whose offset lies beyond the
 * end of a file or device it takes its size from). fio reaps that clone without running it
 * (backend.c run_threads: exit_value++, TD_REAPED) and runs the others; the run does the same.
 */
public final class CloneSetupFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param log what fio logs for it, e.g. "write-verify: you need to specify valid offset=" */
    public CloneSetupFailed(String log) {
        super(log);
    }
}
