package io.stacksim.block;

/**
 * The queue limits applied to bios and requests (block/blk-merge.c): a bio larger than the
 * limits is split (bio_split_to_limits, blktrace {@code X}), and a bio joins a request, or a
 * request its neighbour, only when both may merge (blk_rq_merge_ok), they are contiguous
 * (blk_try_merge) and the result stays within max_sectors and max_segments
 * (ll_back_merge_fn, ll_front_merge_fn, ll_merge_requests_fn). A merge the limits refuse
 * marks the request unmergeable (req_set_nomerge).
 *
 * <p>The plug, the software queue of {@code none} and the elevators all merge through these
 * rules; where they look for a candidate is their own.
 */
final class MergeRules {
    static final int NO_MERGE = 0;
    static final int BACK_MERGE = 1;
    static final int FRONT_MERGE = 2;
    /** ELEVATOR_DISCARD_MERGE: a discard joins a multi-range discard request, contiguous or not. */
    static final int DISCARD_MERGE = 3;

    /** The outcome of blk_attempt_bio_merge. */
    enum MergeResult { NONE, OK, FAILED }

    private final BlockQueue q;
    private final int maxSectors;
    private final int maxSegments;
    private final int logicalBlockSectors;
    private final int physicalBlockSectors;
    /** blk_rq_get_max_sectors of a discard: min(max_discard_sectors, UINT_MAX >> 9). */
    private final long maxDiscardRqSectors;
    /** bio_split_discard's cut: min(max_discard_sectors, bio_allowed_max_sectors), whole granules. */
    private final long discardSplitSectors;
    private final int discardGranularitySectors;
    private final int maxDiscardSegments;
    long splits;
    long requestMerges;

    MergeRules(BlockQueue q, QueueLimits limits) {
        this.q = q;
        this.maxSectors = limits.maxSectors();
        this.maxSegments = limits.maxSegments();
        this.logicalBlockSectors = limits.logicalBlockSize() >> 9;
        this.physicalBlockSectors = limits.physicalBlockSize() >> 9;
        this.maxDiscardRqSectors = Math.min(limits.maxDiscardSectors(), 0xffffffffL >>> 9);
        this.discardGranularitySectors = Math.max(limits.discardGranularity() >> 9, 1);
        // bio_allowed_max_sectors: round_down(UINT_MAX, logical_block_size) >> 9.
        long allowed = (0xffffffffL - 0xffffffffL % limits.logicalBlockSize()) >>> 9;
        long max = Math.min(limits.maxDiscardSectors(), allowed);
        this.discardSplitSectors = max - max % discardGranularitySectors;
        this.maxDiscardSegments = limits.maxDiscardSegments();
    }

    // ------------------------------------------------------------------ splitting

    /**
     * True when a data bio exceeds max_sectors or max_segments, or a discard exceeds
     * max_discard_sectors (bio_split_discard), and must be split.
     */
    boolean needsSplit(Bio bio) {
        if (bio.op == Op.DISCARD) {
            return discardSplitSectors > 0 && bio.nrSectors > discardSplitSectors;
        }
        return bio.op.hasData() && (bio.nrSectors > maxSectors || Request.segmentsOf(bio) > maxSegments);
    }

    /**
     * bio_split_discard: the discard is cut at max_discard_sectors (whole granules); where the
     * next piece would start off a granule boundary the cut moves back to the one before
     * (discard_alignment 0). Each piece is a chained bio, the first submitted at once, the
     * rest resubmitted (blktrace {@code X}).
     */
    private void splitDiscard(Bio bio) {
        BioChain chain = new BioChain(bio, q.checks);
        long start = bio.sector;
        long end = bio.endSector();
        while (start < end) {
            long len = end - start;
            if (len > discardSplitSectors) {
                len = discardSplitSectors;
                long tmp = (start + len) % discardGranularitySectors;
                if (len > tmp) {
                    len -= tmp;
                }
                splits++;
                if (q.trace() != null) {
                    q.trace('X', bio.owner, bio.op, bio.flags, start, (int) len, start + len);
                }
            }
            chain.remaining++;
            Bio child = new Bio(start, (int) len, bio.op, bio.flags, bio.ioprio, bio.owner, chain);
            submitPiece(bio, child);
            start += len;
        }
        chain.armed = true;
        chain.maybeDone();
    }

    /**
     * bio_split_to_limits: a data bio larger than the queue allows is cut at get_max_io_size
     * (max_sectors, aligned to the physical block) or max_segments pages; each piece goes to
     * {@link BlockQueue#mqSubmit} alone, the remainder is resubmitted (blktrace {@code X}). The
     * parent ends when its last piece does (bio_chain).
     */
    void split(Bio bio) {
        if (bio.op == Op.DISCARD) {
            splitDiscard(bio);
            return;
        }
        BioChain chain = new BioChain(bio, q.checks);
        long start = bio.sector;
        long end = bio.endSector();
        // Sectors per physical segment: 8 for order-0 pages, more for a large folio's bio_vecs
        // (bio_split_rw_at walks the bio_vecs; their segments are uniform within one bio here).
        int segs = Request.segmentsOf(bio);
        int sectorsPerSegment = Math.max(8, segs > 0 ? bio.nrSectors / segs : 8);
        while (start < end) {
            int piece = maxIoSectors(start, sectorsPerSegment);
            int len = (int) Math.min(piece, end - start);
            if (start + len < end) {
                splits++;
                if (q.trace() != null) {
                    q.trace('X', bio.owner, bio.op, bio.flags, start, len, start + len);
                }
            }
            chain.remaining++;
            Bio child = new Bio(start, len, bio.op, bio.flags, bio.ioprio, bio.owner, chain);
            DataShadow.inherit(bio, child, start);
            if (bio.segments > 0) {
                child.segments = (int) Math.max(1, ((long) len + sectorsPerSegment - 1) / sectorsPerSegment);
            }
            submitPiece(bio, child);
            start += len;
        }
        chain.armed = true;
        chain.maybeDone();
    }

    /** Hands a split piece on: the first to blk_mq_submit_bio at once, the others resubmitted. */
    private void submitPiece(Bio parent, Bio child) {
        child.tQueued = parent.tQueued;
        if (q.checks != null) {
            q.checks.bioSubmitted(child);
        }
        if (child.sector == parent.sector) {
            q.mqSubmit(child);
        } else {
            q.submitSplitPiece(child);
        }
    }

    /** get_max_io_size (block/blk-merge.c), also bounded by max_segments segments of the bio's size. */
    private int maxIoSectors(long sector, int sectorsPerSegment) {
        int max = (int) Math.min(maxSectors, (long) maxSegments * sectorsPerSegment);
        long startInPbs = sector & (physicalBlockSectors - 1);
        long endAligned = (startInPbs + max) & ~((long) physicalBlockSectors - 1);
        if (endAligned > startInPbs) {
            return (int) (endAligned - startInPbs);
        }
        return max - max % logicalBlockSectors;
    }

    /** Completes the parent of split bios when the last piece ends (bio_chain). */
    private static final class BioChain implements BioEndIo {
        private final Bio parent;
        private final BlockChecks checks;
        int remaining;
        boolean armed;
        private int done;

        BioChain(Bio parent, BlockChecks checks) {
            this.parent = parent;
            this.checks = checks;
        }

        @Override
        public void endIo(Bio child) {
            if (child.error != 0) {
                parent.error = child.error;
            }
            if (child.tCompleted >= parent.tCompleted) {
                parent.tDispatched = child.tDispatched;
                parent.tCompleted = child.tCompleted;
                parent.devQueueNs = child.devQueueNs;
                parent.devMediaNs = child.devMediaNs;
                parent.devTransferNs = child.devTransferNs;
            }
            done++;
            maybeDone();
        }

        void maybeDone() {
            if (armed && done == remaining) {
                armed = false;
                if (checks != null) {
                    checks.bioEnded(parent);
                }
                parent.endIo.endIo(parent);
            }
        }
    }

    // ------------------------------------------------------------------ merging

    /** blk_attempt_bio_merge: eligibility, then a back or front merge under the limits. */
    MergeResult attemptBioMerge(Request rq, Bio bio) {
        if (!bioMergeOk(rq, bio)) {
            return MergeResult.NONE;
        }
        return switch (tryMergeKind(rq, bio)) {
            case BACK_MERGE -> bioAttemptBackMerge(rq, bio) ? MergeResult.OK : MergeResult.FAILED;
            case FRONT_MERGE -> bioAttemptFrontMerge(rq, bio) ? MergeResult.OK : MergeResult.FAILED;
            case DISCARD_MERGE -> bioAttemptDiscardMerge(rq, bio) ? MergeResult.OK : MergeResult.FAILED;
            default -> MergeResult.NONE;
        };
    }

    /**
     * blk_try_merge with the queue's limits: a discard request on a queue taking several
     * discard ranges (blk_discard_mergable: max_discard_segments > 1) takes any discard bio;
     * otherwise contiguity decides ({@link #tryMerge(Request, Bio)}).
     */
    int tryMergeKind(Request rq, Bio bio) {
        return discardMergeable(rq) ? DISCARD_MERGE : tryMerge(rq, bio);
    }

    /** blk_discard_mergable: a discard request on a queue with max_discard_segments > 1. */
    boolean discardMergeable(Request rq) {
        return rq.op == Op.DISCARD && maxDiscardSegments > 1;
    }

    /**
     * bio_attempt_discard_merge: the bio becomes one more range of the request while it has
     * fewer than max_discard_segments ranges and the total stays within max_discard_sectors;
     * else the request is marked unmergeable. Counted as a discard merge; blktrace has no
     * event for it (the kernel traces none).
     */
    boolean bioAttemptDiscardMerge(Request rq, Bio bio) {
        int segments = Math.max(rq.nrSegments, 1);
        if (segments >= maxDiscardSegments || rq.nrSectors + (long) bio.nrSectors > maxDiscardRqSectors) {
            rq.noMerge = true;
            q.scheduler().noMerge(rq);
            return false;
        }
        rq.appendBio(bio);
        rq.nrSegments = segments + 1;
        q.diskStats().merged(rq.op);
        return true;
    }

    /** blk_rq_merge_ok: both mergeable, same operation and same I/O priority. */
    boolean bioMergeOk(Request rq, Bio bio) {
        return rq.mergeable() && bio.mergeable() && rq.op == bio.op && rq.ioprio == bio.ioprio;
    }

    /**
     * blk_try_merge's contiguity test: back if the bio starts where the request ends, front if
     * it ends where the request starts. (Multi-range discards: {@link #tryMergeKind}.)
     */
    static int tryMerge(Request rq, Bio bio) {
        if (rq.endSector() == bio.sector) {
            return BACK_MERGE;
        }
        if (rq.sector - bio.nrSectors == bio.sector) {
            return FRONT_MERGE;
        }
        return NO_MERGE;
    }

    /** blk_rq_get_max_sectors (no chunk boundaries modelled). */
    private long maxSectorsFor(Request rq) {
        return rq.op == Op.DISCARD ? maxDiscardRqSectors : maxSectors;
    }

    /** ll_back/front_merge_fn + ll_new_hw_segment: the size and segment limits. */
    private boolean fits(Request rq, Bio bio) {
        if (rq.nrSectors + (long) bio.nrSectors > maxSectorsFor(rq)
                || (rq.op != Op.DISCARD && rq.nrSegments + Request.segmentsOf(bio) > maxSegments)) {
            // req_set_nomerge: the request is full; never try it again.
            rq.noMerge = true;
            q.scheduler().noMerge(rq);
            return false;
        }
        return true;
    }

    /** bio_attempt_back_merge: true when merged. */
    boolean bioAttemptBackMerge(Request rq, Bio bio) {
        if (!fits(rq, bio)) {
            return false;
        }
        if (q.trace() != null) {
            q.trace('M', bio.owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        rq.appendBio(bio);
        q.diskStats().merged(rq.op);
        return true;
    }

    /** bio_attempt_front_merge: true when merged. */
    boolean bioAttemptFrontMerge(Request rq, Bio bio) {
        if (!fits(rq, bio)) {
            return false;
        }
        if (q.trace() != null) {
            q.trace('F', bio.owner, bio.op, bio.flags, bio.sector, bio.nrSectors, 0);
        }
        rq.prependBio(bio);
        q.diskStats().merged(rq.op);
        return true;
    }

    /**
     * attempt_merge: merges {@code next} into {@code rq} when it starts where {@code rq} ends,
     * both are mergeable, of the same operation and priority, and the result fits the limits
     * (ll_merge_requests_fn). {@code next} is then freed. Returns true when merged.
     */
    boolean attemptMerge(Request rq, Request next) {
        if (!rq.mergeable() || !next.mergeable() || rq.op != next.op || rq.ioprio != next.ioprio) {
            return false;
        }
        if (discardMergeable(rq)) {
            // blk_try_req_merge -> req_attempt_discard_merge: the ranges join while they fit.
            int segments = Math.max(rq.nrSegments, 1);
            if (segments >= maxDiscardSegments || rq.nrSectors + (long) next.nrSectors > maxDiscardRqSectors) {
                rq.noMerge = true;
                q.scheduler().noMerge(rq);
                return false;
            }
            int nextSegments = Math.max(next.nrSegments, 1);
            mergeRequests(rq, next);
            rq.nrSegments = segments + nextSegments;
            return true;
        }
        if (rq.endSector() != next.sector) {
            return false;
        }
        if (rq.nrSectors + (long) next.nrSectors > maxSectorsFor(rq)
                || (rq.op != Op.DISCARD && rq.nrSegments + next.nrSegments > maxSegments)) {
            return false;
        }
        mergeRequests(rq, next);
        return true;
    }

    /** The end of attempt_merge: {@code next}'s bios join {@code rq}, {@code next} is freed. */
    private void mergeRequests(Request rq, Request next) {
        if (next.tCreated < rq.tCreated) {
            rq.tCreated = next.tCreated; // the older start_time_ns is kept for accounting
        }
        rq.absorb(next);
        q.scheduler().requestsMerged(rq, next);
        requestMerges++;
        q.diskStats().requestMerged(next.op, q.sim().now());
        q.traceRq('M', next.owner() != null ? next.owner() : rq.owner(), next);
        q.freeRequest(next);
    }
}
