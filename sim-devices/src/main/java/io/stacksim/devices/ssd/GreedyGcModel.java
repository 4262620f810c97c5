package io.stacksim.devices.ssd;

/**
 * Analytical write amplification of greedy garbage collection under uniform random writes:
 * the mean-field (many blocks) model, as derived by Van Houdt ("A mean field model for a class
 * of garbage collection algorithms in flash-based solid state drives", SIGMETRICS 2013) and,
 * for greedy, Bux and Iliadis (Perf. Eval. 67(11), 2010).
 *
 * <p>Derivation. Let b be units per block, rho = logical / physical units. Each host write
 * invalidates a uniformly chosen valid unit, so a block with i valid units loses one at rate
 * i / U per host write. Blocks enter full (i = b) and drift down; in steady state the flow
 * through each level i above the victim level is the same, so the number of blocks at level i
 * is proportional to 1 / i. Greedy always collects at the lowest occupied level j, taking a
 * fraction q of its victims one level lower (j - 1, blocks that decayed while waiting). The
 * two constraints (blocks sum to N, valid units sum to U) give, with
 * H = sum_{i=j+1..b} 1/i and g the collection rate per host write:
 * <pre>
 *   g = (1/(rho b) - 1/j) / (H - (b - j)/j),   mean victim validity v = b - 1/g,
 *   write amplification A = b / (b - v) = b g,
 * </pre>
 * at the integer j where q = j - v lies in [0, 1]. As b grows, A tends to Desnoyers' closed
 * form ("Analytic models of SSD write performance", ACM TOS 10(2), 2014, greedy = LRW for
 * uniform traffic): A = alpha / (alpha + W(-alpha e^-alpha)) with alpha = 1/rho, which
 * {@link #largeBlockLimit} computes (W = Lambert's W, principal branch).
 */
public final class GreedyGcModel {
    private GreedyGcModel() {
    }

    /**
     * Write amplification for {@code unitsPerBlock} units per block and over-provisioning
     * {@code op} = physical / logical - 1 (so rho = 1 / (1 + op)).
     */
    public static double writeAmplification(int unitsPerBlock, double op) {
        if (!(op > 0)) {
            throw new IllegalArgumentException("over-provisioning must be positive");
        }
        int b = unitsPerBlock;
        double rho = 1 / (1 + op);
        if (rho * b <= 1) {
            // fewer logical units than a block holds: among the many blocks greedy finds one with no
            // valid unit left, so nothing is copied (the j = 1 level of the derivation is empty)
            return 1.0;
        }
        double h = 0; // sum_{i=j+1..b} 1/i, built downward as j decreases
        double v = Double.NaN;
        for (int j = b - 1; j >= 1; j--) {
            h += 1.0 / (j + 1);
            double denom = h - (double) (b - j) / j;
            if (denom == 0) {
                continue;
            }
            double g = (1 / (rho * b) - 1.0 / j) / denom;
            if (!(g > 0)) {
                continue;
            }
            v = b - 1 / g;
            double q = j - v;
            if (q >= -1e-9 && q <= 1 + 1e-9) {
                return b * g;
            }
        }
        if (v < 0) {
            // even the j = 1 level would need a victim validity below zero: with this much spare
            // space blocks decay to empty before greedy needs one (level 0 occupied), so it always
            // finds a block with nothing valid to copy
            return 1.0;
        }
        throw new IllegalStateException("no mean-field solution for b=" + b + ", op=" + op);
    }

    /** Desnoyers' large-block limit alpha / (alpha + W(-alpha e^-alpha)), alpha = 1 + op. */
    public static double largeBlockLimit(double op) {
        double alpha = 1 + op;
        double w = lambertW0(-alpha * Math.exp(-alpha));
        return alpha / (alpha + w);
    }

    /** Principal branch of Lambert's W on [-1/e, 0), by Halley's iteration. */
    static double lambertW0(double x) {
        if (x < -1 / Math.E || x >= 0) {
            throw new IllegalArgumentException("lambertW0 defined here on [-1/e, 0): " + x);
        }
        double w = x < -0.3 ? -1 + Math.sqrt(2 * (1 + Math.E * x)) : x; // branch-point series or x
        for (int i = 0; i < 100; i++) {
            double e = Math.exp(w);
            double f = w * e - x;
            double next = w - f / (e * (w + 1) - (w + 2) * f / (2 * w + 2));
            if (Math.abs(next - w) < 1e-15) {
                return next;
            }
            w = next;
        }
        return w;
    }
}
