package io.stacksim.device;

import io.stacksim.block.Op;

/**
 * The rules by which a device takes passthrough commands: which it accepts and the media work
 * each implies ({@link CommandPlan}). One per device, keeping what the device's blocks hold for
 * the commands that compare ({@link MediaContent}).
 */
public sealed interface CommandSet permits ScsiCommandSet, NvmeCommandSet {
    /** The media work of {@code cmd} on a device of {@code limits}, or its failure. */
    CommandPlan plan(DeviceCommand cmd, DeviceLimits limits, boolean zoned);

    /** What the device's blocks hold. */
    MediaContent content();

    /**
     * A step ended without a device error: a write leaves its data, a comparing verify checks
     * it; returns the failure (MISCOMPARE) or null.
     */
    default String stepDone(MediaStep s) {
        if (s.op() == Op.WRITE) {
            content().put(s.sector(), s.sector() + s.sectors(), s.writeToken());
        } else if (s.compareToken() != MediaStep.NO_COMPARE) {
            long at = content().firstMismatch(s.sector(), s.sector() + s.sectors(), s.compareToken());
            if (at >= 0) {
                return "MISCOMPARE (0x0e), MISCOMPARE DURING VERIFY OPERATION (0x1d/0x00) at sector " + at;
            }
        }
        return null;
    }

    /** The command set of a device reached over {@code t}, or null when it takes none. */
    static CommandSet of(Transport t) {
        return switch (t) {
            case SATA, SAS -> new ScsiCommandSet(t);
            case NVME -> new NvmeCommandSet();
            case NONE -> null;
        };
    }
}
