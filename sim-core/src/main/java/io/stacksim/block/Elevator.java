package io.stacksim.block;

/**
 * The elevator core shared by every real scheduler (block/elevator.c, blk-mq-sched.c): the
 * one-hit {@code last_merge} cache, the back-merge hash of requests by end sector, elv_merge,
 * blk_mq_sched_try_merge with the follow-up request-to-request merge, and the insert merge
 * (elv_attempt_insert_merge). A scheduler extends it and supplies its queues, its front-merge
 * lookup ({@link #requestMerge}), its neighbours for request merges and its merge callbacks.
 */
public abstract class Elevator implements IoScheduler {
    /** ELV_HASH_BITS = 6: 64 hash buckets. */
    private static final int HASH_BUCKETS = 64;

    protected BlockQueue q;
    /** q->last_merge: the request the last merge went into. */
    protected Request lastMerge;
    private final Request[] hash = new Request[HASH_BUCKETS];
    /** The request elv_merge found. */
    private Request found;

    @Override
    public final boolean isElevator() {
        return true;
    }

    @Override
    public void init(BlockQueue queue) {
        this.q = queue;
    }

    // ------------------------------------------------------------------ hooks

    /** ops.request_merge: a front-merge candidate for {@code bio}, or null (the default: none). */
    protected Request requestMerge(Bio bio) {
        return null;
    }

    /** ops.allow_merge (elv_bio_merge_ok): may {@code bio} merge into {@code rq}? The default: yes. */
    protected boolean allowBioMerge(Request rq, Bio bio) {
        return true;
    }

    /** ops.request_merged: {@code rq} grew by a bio ({@code front} for a front merge). */
    protected void requestMerged(Request rq, boolean front) {
    }

    /** ops.requests_merged: {@code next} went into {@code rq}; forget {@code next}. */
    protected abstract void mergedRequests(Request rq, Request next);

    /** ops.next_request: the request after {@code rq} for a back merge, or null. */
    protected abstract Request latterRequest(Request rq);

    /** ops.former_request: the request before {@code rq} for a front merge, or null. */
    protected abstract Request formerRequest(Request rq);

    // ------------------------------------------------------------------ rqhash

    private static int bucket(long key) {
        return (int) ((key * 0x61C8864680B583EBL) >>> 58);
    }

    /** elv_rqhash_add: hashed by end sector, newest first in its bucket. */
    protected final void hashAdd(Request rq) {
        int b = bucket(rq.endSector());
        rq.hashKey = rq.endSector();
        rq.hashNext = hash[b];
        hash[b] = rq;
        rq.hashed = true;
    }

    /** elv_rqhash_del. */
    protected final void hashDel(Request rq) {
        if (!rq.hashed) {
            return;
        }
        int b = bucket(rq.hashKey);
        Request prev = null;
        for (Request r = hash[b]; r != null; prev = r, r = r.hashNext) {
            if (r == rq) {
                if (prev == null) {
                    hash[b] = r.hashNext;
                } else {
                    prev.hashNext = r.hashNext;
                }
                break;
            }
        }
        rq.hashNext = null;
        rq.hashed = false;
    }

    /** elv_rqhash_reposition: a back merge moved the end sector. */
    private void hashReposition(Request rq) {
        hashDel(rq);
        hashAdd(rq);
    }

    /** elv_rqhash_find: the newest request ending at {@code offset}, dropping unmergeable ones. */
    private Request hashFind(long offset) {
        int b = bucket(offset);
        Request prev = null;
        Request r = hash[b];
        while (r != null) {
            Request next = r.hashNext;
            if (!r.mergeable()) {
                if (prev == null) {
                    hash[b] = next;
                } else {
                    prev.hashNext = next;
                }
                r.hashNext = null;
                r.hashed = false;
            } else {
                if (r.endSector() == offset) {
                    return r;
                }
                prev = r;
            }
            r = next;
        }
        return null;
    }

    /** Takes {@code rq} out of the core's structures (part of deadline_remove_request and friends). */
    protected final void forget(Request rq) {
        hashDel(rq);
        if (lastMerge == rq) {
            lastMerge = null;
        }
    }

    /** A newly queued mergeable request joins the hash and, if none is set, becomes last_merge. */
    protected final void addMergeable(Request rq) {
        if (rq.mergeable()) {
            hashAdd(rq);
            if (lastMerge == null) {
                lastMerge = rq;
            }
        }
    }

    @Override
    public final void noMerge(Request rq) {
        if (lastMerge == rq) {
            lastMerge = null;
        }
    }

    // ------------------------------------------------------------------ merging

    /**
     * elv_merge: nomerges=2 none; the one-hit cache (back or front, whatever the scheduler's
     * front_merges says); with nomerges=1 nothing more; then a back merge through the hash, then
     * the scheduler's own lookup.
     */
    private int elvMerge(Bio bio) {
        int nomerges = q.settings().nomerges();
        if (nomerges == 2 || !bio.mergeable()) {
            return MergeRules.NO_MERGE;
        }
        if (lastMerge != null && q.merge.bioMergeOk(lastMerge, bio) && allowBioMerge(lastMerge, bio)) {
            int k = q.merge.tryMergeKind(lastMerge, bio);
            if (k != MergeRules.NO_MERGE) {
                found = lastMerge;
                return k;
            }
        }
        if (nomerges == 1) {
            return MergeRules.NO_MERGE;
        }
        Request rq = hashFind(bio.sector);
        if (rq != null && q.merge.bioMergeOk(rq, bio) && allowBioMerge(rq, bio)) {
            found = rq;
            return q.merge.discardMergeable(rq) ? MergeRules.DISCARD_MERGE : MergeRules.BACK_MERGE;
        }
        rq = requestMerge(bio);
        if (rq != null) {
            found = rq;
            return MergeRules.FRONT_MERGE;
        }
        return MergeRules.NO_MERGE;
    }

    /**
     * blk_mq_sched_try_merge: merge the bio, then try to merge the grown request with its
     * neighbour (attempt_back_merge / attempt_front_merge).
     */
    @Override
    public boolean bioMerge(Bio bio) {
        int kind = elvMerge(bio);
        Request rq = found;
        found = null;
        if (kind == MergeRules.DISCARD_MERGE) {
            return q.merge.bioAttemptDiscardMerge(rq, bio); // blk_mq_sched_try_merge: no request merge after it
        }
        if (kind == MergeRules.BACK_MERGE) {
            if (!q.merge.bioAttemptBackMerge(rq, bio)) {
                return false;
            }
            Request next = latterRequest(rq);
            if (next == null || !q.merge.attemptMerge(rq, next)) {
                requestMerged(rq, false);
                hashReposition(rq);
                lastMerge = rq;
            }
            return true;
        }
        if (kind == MergeRules.FRONT_MERGE) {
            if (!q.merge.bioAttemptFrontMerge(rq, bio)) {
                return false;
            }
            Request prev = formerRequest(rq);
            if (prev == null || !q.merge.attemptMerge(prev, rq)) {
                requestMerged(rq, true);
                lastMerge = rq;
            }
            return true;
        }
        return false;
    }

    /** elv_merge_requests: after attempt_merge put {@code next} into {@code rq}. */
    @Override
    public final void requestsMerged(Request rq, Request next) {
        mergedRequests(rq, next);
        forget(next);
        if (rq.hashed) {
            hashReposition(rq);
        }
        lastMerge = rq;
    }

    /**
     * elv_attempt_insert_merge: a new request first tries to go into last_merge, then (unless
     * nomerges=1) into requests that end where it starts, as long as merges chain. Returns true
     * when {@code rq} was merged and is gone.
     */
    protected final boolean insertMerge(Request rq) {
        int nomerges = q.settings().nomerges();
        if (nomerges == 2) {
            return false;
        }
        if (lastMerge != null && q.merge.attemptMerge(lastMerge, rq)) {
            return true;
        }
        if (nomerges == 1) {
            return false;
        }
        boolean merged = false;
        while (true) {
            Request r = hashFind(rq.sector);
            if (r == null || !q.merge.attemptMerge(r, rq)) {
                break;
            }
            merged = true;
            rq = r;
        }
        return merged;
    }
}
