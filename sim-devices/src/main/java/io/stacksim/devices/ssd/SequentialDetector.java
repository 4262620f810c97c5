package io.stacksim.devices.ssd;

/**
 * Firmware read-ahead: a read that starts where an earlier read of a tracked stream ended
 * extends that stream; after {@code detect} consecutive sequential reads the controller reads
 * {@code window} units ahead of the stream's end into its DRAM (NAND reads on idle dies that
 * the host's next reads then find done). Four streams are tracked, the least recently used one
 * replaced, as drive firmware tracks a handful of streams (the NVMe Streams directive's
 * typical count; Kang et al., "The multi-streamed solid-state drive", HotStorage 2014).
 */
final class SequentialDetector {
    private static final int STREAMS = 4;
    private final int detect;
    private final int window;
    private final int[] end = new int[STREAMS];
    private final int[] run = new int[STREAMS];
    private final int[] ahead = new int[STREAMS];
    private final long[] used = new long[STREAMS];
    private long clock;
    private int target;

    SequentialDetector(int detect, int window) {
        this.detect = detect;
        this.window = window;
        java.util.Arrays.fill(end, -1);
    }

    /**
     * Records a read of {@code [lpn, lpn + units)}; returns the first unit to prefetch (then
     * {@link #target} is the end of the range), or -1 when nothing is to be read ahead.
     */
    int onRead(int lpn, int units) {
        clock++;
        int s = -1;
        for (int i = 0; i < STREAMS; i++) {
            if (end[i] == lpn) {
                s = i;
                break;
            }
        }
        if (s < 0) {
            s = 0;
            for (int i = 1; i < STREAMS; i++) {
                if (used[i] < used[s]) {
                    s = i;
                }
            }
            run[s] = 0;
            ahead[s] = lpn + units;
        }
        run[s]++;
        end[s] = lpn + units;
        used[s] = clock;
        if (run[s] < detect) {
            return -1;
        }
        if (ahead[s] - end[s] > window / 2) {
            return -1; // still well ahead: read ahead in half-window batches, not a unit per read
        }
        int from = Math.max(ahead[s], end[s]);
        target = end[s] + window;
        if (from >= target) {
            return -1;
        }
        ahead[s] = target;
        return from;
    }

    int target() {
        return target;
    }
}
