package io.stacksim.block;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The I/O schedulers this build has, chosen by their sysfs name (block/elevator.c's
 * {@code elv_list}). A new scheduler is its own file declaring a {@link SchedulerType} plus one
 * line in {@link #ALL}. {@code default} is the kernel's choice (elevator_get_default):
 * mq-deadline for a device with a single hardware queue, none for a multi-queue device.
 */
public final class Schedulers {
    /** Every scheduler, in the order sysfs and error messages list them. */
    public static final List<SchedulerType> ALL = List.of(
            NoneScheduler.TYPE,
            DeadlineScheduler.TYPE,
            NoopScheduler.TYPE,
            BfqScheduler.TYPE,
            KyberScheduler.TYPE);

    private Schedulers() {
    }

    /** The values {@code block.scheduler} accepts: "default", then each name followed by its aliases. */
    public static List<String> configNames() {
        List<String> names = new ArrayList<>();
        names.add("default");
        for (SchedulerType t : ALL) {
            names.add(t.name());
            names.addAll(t.aliases());
        }
        return List.copyOf(names);
    }

    /** The scheduler's own name that {@code name} stands for on a device with these limits. */
    public static String resolve(String name, DeviceLimits limits) {
        if (!name.equals("default")) {
            SchedulerType t = find(name);
            return t == null ? name : t.name(); // elevator_find: by name or elevator_alias
        }
        // elevator_get_default: no elevator for a multi-queue device.
        return limits.hwQueues() > 1 ? "none" : "mq-deadline";
    }

    /** The type answering to {@code name} (its name or an alias), or null. */
    public static SchedulerType find(String name) {
        for (SchedulerType t : ALL) {
            if (t.answersTo(name)) {
                return t;
            }
        }
        return null;
    }

    /** A new scheduler; its tunables are read from {@code iosched} ({@code block.iosched}). */
    public static IoScheduler create(String name, ConfigNode iosched) {
        SchedulerType t = find(name);
        if (t == null) {
            throw ConfigException.at(iosched.origin(), "I/O scheduler '" + name + "' is not available (known: "
                    + String.join(", ", ALL.stream().map(SchedulerType::name).toList()) + ")");
        }
        return t.factory().apply(iosched);
    }
}
