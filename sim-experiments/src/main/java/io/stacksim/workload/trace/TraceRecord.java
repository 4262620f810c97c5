package io.stacksim.workload.trace;

import io.stacksim.block.Op;

/**
 * One I/O of a block trace, normalised: arrival time, operation, REQ_* flags, start sector and
 * length in 512-byte sectors, and the issuing process when the trace names it.
 *
 * @param timeNs  arrival time in ns, in the trace's own time base
 * @param op      read, write, discard or flush; null for a record that only says the process
 *                ended its plug (blk_finish_plug, from a blkparse trace's explicit unplugs)
 * @param flags   {@link io.stacksim.block.Bio} flags (sync, FUA, preflush, meta, readahead)
 * @param sector  start sector (512 B)
 * @param sectors length in sectors (0 for an empty flush)
 * @param pid     issuing process id, or 0 when the trace has none
 * @param comm    issuing command name, or null
 */
public record TraceRecord(long timeNs, Op op, int flags, long sector, int sectors, int pid, String comm) {
    /** True for an end-of-plug record. */
    public boolean isUnplug() {
        return op == null;
    }
}
