package io.stacksim.workload.trace;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.config.ConfigException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * blktrace's binary format: {@code struct blk_io_trace} version 7 records (include/uapi/linux/
 * blktrace_api.h), either one file (a per-CPU {@code DEV.blktrace.N} or blkparse's merged
 * {@code -d} output) or a folder of per-CPU files, merged by time as blkparse merges them. Each
 * file's byte order is taken from its magic, as blkparse's check_data_endianness does. As with
 * blkparse text, each {@code Q} event is one record; {@code BLK_TN_PROCESS} notes name the pids,
 * and an explicit unplug that ends a process's plug (no {@code P} of that pid before its next
 * {@code Q}) becomes an end-of-plug record.
 */
public final class BlktraceReader implements TraceReader {
    /** Registered in {@link TraceFormats#ALL}. */
    public static final TraceFormat FORMAT = TraceFormat.binary("blktrace", BlktraceReader::open);

    static final int MAGIC = 0x65617400;
    private static final int RECORD = 48;
    private static final int MAX_PDU = 4096;
    private static final int TC_SHIFT = 16;
    private static final int TA_QUEUE = 1;
    private static final int TA_PLUG = 9;
    private static final int TA_UNPLUG_IO = 10;
    private static final int TC_WRITE = 1 << 1;
    private static final int TC_FLUSH = 1 << 2;
    private static final int TC_SYNC = 1 << 3;
    private static final int TC_NOTIFY = 1 << 10;
    private static final int TC_AHEAD = 1 << 11;
    private static final int TC_META = 1 << 12;
    private static final int TC_DISCARD = 1 << 13;
    private static final int TC_FUA = 1 << 15;
    private static final int LOOKAHEAD = 256;

    /** One decoded event. */
    private record Event(long time, int cpu, int action, long sector, int bytes, int pid, String note, Path file, long at) {
        int what() {
            return action & 0xffff;
        }

        int cats() {
            return action >>> TC_SHIFT;
        }
    }

    /** One input file, positioned at its next event. */
    private static final class Input {
        final Path path;
        final InputStream in;
        ByteOrder order;
        final ByteBuffer head = ByteBuffer.allocate(RECORD);
        long offset;
        Event next;

        Input(Path path, InputStream in) {
            this.path = path;
            this.in = in;
        }
    }

    private final List<Input> inputs;
    /** Events read ahead, from index {@code aheadStart} on (a list, so peeking is O(1)). */
    private final ArrayList<Event> ahead = new ArrayList<>();
    private int aheadStart;
    private final Map<Integer, String> comms = new HashMap<>();
    private final boolean plugScopes;

    private BlktraceReader(List<Input> inputs) {
        this.inputs = inputs;
        for (Input i : inputs) {
            i.next = read(i);
        }
        boolean seen = false;
        for (int k = 0; k < 2000 && !seen; k++) {
            Event e = peek(k);
            if (e == null) {
                break;
            }
            seen = e.what() == TA_PLUG || e.what() == TA_UNPLUG_IO;
        }
        this.plugScopes = seen;
    }

    /** True when the file begins with a blktrace magic (of either byte order). */
    public static boolean looksBinary(byte[] first4) {
        if (first4.length < 4) {
            return false;
        }
        int le = ByteBuffer.wrap(first4, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int be = ByteBuffer.wrap(first4, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        return (le & 0xffffff00) == MAGIC || (be & 0xffffff00) == MAGIC;
    }

    /** The per-CPU files of a folder ({@code *.blktrace.N}), in name order. */
    static List<Path> perCpuFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().matches(".+\\.blktrace\\.\\d+") && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot read the folder: " + e.getMessage());
        }
        files.sort(null);
        return files;
    }

    /** Opens a file, or every per-CPU file of a folder. */
    public static BlktraceReader open(Path path) {
        List<Path> files;
        if (Files.isDirectory(path)) {
            files = perCpuFiles(path);
            if (files.isEmpty()) {
                throw new ConfigException(path + ": expected blktrace per-CPU files (DEV.blktrace.N) in this folder, found none");
            }
        } else {
            io.stacksim.config.InputFiles.requireRegularFile(path, "a blktrace binary trace");
            files = List.of(path);
        }
        List<Input> inputs = new ArrayList<>();
        try {
            for (Path f : files) {
                inputs.add(new Input(f, new BufferedInputStream(Files.newInputStream(f), 1 << 16)));
            }
        } catch (NoSuchFileException e) {
            closeAll(inputs);
            throw new ConfigException(e.getFile() + ": no such file");
        } catch (IOException e) {
            closeAll(inputs);
            throw new ConfigException(path + ": cannot read: " + e.getMessage());
        }
        try {
            return new BlktraceReader(inputs);
        } catch (RuntimeException e) {
            closeAll(inputs);
            throw e;
        }
    }

    private static void closeAll(List<Input> inputs) {
        for (Input i : inputs) {
            try {
                i.in.close();
            } catch (IOException e) {
                // only read from
            }
        }
    }

    private static ConfigException bad(Input i, String what) {
        return new ConfigException(i.path + ": byte " + i.offset + ": expected a blktrace record (struct blk_io_trace "
                + "version 7), " + what);
    }

    /** The next event of {@code i}, or null at its end. */
    private static Event read(Input i) {
        try {
            byte[] h = i.head.array();
            int n = i.in.readNBytes(h, 0, RECORD);
            if (n == 0) {
                return null;
            }
            if (n < RECORD) {
                throw bad(i, "got " + n + " bytes at the end of the file");
            }
            if (i.order == null) {
                i.order = (ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffff00) == MAGIC
                        ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            }
            ByteBuffer b = ByteBuffer.wrap(h).order(i.order);
            int magic = b.getInt();
            if ((magic & 0xffffff00) != MAGIC) {
                throw bad(i, String.format("got magic 0x%08x", magic));
            }
            if ((magic & 0xff) != 7) {
                throw bad(i, "got version " + (magic & 0xff));
            }
            b.getInt(); // sequence
            long time = b.getLong();
            long sector = b.getLong();
            int bytes = b.getInt();
            int action = b.getInt();
            int pid = b.getInt();
            b.getInt(); // device
            int cpu = b.getInt();
            b.getShort(); // error
            int pduLen = b.getShort() & 0xffff;
            if (pduLen > MAX_PDU || bytes < 0 || sector < 0 || time < 0) {
                throw bad(i, "got a record out of range (pdu_len " + pduLen + ", bytes " + bytes + ")");
            }
            byte[] pdu = i.in.readNBytes(pduLen);
            if (pdu.length < pduLen) {
                throw bad(i, "got a payload cut short at the end of the file");
            }
            i.offset += RECORD + pduLen;
            String note = null;
            if (((action >>> TC_SHIFT) & TC_NOTIFY) != 0 && (action & 0xffff) == 0) {
                int len = 0;
                while (len < pdu.length && pdu[len] != 0) {
                    len++;
                }
                note = new String(pdu, 0, len, StandardCharsets.UTF_8);
            }
            if ((action & 0xffff) == TA_QUEUE && note == null) {
                int cats = action >>> TC_SHIFT;
                i.offset -= RECORD + pduLen; // the errors name where the record starts
                if (bytes % 512 != 0) {
                    throw bad(i, "got a queued I/O of " + bytes + " bytes, not a whole number of 512-byte sectors");
                }
                if (bytes == 0 && (cats & (TC_WRITE | TC_FLUSH | TC_DISCARD)) == 0) {
                    throw bad(i, "got a queued read of 0 bytes (only a flush carries no data)");
                }
                i.offset += RECORD + pduLen;
            }
            return new Event(time, cpu, action, sector, bytes, pid, note, i.path, i.offset - RECORD - pduLen);
        } catch (EOFException e) {
            throw bad(i, "got the end of the file");
        } catch (IOException e) {
            throw new ConfigException(i.path + ": cannot read: " + e.getMessage());
        }
    }

    /** The earliest pending event of all inputs (ties to the first file), consumed. */
    private Event pull() {
        Input best = null;
        for (Input i : inputs) {
            if (i.next != null && (best == null || i.next.time() < best.next.time())) {
                best = i;
            }
        }
        if (best == null) {
            return null;
        }
        Event e = best.next;
        best.next = read(best);
        return e;
    }

    private Event peek(int k) {
        while (ahead.size() - aheadStart <= k) {
            Event e = pull();
            if (e == null) {
                return null;
            }
            ahead.add(e);
        }
        return ahead.get(aheadStart + k);
    }

    private Event take() {
        if (aheadStart == ahead.size()) {
            ahead.clear();
            aheadStart = 0;
            return pull();
        }
        Event e = ahead.get(aheadStart++);
        if (aheadStart >= 4096) { // drop what was consumed, so a long trace's look-ahead stays small
            ahead.subList(0, aheadStart).clear();
            aheadStart = 0;
        }
        return e;
    }

    @Override
    public boolean plugScopes() {
        return plugScopes;
    }

    /** The records returned so far, and where the last one was read. */
    private long records;
    private Event last;

    @Override
    public String where() {
        return last == null ? "" : last.file() + ": byte " + last.at();
    }

    @Override
    public TraceRecord next() {
        TraceRecord r = nextRecord();
        if (r != null && r.op() != null) {
            records++;
        } else if (r == null && records == 0) {
            throw new ConfigException(inputs.get(0).path + (inputs.size() > 1 ? " and " + (inputs.size() - 1) + " more" : "")
                    + ": no I/O records (expected a blktrace binary trace with queue (Q) events)");
        }
        return r;
    }

    private TraceRecord nextRecord() {
        Event e;
        while ((e = take()) != null) {
            last = e;
            if (e.note() != null) {
                comms.put(e.pid(), e.note());
                continue;
            }
            if (e.what() == TA_UNPLUG_IO && endsPlug(e.pid())) {
                return new TraceRecord(e.time(), null, 0, 0, 0, e.pid(), null);
            }
            if (e.what() == TA_QUEUE) {
                return record(e);
            }
        }
        return null;
    }

    /** As {@link BlkparseReader}: an unplug ends the plug unless the pid plugs again before its next queue. */
    private boolean endsPlug(int pid) {
        for (int k = 0; k < LOOKAHEAD; k++) {
            Event e = peek(k);
            if (e == null) {
                return true;
            }
            if (e.pid() != pid || e.note() != null) {
                continue;
            }
            if (e.what() == TA_PLUG) {
                return false;
            }
            if (e.what() == TA_QUEUE) {
                return true;
            }
        }
        return true;
    }

    private TraceRecord record(Event e) {
        int c = e.cats();
        int flags = 0;
        if ((c & TC_FLUSH) != 0) {
            flags |= Bio.PREFLUSH;
        }
        if ((c & TC_FUA) != 0) {
            flags |= Bio.FUA;
        }
        if ((c & TC_SYNC) != 0) {
            flags |= Bio.SYNC;
        }
        if ((c & TC_AHEAD) != 0) {
            flags |= Bio.RAHEAD;
        }
        if ((c & TC_META) != 0) {
            flags |= Bio.META;
        }
        int sectors = e.bytes() >>> 9;
        Op op;
        if ((c & TC_DISCARD) != 0) {
            op = Op.DISCARD;
        } else if ((c & TC_WRITE) != 0) {
            op = Op.WRITE;
        } else {
            op = Op.READ;
        }
        if (sectors == 0 && op != Op.DISCARD) {
            // no data: an empty flush, replayed as blkdev_issue_flush does (as BlkparseReader)
            flags |= Bio.PREFLUSH;
            op = Op.WRITE;
        }
        return new TraceRecord(e.time(), op, flags, e.sector(), sectors, e.pid(), comms.get(e.pid()));
    }

    @Override
    public void close() {
        closeAll(inputs);
    }
}
