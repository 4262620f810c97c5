package io.stacksim.workload.trace;

import io.stacksim.config.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a block trace one record at a time, so a trace of any size replays in constant memory.
 * One implementation per format; {@link #open} picks it by name. A malformed line is a
 * {@link ConfigException} naming the file and line and what was expected.
 */
public sealed interface TraceReader extends AutoCloseable
        permits BlkparseReader, MsrReader, DiskSimReader, CsvTraceReader {
    /** The format names {@code --trace-format} accepts. */
    List<String> FORMATS = List.of("blkparse", "msr", "disksim", "csv");

    /** The next record, or null at the end of the trace. */
    TraceRecord next();

    @Override
    void close();

    /** Opens {@code file} in {@code format}. */
    static TraceReader open(Path file, String format) {
        LineSource src = LineSource.open(file);
        return switch (format) {
            case "blkparse" -> new BlkparseReader(src);
            case "msr" -> new MsrReader(src);
            case "disksim" -> new DiskSimReader(src, null);
            case "csv" -> new CsvTraceReader(src);
            default -> {
                src.close();
                throw new ConfigException("--trace-format " + format + ": expected one of " + String.join(", ", FORMATS));
            }
        };
    }

    /** A line-numbered reader of a text file. */
    final class LineSource implements AutoCloseable {
        private final String name;
        private final BufferedReader in;
        private int lineNo;

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
            try {
                String l = in.readLine();
                if (l != null) {
                    lineNo++;
                }
                return l;
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot read: " + e.getMessage(), e);
            }
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
