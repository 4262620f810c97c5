package io.stacksim.workload;

import io.stacksim.os.IoCounters;
import io.stacksim.os.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU use fio reports for a job (its getrusage of the process): user and system time,
 * context switches and page faults of the job's task and the threads its engine started
 * (glibc's aio helpers, io_uring's io-wq workers), counted from the job's start - or from the
 * end of ramp_time - and kept across the simulation's statistics resets.
 */
final class ProcessCpu {
    static final int USER = 0;
    static final int SYS = 1;
    static final int CTX = 2;
    static final int MINF = 4;
    static final int MAJF = 5;

    private final Task task;
    private final Engine engine;
    private final long[] base = new long[6];
    private final long[] carry = new long[6];
    /** Threads of the process besides the engine's (io_submit_mode=offload's submit workers). */
    private List<Task> more = List.of();

    ProcessCpu(Task task, Engine engine) {
        this.task = task;
        this.engine = engine;
    }

    /** The job's process: its task and the threads it started. */
    private List<Task> tasks() {
        List<Task> out = new ArrayList<>();
        out.add(task);
        out.addAll(engine.threads());
        out.addAll(more);
        return out;
    }

    private long[] now() {
        long[] c = new long[6];
        for (Task t : tasks()) {
            IoCounters k = t.counters();
            c[USER] += k.userNs;
            c[SYS] += k.sysNs;
            c[CTX] += k.voluntarySwitches + k.involuntarySwitches;
            c[MINF] += k.minorFaults;
            c[MAJF] += k.majorFaults;
        }
        return c;
    }

    /** The process also has {@code threads} (created with the job, before its counting starts). */
    void alsoCount(List<Task> threads) {
        this.more = List.copyOf(threads);
    }

    /** Counting starts (again) from here: the job's start, or the end of ramp_time. */
    void restart(boolean dropCarried) {
        long[] c = now();
        System.arraycopy(c, 0, base, 0, c.length);
        if (dropCarried) {
            Arrays.fill(carry, 0);
        }
    }

    /** The simulation is about to zero every task's counters: keep what was used so far. */
    void countersReset() {
        long[] c = now();
        for (int i = 0; i < c.length; i++) {
            carry[i] += c[i] - base[i];
            base[i] = 0;
        }
    }

    /** The use since counting started, by index ({@link #USER}, {@link #SYS} ...). */
    long[] used() {
        long[] c = now();
        long[] out = new long[6];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i] - base[i] + carry[i];
        }
        return out;
    }
}
