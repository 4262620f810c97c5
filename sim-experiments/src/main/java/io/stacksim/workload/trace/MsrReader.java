package io.stacksim.workload.trace;

import io.stacksim.block.Op;

/**
 * MSR Cambridge block traces (SNIA IOTTA 388): CSV without a header,
 * {@code Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime}, where the timestamp is
 * a Windows FILETIME (100 ns ticks), Type is Read or Write, and offset and size are bytes.
 * Times are returned relative to the first record (a FILETIME in ns would overflow a long).
 */
public final class MsrReader implements TraceReader {
    /** Registered in {@link TraceFormats#ALL}. */
    public static final TraceFormat FORMAT = new TraceFormat("msr", MsrReader::of);

    private static final String EXPECTED = "an MSR line 'Timestamp,Hostname,DiskNumber,Read|Write,Offset,Size,ResponseTime'";
    private final LineSource src;
    private long firstTicks = Long.MIN_VALUE;

    MsrReader(LineSource src) {
        this.src = src;
    }

    public static MsrReader of(LineSource src) {
        return new MsrReader(src);
    }

    @Override
    public TraceRecord next() {
        String line;
        while ((line = src.line()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 6 || f.length > 7) {
                throw src.error(EXPECTED + " (7 fields)", line);
            }
            try {
                long ticks = Long.parseLong(f[0].trim());
                if (Long.parseLong(f[2].trim()) < 0 || (f.length == 7 && Long.parseLong(f[6].trim()) < 0)) {
                    throw src.error(EXPECTED + " with a disk number and a response time of 0 or more", line);
                }
                Op op = switch (f[3].trim()) {
                    case "Read", "read", "R", "r" -> Op.READ;
                    case "Write", "write", "W", "w" -> Op.WRITE;
                    default -> throw src.error(EXPECTED, line);
                };
                long offset = Long.parseLong(f[4].trim());
                long size = Long.parseLong(f[5].trim());
                if (offset < 0 || size <= 0) {
                    throw src.error(EXPECTED + " with a non-negative offset and a positive size", line);
                }
                int sectors = (int) ((size + 511) >> 9);
                if (firstTicks == Long.MIN_VALUE) {
                    firstTicks = ticks;
                }
                if (size > Integer.MAX_VALUE) {
                    throw src.error(EXPECTED + " with a size under 2 GiB", line);
                }
                // Windows filetime ticks of 100 ns; a span past what a long of ns holds is no real trace.
                long ns = Math.multiplyExact(Math.subtractExact(ticks, firstTicks), 100L);
                return new TraceRecord(ns, op, 0, offset >> 9, sectors, 0, null);
            } catch (NumberFormatException | ArithmeticException e) {
                throw src.error(EXPECTED, line);
            }
        }
        return null;
    }

    @Override
    public void close() {
        src.close();
    }
}
