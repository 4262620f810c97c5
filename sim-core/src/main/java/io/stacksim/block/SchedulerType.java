package io.stacksim.block;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import java.util.List;
import java.util.function.Function;

/**
 * One I/O scheduler a queue can be given by name: the kernel's {@code struct elevator_type}
 * ({@code elevator_name}, {@code elevator_alias} and the constructor behind {@code ops.init_sched}).
 * Each scheduler declares its type in its own file; {@link Schedulers#ALL} lists them.
 *
 * @param name     the sysfs name, e.g. "mq-deadline"
 * @param aliases  other names {@code block.scheduler} accepts (mq-deadline's "deadline")
 * @param tunables its tunables under {@code block.iosched} (elevator_type.elevator_attrs), or null
 *                 for a scheduler without any
 * @param factory  builds a scheduler from its tunables section, {@code block.iosched}
 */
public record SchedulerType(String name, List<String> aliases, ConfigSection tunables,
                            Function<ConfigNode, IoScheduler> factory) {
    public SchedulerType {
        aliases = List.copyOf(aliases);
    }

    /** True when {@code n} is this scheduler's name or one of its aliases. */
    public boolean answersTo(String n) {
        return name.equals(n) || aliases.contains(n);
    }
}
