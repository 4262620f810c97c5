package io.stacksim.devices.ssd;

import java.util.OptionalDouble;

/**
 * Analytical write amplification under uniform random writes at steady state, per GC policy,
 * where a closed form is known. Over-provisioning {@code op} = physical / logical - 1;
 * alpha = 1 + op = physical / logical units.
 *
 * <ul>
 *   <li>greedy: the mean-field model for {@code b} units per block ({@link GreedyGcModel}).</li>
 *   <li>FIFO (least recently written): a block is collected after alpha x U flash writes, during
 *       which each of its units survives the host's writes with probability e^{-alpha (1 - v)}
 *       (a share 1 - v of flash writes are the host's); so the victim's valid share solves
 *       v = e^{-alpha (1 - v)} and A = 1 / (1 - v) = alpha / (alpha + W(-alpha e^-alpha))
 *       (Desnoyers, ACM TOS 10(2), 2014; Hu et al., SYSTOR 2009).</li>
 *   <li>random: a block's lifetime is exponential with mean alpha x U flash writes, so
 *       v = E[e^{-L(1-v)/U}] = 1 / (1 + alpha (1 - v)), whose root below 1 is v = 1 / alpha:
 *       A = alpha / (alpha - 1) = (1 + op) / op (Van Houdt, SIGMETRICS 2013, random selection).</li>
 * </ul>
 * Cost-benefit, windowed greedy and d-choices have no closed form; they lie between greedy and
 * FIFO (windowed, cost-benefit under uniform traffic) or greedy and random (d-choices).
 */
public final class WriteAmplificationModel {
    private WriteAmplificationModel() {
    }

    /** The analytical WA of {@code policy}, if one is known. */
    public static OptionalDouble of(GcPolicy policy, int unitsPerBlock, double op) {
        if (policy instanceof GcPolicy.Greedy) {
            return OptionalDouble.of(GreedyGcModel.writeAmplification(unitsPerBlock, op));
        }
        if (policy instanceof GcPolicy.Fifo) {
            return OptionalDouble.of(GreedyGcModel.largeBlockLimit(op));
        }
        if (policy instanceof GcPolicy.Random) {
            return OptionalDouble.of((1 + op) / op);
        }
        return OptionalDouble.empty();
    }
}
