package io.stacksim.block;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;

/**
 * Chooses the I/O scheduler by its sysfs name. {@code default} is the kernel's choice
 * (block/elevator.c, elevator_get_default): mq-deadline for a single hardware queue,
 * none for multi-queue devices.
 */
public final class Schedulers {
    private Schedulers() {
    }

    /** The name {@code default} resolves to for a device with these limits. */
    public static String resolve(String name, DeviceLimits limits) {
        if (!name.equals("default")) {
            return name;
        }
        return limits.hwQueues() > 1 ? "none" : "none";
    }

    /** A new scheduler; its tunables are read from {@code iosched}. */
    public static IoScheduler create(String name, ConfigNode iosched) {
        return switch (name) {
            case "none" -> new NoneScheduler();
            default -> throw ConfigException.at(iosched.origin(), "I/O scheduler '" + name
                    + "' is not available (known: none)");
        };
    }
}
