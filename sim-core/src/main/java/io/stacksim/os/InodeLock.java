package io.stacksim.os;

import io.stacksim.engine.Simulator;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * inode_lock / inode_unlock: an inode's i_rwsem taken for write (kernel/locking/rwsem.c), as
 * ext4_fallocate holds it over the whole call (a punch also under filemap_invalidate_lock,
 * which the same lock covers here): fallocate and punch-hole calls on one file run one at a
 * time. A writer that finds the rwsem held spins while its owner is on a CPU
 * (rwsem_optimistic_spin) rather than sleeping, which is how the contended calls of fio's
 * falloc.fio wait on the real kernel (34 to 47 sleeps in about 23,000 calls a job): the
 * waiter keeps its CPU, in kernel time, and looks again when the owner's section is due to end.
 */
final class InodeLock {
    /** The shortest spin before a waiter looks again (the owner's end is then past or unknown). */
    static final long MIN_SPIN_NS = 100;

    private final Map<Object, Held> held = new IdentityHashMap<>();
    private final Simulator sim;

    InodeLock(Simulator sim) {
        this.sim = sim;
    }

    /** The owner and when its section is due to end. */
    private static final class Held {
        final Task owner;
        long releaseAt;

        Held(Task owner, long releaseAt) {
            this.owner = owner;
            this.releaseAt = releaseAt;
        }
    }

    /** Runs {@code body} on {@code t} once it holds {@code inode}'s lock, spinning meanwhile. */
    void lock(Task t, Object inode, Runnable body) {
        Held h = held.get(inode);
        long now = sim.now();
        if (h == null) {
            held.put(inode, new Held(t, now));
            body.run();
            return;
        }
        t.compute(Math.max(MIN_SPIN_NS, h.releaseAt - now), true, () -> lock(t, inode, body));
    }

    /** The owner's section ends at {@code at} (its CPU work, known once the change is made). */
    void holdUntil(Object inode, long at) {
        held.get(inode).releaseAt = at;
    }

    void unlock(Task t, Object inode) {
        Held h = held.remove(inode);
        if (h == null || h.owner != t) {
            throw new IllegalStateException(t + " unlocks an inode lock it does not hold");
        }
    }

    boolean isLocked(Object inode) {
        return held.containsKey(inode);
    }
}
