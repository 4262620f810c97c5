package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed sweep file: the question it asks, the base run config, the axes and how they
 * combine, replications and the master seed, and what to tabulate, plot and check.
 *
 * @param name          short name (output folder, catalog entry)
 * @param title         one-line title for the report
 * @param question      the question the sweep answers
 * @param description   what it shows (Markdown paragraphs), may be empty
 * @param base          the base run config; each point is a copy with its axis settings applied
 * @param axes          the swept parameters
 * @param combine       how axes combine into points
 * @param replications  independent runs per point
 * @param seed          master seed from which every run's seed is derived
 * @param commonRandomNumbers when true, replication r uses the same seed at every point
 * @param histograms    keep each run's latency histograms (needed by CDF and histogram charts)
 * @param metrics       metrics shown in the report's table
 * @param charts        charts to draw
 * @param checks        analytical checks to add to the report
 * @param source        where the sweep was read from
 */
public record SweepSpec(String name, String title, String question, String description, ConfigNode base,
                        List<Axis> axes, Combine combine, int replications, long seed,
                        boolean commonRandomNumbers, boolean histograms, List<String> metrics,
                        List<ChartSpec> charts, List<Check> checks, String source) {

    public SweepSpec {
        axes = List.copyOf(axes);
        metrics = List.copyOf(metrics);
        charts = List.copyOf(charts);
        checks = List.copyOf(checks);
    }

    /** How the axes combine into points. */
    public enum Combine {
        /** Every combination of values, the last axis varying fastest. */
        CARTESIAN,
        /** The i-th value of every axis together; all axes have the same length. */
        ZIP
    }

    /** Checks against theory that a report can include. */
    public enum Check {
        /**
         * Little's law, L = X W: the mean number of I/Os in flight equals throughput times
         * mean latency, at the application (fio's iodepth) and at the block layer (iostat).
         */
        LITTLES_LAW("littles-law");

        public final String key;

        Check(String key) {
            this.key = key;
        }
    }

    /** The axis named {@code name}, or null. */
    public Axis axis(String name) {
        for (Axis a : axes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Checks that the metrics the sweep tabulates and plots are among {@code known} (a run's
     * metric names), so a misspelt metric fails after the first run, not at the end.
     */
    public void checkMetrics(java.util.Set<String> known) {
        for (String m : metrics) {
            if (!known.contains(m)) {
                throw new io.stacksim.config.ConfigException(source + ": 'metrics': '" + m
                        + "' is not a metric of the runs" + suggest(m, known));
            }
        }
        for (ChartSpec c : charts) {
            if (c instanceof ChartSpec.Line l) {
                List<String> used = new ArrayList<>(l.y());
                if (axis(l.x()) == null) {
                    used.add(0, l.x());
                }
                for (String m : used) {
                    if (!known.contains(m)) {
                        throw io.stacksim.config.ConfigException.at(c.origin(), "chart '" + c.name() + "': '" + m
                                + "' is neither an axis nor a metric of the runs" + suggest(m, known));
                    }
                }
            }
        }
    }

    private static String suggest(String m, java.util.Set<String> known) {
        String best = io.stacksim.config.Spelling.closest(m, known, Math.max(2, m.length() / 3));
        return best != null ? "; did you mean '" + best + "'?" : " (`stacksim run CONFIG --format json` lists them)";
    }

    /**
     * The sweep with everything resolved (base inline, ranges expanded, quick settings
     * applied) as plain maps, for the output folder's sweep.yaml: running that file again
     * gives the same runs.
     */
    public Map<String, Object> toPlain() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("title", title);
        if (!question.isEmpty()) {
            m.put("question", question);
        }
        if (!description.isEmpty()) {
            m.put("description", description);
        }
        m.put("seed", seed);
        m.put("replications", replications);
        m.put("combine", combine.name().toLowerCase(java.util.Locale.ROOT));
        if (commonRandomNumbers) {
            m.put("common_random_numbers", true);
        }
        m.put("histograms", histograms);
        m.put("base", base.toPlain());
        List<Object> ax = new ArrayList<>();
        for (Axis a : axes) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("name", a.name());
            am.put("label", a.label());
            List<Object> vals = new ArrayList<>();
            for (AxisValue v : a.values()) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("label", v.label());
                Map<String, Object> set = new LinkedHashMap<>();
                for (Setting s : v.settings()) {
                    set.put(s.path(), s.value());
                }
                vm.put("set", set);
                vals.add(vm);
            }
            am.put("values", vals);
            ax.add(am);
        }
        m.put("axes", ax);
        m.put("metrics", metrics);
        List<Object> ch = new ArrayList<>();
        for (ChartSpec c : charts) {
            ch.add(c.plain());
        }
        m.put("charts", ch);
        if (!checks.isEmpty()) {
            m.put("checks", checks.stream().map(c -> c.key).toList());
        }
        return m;
    }
}
