package io.stacksim.block;

/**
 * A block cgroup as an I/O scheduler sees it (the bio's {@code bi_blkg}): its path and its bfq
 * weight, the cgroup's {@code io.bfq.weight} (cgroup v2) or {@code blkio.bfq.weight} (v1),
 * 1..1000, default 100 (BFQ_WEIGHT_LEGACY_DFL).
 *
 * @param path      the cgroup's path below the hierarchy's root, "/" for the root cgroup
 * @param bfqWeight its bfq weight
 */
public record Blkcg(String path, int bfqWeight) {
    /** The root cgroup, where every task starts. */
    public static final Blkcg ROOT = new Blkcg("/", 100);

    public Blkcg {
        if (bfqWeight < 1 || bfqWeight > 1000) {
            throw new IllegalArgumentException("bfq weight " + bfqWeight + " outside 1..1000");
        }
    }

    public boolean isRoot() {
        return path.equals("/");
    }
}
