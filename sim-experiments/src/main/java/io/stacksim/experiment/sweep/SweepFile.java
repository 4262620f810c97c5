package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a sweep file (docs/sweeps.md). Like a run config, every key is checked: an unknown or
 * ill-typed key is a one-line error naming the file, the line and what was expected.
 *
 * <pre>
 * name: queue-depth
 * title: IOPS and latency against queue depth
 * question: How do IOPS and latency grow with the I/Os in flight?
 * base: {...}              # a run config inline, or the path of one (relative to this file)
 * seed: 1                  # master seed (default: base run.seed, else 1)
 * replications: 3
 * combine: cartesian       # or zip
 * axes:
 *   - {name: iodepth, path: workload.iodepth, range: {from: 1, to: 128, factor: 2}}
 *   - name: device
 *     values:
 *       - latency-100us                         # with path: sets it; without: needs label/set
 *       - {label: ramdisk, set: {device.profile: ramdisk}}
 * metrics: [iops.total, lat.read.mean_us]
 * charts: [...]
 * checks: [littles-law]
 * quick: {replications: 2, set: {workload.number_ios: 5000}, axes: {iodepth: [1, 8, 64]}}
 * </pre>
 */
public final class SweepFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Metrics shown in the report's table when a sweep names none. */
    public static final List<String> DEFAULT_METRICS = List.of("iops.total", "bw.total_MiBps", "lat.read.mean_us",
            "lat.read.p99_us", "lat.write.mean_us", "lat.write.p99_us");

    private static final java.util.Set<String> RESERVED = java.util.Set.of("point", "replication", "seed", "metric", "n",
            "mean", "ci95_half", "ci95_low", "ci95_high");

    private SweepFile() {
    }

    /** Reads the sweep file at {@code file}; {@code quick} applies its {@code quick:} section. */
    public static SweepSpec read(Path file, boolean quick) {
        ConfigNode doc = ConfigNode.parseYaml(file);
        Path dir = file.toAbsolutePath().getParent();
        String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(doc, dir, stem, quick, file.toString());
    }

    /** Reads sweep YAML from {@code reader}; {@code source} names it in messages. */
    public static SweepSpec read(Reader reader, String source, Path dir, String defaultName, boolean quick) {
        return parse(ConfigNode.parseYaml(reader, source), dir, defaultName, quick, source);
    }

    static SweepSpec parse(ConfigNode doc, Path dir, String defaultName, boolean quick, String source) {
        String name = doc.string("name", defaultName);
        if (!NAME.matcher(name).matches()) {
            throw doc.error("name", "'" + name + "' must be letters, digits, '.', '_' or '-' (it names the output folder)");
        }
        String title = doc.string("title", name);
        String question = doc.string("question", "").trim();
        String description = doc.string("description", "").trim();

        ConfigNode base = base(doc, dir);
        // quick: a smaller version of the same sweep (fewer values, shorter runs); always
        // checked, applied only when asked for
        ConfigNode quickNode = doc.child("quick");
        List<Setting> quickSet = List.of();
        Map<String, ConfigNode> quickAxes = new LinkedHashMap<>();
        Integer quickReps = null;
        if (quickNode != null) {
            if (!quickNode.isMap()) {
                throw ConfigException.at(quickNode.origin(), "'quick' must be a map (replications, set, axes)");
            }
            ConfigNode set = quickNode.child("set");
            quickSet = set == null ? List.of() : settings(set);
            ConfigNode qa = quickNode.child("axes");
            if (qa != null) {
                if (!qa.isMap()) {
                    throw ConfigException.at(qa.origin(), "'quick.axes' must map axis names to values or a range");
                }
                qa.markOpen();
                for (String k : qa.keys()) {
                    quickAxes.put(k, qa.child(k));
                }
            }
            if (quickNode.has("replications")) {
                quickReps = quickNode.intValue("replications", 1, 1, 10_000);
            }
            quickNode.checkAllUsed();
        }
        if (quick) {
            for (Setting s : quickSet) {
                base.set(s.path(), s.value(), s.origin());
            }
        }

        String baseSeed = base.get("run.seed");
        long defSeed = 1;
        if (baseSeed != null) {
            try {
                defSeed = Long.decode(baseSeed.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                defSeed = 1; // the simulation reports the bad run.seed with its line
            }
        }
        long seed = doc.longValue("seed", defSeed, Long.MIN_VALUE, Long.MAX_VALUE);
        int replications = doc.intValue("replications", 1, 1, 10_000);
        if (quick && quickReps != null) {
            replications = quickReps;
        }
        SweepSpec.Combine combine = SweepSpec.Combine.valueOf(
                doc.choice("combine", "cartesian", List.of("cartesian", "zip")).toUpperCase(Locale.ROOT));
        boolean crn = doc.bool("common_random_numbers", false);

        List<Axis> axes = axes(doc, quick ? quickAxes : Map.of());
        if (quick && !quickSet.isEmpty()) {
            axes = withQuickSettings(axes, quickSet);
        }
        for (Map.Entry<String, ConfigNode> e : quickAxes.entrySet()) {
            if (axes.stream().noneMatch(a -> a.name().equals(e.getKey()))) {
                throw ConfigException.at(e.getValue().origin(), "'quick.axes." + e.getKey() + "': no axis of that name");
            }
        }
        if (combine == SweepSpec.Combine.ZIP) {
            for (Axis a : axes) {
                if (a.values().size() != axes.get(0).values().size()) {
                    throw ConfigException.at(a.origin(), "combine: zip needs axes of equal length; '" + a.name() + "' has "
                            + a.values().size() + " values, '" + axes.get(0).name() + "' has " + axes.get(0).values().size());
                }
            }
        }

        List<String> metrics = strings(doc, "metrics", DEFAULT_METRICS);
        if (metrics.isEmpty()) {
            throw ConfigException.at(doc.child("metrics").origin(), "'metrics' is empty; expected at least one metric"
                    + " for summary.csv (such as iops.total), or no 'metrics' key for the default ones");
        }
        List<ChartSpec> charts = ChartFile.charts(doc.child("charts"), axes, quick);
        List<SweepSpec.Check> checks = new ArrayList<>();
        for (String c : strings(doc, "checks", List.of())) {
            SweepSpec.Check found = null;
            for (SweepSpec.Check k : SweepSpec.Check.values()) {
                if (k.key.equals(c)) {
                    found = k;
                }
            }
            if (found == null) {
                throw doc.error("checks", "unknown check '" + c + "' (known: littles-law)");
            }
            checks.add(found);
        }
        boolean needHistograms = charts.stream().anyMatch(c -> c instanceof ChartSpec.Cdf || c instanceof ChartSpec.Histogram);
        boolean histograms = doc.bool("histograms", needHistograms);
        if (needHistograms && !histograms) {
            throw doc.error("histograms", "CDF and histogram charts need the latency histograms; remove 'histograms: false'");
        }
        doc.checkAllUsed();
        if (axes.isEmpty() && replications < 2) {
            // One point run once is a `stacksim run`; without axes a sweep is a replication study.
            throw ConfigException.at(doc.origin(), "no 'axes'; expected a list of at least one axis (name, path,"
                    + " values or range), or replications of 2 or more; one configuration is a `stacksim run`");
        }
        return new SweepSpec(name, title, question, description, base, axes, combine, replications, seed, crn,
                histograms, metrics, charts, checks, source);
    }

    private static ConfigNode base(ConfigNode doc, Path dir) {
        ConfigNode b = doc.child("base");
        if (b == null) {
            return ConfigNode.emptyRoot(doc.origin().source());
        }
        if (b.isScalar()) {
            String p = b.text();
            if (p == null || p.isBlank()) {
                throw ConfigException.at(b.origin(), "'base' must be a run config (a map) or the path of one");
            }
            Path file = dir == null ? Path.of(p) : dir.resolve(p);
            try {
                return ConfigNode.parseYaml(file);
            } catch (ConfigException e) {
                throw ConfigException.at(b.origin(), "'base': " + e.getMessage());
            }
        }
        if (!b.isMap()) {
            throw ConfigException.at(b.origin(), "'base' must be a run config (a map) or the path of one");
        }
        b.markOpen(); // its keys are checked by the simulation, with their lines
        return b.copy();
    }

    private static List<Axis> axes(ConfigNode doc, Map<String, ConfigNode> quickAxes) {
        ConfigNode list = doc.child("axes");
        List<Axis> axes = new ArrayList<>();
        Map<String, String> axisOfPath = new java.util.HashMap<>();
        if (list == null) {
            return axes; // refused once the other keys are known good (a misspelt 'axes' is named as such)
        }
        if (!list.isList() || list.items().isEmpty()) {
            throw ConfigException.at(list.origin(), "'axes' must be a list of at least one axis (name, path, values or range)");
        }
        for (ConfigNode a : list.items()) {
            if (!a.isMap()) {
                throw ConfigException.at(a.origin(), "'" + a.path() + "' must be a map (name, path, values or range)");
            }
            String path = a.string("path", null);
            String name = a.string("name", path == null ? null : path.substring(path.lastIndexOf('.') + 1));
            if (name == null) {
                throw ConfigException.at(a.origin(), "'" + a.path() + "' needs a name (or a path to take it from)");
            }
            if (!NAME.matcher(name).matches()) {
                throw a.error("name", "'" + name + "' must be letters, digits, '.', '_' or '-'");
            }
            if (RESERVED.contains(name)) {
                throw ConfigException.at(a.origin(), "'" + name + "' names a column of runs.csv or summary.csv; pick another axis name");
            }
            for (Axis other : axes) {
                if (other.name().equals(name)) {
                    throw ConfigException.at(a.origin(), "two axes are named '" + name + "'");
                }
            }
            if (path != null && axisOfPath.containsKey(path)) {
                throw a.error("path", "axes '" + axisOfPath.get(path) + "' and '" + name + "' both set '" + path
                        + "' (the later would override the earlier at every point); expected one axis per path");
            }
            if (path != null) {
                axisOfPath.put(path, name);
            }
            String label = a.string("label", name);
            ConfigNode values = a.child("values");
            ConfigNode range = a.child("range");
            ConfigNode q = quickAxes.get(name);
            if (q != null && range != null) {
                AxisRange.expand(range); // still checked, though the quick values replace it
            }
            if (q != null) {
                if (q.isMap()) {
                    range = q;
                    values = null;
                } else {
                    values = q;
                    range = null;
                }
            }
            if ((values == null) == (range == null)) {
                throw ConfigException.at(a.origin(), "axis '" + name + "' needs either values or range");
            }
            List<AxisValue> vals = new ArrayList<>();
            if (range != null) {
                if (path == null) {
                    throw ConfigException.at(range.origin(), "axis '" + name + "': a range needs a path");
                }
                for (String v : AxisRange.expand(range)) {
                    vals.add(new AxisValue(v, List.of(new Setting(path, v, range.origin()))));
                }
            } else {
                if (!values.isList() || values.items().isEmpty()) {
                    throw ConfigException.at(values.origin(), "axis '" + name + "': values must be a non-empty list");
                }
                for (ConfigNode v : values.items()) {
                    vals.add(value(v, name, path));
                }
            }
            for (int i = 0; i < vals.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (vals.get(i).label().equals(vals.get(j).label())) {
                        throw ConfigException.at(a.origin(), "axis '" + name + "' has the value '" + vals.get(i).label() + "' twice");
                    }
                }
            }
            a.checkAllUsed();
            axes.add(new Axis(name, label, vals, a.origin()));
        }
        return axes;
    }

    private static AxisValue value(ConfigNode v, String axis, String path) {
        if (v.isScalar()) {
            String text = v.text();
            if (text == null) {
                throw ConfigException.at(v.origin(), "axis '" + axis + "': empty value");
            }
            if (path == null) {
                throw ConfigException.at(v.origin(), "axis '" + axis + "' has no path, so each value must be a map {label: ..., set: {path: value}}");
            }
            return new AxisValue(text, List.of(new Setting(path, text, v.origin())));
        }
        if (!v.isMap()) {
            throw ConfigException.at(v.origin(), "axis '" + axis + "': a value must be a scalar or {label, set}");
        }
        String label = v.string("label", null);
        List<Setting> settings = new ArrayList<>();
        String value = v.string("value", null);
        if (value != null) {
            if (path == null) {
                throw v.error("value", "axis '" + axis + "' has no path for this value");
            }
            settings.add(new Setting(path, value, v.origin()));
            label = label == null ? value : label;
        }
        ConfigNode set = v.child("set");
        if (set != null) {
            settings.addAll(settings(set));
        }
        if (label == null) {
            throw ConfigException.at(v.origin(), "axis '" + axis + "': a value given as a map needs a label");
        }
        if (settings.isEmpty()) {
            throw ConfigException.at(v.origin(), "axis '" + axis + "': value '" + label + "' sets nothing (give value or set)");
        }
        v.checkAllUsed();
        return new AxisValue(label, settings);
    }

    /** The settings of a {@code set:} map; nested maps become dotted paths. */
    static List<Setting> settings(ConfigNode set) {
        if (!set.isMap()) {
            throw ConfigException.at(set.origin(), "'" + set.path() + "' must map config paths to values");
        }
        set.markOpen();
        List<Setting> out = new ArrayList<>();
        flatten(set, "", out);
        return out;
    }

    private static void flatten(ConfigNode map, String prefix, List<Setting> out) {
        for (String k : map.keys()) {
            ConfigNode c = map.child(k);
            String p = prefix.isEmpty() ? k : prefix + "." + k;
            if (c.isMap()) {
                flatten(c, p, out);
            } else if (c.isScalar() && c.text() != null) {
                out.add(new Setting(p, c.text(), c.origin()));
            } else {
                throw ConfigException.at(c.origin(), "'" + c.path() + "': a setting must be a single value");
            }
        }
    }

    static List<String> strings(ConfigNode doc, String key, List<String> def) {
        ConfigNode n = doc.child(key);
        if (n == null) {
            return def;
        }
        if (n.isScalar() && n.text() != null) {
            return List.of(n.text());
        }
        if (!n.isList()) {
            throw ConfigException.at(n.origin(), "'" + n.path() + "' must be a list of names");
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode i : n.items()) {
            if (!i.isScalar() || i.text() == null) {
                throw ConfigException.at(i.origin(), "'" + i.path() + "' must be a name");
            }
            out.add(i.text());
        }
        return out;
    }

    /**
     * quick.set wins over a variant value that sets the same path (a device variant's longer
     * number_ios, say): --quick shortens every point, not only those that keep the base's value.
     */
    private static List<Axis> withQuickSettings(List<Axis> axes, List<Setting> quickSet) {
        Map<String, Setting> byPath = new LinkedHashMap<>();
        for (Setting q : quickSet) {
            byPath.put(q.path(), q);
        }
        List<Axis> out = new ArrayList<>();
        for (Axis a : axes) {
            List<AxisValue> values = new ArrayList<>();
            for (AxisValue v : a.values()) {
                List<Setting> settings = new ArrayList<>();
                for (Setting st : v.settings()) {
                    settings.add(byPath.getOrDefault(st.path(), st));
                }
                values.add(new AxisValue(v.label(), settings));
            }
            out.add(new Axis(a.name(), a.label(), values, a.origin()));
        }
        return out;
    }
}
