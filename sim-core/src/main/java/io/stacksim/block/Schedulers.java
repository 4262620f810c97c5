package io.stacksim.block;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import java.util.List;

/**
 * Chooses the I/O scheduler by its sysfs name. {@code default} is the kernel's choice
 * (block/elevator.c elevator_get_default): mq-deadline for a device with a single hardware
 * queue, none for a multi-queue device (and for none of the elevator-less drivers modelled here).
 */
public final class Schedulers {
    /** The schedulers this build has, by name. */
    public static final List<String> NAMES = List.of("none", "mq-deadline", "noop");

    private Schedulers() {
    }

    /** The name {@code default} resolves to for a device with these limits. */
    public static String resolve(String name, DeviceLimits limits) {
        if (!name.equals("default")) {
            return name.equals("deadline") ? "mq-deadline" : name; // the elevator_alias
        }
        return limits.hwQueues() > 1 ? "none" : "mq-deadline";
    }

    /** A new scheduler; its tunables are read from {@code iosched} ({@code block.iosched}). */
    public static IoScheduler create(String name, ConfigNode iosched) {
        return switch (name) {
            case "none" -> new NoneScheduler();
            case "noop" -> new NoopScheduler();
            case "mq-deadline" -> new DeadlineScheduler(DeadlineScheduler.Tunables.from(iosched));
            default -> throw ConfigException.at(iosched.origin(), "I/O scheduler '" + name
                    + "' is not available (known: " + String.join(", ", NAMES) + ")");
        };
    }
}
