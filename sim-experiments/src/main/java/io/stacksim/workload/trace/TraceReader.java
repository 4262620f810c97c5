package io.stacksim.workload.trace;

import io.stacksim.config.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a block trace one record at a time, so a trace of any size replays in constant memory.
 * One implementation per format, each declaring its {@link TraceFormat} (registered in
 * {@link TraceFormats#ALL}); {@link #open} picks it by name. A malformed line is a
 * {@link ConfigException} naming the file and line and what was expected.
 */
public interface TraceReader extends AutoCloseable {
    /** The {@code --trace-format} that detects the format from the file. */
    String AUTO = "auto";

    /** The next record, or null at the end of the trace. */
    TraceRecord next();

    /**
     * True when the trace shows its processes' plugs (end-of-plug records will come), so a
     * replay should hold each process's plug between them.
     */
    default boolean plugScopes() {
        return false;
    }

    @Override
    void close();

    /** Opens {@code file} in {@code format} ({@code auto}: as {@link TraceDetector} tells it). */
    static TraceReader open(Path file, String format) {
        TraceFormat f = TraceFormats.find(AUTO.equals(format) ? TraceDetector.detect(file) : format);
        if (f == null) {
            throw new ConfigException("--trace-format " + format + ": expected auto or one of "
                    + String.join(", ", TraceFormats.names()));
        }
        return f.file().apply(file);
    }

    /** A line-numbered reader of a text file. */
    final class LineSource implements AutoCloseable {
        private final String name;
        private final BufferedReader in;
        private int lineNo;
        private final java.util.ArrayDeque<String> ahead = new java.util.ArrayDeque<>();
        private int readNo;

        private LineSource(String name, BufferedReader in) {
            this.name = name;
            this.in = in;
        }

        static LineSource open(Path file) {
            try {
                return new LineSource(file.toString(), Files.newBufferedReader(file, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                throw new ConfigException(file + ": no such file");
            } catch (IOException e) {
                throw new ConfigException(file + ": cannot read: " + e.getMessage());
            }
        }

        /** A source over text, for tests. */
        public static LineSource of(String name, java.io.Reader reader) {
            return new LineSource(name, new BufferedReader(reader));
        }

        /** The next line, or null at the end. */
        String line() {
            if (!ahead.isEmpty()) {
                lineNo++;
                return ahead.pollFirst();
            }
            String l = raw();
            if (l != null) {
                lineNo++;
            }
            return l;
        }

        private String raw() {
            try {
                String l = in.readLine();
                if (l != null) {
                    readNo++;
                }
                return l;
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot read: " + e.getMessage(), e);
            }
        }

        /**
         * The {@code i}-th line after the current one (0 = the next), read ahead but not
         * consumed, or null past the end.
         */
        String peek(int i) {
            while (ahead.size() <= i) {
                String l = raw();
                if (l == null) {
                    return null;
                }
                ahead.addLast(l);
            }
            int k = 0;
            for (String l : ahead) {
                if (k++ == i) {
                    return l;
                }
            }
            return null;
        }

        /** An error at the current line. */
        ConfigException error(String expected, String line) {
            String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
            return new ConfigException(name + ":" + lineNo + ": expected " + expected + ", got '" + shown + "'");
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // closing a reader we only read from
            }
        }
    }
}
