package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Units;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Expands an axis {@code range:} into values. Four forms, all inclusive of {@code to} when it
 * falls on the grid:
 * <ul>
 *   <li>{@code {from: 0, to: 100, step: 25}}: linear by a step;</li>
 *   <li>{@code {from: 0, to: 1, count: 5}}: linear, {@code count} evenly spaced values;</li>
 *   <li>{@code {from: 1, to: 256, factor: 2}}: geometric by a factor (1, 2, 4 ... 256);</li>
 *   <li>{@code {from: 1, to: 1000, count: 4, scale: log}}: geometric, {@code count} values
 *       evenly spaced in log (1, 10, 100, 1000).</li>
 * </ul>
 * {@code from} and {@code to} may be sizes ({@code 4k}, {@code 1m}); the values are then sizes
 * written the way fio reads them ({@code 4k}, {@code 64k}, {@code 1m}). Values are integers
 * when the bounds and step/factor are; otherwise they keep 6 significant digits.
 */
public final class AxisRange {
    /** No sweep axis is longer than this; a typo in a range should not start a million runs. */
    public static final int MAX_VALUES = 10_000;

    private AxisRange() {
    }

    public static List<String> expand(ConfigNode range) {
        if (!range.isMap()) {
            throw ConfigException.at(range.origin(), "'" + range.path() + "' must be a map such as {from: 1, to: 64, factor: 2}");
        }
        String fromText = required(range, "from");
        String toText = required(range, "to");
        boolean sizes = isSize(fromText) || isSize(toText);
        double from = number(range, "from", fromText, sizes);
        double to = number(range, "to", toText, sizes);
        boolean hasStep = range.has("step");
        boolean hasFactor = range.has("factor");
        boolean hasCount = range.has("count");
        int forms = (hasStep ? 1 : 0) + (hasFactor ? 1 : 0) + (hasCount ? 1 : 0);
        if (forms != 1) {
            throw ConfigException.at(range.origin(), "'" + range.path() + "' needs exactly one of step, factor or count");
        }
        String scale = range.choice("scale", hasFactor ? "log" : "linear", List.of("linear", "log"));
        if (to < from) {
            throw range.error("to", "must not be below from (" + fromText + ")");
        }
        List<Double> values = new ArrayList<>();
        boolean integral = from == Math.rint(from) && to == Math.rint(to);
        if (hasStep) {
            if (scale.equals("log")) {
                throw range.error("scale", "a step is linear; use factor for a geometric range");
            }
            String stepText = range.string("step", null);
            double step = number(range, "step", stepText, sizes);
            if (!(step > 0)) {
                throw range.error("step", "must be positive");
            }
            integral &= step == Math.rint(step);
            long n = (long) Math.floor((to - from) / step * (1 + 1e-12) + 1e-9) + 1;
            check(range, n);
            for (long i = 0; i < n; i++) {
                values.add(from + i * step);
            }
        } else if (hasFactor) {
            if (scale.equals("linear")) {
                throw range.error("scale", "a factor is geometric; use step for a linear range");
            }
            double factor = range.doubleValue("factor", 2, 1.000001, 1e9);
            if (!(from > 0)) {
                throw range.error("from", "a geometric range must start above 0");
            }
            integral &= factor == Math.rint(factor);
            for (double v = from; v <= to * (1 + 1e-9); v *= factor) {
                values.add(v);
                check(range, values.size());
            }
        } else {
            int count = range.intValue("count", 2, 2, MAX_VALUES);
            if (scale.equals("log")) {
                if (!(from > 0)) {
                    throw range.error("from", "a log range must start above 0");
                }
                double lf = Math.log(from);
                double lt = Math.log(to);
                for (int i = 0; i < count; i++) {
                    values.add(i == count - 1 ? to : Math.exp(lf + (lt - lf) * i / (count - 1)));
                }
                integral = false;
            } else {
                for (int i = 0; i < count; i++) {
                    values.add(i == count - 1 ? to : from + (to - from) * i / (count - 1));
                }
                integral &= (to - from) % (count - 1) == 0;
            }
        }
        range.checkAllUsed();
        List<String> out = new ArrayList<>();
        for (double v : values) {
            String text = sizes ? formatSize(Math.round(v)) : integral ? Long.toString(Math.round(v)) : formatReal(v);
            if (out.contains(text)) {
                throw ConfigException.at(range.origin(), "'" + range.path() + "' gives the value " + text
                        + " twice; use fewer values or finer units");
            }
            out.add(text);
        }
        return out;
    }

    private static void check(ConfigNode range, long n) {
        if (n > MAX_VALUES) {
            throw ConfigException.at(range.origin(), "'" + range.path() + "' gives more than " + MAX_VALUES + " values");
        }
    }

    private static String required(ConfigNode range, String key) {
        String v = range.string(key, null);
        if (v == null) {
            throw ConfigException.at(range.origin(), "'" + range.path() + "' needs '" + key + "'");
        }
        return v;
    }

    private static boolean isSize(String s) {
        String t = s.trim();
        return !t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1)) && Axis.parseSize(t) != null;
    }

    private static double number(ConfigNode range, String key, String text, boolean sizes) {
        if (sizes) {
            Long b = Axis.parseSize(text);
            if (b == null) {
                throw range.error(key, "expected a size such as 4k or 1m, got '" + text + "'");
            }
            return b;
        }
        Double d = Axis.parseNumber(text);
        if (d == null) {
            throw range.error(key, "expected a number, got '" + text + "'");
        }
        return d;
    }

    /** 6 significant digits, no exponent, no trailing zeros: 3.16228, 0.001, 1500. */
    static String formatReal(double v) {
        BigDecimal b = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        return b.scale() < 0 ? b.setScale(0).toPlainString() : b.toPlainString();
    }

    /** A size the way fio's options take it: 4k, 1m, 2g, or bytes. */
    static String formatSize(long bytes) {
        String[] suffix = {"", "k", "m", "g", "t"};
        int u = 0;
        long v = bytes;
        while (u < suffix.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%d%s", v, suffix[u]);
    }
}
