package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.engine.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code charts:} list of a sweep file. Each entry has a {@code kind}:
 * <ul>
 *   <li>{@code line}: {@code x} (axis or metric), {@code y} (metric or list), optional
 *       {@code series}, {@code along}, {@code x_scale}/{@code y_scale} (linear, log2, log10),
 *       {@code x_label}/{@code y_label};</li>
 *   <li>{@code hockey-stick}: latency percentiles against achieved throughput: {@code latency}
 *       (default lat.read), {@code percentiles} (default 50, 99, 99.9), {@code x} (default
 *       iops.total), {@code along} (the axis that raises the load);</li>
 *   <li>{@code cdf}: {@code latency}, {@code series};</li>
 *   <li>{@code layers}: {@code x} (an axis);</li>
 *   <li>{@code histogram}: {@code latency}, {@code series}.</li>
 * </ul>
 * Every kind takes {@code name} (file stem), {@code title} and {@code where} (axis: value or
 * list of values) to keep only some points.
 */
final class ChartFile {
    private static final List<String> KINDS = List.of("line", "hockey-stick", "cdf", "layers", "histogram");
    private static final List<String> SCALES = List.of("linear", "log2", "log10");
    private static final List<String> LATENCIES = List.of("lat.read", "lat.write");

    private ChartFile() {
    }

    static List<ChartSpec> charts(ConfigNode list, List<Axis> axes, boolean quick) {
        List<ChartSpec> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        if (!list.isList()) {
            throw ConfigException.at(list.origin(), "'charts' must be a list of charts");
        }
        int i = 0;
        for (ConfigNode c : list.items()) {
            i++;
            if (!c.isMap()) {
                throw ConfigException.at(c.origin(), "'" + c.path() + "' must be a map with a kind");
            }
            Object plain = c.toPlain();
            String kind = c.choice("kind", null, KINDS);
            if (kind == null) {
                throw ConfigException.at(c.origin(), "'" + c.path() + "' needs a kind (" + String.join(", ", KINDS) + ")");
            }
            String name = c.string("name", kind + "-" + i);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw c.error("name", "'" + name + "' must be letters, digits, '.', '_' or '-' (it names the files)");
            }
            for (ChartSpec other : out) {
                if (other.name().equals(name)) {
                    throw c.error("name", "two charts are named '" + name + "'");
                }
            }
            Map<String, List<String>> where = where(c, axes, quick);
            if (!where.isEmpty() && plain instanceof Map<?, ?> m) {
                // the resolved filter (a quick sweep keeps only the values it has)
                @SuppressWarnings("unchecked")
                Map<String, Object> pm = (Map<String, Object>) m;
                pm.put("where", new LinkedHashMap<>(where));
            }
            String series = axisRef(c, "series", axes);
            ChartSpec spec = switch (kind) {
                case "line" -> {
                    String x = c.string("x", null);
                    if (x == null) {
                        throw ConfigException.at(c.origin(), "line chart '" + name + "' needs x (an axis or a metric)");
                    }
                    List<String> y = SweepFile.strings(c, "y", null);
                    if (y == null || y.isEmpty()) {
                        throw ConfigException.at(c.origin(), "line chart '" + name + "' needs y (a metric or a list)");
                    }
                    String along = along(c, x, series, where, axes);
                    yield new ChartSpec.Line(name, c.string("title", null), x, y, series, along,
                            scale(c, "x_scale", "linear"), scale(c, "y_scale", "linear"),
                            c.string("x_label", null), c.string("y_label", null), where, c.origin(), plain);
                }
                case "hockey-stick" -> {
                    String latency = c.choice("latency", "lat.read", LATENCIES);
                    List<String> ps = SweepFile.strings(c, "percentiles", List.of("50", "99", "99.9"));
                    List<String> y = new ArrayList<>();
                    for (String p : ps) {
                        y.add(latency + ".p" + percentile(c, p) + "_us");
                    }
                    String x = c.string("x", "iops.total");
                    String along = along(c, x, series, where, axes);
                    String dir = latency.substring(4);
                    yield new ChartSpec.Line(name, c.string("title", dir + " latency percentiles against throughput"),
                            x, y, series, along, scale(c, "x_scale", "linear"), scale(c, "y_scale", "linear"),
                            c.string("x_label", null), c.string("y_label", dir + " latency (µs)"), where, c.origin(), plain);
                }
                case "cdf" -> {
                    String latency = c.choice("latency", "lat.read", LATENCIES);
                    yield new ChartSpec.Cdf(name, c.string("title", latency.substring(4) + " latency distribution"),
                            latency, series, where, c.origin(), plain);
                }
                case "layers" -> {
                    String x = axisRef(c, "x", axes);
                    if (x == null) {
                        throw ConfigException.at(c.origin(), "layers chart '" + name + "' needs x (an axis)");
                    }
                    if (series != null) {
                        throw c.error("series", "a layers chart stacks the layers; it has no series (use where or let it split)");
                    }
                    yield new ChartSpec.Layers(name, c.string("title", "where the time went"), x, where, c.origin(), plain);
                }
                case "histogram" -> {
                    String latency = c.choice("latency", "lat.read", LATENCIES);
                    yield new ChartSpec.Histogram(name, c.string("title", latency.substring(4) + " latency histogram (log2)"),
                            latency, series, where, c.origin(), plain);
                }
                default -> throw new IllegalStateException(kind);
            };
            c.checkAllUsed();
            out.add(spec);
        }
        return out;
    }

    private static String percentile(ConfigNode c, String p) {
        for (double std : Stats.STANDARD_PERCENTILES) {
            String label = Stats.percentileLabel(std);
            if (label.equals(p) || (Axis.parseNumber(p) != null && Axis.parseNumber(p) == std)) {
                return label;
            }
        }
        List<String> known = new ArrayList<>();
        for (double std : Stats.STANDARD_PERCENTILES) {
            known.add(Stats.percentileLabel(std));
        }
        throw c.error("percentiles", "percentile " + p + " is not recorded (known: " + String.join(", ", known) + ")");
    }

    private static String along(ConfigNode c, String x, String series, Map<String, List<String>> where, List<Axis> axes) {
        String along = axisRef(c, "along", axes);
        boolean xIsAxis = axes.stream().anyMatch(a -> a.name().equals(x));
        if (xIsAxis) {
            if (along != null) {
                throw c.error("along", "x is the axis '" + x + "'; along is only for an x that is a metric");
            }
            return null;
        }
        if (along != null) {
            return along;
        }
        // the one axis that is neither the series nor fixed by where
        List<String> free = new ArrayList<>();
        for (Axis a : axes) {
            List<String> kept = where.get(a.name());
            if (!a.name().equals(series) && a.values().size() > 1 && (kept == null || kept.size() > 1)) {
                free.add(a.name());
            }
        }
        if (free.size() == 1) {
            return free.get(0);
        }
        throw ConfigException.at(c.origin(), "x '" + x + "' is a metric, not an axis (axes: " + names(axes)
                + "); name the axis that orders its points with 'along'");
    }

    private static String axisRef(ConfigNode c, String key, List<Axis> axes) {
        String v = c.string(key, null);
        if (v != null && axes.stream().noneMatch(a -> a.name().equals(v))) {
            throw c.error(key, "no axis named '" + v + "' (axes: " + names(axes) + ")");
        }
        return v;
    }

    private static String names(List<Axis> axes) {
        return axes.isEmpty() ? "none" : String.join(", ", axes.stream().map(Axis::name).toList());
    }

    private static ChartSpec.Scale scale(ConfigNode c, String key, String def) {
        return ChartSpec.Scale.valueOf(c.choice(key, def, SCALES).toUpperCase(Locale.ROOT));
    }

    private static Map<String, List<String>> where(ConfigNode c, List<Axis> axes, boolean quick) {
        ConfigNode w = c.child("where");
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (w == null) {
            return out;
        }
        if (!w.isMap()) {
            throw ConfigException.at(w.origin(), "'" + w.path() + "' must map axis names to a value or a list of values");
        }
        w.markOpen();
        for (String k : w.keys()) {
            Axis axis = axes.stream().filter(a -> a.name().equals(k)).findFirst().orElse(null);
            if (axis == null) {
                throw w.error(k, "no axis named '" + k + "' (axes: " + names(axes) + ")");
            }
            List<String> labels = new ArrayList<>();
            for (String v : SweepFile.strings(w, k, List.of())) {
                AxisValue av = axis.find(v);
                if (av == null && quick) {
                    continue; // the quick version has fewer values; keep those it has
                }
                if (av == null) {
                    throw w.error(k, "axis '" + k + "' has no value '" + v + "' (values: "
                            + String.join(", ", axis.values().stream().map(AxisValue::label).toList()) + ")");
                }
                labels.add(av.label());
            }
            if (labels.isEmpty()) {
                throw w.error(k, "none of these values is in the quick version of axis '" + k + "' (values: "
                        + String.join(", ", axis.values().stream().map(AxisValue::label).toList()) + ")");
            }
            out.put(k, List.copyOf(labels));
        }
        return out;
    }
}
