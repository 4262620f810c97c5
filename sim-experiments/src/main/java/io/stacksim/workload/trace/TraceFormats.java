package io.stacksim.workload.trace;

import java.util.List;

/**
 * The block-trace formats StackSim reads. A new format is its own reader file declaring a
 * {@link TraceFormat} plus one line in {@link #ALL}.
 */
public final class TraceFormats {
    /** Every format, in the order help and error messages list them. */
    public static final List<TraceFormat> ALL = List.of(
            BlkparseReader.FORMAT,
            MsrReader.FORMAT,
            DiskSimReader.FORMAT,
            CsvTraceReader.FORMAT,
            BlktraceReader.FORMAT);

    private TraceFormats() {
    }

    /** The format called {@code name}, or null. */
    public static TraceFormat find(String name) {
        for (TraceFormat f : ALL) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The names {@code --trace-format} accepts. */
    public static List<String> names() {
        return ALL.stream().map(TraceFormat::name).toList();
    }
}
