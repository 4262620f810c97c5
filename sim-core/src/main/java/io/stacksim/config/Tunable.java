package io.stacksim.config;

import java.util.List;
import java.util.Locale;

/**
 * One tunable a component declares once: its key, type, default, allowed range or choices,
 * the unit a bare number is in, and a line of help - as ns-3's attributes declare theirs. The
 * component reads its settings through its tunables ({@link #read}), so the key, the default
 * and the checks exist in one place, and {@link ConfigReference} writes docs/config.md from the
 * same declarations.
 *
 * <p>Reading goes through {@link ConfigNode}'s typed accessors, so a bad value is the usual
 * one-line error naming file, line and what was expected, and a key nobody declared is still
 * reported by {@link ConfigNode#checkAllUsed()} with its "did you mean".
 *
 * <p>Declare a tunable as a constant of the component and read it in the component's
 * {@code from(ConfigNode)}:
 * <pre>{@code
 * static final Tunable<Integer> NR_REQUESTS = Tunable.integer("nr_requests", 0, 0, 1 << 16)
 *         .help("queue/nr_requests; 0 = the kernel's choice");
 * ... NR_REQUESTS.read(section) ...
 * }</pre>
 *
 * @param <T> the value's Java type
 */
public final class Tunable<T> {
    /** How a value is written and parsed. */
    public enum Kind { INTEGER, LONG, NUMBER, FLAG, SIZE, DURATION, RATE, TEXT, CHOICE }

    private final Kind kind;
    private final String name;
    private final T def;
    private final long min;
    private final long max;
    private final double dmin;
    private final double dmax;
    private final List<String> choices;
    private final long bareUnitNs;
    private final String shownDefault;
    private final String range;
    private final String help;

    private Tunable(Kind kind, String name, T def, long min, long max, double dmin, double dmax, List<String> choices,
                    long bareUnitNs, String shownDefault, String range, String help) {
        this.kind = kind;
        this.name = name;
        this.def = def;
        this.min = min;
        this.max = max;
        this.dmin = dmin;
        this.dmax = dmax;
        this.choices = choices;
        this.bareUnitNs = bareUnitNs;
        this.shownDefault = shownDefault;
        this.range = range;
        this.help = help;
    }

    private static <T> Tunable<T> of(Kind kind, String name, T def, long min, long max, double dmin, double dmax,
                                     List<String> choices, long bareUnitNs) {
        return new Tunable<>(kind, name, def, min, max, dmin, dmax, choices, bareUnitNs, null, null, "");
    }

    // ------------------------------------------------------------------ declarations

    /** An integer in [min, max]. */
    public static Tunable<Integer> integer(String name, int def, int min, int max) {
        return of(Kind.INTEGER, name, def, min, max, 0, 0, List.of(), 0);
    }

    /** A long integer in [min, max]. */
    public static Tunable<Long> longInteger(String name, long def, long min, long max) {
        return of(Kind.LONG, name, def, min, max, 0, 0, List.of(), 0);
    }

    /** A number in [min, max]. */
    public static Tunable<Double> number(String name, double def, double min, double max) {
        return of(Kind.NUMBER, name, def, 0, 0, min, max, List.of(), 0);
    }

    /** true or false (also yes/no, on/off, 1/0). */
    public static Tunable<Boolean> flag(String name, boolean def) {
        return of(Kind.FLAG, name, def, 0, 0, 0, 0, List.of(), 0);
    }

    /** A size in bytes within [min, max], written as fio writes sizes ("4k", "1m"). */
    public static Tunable<Long> size(String name, long def, long min, long max) {
        return of(Kind.SIZE, name, def, min, max, 0, 0, List.of(), 0);
    }

    /** A duration in ns, written with a unit ("500us"); a bare number is in {@code bareUnitNs}. */
    public static Tunable<Long> duration(String name, long defNs, long bareUnitNs) {
        return of(Kind.DURATION, name, defNs, 0, 0, 0, 0, List.of(), bareUnitNs);
    }

    /** A positive rate in bytes per second ("550MB/s", "6Gb/s"). */
    public static Tunable<Double> rate(String name, double defBytesPerSec) {
        return of(Kind.RATE, name, defBytesPerSec, 0, 0, 0, 0, List.of(), 0);
    }

    /** Free text the component checks itself (say how with {@link #range(String)}); null = no default. */
    public static Tunable<String> text(String name, String def) {
        return of(Kind.TEXT, name, def, 0, 0, 0, 0, List.of(), 0);
    }

    /** One of {@code choices} (case-sensitive). */
    public static Tunable<String> choice(String name, String def, List<String> choices) {
        return of(Kind.CHOICE, name, def, 0, 0, 0, 0, List.copyOf(choices), 0);
    }

    /** This tunable with a line of help (markdown). */
    public Tunable<T> help(String text) {
        return new Tunable<>(kind, name, def, min, max, dmin, dmax, choices, bareUnitNs, shownDefault, range, text);
    }

    /** This tunable with its default shown as {@code text} in the reference (e.g. "10% of requests"). */
    public Tunable<T> shownDefault(String text) {
        return new Tunable<>(kind, name, def, min, max, dmin, dmax, choices, bareUnitNs, text, range, help);
    }

    /** This tunable with its accepted values described as {@code text} in the reference. */
    public Tunable<T> range(String text) {
        return new Tunable<>(kind, name, def, min, max, dmin, dmax, choices, bareUnitNs, shownDefault, text, help);
    }

    // ------------------------------------------------------------------ reading

    /** The value in {@code section}, or the default; bad values are errors at their line. */
    public T read(ConfigNode section) {
        return read(section, def);
    }

    /** The value in {@code section}, or {@code dflt} (a default that depends on other settings). */
    @SuppressWarnings("unchecked")
    public T read(ConfigNode section, T dflt) {
        Object v = switch (kind) {
            case INTEGER -> section.intValue(name, (Integer) dflt, (int) min, (int) max);
            case LONG -> section.longValue(name, (Long) dflt, min, max);
            case NUMBER -> section.doubleValue(name, (Double) dflt, dmin, dmax);
            case FLAG -> section.bool(name, (Boolean) dflt);
            case SIZE -> section.size(name, (Long) dflt, min, max);
            case DURATION -> section.duration(name, (Long) dflt, bareUnitNs);
            case RATE -> section.rate(name, (Double) dflt);
            case TEXT -> section.string(name, (String) dflt);
            case CHOICE -> section.choice(name, (String) dflt, choices);
        };
        return (T) v;
    }

    /** True when {@code section} sets this tunable. */
    public boolean isSet(ConfigNode section) {
        return section.has(name);
    }

    /** An error about this tunable's value in {@code section}, at its line. */
    public ConfigException error(ConfigNode section, String message) {
        return section.error(name, message);
    }

    // ------------------------------------------------------------------ what the reference shows

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public T defaultValue() {
        return def;
    }

    public String help() {
        return help;
    }

    /** The default as the reference shows it: {@link #defaultText}, unless the declaration words it. */
    public String shownDefault() {
        return shownDefault != null ? shownDefault : defaultText();
    }

    /** The default as a user would write it in a config ("" when there is none). */
    public String defaultText() {
        if (def == null) {
            return "";
        }
        return switch (kind) {
            case SIZE -> formatSize((Long) def);
            case DURATION -> formatDuration((Long) def);
            case RATE -> formatRate((Double) def);
            case NUMBER -> formatNumber((Double) def);
            default -> def.toString();
        };
    }

    /** The accepted values, in words. */
    public String range() {
        if (range != null) {
            return range;
        }
        return switch (kind) {
            case INTEGER -> bounds(min, max, Integer.MIN_VALUE, Integer.MAX_VALUE, false);
            case LONG -> bounds(min, max, Long.MIN_VALUE, Long.MAX_VALUE, false);
            case SIZE -> bounds(min, max, Long.MIN_VALUE, Long.MAX_VALUE, true);
            case NUMBER -> formatNumber(dmin) + " .. " + formatNumber(dmax);
            case FLAG -> "true, false";
            case DURATION -> bareUnitNs == 1 ? "a duration (bare number: ns)"
                    : "a duration (bare number: " + formatDuration(bareUnitNs).replaceFirst("^1", "") + ")";
            case RATE -> "a rate > 0";
            case TEXT -> "text";
            case CHOICE -> String.join(", ", choices);
        };
    }

    private static String bounds(long lo, long hi, long floor, long ceil, boolean size) {
        String l = size ? formatSize(lo) : Long.toString(lo);
        String h = size ? formatSize(hi) : Long.toString(hi);
        if (lo <= floor && hi >= ceil) {
            return "any";
        }
        if (hi >= ceil || (size && hi >= (1L << 62))) {
            return ">= " + l;
        }
        return l + " .. " + h;
    }

    /** Bytes as fio writes them: "4k", "1m", "2g", or a plain byte count. */
    static String formatSize(long bytes) {
        String[] units = {"p", "t", "g", "m", "k"};
        int[] shifts = {50, 40, 30, 20, 10};
        if (bytes != 0) {
            for (int i = 0; i < units.length; i++) {
                long unit = 1L << shifts[i];
                if (bytes % unit == 0) {
                    return (bytes / unit) + units[i];
                }
            }
        }
        return Long.toString(bytes);
    }

    /** Nanoseconds in the largest unit that divides them: "5s", "500ms", "3us", "130ns". */
    static String formatDuration(long ns) {
        if (ns == 0) {
            return "0";
        }
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        if (ns % 1_000L == 0) {
            return ns / 1_000L + "us";
        }
        return ns + "ns";
    }

    /** Bytes per second in the datasheet's units: "7.5GB/s", "550MB/s". */
    static String formatRate(double bps) {
        if (bps >= 1e9) {
            return formatNumber(bps / 1e9) + "GB/s";
        }
        if (bps >= 1e6) {
            return formatNumber(bps / 1e6) + "MB/s";
        }
        return formatNumber(bps) + "B/s";
    }

    static String formatNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = String.format(Locale.ROOT, "%.6g", d);
        if (s.contains("e")) {
            return s;
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
