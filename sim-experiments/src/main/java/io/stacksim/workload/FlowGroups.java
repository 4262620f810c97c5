package io.stacksim.workload;

import java.util.HashMap;
import java.util.Map;

/**
 * fio's flow control between jobs (flow.c), one per run: jobs with the same flow_id share a
 * counter (starting at 1) and the sum of their weights. Before each I/O a job compares its own
 * count's share of the shared counter with its weight's share of the total: above it, the job
 * is held back (flow_threshold_exceeded), else both counters go up by one.
 */
public final class FlowGroups {
    private final Map<Integer, long[]> flows = new HashMap<>();

    /** One job's membership (td->flow, td->flow_counter). */
    final class Member {
        private final long[] flow;
        private final int weight;
        private long counter;

        private Member(long[] flow, int weight) {
            this.flow = flow;
            this.weight = weight;
        }

        /** flow_threshold_exceeded: true when the job must wait; else its I/O is counted. */
        boolean exceeded() {
            double counterRatio = (double) counter / flow[0];
            double weightRatio = (double) weight / flow[1];
            if (counterRatio > weightRatio) {
                return true;
            }
            flow[0]++;
            counter++;
            return false;
        }

        /** flow_exit_job: the job's counts and weight leave the flow. */
        void leave() {
            flow[0] -= counter;
            flow[1] -= weight;
            counter = 0;
        }
    }

    /** flow_init_job: a job of weight {@code weight} joins flow {@code id}. */
    Member join(int id, int weight) {
        long[] f = flows.computeIfAbsent(id, k -> new long[] {1, 0});
        f[1] += weight;
        return new Member(f, weight);
    }
}
