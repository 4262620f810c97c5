package io.stacksim.config;

import java.util.List;

/**
 * The tunables one component declares for one config section ({@code block}, {@code os},
 * {@code block.iosched} for mq-deadline ...), with a title and an introduction for the
 * reference. {@link ConfigReference} renders a list of them as docs/config.md.
 *
 * @param path     the section's dotted path; "" for keys at the top of a section's parent
 * @param title    the heading in the reference
 * @param intro    markdown shown under the heading (may be empty)
 * @param tunables the keys, in the order the reference lists them
 */
public record ConfigSection(String path, String title, String intro, List<Tunable<?>> tunables) {
    public ConfigSection {
        tunables = List.copyOf(tunables);
    }

    /** A section declaring {@code tunables}. */
    public static ConfigSection of(String path, String title, Tunable<?>... tunables) {
        return new ConfigSection(path, title, "", List.of(tunables));
    }

    /** This section with {@code markdown} under its heading. */
    public ConfigSection intro(String markdown) {
        return new ConfigSection(path, title, markdown, tunables);
    }

    /** The full dotted path of {@code t} in this section. */
    public String pathOf(Tunable<?> t) {
        return path.isEmpty() ? t.name() : path + "." + t.name();
    }
}
