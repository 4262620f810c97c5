package io.stacksim.workload.trace;

import io.stacksim.config.ConfigException;
import io.stacksim.config.InputFiles;
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

    /** "file:line" of the record last returned, for errors about it (empty when unknown). */
    default String where() {
        return "";
    }

    /**
     * Opens {@code file} in {@code format} ({@code auto}: as {@link TraceDetector} tells it): a
     * text format streamed from a regular file, a binary one from its file or folder. A trace
     * without a single I/O record is refused when its end is reached.
     */
    static TraceReader open(Path file, String format) {
        TraceFormat f = TraceFormats.find(AUTO.equals(format) ? TraceDetector.detect(file) : format);
        if (f == null) {
            throw new ConfigException("--trace-format " + format + ": expected auto or one of "
                    + String.join(", ", TraceFormats.names()));
        }
        if (f.reader() == null) {
            return f.file().apply(file);
        }
        LineSource src = LineSource.open(file, "a " + f.name() + " trace");
        return new Counted(f.reader().apply(src), src, f.name());
    }

    /** Latest record time a replay takes: 2^62 ns (about 146 years) keeps every sum of times inside a long. */
    long MAX_TIME_NS = 1L << 62;

    /** A reader that tells its source when a record was read and refuses a trace with none. */
    final class Counted implements TraceReader {
        private final TraceReader in;
        private final LineSource src;
        private final String format;

        Counted(TraceReader in, LineSource src, String format) {
            this.in = in;
            this.src = src;
            this.format = format;
        }

        /** Latest time of a record so far: a trace lists its I/Os in time order. */
        private long lastNs = Long.MIN_VALUE;

        @Override
        public TraceRecord next() {
            TraceRecord r = in.next();
            if (r != null) {
                if (r.timeNs() < 0 || r.timeNs() >= MAX_TIME_NS) {
                    throw new ConfigException(src.name + ":" + src.lineNo + ": expected a time from 0 to "
                            + MAX_TIME_NS / 86_400_000_000_000L + " days since the trace's start (expected a " + format
                            + " trace)");
                }
                if (r.timeNs() < lastNs) {
                    throw new ConfigException(src.name + ":" + src.lineNo + ": time " + r.timeNs() + " ns is before the "
                            + "previous record's " + lastNs + " ns (expected a " + format + " trace in time order)");
                }
                lastNs = r.timeNs();
                src.records++;
            } else if (src.records == 0) {
                throw new ConfigException(src.name + ": no I/O records in " + src.lineNo
                        + " lines (expected a " + format + " trace; see stacksim replay --help)");
            }
            return r;
        }

        @Override
        public boolean plugScopes() {
            return in.plugScopes();
        }

        @Override
        public String where() {
            return src.name + ":" + src.lineNo;
        }

        @Override
        public void close() {
            in.close();
        }
    }

    /** A line-numbered reader of a text file. */
    final class LineSource implements AutoCloseable {
        private final String name;
        private final InputFiles.Lines in;
        private int lineNo;
        private long records;
        private final java.util.ArrayDeque<String> ahead = new java.util.ArrayDeque<>();
        private int readNo;

        private LineSource(String name, InputFiles.Lines in) {
            this.name = name;
            this.in = in;
        }

        static LineSource open(Path file, String what) {
            return new LineSource(file.toString(), InputFiles.openLines(file, what));
        }

        /** A source over text, for tests. */
        public static LineSource of(String name, java.io.Reader reader) {
            return new LineSource(name, InputFiles.lines(name, "a trace", reader));
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
            String l = in.readLine();
            if (l != null) {
                readNo++;
            }
            return l;
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

        /**
         * An error at the current line. The line is quoted (at most 60 characters) only once the
         * file has given a record: of a file that is not a trace at all, nothing is shown.
         */
        ConfigException error(String expected, String line) {
            if (records == 0) {
                return new ConfigException(name + ":" + lineNo + ": expected " + expected
                        + (lineNo <= 1 ? " (is this a trace in that format?)" : ", before any I/O record"));
            }
            String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
            return new ConfigException(name + ":" + lineNo + ": expected " + expected + ", got '" + shown + "'");
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
