package io.stacksim.config;

import java.util.Locale;

/**
 * Parsing of sizes, durations and rates as users write them.
 *
 * <ul>
 *   <li>Sizes follow fio's default (kb_base=1024): {@code k}, {@code K}, {@code KB}, {@code KiB}
 *       all mean 1024; then m, g, t, p; a bare number is bytes. {@code 512b} is bytes.</li>
 *   <li>Durations: {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}; a bare
 *       number takes the unit the caller names (fio's seconds for runtime, for instance).</li>
 *   <li>Rates follow datasheets: {@code KB/s}, {@code MB/s}, {@code GB/s} are powers of 1000,
 *       {@code KiB/s} ... powers of 1024, {@code Mb/s}, {@code Gb/s} are bits (x/8 bytes).</li>
 * </ul>
 */
public final class Units {
    private Units() {
    }

    /** A size in bytes, e.g. "4k", "128KiB", "1g", "4096". */
    public static long parseSize(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        int i = numberEnd(s);
        if (i == 0) {
            throw new IllegalArgumentException("not a size: '" + text + "'");
        }
        double value = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            case "p", "pb", "pib" -> 1L << 50;
            default -> throw new IllegalArgumentException("unknown size unit '" + unit + "' in '" + text + "'");
        };
        double bytes = value * mult;
        if (bytes != Math.rint(bytes) || bytes < 0 || bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("not a whole number of bytes: '" + text + "'");
        }
        return (long) bytes;
    }

    /** A duration in ns; a bare number is in {@code bareUnitNs} (e.g. 1_000_000_000 for s). */
    public static long parseDuration(String text, long bareUnitNs) {
        String s = text.trim();
        int i = numberEnd(s);
        if (i == 0) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        double value = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        double mult = switch (unit) {
            case "" -> bareUnitNs;
            case "ns", "nsec" -> 1;
            case "us", "usec", "µs" -> 1e3;
            case "ms", "msec" -> 1e6;
            case "s", "sec" -> 1e9;
            case "m", "min" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "' in '" + text + "'");
        };
        double ns = value * mult;
        if (ns < 0 || ns > Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration out of range: '" + text + "'");
        }
        return Math.round(ns);
    }

    /** A data rate in bytes per second, e.g. "550MB/s", "6Gb/s", "7.88GB/s", "1GiB/s". */
    public static double parseRate(String text) {
        String s = text.trim();
        int i = numberEnd(s);
        if (i == 0) {
            throw new IllegalArgumentException("not a rate: '" + text + "'");
        }
        double value = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim();
        if (unit.endsWith("/s")) {
            unit = unit.substring(0, unit.length() - 2);
        }
        double mult = switch (unit) {
            case "", "B" -> 1;
            case "KB", "kB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "KiB" -> 1024.0;
            case "MiB" -> 1024.0 * 1024;
            case "GiB" -> 1024.0 * 1024 * 1024;
            case "b" -> 1 / 8.0;
            case "Kb", "kb" -> 1e3 / 8;
            case "Mb" -> 1e6 / 8;
            case "Gb" -> 1e9 / 8;
            default -> throw new IllegalArgumentException("unknown rate unit '" + unit + "' in '" + text
                    + "' (expected B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s, Mb/s or Gb/s)");
        };
        return value * mult;
    }

    /** Formats a byte count with binary units for humans: "4.0KiB", "1.5MiB". */
    public static String formatSize(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v)
                : String.format(Locale.ROOT, "%.1f", v)) + units[u];
    }

    private static int numberEnd(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        boolean digits = false;
        while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            digits |= Character.isDigit(s.charAt(i));
            i++;
        }
        if (digits && i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')
                && i + 1 < n && (Character.isDigit(s.charAt(i + 1)) || s.charAt(i + 1) == '-')) {
            int j = i + 1;
            if (s.charAt(j) == '-') {
                j++;
            }
            while (j < n && Character.isDigit(s.charAt(j))) {
                j++;
            }
            i = j;
        }
        return digits ? i : 0;
    }
}
