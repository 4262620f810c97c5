package io.stacksim.workload.trace;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * One block-trace format {@code --trace-format} can name, with the reader for it. Each reader
 * declares its format in its own file; {@link TraceFormats#ALL} lists them.
 *
 * @param name   the {@code --trace-format} value
 * @param reader opens a reader over a line-numbered source, or null for a binary format
 * @param file   opens a reader over a file (a text format reads it through {@code reader})
 */
public record TraceFormat(String name, Function<TraceReader.LineSource, TraceReader> reader,
                          Function<Path, TraceReader> file) {
    /** A text format, read line by line. */
    public TraceFormat(String name, Function<TraceReader.LineSource, TraceReader> reader) {
        this(name, reader, p -> reader.apply(TraceReader.LineSource.open(p, "a " + name + " trace")));
    }

    /** A binary format, read from its file (or folder of files). */
    public static TraceFormat binary(String name, Function<Path, TraceReader> file) {
        return new TraceFormat(name, null, file);
    }
}
