package io.stacksim.experiment.sweep;

import io.stacksim.config.Origin;
import io.stacksim.config.Units;
import java.util.List;
import java.util.Locale;

/**
 * A swept parameter: a name (its column in runs.csv), a human label with its unit for chart
 * axes, and the values it takes in order.
 *
 * @param name   column name, e.g. {@code iodepth}
 * @param label  axis title for charts, e.g. "queue depth (I/Os in flight)"
 * @param values the values, in sweep order
 * @param origin where the axis is defined
 */
public record Axis(String name, String label, List<AxisValue> values, Origin origin) {
    public Axis {
        values = List.copyOf(values);
    }

    /** How the values can be placed on a chart axis. */
    public enum Kind {
        /** Plain numbers. */
        NUMBER,
        /** Sizes such as 4k or 1m (plotted in KiB). */
        SIZE,
        /** Names (devices, engines, modes). */
        CATEGORY
    }

    /** The kind of all values: numbers, sizes, or else names. */
    public Kind kind() {
        boolean numbers = true;
        boolean sizes = true;
        for (AxisValue v : values) {
            numbers &= parseNumber(v.label()) != null;
            sizes &= parseSize(v.label()) != null;
        }
        return numbers ? Kind.NUMBER : sizes ? Kind.SIZE : Kind.CATEGORY;
    }

    /** The value's position on a numeric chart axis (sizes in KiB); NaN for a name. */
    public double numeric(AxisValue v) {
        return switch (kind()) {
            case NUMBER -> parseNumber(v.label());
            case SIZE -> parseSize(v.label()) / 1024.0;
            case CATEGORY -> Double.NaN;
        };
    }

    /** The chart axis title: the label, with "(KiB)" added for sizes when it names no unit. */
    public String chartLabel() {
        if (kind() == Kind.SIZE && !label.contains("(")) {
            return label + " (KiB)";
        }
        return label;
    }

    /** The value whose label is {@code label}, comparing numbers and sizes by value; null if none. */
    public AxisValue find(String label) {
        for (AxisValue v : values) {
            if (v.label().equals(label)) {
                return v;
            }
        }
        Kind k = kind();
        if (k != Kind.CATEGORY) {
            Double want = k == Kind.NUMBER ? parseNumber(label) : toDouble(parseSize(label));
            if (want != null) {
                for (AxisValue v : values) {
                    if (numeric(v) * (k == Kind.SIZE ? 1024 : 1) == want) {
                        return v;
                    }
                }
            }
        }
        return null;
    }

    private static Double toDouble(Long l) {
        return l == null ? null : l.doubleValue();
    }

    static Double parseNumber(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || !Character.isDigit(t.charAt(0))) {
            return null;
        }
        try {
            return Units.parseSize(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
