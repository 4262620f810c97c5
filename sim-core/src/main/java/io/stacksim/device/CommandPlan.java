package io.stacksim.device;

import java.util.List;

/**
 * What a passthrough command comes to at the device: its media steps, run one after another,
 * or, for a command refused before any media work, the status it fails with.
 *
 * @param steps the media work in order (none: the command completes at once)
 * @param sense the failure (a SCSI sense key and its additional sense, an NVMe status), or null
 */
public record CommandPlan(List<MediaStep> steps, String sense) {
    public CommandPlan {
        steps = List.copyOf(steps);
    }

    /** Media work, in order. */
    public static CommandPlan of(MediaStep... steps) {
        return new CommandPlan(List.of(steps), null);
    }

    /** A command refused with {@code sense} before any media work. */
    public static CommandPlan fail(String sense) {
        return new CommandPlan(List.of(), sense);
    }

    public boolean failed() {
        return sense != null;
    }
}
