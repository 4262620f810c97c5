package io.stacksim.block.trace;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTrace;
import io.stacksim.block.IoOwner;
import io.stacksim.block.Op;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes block trace events as blkparse's default text output (blktrace's blkparse_fmt.c
 * process_default), so text tools written for blkparse read it: the header
 * {@code "%3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s "} (device, CPU, per-CPU sequence, time since
 * the first event, pid, action, RWBS) and the action's fields, then per-CPU and total summaries
 * as blkparse prints them at the end. RWBS is fill_rwbs: {@code F} for a flush or preflush, then
 * {@code D}, {@code W}, {@code R} (a read with data) or {@code N}, then {@code F} for FUA,
 * {@code A} readahead, {@code S} sync, {@code M} metadata.
 *
 * <p>The lines come out in the order blkparse prints a trace's per-CPU files in (blkparse.c's
 * merge of its input streams, ms_sort / ms_resort): each CPU's events are kept in a spill file
 * of their own during the run and merged at the end, so events of the same nanosecond on two
 * CPUs appear as blkparse shows them, not in the simulation's order, and blkparse of the
 * {@link BlktraceWriter binary} files prints this text byte for byte. A command name is
 * task_struct's comm, at most 15 characters (TASK_COMM_LEN), as the kernel records it.
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
    /** Each CPU's events in its own spill file until the merge at the end (index: CPU). */
    private Path[] spillPaths = new Path[0];
    private DataOutputStream[] spills = new DataOutputStream[0];
    /** Command names by index, so a spilled event carries a short number. */
    private final Map<String, Integer> commIds = new HashMap<>();
    private final List<String> comms = new ArrayList<>();
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
            this.temp = readableTemp(dir, this.target);
            this.out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError("--blktrace " + target, e);
        }
    }

    /**
     * A temporary file for {@code target} in {@code dir} that others may read once it is renamed
     * (rw-r--r--, as a file blktrace or blkparse creates under the usual umask; createTempFile
     * alone makes it private to its owner).
     */
    static Path readableTemp(Path dir, Path target) throws IOException {
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions stay
        }
        return temp;
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
        int pid = who == null ? 0 : who.pid();
        String comm = who == null ? "swapper" : who.comm();
        int dir = op != null && op != Op.FLUSH && op.isWrite() ? 1 : 0;
        long kb = ((long) sectors << 9) >> 10;
        switch (action) {
            case 'C' -> {
                st.completed[dir]++;
                st.completedKb[dir] += kb;
            }
            case 'Q' -> {
                st.queued[dir]++;
                st.queuedKb[dir] += kb;
            }
            case 'D' -> {
                st.dispatched[dir]++;
                st.dispatchedKb[dir] += kb;
            }
            case 'M', 'F' -> {
                st.merges[dir]++;
                st.mergesKb[dir] += kb;
            }
            case 'U' -> st.unplugs++;
            case 'T' -> st.timerUnplugs++;
            case 'I', 'G', 'P', 'X' -> { }
            default -> throw new IllegalArgumentException("unknown blktrace action " + action);
        }
        Integer id = commIds.get(comm);
        if (id == null) {
            id = comms.size();
            comms.add(comm);
            commIds.put(comm, id);
        }
        try {
            DataOutputStream o = spill(cpu);
            o.writeLong(timeNs);
            o.writeChar(action);
            o.writeInt(s);
            o.writeInt(pid);
            o.writeInt(id);
            o.writeByte(op == null ? -1 : op.ordinal());
            o.writeInt(flags);
            o.writeLong(sector);
            o.writeInt(sectors);
            o.writeLong(extra);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError("--blktrace " + target, e);
        }
    }

    private DataOutputStream spill(int cpu) throws IOException {
        if (cpu >= spills.length) {
            spills = Arrays.copyOf(spills, cpu + 1);
            spillPaths = Arrays.copyOf(spillPaths, cpu + 1);
        }
        if (spills[cpu] == null) {
            spillPaths[cpu] = Files.createTempFile(temp.getParent(), "." + target.getFileName() + ".cpu" + cpu + ".", ".tmp");
            spills[cpu] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spillPaths[cpu]), 1 << 16));
        }
        return spills[cpu];
    }

    /** One CPU's spilled events read back in order: an input stream of blkparse's merge (struct ms_stream). */
    private static final class Stream {
        final int cpu;
        final DataInputStream in;
        Stream next;
        long time;
        char action;
        int seq;
        int pid;
        int comm;
        int op;
        int flags;
        long sector;
        int sectors;
        long extra;

        Stream(int cpu, Path file) throws IOException {
            this.cpu = cpu;
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }

        /** The next event into the fields; false at the end of the file. */
        boolean advance() throws IOException {
            try {
                time = in.readLong();
            } catch (EOFException e) {
                in.close();
                return false;
            }
            action = in.readChar();
            seq = in.readInt();
            pid = in.readInt();
            comm = in.readInt();
            op = in.readByte();
            flags = in.readInt();
            sector = in.readLong();
            sectors = in.readInt();
            extra = in.readLong();
            return true;
        }
    }

    private Stream head;

    /**
     * ms_sort: a stream goes before the head if its next event is earlier, else after the last
     * stream whose next event is earlier than its own (so before those of the same time, but
     * never before the head).
     */
    private void sort(Stream msp) {
        if (head == null) {
            head = msp;
        } else if (msp.time < head.time) {
            msp.next = head;
            head = msp;
        } else {
            Stream s = head;
            while (s.next != null && s.next.time < msp.time) {
                s = s.next;
            }
            msp.next = s.next;
            s.next = msp;
        }
    }

    /**
     * blkparse's do_file loop: the head stream's event is printed, then ms_deq: a stream at its
     * end leaves the list, and one whose next event is later than the second stream's is sorted
     * in again (ms_resort); ties keep the head where it is.
     */
    private void mergeSpills() throws IOException {
        for (int c = 0; c < spills.length; c++) {
            if (spills[c] != null) {
                spills[c].close();
                Stream st = new Stream(c, spillPaths[c]);
                if (st.advance()) {
                    sort(st);
                }
            }
        }
        while (head != null) {
            Stream msp = head;
            print(msp);
            if (!msp.advance()) {
                head = msp.next;
                msp.next = null;
            } else if (msp.next != null && msp.time > msp.next.time) {
                head = msp.next;
                msp.next = null;
                sort(msp);
            }
        }
    }

    /** One event as blkparse's process_default prints it; the queue depth as blkparse counts it, in print order. */
    private void print(Stream e) throws IOException {
        Op op = e.op < 0 ? null : Op.values()[e.op];
        long rel = e.time - origin;
        String comm = comms.get(e.comm);
        if (comm.length() > COMM_CHARS) {
            comm = comm.substring(0, COMM_CHARS); // task_struct.comm: TASK_COMM_LEN (16) with the NUL
        }
        String act = e.action == 'T' ? "UT" : String.valueOf(e.action);
        int dir = op != null && op != Op.FLUSH && op.isWrite() ? 1 : 0;
        line.setLength(0);
        line.append(String.format(Locale.ROOT, "%3d,%-3d %2d %8d %5d.%09d %5d %2s %3s ", major, minor, e.cpu, e.seq,
                rel / 1_000_000_000L, rel % 1_000_000_000L, e.pid, act, rwbs(op, e.flags, (long) e.sectors << 9)));
        switch (e.action) {
            case 'C' -> {
                line.append(e.sector);
                if (e.sectors > 0) {
                    line.append(" + ").append(e.sectors);
                }
                line.append(" [").append(e.extra).append(']');
                if (inFlight[dir] > 0) {
                    inFlight[dir]--;
                }
            }
            case 'D', 'I', 'Q', 'M', 'F', 'G' -> {
                if (e.sectors > 0) {
                    line.append(e.sector).append(" + ").append(e.sectors).append(' ');
                }
                line.append('[').append(comm).append(']');
                if (e.action == 'D') {
                    inFlight[dir]++;
                    maxDepth[dir] = Math.max(maxDepth[dir], inFlight[dir]);
                }
            }
            case 'P' -> line.append('[').append(comm).append(']');
            case 'U', 'T' -> line.append('[').append(comm).append("] ").append(e.extra);
            case 'X' -> line.append(e.sector).append(" / ").append(e.extra).append(" [").append(comm).append(']');
            default -> throw new IllegalArgumentException("unknown blktrace action " + e.action);
        }
        line.append('\n');
        out.append(line);
    }

    /** The characters of a command name the kernel keeps (TASK_COMM_LEN - 1). */
    static final int COMM_CHARS = 15;

    private void deleteSpills() {
        for (int c = 0; c < spills.length; c++) {
            try {
                if (spills[c] != null) {
                    spills[c].close();
                }
                if (spillPaths[c] != null) {
                    Files.deleteIfExists(spillPaths[c]);
                }
            } catch (IOException e) {
                // a spill file left over is only a temporary file
            }
        }
    }

    @Override
    public void close(long timeNs) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            mergeSpills();
            deleteSpills();
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
            // show_device_and_cpu_stats: no rate over a trace shorter than a millisecond
            long ms = (lastTime - Math.max(origin, 0)) / 1_000_000L;
            out.append(String.format(Locale.ROOT, "%nThroughput (R/W): %dKiB/s / %dKiB/s%n",
                    ms == 0 ? 0 : 1000 * total.completedKb[0] / ms, ms == 0 ? 0 : 1000 * total.completedKb[1] / ms));
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
        deleteSpills();
        try {
            out.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do: the target was never touched
        }
    }

    private void summary(String name, CpuStats s, boolean depth) throws IOException {
        out.append(String.format(Locale.ROOT, "%s (%s):%n", name, devName));
        out.append(String.format(Locale.ROOT, " Reads Queued:    %s, %siB\t Writes Queued:    %s, %siB%n",
                sizeCnv(s.queued[0], false), sizeCnv(s.queuedKb[0], true), sizeCnv(s.queued[1], false), sizeCnv(s.queuedKb[1], true)));
        out.append(String.format(Locale.ROOT, " Read Dispatches: %s, %siB\t Write Dispatches: %s, %siB%n",
                sizeCnv(s.dispatched[0], false), sizeCnv(s.dispatchedKb[0], true), sizeCnv(s.dispatched[1], false),
                sizeCnv(s.dispatchedKb[1], true)));
        out.append(String.format(Locale.ROOT, " Reads Requeued:  %s\t\t Writes Requeued:  %s%n", sizeCnv(0, false), sizeCnv(0, false)));
        out.append(String.format(Locale.ROOT, " Reads Completed: %s, %siB\t Writes Completed: %s, %siB%n",
                sizeCnv(s.completed[0], false), sizeCnv(s.completedKb[0], true), sizeCnv(s.completed[1], false),
                sizeCnv(s.completedKb[1], true)));
        out.append(String.format(Locale.ROOT, " Read Merges:     %s, %siB\t Write Merges:     %s, %siB%n",
                sizeCnv(s.merges[0], false), sizeCnv(s.mergesKb[0], true), sizeCnv(s.merges[1], false), sizeCnv(s.mergesKb[1], true)));
        if (depth) {
            out.append(String.format(Locale.ROOT, " Read depth:      %8d        \t Write depth:      %8d%n",
                    maxDepth[0], maxDepth[1]));
        }
        out.append(String.format(Locale.ROOT, " IO unplugs:      %8d        \t Timer unplugs:    %8d%n",
                s.unplugs, s.timerUnplugs));
    }

    /**
     * blkparse's size_cnv: a count or a size in KiB over 1,000,000 is shown in thousands with
     * the next suffix (K, M, G, P), as "%8Lu%c" prints it (no suffix for a plain count).
     */
    static String sizeCnv(long num, boolean inKb) {
        String suffixes = " KMGP";
        int i = inKb ? 1 : 0;
        while (num > 1_000_000L && i < suffixes.length() - 1) {
            i++;
            num /= 1000;
        }
        return String.format(Locale.ROOT, "%8d", num) + (i == 0 ? "" : String.valueOf(suffixes.charAt(i)));
    }
}
