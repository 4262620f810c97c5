package io.stacksim.block;

/**
 * Receives the block layer's trace events, the ones blktrace records (include/uapi/linux/
 * blktrace_api.h). The queue calls it only when a trace was asked for, so a run without one
 * keeps no per-request records.
 *
 * <p>Actions: {@code Q} queue, {@code X} split, {@code M}/{@code F} back/front merge, {@code G}
 * get request, {@code P} plug, {@code U} unplug (explicit), {@code T} unplug from the scheduler
 * (blkparse prints {@code UT}), {@code I} insert, {@code D} issue, {@code C} complete. There is
 * no {@code S}: Linux 5.11 removed the block_sleeprq tracepoint (commit b81b8f40c5b4), so a
 * submitter waiting for a request shows only as the gap between its {@code Q} and {@code G}.
 */
public interface BlockTrace {
    /**
     * One event at {@code timeNs} on {@code cpu}. {@code who} is the context (null for
     * interrupt context); {@code op}/{@code flags}/{@code sector}/{@code sectors} describe the
     * bio or request ({@code op} null for plug events); {@code extra} is the unplug depth, the
     * split's new sector, or the completion error.
     */
    void event(char action, long timeNs, int cpu, IoOwner who, Op op, int flags, long sector, int sectors,
               long extra);

    /** The run ended at {@code timeNs}: finish the output. */
    void close(long timeNs);
}
