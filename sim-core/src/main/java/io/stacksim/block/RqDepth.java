package io.stacksim.block;

/**
 * The depth scaling of block/blk-rq-qos.c ({@code struct rq_depth}): a default depth, scaled
 * down by powers of two as {@code scale_step} rises (latency trouble) and up, to at most three
 * quarters of the queue depth, as it goes negative (writes only).
 */
final class RqDepth {
    /** blk_queue_depth: the queue's depth (q->queue_depth, else nr_requests). */
    int queueDepth;
    /** The depth at scale_step 0 (RWB_DEF_DEPTH for wbt). */
    int defaultDepth;
    int scaleStep;
    /** The last scale-up reached the maximum. */
    boolean scaledMax;
    int maxDepth;

    /** rq_depth_calc_max_depth: returns true when the depth cannot be increased further. */
    boolean calcMaxDepth() {
        boolean ret = false;
        if (queueDepth == 1) {
            // QD=1 devices keep one request ready when one completes: depth 2, or 1 scaled down.
            if (scaleStep > 0) {
                maxDepth = 1;
            } else {
                maxDepth = 2;
                ret = true;
            }
            return ret;
        }
        int depth = Math.min(defaultDepth, queueDepth);
        if (scaleStep > 0) {
            depth = 1 + ((depth - 1) >> Math.min(31, scaleStep));
        } else if (scaleStep < 0) {
            int maxd = 3 * queueDepth / 4;
            long d = 1 + ((long) (depth - 1) << Math.min(31, -scaleStep));
            if (d > maxd) {
                d = maxd;
                ret = true;
            }
            depth = (int) d;
        }
        maxDepth = depth;
        return ret;
    }

    /** rq_depth_scale_up: false when the last round already hit the maximum. */
    boolean scaleUp() {
        if (scaledMax) {
            return false;
        }
        scaleStep--;
        scaledMax = calcMaxDepth();
        return true;
    }

    /**
     * rq_depth_scale_down: {@code hardThrottle} (a latency violation) snaps a negative step
     * back to 0 at once. False at depth 1 already.
     */
    boolean scaleDown(boolean hardThrottle) {
        if (maxDepth == 1) {
            return false;
        }
        if (scaleStep < 0 && hardThrottle) {
            scaleStep = 0;
        } else {
            scaleStep++;
        }
        scaledMax = false;
        calcMaxDepth();
        return true;
    }
}
