package io.stacksim.workload.trace;

import io.stacksim.block.Op;

/**
 * DiskSim's ascii trace format, which MQSim also reads: space-separated
 * {@code arrival_time devno start_sector size_sectors flags}, where bit 0 of the flags is 1
 * for a read. DiskSim's times are milliseconds with a fraction; MQSim's are integers in its
 * configured unit, nanoseconds in its shipped traces. So a time with a decimal point is read as
 * milliseconds and an integer as nanoseconds, unless the unit is given. The device number is
 * kept in {@link TraceRecord#pid} (all devices replay onto the one simulated device).
 */
public final class DiskSimReader implements TraceReader {
    /** Registered in {@link TraceFormats#ALL}. */
    public static final TraceFormat FORMAT = new TraceFormat("disksim", DiskSimReader::of);

    private static final String EXPECTED = "a DiskSim line 'time devno sector size flags'";
    private final LineSource src;
    private final Long unitNs;

    /** @param unitNs the time unit in ns, or null to decide per line as described above */
    DiskSimReader(LineSource src, Long unitNs) {
        this.src = src;
        this.unitNs = unitNs;
    }

    public static DiskSimReader of(LineSource src) {
        return new DiskSimReader(src, null);
    }

    @Override
    public TraceRecord next() {
        String line;
        while ((line = src.line()) != null) {
            String s = line.trim();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            String[] f = s.split("\\s+");
            if (f.length < 5) {
                throw src.error(EXPECTED, line);
            }
            try {
                long time;
                if (unitNs != null) {
                    time = nanos(Double.parseDouble(f[0]) * unitNs);
                } else if (f[0].indexOf('.') >= 0 || f[0].indexOf('e') >= 0) {
                    time = nanos(Double.parseDouble(f[0]) * 1e6);
                } else {
                    time = Long.parseLong(f[0]);
                }
                int dev = Integer.parseInt(f[1]);
                long sector = Long.parseLong(f[2]);
                int sectors = Integer.parseInt(f[3]);
                int flags = Integer.parseInt(f[4]);
                if (time < 0 || sector < 0 || sectors <= 0) {
                    throw src.error(EXPECTED + " with a positive size", line);
                }
                if (dev < 0 || flags < 0) {
                    throw src.error(EXPECTED + " with a devno and flags of 0 or more", line);
                }
                return new TraceRecord(time, (flags & 1) != 0 ? Op.READ : Op.WRITE, 0, sector, sectors, dev, null);
            } catch (NumberFormatException | ArithmeticException e) {
                throw src.error(EXPECTED, line);
            }
        }
        return null;
    }

    /** A time in ns that a long holds exactly enough (NaN, infinity or past 2^62 ns, about 146 years, is refused). */
    private static long nanos(double ns) {
        if (!(ns >= 0 && ns < 0x1p62)) {
            throw new ArithmeticException("time out of range");
        }
        return Math.round(ns);
    }

    @Override
    public void close() {
        src.close();
    }
}
