package io.stacksim.workload;

import io.stacksim.os.Task;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * An fio ioengine driving the simulated kernel (fio's {@code struct ioengine_ops}): queue one
 * unit, commit the queued ones, reap completions. Every method is asynchronous in the
 * simulator's sense and continues on the job's task. A new engine implements it and declares
 * its {@link IoEngineType}, registered with one line in {@link IoEngines#ALL}.
 */
public interface Engine {
    /** fio_q_status values. */
    int COMPLETED = 0;
    int QUEUED = 1;
    int BUSY = 2;

    /** Engine setup (io_setup, io_uring_setup), before the first I/O. */
    default void init(Runnable k) {
        k.run();
    }

    /**
     * Queues {@code u}; {@code status} gets COMPLETED (done, already accounted with
     * {@link JobRunner#completed}), QUEUED or BUSY (commit and reap first, then retry).
     */
    void queue(IoUnit u, IntConsumer status);

    /** True when the engine submits queued units in a separate step. */
    boolean hasCommit();

    /** Submits the queued units (only for engines with a commit hook). */
    default void commit(Runnable k) {
        k.run();
    }

    /**
     * Reaps at least {@code min} and at most {@code max} completions, handing each to
     * {@link JobRunner#reaped}; {@code k} gets the number reaped.
     */
    default void getevents(int min, int max, IntConsumer k) {
        k.accept(0);
    }

    /** Threads the engine started in the job's process (their CPU use is the job's). */
    default List<Task> threads() {
        return List.of();
    }

    /** The engine's close_file at the job's end (a net engine's close message and close); then {@code k}. */
    default void close(Runnable k) {
        k.run();
    }

    /** Puts the engine's own figures (inline and punted requests, worker threads) into {@code stats}. */
    default void report(JobStats stats) {
    }
}
