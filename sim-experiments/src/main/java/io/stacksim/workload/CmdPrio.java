package io.stacksim.workload;

import io.stacksim.block.IoPriority;
import io.stacksim.engine.RandomStream;
import java.util.List;

/**
 * fio's per-command priorities (engines/cmdprio.c, fio 3.33): which of a job's reads and writes
 * the libaio or io_uring engine issues with a priority of their own, and which one. At queue
 * time (fio_cmdprio_set_ioprio) the I/O's share is looked up: cmdprio_percentage for its
 * direction, or with cmdprio_bssplit the summed percentages of the entries of its block size.
 * A share of 0 draws nothing; otherwise one number from 0 to 99 is drawn from the job's own
 * priority stream (td->prio_state): below the share the I/O gets the priority (with
 * cmdprio_bssplit, that of the first entry whose running sum of percentages exceeds the
 * draw), else it keeps the job's (IOCB_FLAG_IOPRIO unset, the kiocb takes the task's).
 */
final class CmdPrio {
    private final JobSpec.CmdPrio spec;
    private final RandomStream rng;
    /** Per direction: cmdprio_class (realtime when unset, fio_cmdprio_parse_and_gen) and cmdprio. */
    private final int[] implicit = new int[2];

    CmdPrio(JobSpec.CmdPrio spec, RandomStream rng) {
        this.spec = spec;
        this.rng = rng;
        for (int d = 0; d < 2; d++) {
            int cls = spec.prioclass().get(d) == 0 ? IoPriority.RT.ordinal() : spec.prioclass().get(d);
            implicit[d] = cls << IoPriority.CLASS_SHIFT | spec.prio().get(d); // ioprio_value(class, level)
        }
    }

    /** The priority a read ({@code ddir} 0) or write (1) of {@code buflen} bytes is issued with, 0 for the job's own. */
    int ioprio(int ddir, long buflen) {
        List<JobSpec.PrioSplit> entries = spec.bssplit().get(ddir);
        int share;
        if (entries.isEmpty()) {
            share = spec.percentage().get(ddir);
        } else {
            share = 0;
            for (JobSpec.PrioSplit e : entries) {
                if (e.bs() == buflen) {
                    share += e.percent();
                }
            }
        }
        if (share == 0) {
            return 0;
        }
        int rand = rng.nextInt(100); // rand_between(&td->prio_state, 0, 99)
        if (rand >= share) {
            return 0;
        }
        if (entries.isEmpty()) {
            return implicit[ddir];
        }
        int sum = 0;
        for (JobSpec.PrioSplit e : entries) {
            if (e.bs() == buflen) {
                sum += e.percent();
                if (rand < sum) {
                    return e.ioprio() < 0 ? implicit[ddir] : e.ioprio();
                }
            }
        }
        throw new IllegalStateException("cmdprio_bssplit share " + share + " without an entry under " + rand);
    }
}
