package io.stacksim.block.trace;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTrace;
import io.stacksim.block.IoOwner;
import io.stacksim.block.Op;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writes block trace events as blkparse's default text output (blktrace's blkparse_fmt.c
 * process_default), so text tools written for blkparse read it: the header
 * {@code "%3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s "} (device, CPU, per-CPU sequence, time since
 * the first event, pid, action, RWBS) and the action's fields, then per-CPU and total summaries
 * as blkparse prints them at the end. RWBS is fill_rwbs: {@code F} for a flush or preflush, then
 * {@code D}, {@code W}, {@code R} (a read with data) or {@code N}, then {@code F} for FUA,
 * {@code A} readahead, {@code S} sync, {@code M} metadata.
 *
 * <p>The text goes to a temporary file next to the target and is renamed over it when the run
 * ends, so no half-written trace is ever left under the target's name.
 */
public final class BlkparseWriter implements BlockTrace {
    private final Path target;
    private final Path temp;
    private final BufferedWriter out;
    private final int major;
    private final int minor;
    private final String devName;
    private final StringBuilder line = new StringBuilder(128);
    private long origin = -1;
    private long lastTime;
    private long events;
    private int[] seq = new int[4];
    private CpuStats[] cpus = new CpuStats[4];
    private final int[] inFlight = new int[2];
    /** blkparse keeps the deepest queue per device (per_dev_info max_depth) and prints it in every CPU's block. */
    private final int[] maxDepth = new int[2];
    private boolean closed;

    /** blkparse's per-CPU counters (struct io_stats). */
    private static final class CpuStats {
        final long[] queued = new long[2];
        final long[] queuedKb = new long[2];
        final long[] dispatched = new long[2];
        final long[] dispatchedKb = new long[2];
        final long[] completed = new long[2];
        final long[] completedKb = new long[2];
        final long[] merges = new long[2];
        final long[] mergesKb = new long[2];
        long unplugs;
        long timerUnplugs;

        void add(CpuStats o) {
            for (int d = 0; d < 2; d++) {
                queued[d] += o.queued[d];
                queuedKb[d] += o.queuedKb[d];
                dispatched[d] += o.dispatched[d];
                dispatchedKb[d] += o.dispatchedKb[d];
                completed[d] += o.completed[d];
                completedKb[d] += o.completedKb[d];
                merges[d] += o.merges[d];
                mergesKb[d] += o.mergesKb[d];
            }
            unplugs += o.unplugs;
            timerUnplugs += o.timerUnplugs;
        }
    }

    /**
     * @param target  the trace file to write
     * @param devName the device's name, for the summary ("sda")
     */
    public BlkparseWriter(Path target, String devName) {
        this.target = target.toAbsolutePath();
        this.devName = devName;
        int[] mm = majorMinor(devName);
        this.major = mm[0];
        this.minor = mm[1];
        try {
            Path dir = this.target.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            this.temp = Files.createTempFile(dir, "." + this.target.getFileName() + ".", ".tmp");
            this.out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError("--blktrace " + target, e);
        }
    }

    /** The usual device numbers: sd 8, nvme 259, loop 7, brd ram 1, md 9, dm 253 (also /proc/diskstats' first two fields). */
    public static int[] majorMinor(String name) {
        if (name.startsWith("nvme")) {
            return new int[] {259, 0};
        }
        if (name.startsWith("loop")) {
            return new int[] {7, 0};
        }
        if (name.startsWith("ram")) {
            return new int[] {1, 0};
        }
        if (name.startsWith("md")) {
            return new int[] {9, 0}; // MD_MAJOR
        }
        if (name.startsWith("dm-")) {
            return new int[] {253, 0}; // device-mapper's dynamic major, as most systems number it
        }
        return new int[] {8, 0};
    }

    /** fill_rwbs of blkparse (blkparse_fmt.c), from the request's operation and REQ_* flags. */
    public static String rwbs(Op op, int flags, long bytes) {
        StringBuilder sb = new StringBuilder(4);
        if (op == null) {
            return "N";
        }
        if (op == Op.FLUSH || (flags & Bio.PREFLUSH) != 0) {
            sb.append('F');
        }
        if (op == Op.DISCARD) {
            sb.append('D');
        } else if (op == Op.WRITE) {
            sb.append('W');
        } else if (op == Op.READ && bytes > 0) {
            sb.append('R'); // blk_fill_rwbs: any other operation (zone append and management) is 'N'
        } else {
            sb.append('N');
        }
        if ((flags & Bio.FUA) != 0) {
            sb.append('F');
        }
        if ((flags & Bio.RAHEAD) != 0) {
            sb.append('A');
        }
        if ((flags & Bio.SYNC) != 0) {
            sb.append('S');
        }
        if ((flags & Bio.META) != 0) {
            sb.append('M');
        }
        return sb.toString();
    }

    private CpuStats cpu(int c) {
        if (c >= cpus.length) {
            cpus = Arrays.copyOf(cpus, c + 4);
            seq = Arrays.copyOf(seq, c + 4);
        }
        if (cpus[c] == null) {
            cpus[c] = new CpuStats();
        }
        return cpus[c];
    }

    @Override
    public void event(char action, long timeNs, int cpu, IoOwner who, Op op, int flags, long sector, int sectors,
                      long extra) {
        if (closed) {
            return;
        }
        if (origin < 0) {
            origin = timeNs;
        }
        lastTime = timeNs;
        events++;
        CpuStats st = cpu(cpu);
        int s = ++seq[cpu];
        long rel = timeNs - origin;
        int pid = who == null ? 0 : who.pid();
        String comm = who == null ? "swapper" : who.comm();
        String act = action == 'T' ? "UT" : String.valueOf(action);
        int dir = op != null && op != Op.FLUSH && op.isWrite() ? 1 : 0;
        long kb = ((long) sectors << 9) >> 10;
        line.setLength(0);
        line.append(String.format(Locale.ROOT, "%3d,%-3d %2d %8d %5d.%09d %5d %2s %3s ", major, minor, cpu, s,
                rel / 1_000_000_000L, rel % 1_000_000_000L, pid, act, rwbs(op, flags, (long) sectors << 9)));
        switch (action) {
            case 'C' -> {
                line.append(sector);
                if (sectors > 0) {
                    line.append(" + ").append(sectors);
                }
                line.append(" [").append(extra).append(']');
                st.completed[dir]++;
                st.completedKb[dir] += kb;
                if (inFlight[dir] > 0) {
                    inFlight[dir]--;
                }
            }
            case 'D', 'I', 'Q', 'M', 'F', 'G' -> {
                if (sectors > 0) {
                    line.append(sector).append(" + ").append(sectors).append(' ');
                }
                line.append('[').append(comm).append(']');
                if (action == 'Q') {
                    st.queued[dir]++;
                    st.queuedKb[dir] += kb;
                } else if (action == 'D') {
                    st.dispatched[dir]++;
                    st.dispatchedKb[dir] += kb;
                    inFlight[dir]++;
                    maxDepth[dir] = Math.max(maxDepth[dir], inFlight[dir]);
                } else if (action == 'M' || action == 'F') {
                    st.merges[dir]++;
                    st.mergesKb[dir] += kb;
                }
            }
            case 'P' -> line.append('[').append(comm).append(']');
            case 'U', 'T' -> {
                line.append('[').append(comm).append("] ").append(extra);
                if (action == 'U') {
                    st.unplugs++;
                } else {
                    st.timerUnplugs++;
                }
            }
            case 'X' -> line.append(sector).append(" / ").append(extra).append(" [").append(comm).append(']');
            default -> throw new IllegalArgumentException("unknown blktrace action " + action);
        }
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError("--blktrace " + target, e);
        }
    }

    @Override
    public void close(long timeNs) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            CpuStats total = new CpuStats();
            int shown = 0;
            for (int c = 0; c < cpus.length; c++) {
                if (cpus[c] != null) {
                    summary("CPU" + c, cpus[c], true);
                    total.add(cpus[c]);
                    shown++;
                }
            }
            if (shown > 1) { // blkparse's show_device_info prints the total only over several CPUs
                out.append('\n');
                summary("Total", total, false);
            }
            long ms = Math.max(1, (lastTime - Math.max(origin, 0)) / 1_000_000L);
            out.append(String.format(Locale.ROOT, "%nThroughput (R/W): %dKiB/s / %dKiB/s%n",
                    1000 * total.completedKb[0] / ms, 1000 * total.completedKb[1] / ms));
            out.append(String.format(Locale.ROOT, "Events (%s): %d entries%n", devName, events));
            out.append("Skips: 0 forward (0 -   0.0%)\n");
            out.close();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError("--blktrace " + target, e);
        }
    }

    /** Drops the temporary file without touching the target (the run failed). */
    public void abort() {
        closed = true;
        try {
            out.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do: the target was never touched
        }
    }

    private void summary(String name, CpuStats s, boolean depth) throws IOException {
        out.append(String.format(Locale.ROOT, "%s (%s):%n", name, devName));
        out.append(String.format(Locale.ROOT, " Reads Queued:    %8d, %8dKiB\t Writes Queued:    %8d, %8dKiB%n",
                s.queued[0], s.queuedKb[0], s.queued[1], s.queuedKb[1]));
        out.append(String.format(Locale.ROOT, " Read Dispatches: %8d, %8dKiB\t Write Dispatches: %8d, %8dKiB%n",
                s.dispatched[0], s.dispatchedKb[0], s.dispatched[1], s.dispatchedKb[1]));
        out.append(String.format(Locale.ROOT, " Reads Requeued:  %8d\t\t Writes Requeued:  %8d%n", 0, 0));
        out.append(String.format(Locale.ROOT, " Reads Completed: %8d, %8dKiB\t Writes Completed: %8d, %8dKiB%n",
                s.completed[0], s.completedKb[0], s.completed[1], s.completedKb[1]));
        out.append(String.format(Locale.ROOT, " Read Merges:     %8d, %8dKiB\t Write Merges:     %8d, %8dKiB%n",
                s.merges[0], s.mergesKb[0], s.merges[1], s.mergesKb[1]));
        if (depth) {
            out.append(String.format(Locale.ROOT, " Read depth:      %8d        \t Write depth:      %8d%n",
                    maxDepth[0], maxDepth[1]));
        }
        out.append(String.format(Locale.ROOT, " IO unplugs:      %8d        \t Timer unplugs:    %8d%n",
                s.unplugs, s.timerUnplugs));
    }
}
