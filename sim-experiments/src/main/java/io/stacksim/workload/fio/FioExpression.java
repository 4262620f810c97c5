package io.stacksim.workload.fio;

import java.util.Locale;

/**
 * fio's arithmetic in option values (HOWTO "Parameter types"; exp/expression-parser.y): a value
 * wrapped in parentheses may use {@code + - * / % ^}, unary minus and nested parentheses.
 * Numbers may carry a size suffix (for size options, with the job's kb_base) or a time suffix
 * (for time options). A time without a unit inside an expression is in microseconds, as the
 * HOWTO says ("this is different than for time values not in expressions").
 *
 * <p>{@link #integer} mode evaluates as {@code bc} does with its default scale of 0 (division
 * truncates), which is what fio uses for the reserved keywords ({@code size=8*$mb_memory}).
 */
public final class FioExpression {
    /** How numbers inside the expression are read. */
    public enum Units { NONE, SIZE, TIME }

    private final String text;
    private final Units units;
    private final int kbBase;
    private final boolean integer;
    private int pos;

    private FioExpression(String text, Units units, int kbBase, boolean integer) {
        this.text = text;
        this.units = units;
        this.kbBase = kbBase;
        this.integer = integer;
    }

    /**
     * Evaluates {@code text}; sizes come out in bytes, times in microseconds.
     *
     * @throws IllegalArgumentException naming what was expected where
     */
    public static double evaluate(String text, Units units, int kbBase, boolean integer) {
        FioExpression e = new FioExpression(text, units, kbBase, integer);
        double v = e.sum();
        e.skipSpace();
        if (e.pos != text.length()) {
            throw new IllegalArgumentException("unexpected '" + e.shown(text.substring(e.pos)) + "' in expression '"
                    + e.shown(text) + "'");
        }
        return v;
    }

    /** True when {@code s} has one of bc's operators, as fio checks before calling bc. */
    /** At most 40 characters of the expression, for messages. */
    private String shown(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static boolean hasMath(String s) {
        return (s.indexOf('+') >= 0 || s.indexOf('-') >= 0 || s.indexOf('*') >= 0 || s.indexOf('/') >= 0)
                && s.indexOf('\'') < 0;
    }

    private double sum() {
        double v = product();
        while (true) {
            skipSpace();
            if (peek('+')) {
                pos++;
                v += product();
            } else if (peek('-')) {
                pos++;
                v -= product();
            } else {
                return v;
            }
        }
    }

    private double product() {
        double v = power();
        while (true) {
            skipSpace();
            if (peek('*')) {
                pos++;
                v *= power();
            } else if (peek('/')) {
                pos++;
                double d = power();
                if (d == 0) {
                    throw new IllegalArgumentException("division by zero in '" + shown(text) + "'");
                }
                v = integer ? (double) ((long) v / (long) d) : v / d;
            } else if (peek('%')) {
                pos++;
                double d = power();
                if (d == 0) {
                    throw new IllegalArgumentException("modulus by zero in '" + shown(text) + "'");
                }
                v = integer ? (double) ((long) v % (long) d) : v % d;
            } else {
                return v;
            }
        }
    }

    private double power() {
        double base = unary();
        skipSpace();
        if (peek('^')) {
            pos++;
            depth++;
            try {
                if (depth > MAX_DEPTH) {
                    throw new IllegalArgumentException("expression nested deeper than " + MAX_DEPTH
                            + " levels (parentheses, signs or powers)");
                }
                return Math.pow(base, power()); // right associative
            } finally {
                depth--;
            }
        }
        return base;
    }

    /** Deepest nesting of parentheses, signs and powers fio's values may use (bison's own stack is 10,000). */
    static final int MAX_DEPTH = 100;
    private int depth;

    private double unary() {
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("expression nested deeper than " + MAX_DEPTH
                    + " levels (parentheses, signs or powers)");
        }
        try {
            return unaryAt();
        } finally {
            depth--;
        }
    }

    private double unaryAt() {
        skipSpace();
        if (peek('-')) {
            pos++;
            return -unary();
        }
        if (peek('+')) {
            pos++;
            return unary();
        }
        if (peek('(')) {
            pos++;
            double v = sum();
            skipSpace();
            if (!peek(')')) {
                throw new IllegalArgumentException("missing ')' in expression '" + shown(text) + "'");
            }
            pos++;
            return v;
        }
        return number();
    }

    private double number() {
        int start = pos;
        boolean hex = text.startsWith("0x", pos) || text.startsWith("0X", pos);
        if (hex) {
            pos += 2;
            while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
                pos++;
            }
        } else {
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
        }
        if (pos == start || (hex && pos == start + 2)) {
            throw new IllegalArgumentException("expected a number at '" + shown(text.substring(start)) + "' in '" + shown(text) + "'");
        }
        double v = hex ? Long.parseLong(text.substring(start + 2, pos), 16) : Double.parseDouble(text.substring(start, pos));
        int s = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        String suffix = text.substring(s, pos).toLowerCase(Locale.ROOT);
        return switch (units) {
            case NONE -> {
                if (!suffix.isEmpty()) {
                    throw new IllegalArgumentException("unexpected unit '" + suffix + "' in '" + shown(text) + "'");
                }
                yield v;
            }
            case SIZE -> v * FioValues.sizeMultiplier(suffix, kbBase, text);
            case TIME -> v * (suffix.isEmpty() ? 1 : FioValues.timeMultiplierUs(suffix, text));
        };
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
