package io.stacksim.workload.trace;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;

/**
 * StackSim's plain CSV block trace: {@code time_ns,op,sector,sectors}, one I/O a line, with an
 * optional header line starting with {@code time}. {@code op} is R (read), W (write), WS (sync
 * write), D (discard) or F (an empty cache flush); sector and sectors are in 512-byte units.
 * Blank lines and lines starting with {@code #} are ignored. Example:
 * <pre>
 * time_ns,op,sector,sectors
 * 0,W,2048,8
 * 150000,R,4096,16
 * </pre>
 */
public final class CsvTraceReader implements TraceReader {
    /** Registered in {@link TraceFormats#ALL}. */
    public static final TraceFormat FORMAT = new TraceFormat("csv", CsvTraceReader::of);

    private static final String EXPECTED = "a CSV line 'time_ns,op,sector,sectors' with op R, W, WS, D or F";
    private final LineSource src;
    private boolean first = true;

    CsvTraceReader(LineSource src) {
        this.src = src;
    }

    public static CsvTraceReader of(LineSource src) {
        return new CsvTraceReader(src);
    }

    @Override
    public TraceRecord next() {
        String line;
        while ((line = src.line()) != null) {
            String s = line.trim();
            boolean header = first && s.toLowerCase(java.util.Locale.ROOT).startsWith("time");
            first = false;
            if (s.isEmpty() || s.startsWith("#") || header) {
                continue;
            }
            String[] f = s.split(",");
            if (f.length != 4) {
                throw src.error(EXPECTED, line);
            }
            try {
                long time = Long.parseLong(f[0].trim());
                long sector = Long.parseLong(f[2].trim());
                int sectors = Integer.parseInt(f[3].trim());
                if (time < 0 || sector < 0 || sectors < 0) {
                    throw src.error(EXPECTED, line);
                }
                String op = f[1].trim();
                return switch (op) {
                    case "R" -> data(time, Op.READ, 0, sector, sectors, line);
                    case "W" -> data(time, Op.WRITE, 0, sector, sectors, line);
                    case "WS" -> data(time, Op.WRITE, Bio.SYNC, sector, sectors, line);
                    case "D" -> data(time, Op.DISCARD, 0, sector, sectors, line);
                    case "F" -> {
                        if (sectors != 0) {
                            throw src.error(EXPECTED + " (an empty flush F has 0 sectors)", line);
                        }
                        yield new TraceRecord(time, Op.WRITE, Bio.PREFLUSH | Bio.SYNC, 0, 0, 0, null);
                    }
                    default -> throw src.error(EXPECTED, line);
                };
            } catch (NumberFormatException e) {
                throw src.error(EXPECTED, line);
            }
        }
        return null;
    }

    private TraceRecord data(long time, Op op, int flags, long sector, int sectors, String line) {
        if (sectors == 0) {
            throw src.error(EXPECTED + " (sectors > 0)", line);
        }
        return new TraceRecord(time, op, flags, sector, sectors, 0, null);
    }

    @Override
    public void close() {
        src.close();
    }
}
