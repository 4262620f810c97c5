package io.stacksim.workload.trace;

import java.util.function.Function;

/**
 * One block-trace format {@code --trace-format} can name, with the reader for it. Each reader
 * declares its format in its own file; {@link TraceFormats#ALL} lists them.
 *
 * @param name   the {@code --trace-format} value
 * @param reader opens a reader over a line-numbered source
 */
public record TraceFormat(String name, Function<TraceReader.LineSource, TraceReader> reader) {
}
