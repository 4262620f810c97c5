package io.stacksim.device;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a device's blocks hold, as far as passthrough commands need to know it (VERIFY with
 * BYTCHK compares the media with the host's data): runs of sectors, each holding one data
 * token ({@link DeviceCommand#dataToken}). Sectors never written hold {@link DeviceCommand#ZEROES};
 * sectors written through the block layer's own path hold what StackSim does not model, so
 * they are {@link DeviceCommand#UNKNOWN} once their write ends (see {@link #unknown}).
 */
public final class MediaContent {
    /** Run start -> {end, token}; runs do not overlap and adjacent runs of one token are joined. */
    private final TreeMap<Long, long[]> runs = new TreeMap<>();

    /** The range [start, end) now holds {@code token}. */
    public void put(long start, long end, long token) {
        if (end <= start) {
            return;
        }
        cut(start);
        cut(end);
        runs.subMap(start, end).clear();
        if (token != DeviceCommand.ZEROES) {
            runs.put(start, new long[] {end, token});
        }
        join(start);
        join(end);
    }

    /** The range was written with data StackSim does not model (an ordinary write request). */
    public void unknown(long start, long end) {
        put(start, end, DeviceCommand.UNKNOWN);
    }

    /** The first sector of [start, end) not holding {@code token}, or -1 when all of it does. */
    public long firstMismatch(long start, long end, long token) {
        if (token == DeviceCommand.UNKNOWN) {
            return start;
        }
        long at = start;
        Map.Entry<Long, long[]> e = runs.floorEntry(start);
        if (e == null || e.getValue()[0] <= start) {
            e = runs.higherEntry(start);
        }
        while (at < end) {
            if (e == null || e.getKey() >= end) {
                return token == DeviceCommand.ZEROES ? -1 : at; // the rest was never written
            }
            long runStart = e.getKey();
            if (runStart > at && token != DeviceCommand.ZEROES) {
                return at; // a gap of zeroes before the run
            }
            long[] r = e.getValue();
            if (r[1] != token) {
                return Math.max(at, runStart);
            }
            at = r[0];
            e = runs.higherEntry(runStart);
        }
        return -1;
    }

    /** Splits the run containing {@code s} (strictly inside) at {@code s}. */
    private void cut(long s) {
        Map.Entry<Long, long[]> e = runs.lowerEntry(s);
        if (e != null && e.getValue()[0] > s) {
            long[] r = e.getValue();
            runs.put(s, new long[] {r[0], r[1]});
            r[0] = s;
        }
    }

    /** Joins the run ending at {@code s} with the one starting there when they hold the same token. */
    private void join(long s) {
        Map.Entry<Long, long[]> before = runs.lowerEntry(s);
        long[] after = runs.get(s);
        if (before != null && after != null && before.getValue()[0] == s && before.getValue()[1] == after[1]) {
            before.getValue()[0] = after[0];
            runs.remove(s);
        }
    }

    /** Runs held (for tests). */
    public int runs() {
        return runs.size();
    }
}
