package io.stacksim.config;

import java.util.List;

/**
 * Writes the configuration reference (docs/config.md) from the components' declared
 * {@link ConfigSection}s: a table per section with each key's full path, default, accepted
 * values and help. The document is generated, never edited by hand; a test compares the
 * committed file with what the declarations give.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    /** The reference: {@code preamble} (markdown), then every section in order. */
    public static String markdown(String preamble, List<ConfigSection> sections) {
        StringBuilder sb = new StringBuilder(preamble.strip()).append("\n");
        for (ConfigSection s : sections) {
            sb.append("\n## ").append(s.title()).append("\n\n");
            if (!s.intro().isBlank()) {
                sb.append(s.intro().strip()).append("\n\n");
            }
            if (s.tunables().isEmpty()) {
                continue;
            }
            sb.append("| path | default | accepted | meaning |\n|---|---|---|---|\n");
            for (Tunable<?> t : s.tunables()) {
                sb.append("| `").append(s.pathOf(t)).append("` | ").append(cell(t.shownDefault())).append(" | ")
                        .append(cell(t.range())).append(" | ").append(cell(t.help())).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
