package io.stacksim.workload;

import io.stacksim.config.ConfigException;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reader of DiskSim's {@code validate} trace format (DiskSim 4.0 src/disksim_iotrace.c,
 * iotrace_validate_get_ioreq_event): one request per line,
 * {@code op action lbn size measured-us gap-us}, where op is R or W, action is the drive's
 * buffer action seen on the bus (Hit, Miss, Doub, Trip; statistics only), lbn and size are in
 * 512-byte blocks of device 0, {@code measured-us} is the service time the real drive took and
 * {@code gap-us} the host's idle time between this request's completion and the next issue.
 * Streams the file: one record in memory at a time.
 */
public final class ValidateTrace implements Closeable {
    /**
     * One line.
     *
     * @param read       R (true) or W
     * @param action     the buffer action token
     * @param lbn        first block
     * @param blocks     length in blocks
     * @param measuredUs the real drive's service time in microseconds
     * @param gapUs      idle time before the next request, microseconds
     * @param line       1-based line number
     */
    public record Entry(boolean read, String action, long lbn, int blocks, double measuredUs, double gapUs, int line) {
        /** The measured time in ms as DiskSim computes it (servtime / 1000). */
        public double measuredMs() {
            return measuredUs / 1000.0;
        }
    }

    private final Path file;
    private final BufferedReader in;
    private int lineNo;

    private ValidateTrace(Path file, BufferedReader in) {
        this.file = file;
        this.in = in;
    }

    public static ValidateTrace open(Path file) {
        try {
            return new ValidateTrace(file, Files.newBufferedReader(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such trace file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** True when the file's first non-blank line parses as a validate record. */
    public static boolean looksLikeValidate(Path file) {
        try (ValidateTrace t = open(file)) {
            return t.next() != null;
        } catch (ConfigException e) {
            return false;
        }
    }

    /** The next request, or null at the end. */
    public Entry next() {
        String line;
        try {
            do {
                line = in.readLine();
                lineNo++;
            } while (line != null && line.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null) {
            return null;
        }
        String[] f = fields(line);
        if (f == null) {
            throw err("expected 6 fields 'R|W action lbn size measured-us gap-us', got " + line.trim().split("\\s+").length);
        }
        boolean read;
        if (f[0].equals("R")) {
            read = true;
        } else if (f[0].equals("W")) {
            read = false;
        } else {
            throw err("operation must be R or W, got '" + f[0] + "'");
        }
        switch (f[1]) {
            case "Hit", "Miss", "Doub", "Trip" -> { }
            default -> throw err("buffer action must be Hit, Miss, Doub or Trip, got '" + f[1] + "'");
        }
        try {
            long lbn = Long.parseLong(f[2]);
            int size = Integer.parseInt(f[3]);
            double measured = decimal(f[4]);
            double gap = decimal(f[5]);
            if (lbn < 0 || size <= 0 || measured < 0 || gap < 0) {
                throw err("block, size, measured time and gap must be non-negative (size positive)");
            }
            return new Entry(read, f[1], lbn, size, measured, gap, lineNo);
        } catch (NumberFormatException e) {
            throw err("bad number in '" + line.trim() + "'");
        }
    }

    /**
     * A plain decimal such as {@code 14095.370}: with at most 15 digits it is the integer of its
     * digits divided by a power of ten below 10^23, both exact in a double, so the one division
     * rounds as {@link Double#parseDouble} does; anything else goes to parseDouble.
     */
    private static double decimal(String s) {
        long digits = 0;
        int n = 0;
        int frac = -1;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (digits != 0 || ch != '0') {
                    n++;
                }
                digits = digits * 10 + (ch - '0');
                if (frac >= 0) {
                    frac++;
                }
            } else if (ch == '.' && frac < 0) {
                frac = 0;
            } else {
                return Double.parseDouble(s);
            }
            if (n > 15 || frac > 22) {
                return Double.parseDouble(s);
            }
        }
        if (s.isEmpty() || s.equals(".")) {
            return Double.parseDouble(s);
        }
        return frac <= 0 ? (double) digits : digits / POW10[frac];
    }

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /** The line's six whitespace-separated fields, or null when it has another number of them. */
    private final String[] fields = new String[6];

    private String[] fields(String line) {
        int n = 0;
        int i = 0;
        int len = line.length();
        while (i < len) {
            while (i < len && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == len) {
                break;
            }
            int start = i;
            while (i < len && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (n == 6) {
                return null;
            }
            fields[n++] = line.substring(start, i);
        }
        return n == 6 ? fields : null;
    }

    private ConfigException err(String msg) {
        return new ConfigException(file + ":" + lineNo + ": " + msg);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
