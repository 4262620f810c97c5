package io.stacksim.block.trace;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTrace;
import io.stacksim.block.IoOwner;
import io.stacksim.block.Op;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes block trace events in blktrace's binary format, one file per CPU
 * ({@code <dev>.blktrace.<cpu>}, as blktrace(8) names them), so blkparse, btt and iowatcher read
 * them. Each event is a {@code struct blk_io_trace} of version 7 (include/uapi/linux/
 * blktrace_api.h, 48 bytes, the host's byte order: little-endian here) followed by its payload,
 * filled as kernel/trace/blktrace.c's __blk_add_trace fills it: the action's low 16 bits are
 * {@code __BLK_TA_*}, the high 16 the {@code BLK_TC_*} categories of the operation and flags;
 * unplugs carry their request count and splits their new sector as big-endian u64 payloads;
 * the first event of a task is preceded by its {@code BLK_TN_PROCESS} note with its command
 * name (trace_note_tsk), which is where blkparse's {@code [comm]} comes from.
 *
 * <p>Each file goes to a temporary name and is renamed when the run ends, so no half-written
 * trace is left under a target name.
 */
public final class BlktraceWriter implements BlockTrace {
    static final int MAGIC = 0x65617400 | 0x07;
    static final int RECORD = 48;

    // __BLK_TA_* (include/uapi/linux/blktrace_api.h)
    static final int TA_QUEUE = 1;
    static final int TA_BACKMERGE = 2;
    static final int TA_FRONTMERGE = 3;
    static final int TA_GETRQ = 4;
    static final int TA_ISSUE = 7;
    static final int TA_COMPLETE = 8;
    static final int TA_PLUG = 9;
    static final int TA_UNPLUG_IO = 10;
    static final int TA_UNPLUG_TIMER = 11;
    static final int TA_INSERT = 12;
    static final int TA_SPLIT = 13;

    // BLK_TC_* categories, already shifted into the high half (BLK_TC_ACT)
    static final int TC_READ = 1 << 16;
    static final int TC_WRITE = 1 << 17;
    static final int TC_FLUSH = 1 << 18;
    static final int TC_SYNC = 1 << 19;
    static final int TC_QUEUE = 1 << 20;
    static final int TC_ISSUE = 1 << 22;
    static final int TC_COMPLETE = 1 << 23;
    /** BLK_TC_PC: blk_add_trace_rq marks a passthrough request's events so (blk_rq_is_passthrough). */
    static final int TC_PC = 1 << 25;
    static final int TC_NOTIFY = 1 << 26;
    static final int TC_AHEAD = 1 << 27;
    static final int TC_META = 1 << 28;
    static final int TC_DISCARD = 1 << 29;
    static final int TC_FUA = 1 << 31;

    /** __BLK_TN_PROCESS: a pid's command name. */
    static final int TN_PROCESS = 0;
    /** sizeof(task_struct.comm) */
    static final int COMM_LEN = 16;

    private final Path dir;
    private final String devName;
    private final int device;
    private final List<Path> temps = new ArrayList<>();
    private final List<Path> targets = new ArrayList<>();
    private OutputStream[] outs = new OutputStream[0];
    private int[] seq = new int[0];
    private final Set<Integer> announced = new HashSet<>();
    private final ByteBuffer rec = ByteBuffer.allocate(RECORD + COMM_LEN).order(ByteOrder.LITTLE_ENDIAN);
    private boolean closed;

    /**
     * @param dir     the folder the per-CPU files go to (created if missing)
     * @param devName the device's name ("nvme0n1"): the files' prefix and its device number
     */
    public BlktraceWriter(Path dir, String devName) {
        this.dir = dir.toAbsolutePath();
        this.devName = devName;
        int[] mm = BlkparseWriter.majorMinor(devName);
        this.device = mm[0] << 20 | mm[1];
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write block trace into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The BLK_TC_* bits of an operation and its REQ_* flags, as __blk_add_trace sets them. */
    static int categories(Op op, int flags) {
        if (op == null) {
            return TC_READ; // plug and unplug: opf 0, REQ_OP_READ
        }
        int c = op != Op.FLUSH && op.isWrite() ? TC_WRITE : TC_READ; // op_is_write
        if (op.isPassthrough()) {
            c |= TC_PC;
        }
        if (op == Op.DISCARD) {
            c |= TC_DISCARD;
        }
        if (op == Op.FLUSH || (flags & Bio.PREFLUSH) != 0) {
            c |= TC_FLUSH;
        }
        if ((flags & Bio.SYNC) != 0) {
            c |= TC_SYNC;
        }
        if ((flags & Bio.FUA) != 0) {
            c |= TC_FUA;
        }
        if ((flags & Bio.RAHEAD) != 0) {
            c |= TC_AHEAD;
        }
        if ((flags & Bio.META) != 0) {
            c |= TC_META;
        }
        return c;
    }

    /** The action word of a StackSim trace action (see {@link BlockTrace}). */
    static int action(char a) {
        return switch (a) {
            case 'Q' -> TA_QUEUE | TC_QUEUE;
            case 'M' -> TA_BACKMERGE | TC_QUEUE;
            case 'F' -> TA_FRONTMERGE | TC_QUEUE;
            case 'G' -> TA_GETRQ | TC_QUEUE;
            case 'I' -> TA_INSERT | TC_QUEUE;
            case 'D' -> TA_ISSUE | TC_ISSUE;
            case 'C' -> TA_COMPLETE | TC_COMPLETE;
            case 'P' -> TA_PLUG | TC_QUEUE;
            case 'U' -> TA_UNPLUG_IO | TC_QUEUE;
            case 'T' -> TA_UNPLUG_TIMER | TC_QUEUE;
            case 'X' -> TA_SPLIT;
            default -> throw new IllegalArgumentException("unknown blktrace action " + a);
        };
    }

    private OutputStream out(int cpu) throws IOException {
        if (cpu >= outs.length) {
            outs = Arrays.copyOf(outs, cpu + 1);
            seq = Arrays.copyOf(seq, cpu + 1);
        }
        if (outs[cpu] == null) {
            Path target = dir.resolve(devName + ".blktrace." + cpu);
            Path temp = BlkparseWriter.readableTemp(dir, target);
            targets.add(target);
            temps.add(temp);
            outs[cpu] = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
        }
        return outs[cpu];
    }

    @Override
    public void event(char action, long timeNs, int cpu, IoOwner who, Op op, int flags, long sector, int sectors,
                      long extra) {
        if (closed) {
            return;
        }
        try {
            OutputStream o = out(cpu);
            int pid = who == null ? 0 : who.pid();
            if (announced.add(pid)) {
                note(o, timeNs, cpu, pid, who == null ? "swapper" : who.comm());
            }
            boolean plug = action == 'P' || action == 'U' || action == 'T';
            long bytes = plug ? 0 : (long) sectors << 9;
            int pdu = action == 'U' || action == 'T' || action == 'X' ? 8 : 0;
            rec.clear();
            header(++seq[cpu], timeNs, plug ? 0 : sector, (int) bytes, action(action) | categories(plug ? null : op, flags),
                    pid, cpu, action == 'C' ? (short) extra : 0, pdu);
            if (pdu == 8) {
                rec.order(ByteOrder.BIG_ENDIAN).putLong(extra).order(ByteOrder.LITTLE_ENDIAN);
            }
            o.write(rec.array(), 0, rec.position());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write block trace into " + dir + ": " + e.getMessage(), e);
        }
    }

    private void header(int sequence, long time, long sector, int bytes, int action, int pid, int cpu, short error, int pduLen) {
        rec.putInt(MAGIC).putInt(sequence).putLong(time).putLong(sector).putInt(bytes).putInt(action).putInt(pid)
                .putInt(device).putInt(cpu).putShort(error).putShort((short) pduLen);
    }

    /** trace_note(bt, pid, BLK_TN_PROCESS, comm, sizeof(comm)): sequence 0, no sector. */
    private void note(OutputStream o, long time, int cpu, int pid, String comm) throws IOException {
        rec.clear();
        header(0, time, 0, 0, TN_PROCESS | TC_NOTIFY, pid, cpu, (short) 0, COMM_LEN);
        byte[] name = Arrays.copyOf(comm.getBytes(StandardCharsets.UTF_8), COMM_LEN);
        name[COMM_LEN - 1] = 0; // TASK_COMM_LEN holds 15 characters and the NUL
        rec.put(name);
        o.write(rec.array(), 0, rec.position());
    }

    @Override
    public void close(long timeNs) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // blkparse reads DEV.blktrace.0, .1, ... up to the first that is missing (setup_file),
            // so a CPU without events below the last that has some gets its empty file, as
            // blktrace leaves one for every CPU it traced.
            for (int c = 0; c < outs.length; c++) {
                out(c);
            }
            for (OutputStream o : outs) {
                if (o != null) {
                    o.close();
                }
            }
            for (int i = 0; i < temps.size(); i++) {
                try {
                    Files.move(temps.get(i), targets.get(i), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temps.get(i), targets.get(i), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write block trace into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Drops the temporary files without touching any target (the run failed). */
    public void abort() {
        closed = true;
        for (OutputStream o : outs) {
            try {
                if (o != null) {
                    o.close();
                }
            } catch (IOException e) {
                // the temporary file goes anyway
            }
        }
        for (Path t : temps) {
            try {
                Files.deleteIfExists(t);
            } catch (IOException e) {
                // nothing more to do: no target was touched
            }
        }
    }
}
