package io.stacksim.workload.fio;

import io.stacksim.workload.JobSpec.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * fio's value syntax (parse.c: str_to_decimal, __get_mult_bytes, get_mult_time, handle_option),
 * as pure functions. Every method throws IllegalArgumentException with a message saying what
 * was expected; callers add the file, line and option name.
 *
 * <ul>
 *   <li>Sizes: an integer (or {@code 0x} hex) and a case-insensitive suffix. With kb_base=1024
 *       (the default) {@code k}, {@code kb} mean 1024 and the full IEC spellings are inverted:
 *       {@code kib} means 1000 ("compatibility mode"); with kb_base=1000 {@code k} is 1000 and
 *       {@code kib} 1024. fio compares the 3-letter IEC forms whole and the others by their
 *       first letter, so {@code 1mi} is 1048576 with kb_base=1024 (checked against fio 3.33:
 *       1mi = 1048576, 1000ki = 1024000, 1MiB = 1000000, 1KiB = 1000; with kb_base=1000,
 *       1mi = 1000000 and 1KiB = 1024). {@code b} is bytes. A value in parentheses is an
 *       expression.</li>
 *   <li>Times: {@code us}/{@code usec}, {@code ms}/{@code msec}, {@code s}, {@code m},
 *       {@code h}, {@code d}; without one, the option's own unit (seconds for runtime,
 *       microseconds for thinktime).</li>
 *   <li>Per-direction lists {@code read,write,trim}: a value not followed by a comma also
 *       fills the later directions; an empty entry keeps the default.</li>
 * </ul>
 * fio itself reads {@code 1.5k} as 1 and an unknown suffix as bytes; StackSim rejects both.
 */
public final class FioValues {
    private FioValues() {
    }

    /** Bytes per unit of a size suffix under {@code kbBase} (__get_mult_bytes). */
    static long sizeMultiplier(String suffix, int kbBase, String whole) {
        String s = suffix.toLowerCase(Locale.ROOT);
        int other = kbBase == 1000 ? 1024 : 1000;
        int pow;
        int mult = kbBase;
        switch (s) {
            case "", "b" -> pow = 0;
            // fio matches these by their first letter, so "ki" is k (1mi = 1048576 in fio 3.33).
            case "k", "kb", "ki" -> pow = 1;
            case "m", "mb", "mi" -> pow = 2;
            case "g", "gb", "gi" -> pow = 3;
            case "t", "tb", "ti" -> pow = 4;
            case "p", "pb", "pi" -> pow = 5;
            case "kib" -> { pow = 1; mult = other; }
            case "mib" -> { pow = 2; mult = other; }
            case "gib" -> { pow = 3; mult = other; }
            case "tib" -> { pow = 4; mult = other; }
            case "pib" -> { pow = 5; mult = other; }
            default -> throw new IllegalArgumentException("expected a size such as 4k, 64KiB or 1g, got '" + whole
                    + "' (unknown suffix '" + suffix + "')");
        }
        long r = 1;
        for (int i = 0; i < pow; i++) {
            r = Math.multiplyExact(r, mult);
        }
        return r;
    }

    /** Microseconds per unit of a time suffix (get_mult_time). */
    static long timeMultiplierUs(String suffix, String whole) {
        return switch (suffix.toLowerCase(Locale.ROOT)) {
            case "us", "usec" -> 1;
            case "ms", "msec" -> 1_000;
            case "s", "sec" -> 1_000_000;
            case "m", "min" -> 60_000_000L;
            case "h" -> 3_600_000_000L;
            case "d" -> 86_400_000_000L;
            default -> throw new IllegalArgumentException("expected a time such as 500ms, 10s or 2m, got '" + whole
                    + "' (unknown unit '" + suffix + "')");
        };
    }

    /** A byte count with fio's suffixes ({@code 4k}, {@code 1MiB}, {@code 0x1000}, {@code (2*4k)}). */
    public static long size(String text, int kbBase) {
        Size s = sizeOrPercent(text, kbBase);
        if (s.isPercent()) {
            throw new IllegalArgumentException("expected a size such as 4k or 1g, not a percentage: '" + text + "'");
        }
        return s.bytes();
    }

    /** A byte count, or a percentage ({@code 20%}) for the options that take one. */
    public static Size sizeOrPercent(String text, int kbBase) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("expected a size such as 4k or 1g, got an empty value");
        }
        if (s.startsWith("(")) {
            double v = FioExpression.evaluate(s, FioExpression.Units.SIZE, kbBase, false);
            if (v < 0 || v != Math.rint(v)) {
                throw new IllegalArgumentException("expected a whole, non-negative number of bytes, got " + v + " from '" + s + "'");
            }
            return Size.bytes((long) v);
        }
        int i = 0;
        long value;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            i = 2;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            if (i == 2) {
                throw new IllegalArgumentException("expected a hex number after 0x, got '" + s + "'");
            }
            value = Long.parseUnsignedLong(s.substring(2, i), 16);
        } else {
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == 0) {
                throw new IllegalArgumentException("expected a size such as 4k, 64KiB or 1g, got '" + s + "'");
            }
            if (i < s.length() && s.charAt(i) == '.') {
                throw new IllegalArgumentException("expected a whole number with an optional suffix (fio reads '"
                        + s + "' as " + s.substring(0, i) + "), got a fraction");
            }
            try {
                value = Long.parseLong(s.substring(0, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("number too large: '" + s + "'");
            }
        }
        String suffix = s.substring(i).trim();
        if (suffix.equals("%")) {
            if (value > 100) {
                throw new IllegalArgumentException("expected a percentage from 0% to 100%, got '" + s + "'");
            }
            return new Size(0, value);
        }
        return Size.bytes(Math.multiplyExact(value, sizeMultiplier(suffix, kbBase, s)));
    }

    /** A plain integer (no suffix), e.g. iodepth, numjobs. */
    public static long integer(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("(")) {
                double v = FioExpression.evaluate(s, FioExpression.Units.NONE, 1024, false);
                if (v != Math.rint(v)) {
                    throw new IllegalArgumentException("expected a whole number, got " + v + " from '" + s + "'");
                }
                return (long) v;
            }
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + text + "'");
        }
    }

    /** An integer that fio reads with size suffixes too (FIO_OPT_INT: iodepth=1k is 1024). */
    public static long intWithSuffix(String text, int kbBase) {
        return size(text, kbBase);
    }

    /**
     * A time in microseconds; without a unit the number is in {@code defaultUnitUs}
     * (1_000_000 for seconds, 1 for microseconds). In an expression a bare number is µs.
     */
    public static long timeUs(String text, long defaultUnitUs) {
        String s = text.trim();
        if (s.startsWith("(")) {
            double v = FioExpression.evaluate(s, FioExpression.Units.TIME, 1024, false);
            if (v < 0) {
                throw new IllegalArgumentException("expected a non-negative time, got '" + s + "'");
            }
            return Math.round(v);
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("expected a time such as 500ms, 10s or 2m, got '" + text + "'");
        }
        if (i < s.length() && s.charAt(i) == '.') {
            throw new IllegalArgumentException("expected a whole number with an optional unit, got '" + text + "'");
        }
        long v;
        try {
            v = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a time such as 500ms, 10s or 2m, got '" + text
                    + "' (too large: at most " + Long.MAX_VALUE + " us)");
        }
        String suffix = s.substring(i).trim();
        try {
            return Math.multiplyExact(v, suffix.isEmpty() ? defaultUnitUs : timeMultiplierUs(suffix, s));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("expected a time such as 500ms, 10s or 2m, got '" + text
                    + "' (too large: at most " + Long.MAX_VALUE + " us)");
        }
    }

    /**
     * fio's bool (parse.c check_int, then the option's maxval of 1): a number read as sscanf
     * reads it, "%x" when the text holds "0x", else "%u", so {@code 1}, {@code 01}, {@code 0x1}
     * and {@code 1x} are all 1, and anything above 1 is out of range. StackSim also takes
     * true/false, yes/no, on/off, for YAML configs.
     */
    public static boolean bool(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "true", "yes", "on":
                return true;
            case "false", "no", "off":
                return false;
            default:
                break;
        }
        int hex = t.indexOf("0x");
        String digits = hex >= 0 ? t.substring(hex + 2) : (t.startsWith("+") ? t.substring(1) : t);
        int radix = hex >= 0 ? 16 : 10;
        int n = 0;
        while (n < digits.length() && Character.digit(digits.charAt(n), radix) >= 0) {
            n++;
        }
        if (n == 0 || (hex > 0 && !t.substring(0, hex).isBlank())) {
            throw new IllegalArgumentException("expected 0 or 1, got '" + text + "'");
        }
        java.math.BigInteger v = new java.math.BigInteger(digits.substring(0, n), radix);
        if (v.compareTo(java.math.BigInteger.ONE) > 0) {
            throw new IllegalArgumentException("expected 0 or 1 (fio's maximum for a boolean is 1), got '" + text + "'");
        }
        return v.signum() == 1;
    }

    /** A floating-point number. */
    public static double real(String text) {
        try {
            String s = text.trim();
            if (s.startsWith("(")) {
                return FioExpression.evaluate(s, FioExpression.Units.NONE, 1024, false);
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, got '" + text + "'");
        }
    }

    /**
     * Splits a per-direction value the way parse.c handle_option does: at ',' (a trailing comma
     * is dropped), or when there is none at ':' and then '-'. Returns three entries
     * (read, write, trim); null means "keep the default". A value not followed by a separator
     * also fills the later directions.
     */
    public static String[] perDirection(String text, boolean splitColonAndDash) {
        String[] out = new String[3];
        String ptr = text;
        int curr = 0;
        while (curr < 3) {
            int sep = ptr.indexOf(',');
            if (sep >= 0 && sep == ptr.length() - 1) {
                ptr = ptr.substring(0, sep); // "8k,32k," : the trailing comma stops the fill-in
                String v = ptr.isEmpty() ? null : ptr;
                out[curr] = v;
                return out;
            }
            if (sep < 0 && splitColonAndDash) {
                sep = ptr.indexOf(':');
                if (sep < 0) {
                    sep = ptr.indexOf('-');
                }
            }
            String piece = sep < 0 ? ptr : ptr.substring(0, sep);
            out[curr] = piece.isEmpty() ? null : piece;
            if (sep < 0) {
                for (int d = curr + 1; d < 3; d++) {
                    out[d] = out[curr];
                }
                return out;
            }
            ptr = ptr.substring(sep + 1);
            curr++;
        }
        if (!ptr.isEmpty()) {
            throw new IllegalArgumentException("expected at most three values (read,write,trim), got '" + text + "'");
        }
        return out;
    }

    /** A range {@code lo-hi} or {@code lo:hi} of sizes; swapped if lo > hi (FIO_OPT_RANGE; fio 3.33 runs bsrange=64k-4k as 4k-64k). */
    public static long[] range(String text, int kbBase) {
        String s = text.trim();
        int sep = s.indexOf('-');
        if (sep < 0) {
            sep = s.indexOf(':');
        }
        if (sep < 0) {
            throw new IllegalArgumentException("expected a range such as 4k-32k, got '" + text + "'");
        }
        long a = size(s.substring(0, sep), kbBase);
        long b = size(s.substring(sep + 1), kbBase);
        return a <= b ? new long[] {a, b} : new long[] {b, a};
    }

    /**
     * Refuses a signed value of a per-direction list ({@code -4k}, {@code 4k,-8k}): the list
     * splitting reads a leading '-' as a separator, so without this check {@code bs=-4k} would
     * quietly set the write block size alone and {@code rate=-1m} no rate at all.
     */
    public static void unsigned(String text, String what) {
        String t = text.strip();
        if (t.startsWith("-") || t.startsWith("+") || t.contains(",-") || t.contains(",+") || t.contains(":-")) {
            throw new IllegalArgumentException("expected " + what + " of 0 or more, got '" + text + "'");
        }
    }

    /** Splits {@code text} at {@code sep}, keeping empty pieces. */
    static List<String> split(String text, char sep) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == sep) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
