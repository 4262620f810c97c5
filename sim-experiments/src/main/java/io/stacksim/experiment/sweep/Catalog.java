package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The experiments shipped with StackSim: sweep files under resources
 * {@code io/stacksim/experiments/}, listed in {@code index.txt}, each with a Markdown text
 * ({@code NAME.md}) saying what it shows, which becomes its report's "What it shows".
 */
public final class Catalog {
    private static final String DIR = "/io/stacksim/experiments/";

    /**
     * One catalog entry.
     *
     * @param name        the experiment's name (and its sweep file's stem)
     * @param title       its title
     * @param description what it shows (Markdown)
     */
    public record Entry(String name, String title, String description) {
    }

    private Catalog() {
    }

    /** The entries in index order. */
    public static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String line : resource("index.txt").split("\n")) {
            String name = line.trim();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            SweepSpec s = load(name, false);
            out.add(new Entry(name, s.title(), s.description()));
        }
        return out;
    }

    /** The sweep of experiment {@code name}; {@code quick} applies its quick settings. */
    public static SweepSpec load(String name, boolean quick) {
        if (!name.matches("[a-z0-9-]+") || Catalog.class.getResource(DIR + name + ".yaml") == null) {
            List<String> known = new ArrayList<>();
            for (String line : resource("index.txt").split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    known.add(line.trim());
                }
            }
            throw new ConfigException("unknown experiment '" + name + "' (known: " + String.join(", ", known) + ")");
        }
        String yaml = resource(name + ".yaml");
        SweepSpec s = SweepFile.read(new StringReader(yaml), "experiments/" + name + ".yaml", null, name, quick);
        String text = Catalog.class.getResource(DIR + name + ".md") == null ? "" : resource(name + ".md").trim();
        if (s.description().isEmpty() && !text.isEmpty()) {
            s = new SweepSpec(s.name(), s.title(), s.question(), text, s.base(), s.axes(), s.combine(),
                    s.replications(), s.seed(), s.commonRandomNumbers(), s.histograms(), s.metrics(), s.charts(),
                    s.checks(), s.source());
        }
        return s;
    }

    private static String resource(String file) {
        try (InputStream in = Catalog.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("experiment catalog file " + file + " missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
