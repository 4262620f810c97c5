package io.stacksim.workload;

import io.stacksim.config.ConfigException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
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

    private static final String[] ACTIONS = {"Hit", "Miss", "Doub", "Trip"};

    /** Longest measured access time or gap taken, in microseconds. */
    private static final double MAX_US = 1e10;

    private final Path file;
    private final InputStream in;
    private int lineNo;
    private byte[] line = new byte[128];
    private int len;
    private final int[] from = new int[6];
    private final int[] to = new int[6];

    private ValidateTrace(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    public static ValidateTrace open(Path file) {
        io.stacksim.config.InputFiles.requireRegularFile(file, "a DiskSim validate trace"); // no FIFO or device
        try {
            return new ValidateTrace(file, Files.newInputStream(file));
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

    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;

    /** Reads the next line's bytes (without the line end); false at the end of the file. */
    private boolean readLine() throws IOException {
        len = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any;
                }
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\n') {
                break;
            }
            if (len == line.length) {
                line = java.util.Arrays.copyOf(line, len * 2);
            }
            line[len++] = b;
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return true;
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == 0x0B || b == '\f';
    }

    /** Splits the line into whitespace-separated fields; returns their number (counting past six). */
    private int split() {
        int n = 0;
        int i = 0;
        while (i < len) {
            while (i < len && blank(line[i])) {
                i++;
            }
            if (i == len) {
                break;
            }
            int start = i;
            while (i < len && !blank(line[i])) {
                i++;
            }
            if (n < 6) {
                from[n] = start;
                to[n] = i;
            }
            n++;
        }
        return n;
    }

    private String text(int field) {
        return new String(line, from[field], to[field] - from[field], StandardCharsets.ISO_8859_1);
    }

    /** The next request, or null at the end. */
    public Entry next() {
        int fields;
        try {
            do {
                if (!readLine()) {
                    return null;
                }
                lineNo++;
                fields = split();
            } while (fields == 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (fields != 6) {
            throw err("expected 6 fields 'R|W action lbn size measured-us gap-us', got " + fields);
        }
        boolean read;
        if (to[0] - from[0] == 1 && line[from[0]] == 'R') {
            read = true;
        } else if (to[0] - from[0] == 1 && line[from[0]] == 'W') {
            read = false;
        } else {
            throw err("operation must be R or W, got '" + text(0) + "'");
        }
        String action = null;
        for (String a : ACTIONS) {
            if (matches(1, a)) {
                action = a;
                break;
            }
        }
        if (action == null) {
            throw err("buffer action must be Hit, Miss, Doub or Trip, got '" + text(1) + "'");
        }
        try {
            long lbn = integer(2);
            long size = integer(3);
            double measured = decimal(4);
            double gap = decimal(5);
            if (lbn < 0 || size <= 0 || size > Integer.MAX_VALUE || !(measured >= 0) || !(gap >= 0)
                    || Double.isInfinite(measured) || Double.isInfinite(gap)) {
                throw err("block, size, measured time and gap must be non-negative (size positive)");
            }
            if (measured > MAX_US || gap > MAX_US) {
                // DiskSim's validation traces hold access times and gaps of milliseconds.
                throw err("measured time and gap must be at most " + (long) MAX_US + " us (about 2.8 hours)");
            }
            return new Entry(read, action, lbn, (int) size, measured, gap, lineNo);
        } catch (NumberFormatException e) {
            throw err("bad number in '" + new String(line, 0, len, StandardCharsets.ISO_8859_1).trim() + "'");
        }
    }

    private boolean matches(int field, String word) {
        if (to[field] - from[field] != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (line[from[field] + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private long integer(int field) {
        if (to[field] - from[field] > 18) {
            return Long.parseLong(text(field));
        }
        long v = 0;
        for (int i = from[field]; i < to[field]; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                return Long.parseLong(text(field)); // signs and junk: parseLong's verdict
            }
            v = v * 10 + d;
        }
        return v;
    }

    /**
     * A plain decimal such as {@code 14095.370}: with at most 15 digits it is the integer of its
     * digits divided by a power of ten below 10^23, both exact in a double, so the one division
     * rounds as {@link Double#parseDouble} does; anything else goes to parseDouble.
     */
    private double decimal(int field) {
        long digits = 0;
        int n = 0;
        int frac = -1;
        for (int i = from[field]; i < to[field]; i++) {
            byte ch = line[i];
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
                return Double.parseDouble(text(field));
            }
            if (n > 15 || frac > 22) {
                return Double.parseDouble(text(field));
            }
        }
        if (to[field] - from[field] == (frac >= 0 ? 1 : 0)) {
            return Double.parseDouble(text(field)); // "." alone
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
