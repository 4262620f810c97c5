package io.stacksim.devices.ssd;

/**
 * Read-retry: a page whose raw bit errors exceed what the ECC corrects on the first sensing is
 * read again with shifted read reference voltages, step after step, until it decodes. Each step
 * is one more array sensing (tR of the page's type) plus the controller's set-feature command
 * and decode attempt ({@code stepOverheadNs}). Park et al., "Reducing solid-state drive read
 * latency by optimizing read-retry" (ASPLOS 2021) measure on 3D TLC chips that retries are
 * common once a block has seen wear and retention, and that each step costs about a tR.
 *
 * <p>Which pages need retries is a property of the page (its wear and retention), not of the
 * read: it is drawn once per physical page from a hash of the page number and the drive's seed,
 * so re-reading a page costs the same each time. A share {@code share} of pages needs at least
 * one step; the number of steps is geometric with mean {@code meanSteps}, at most {@code maxSteps}.
 *
 * @param share          fraction of pages that need at least one retry step
 * @param meanSteps      mean steps of a page that needs them (at least 1)
 * @param maxSteps       the read-retry table's length: the most steps a read takes
 * @param stepOverheadNs controller time per step besides the sensing (Vref set-feature, decode)
 */
public record ReadRetry(double share, double meanSteps, int maxSteps, long stepOverheadNs) {
    public ReadRetry {
        if (!(share >= 0 && share <= 1) || !(meanSteps >= 1) || maxSteps < 1 || stepOverheadNs < 0) {
            throw new IllegalArgumentException("read retry: share in [0, 1], mean steps >= 1, max steps >= 1");
        }
    }

    /** No page ever needs a retry. */
    public static ReadRetry none() {
        return new ReadRetry(0, 1, 1, 0);
    }

    /** Retry steps a read of physical page {@code page} takes on a drive salted with {@code salt}. */
    public int steps(long page, long salt) {
        if (share == 0) {
            return 0;
        }
        long h = mix(page * 0x9E3779B97F4A7C15L ^ salt);
        double u = (h >>> 11) * 0x1.0p-53;
        if (u >= share) {
            return 0;
        }
        if (meanSteps == 1) {
            return 1;
        }
        double q = 1 - 1 / meanSteps; // P(another step)
        double v = (mix(h ^ 0xD1B54A32D192ED03L) >>> 11) * 0x1.0p-53;
        int k = 1 + (int) Math.floor(Math.log1p(-v) / Math.log(q));
        return Math.min(k, maxSteps);
    }

    /** Expected steps per read, over all pages (for sums of parts). */
    public double expectedSteps() {
        if (share == 0) {
            return 0;
        }
        double q = 1 - 1 / meanSteps;
        double e = 0;
        double p = 1;
        for (int k = 1; k <= maxSteps; k++) {
            double pk = k == maxSteps ? p : p * (1 - q);
            e += k * pk;
            p *= q;
        }
        return share * e;
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
