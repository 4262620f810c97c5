package io.stacksim.fs.jbd2;

import io.stacksim.fs.SimFile;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One jbd2 transaction (transaction_t): its tid, state, the metadata blocks it logs (each once,
 * in the order first dirtied: t_buffers), the inodes whose ordered data its commit writes
 * first (t_inode_list), and, once committed, where it lies in the log and which of its blocks
 * still wait to be written home (its checkpoint list).
 */
final class Transaction {
    /** t_state, in the order a transaction passes through them. */
    enum State { RUNNING, COMMIT, COMMIT_JFLUSH, FINISHED }

    final long tid;
    State state = State.RUNNING;
    final LinkedHashSet<Long> blocks = new LinkedHashSet<>();
    /** Blocks freed in this transaction: its revoke records (j_revoke table entries). */
    final LinkedHashSet<Long> revoked = new LinkedHashSet<>();
    final List<SimFile> inodes = new ArrayList<>(2);
    /** A handle of it found the log short of a full transaction's space: its commit checkpoints first. */
    boolean spaceShort;
    /** When the commit timer fires for it (t_expires). */
    final long expires;
    /** First log block and log blocks it took (descriptors, logged copies, commit block). */
    long logStart;
    long logBlocks;
    /** Blocks on its checkpoint list: dirty at home, not yet written there. */
    final LinkedHashSet<Long> checkpoint = new LinkedHashSet<>();

    Transaction(long tid, long expires) {
        this.tid = tid;
        this.expires = expires;
    }

    @Override
    public String toString() {
        return "T" + tid + " " + state + " " + blocks.size() + " blocks";
    }
}
