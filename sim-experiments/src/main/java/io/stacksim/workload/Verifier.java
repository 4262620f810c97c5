package io.stacksim.workload;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * fio's verify bookkeeping and cost (verify.c, iolog.c log_io_piece, io_u.c check_get_verify):
 * every write of a verify job is logged as an io piece before it is issued; the verify phase
 * (and verify_backlog) reads the pieces back, one read per piece, with the piece's offset and
 * length. With a random map the pieces are kept in issue order (no block is written twice);
 * without one (sequential jobs, norandommap, lfsr) they are sorted by file and offset and a
 * write overlapping a logged piece replaces it, as fio's rbtree does.
 *
 * <p>The CPU cost is fio's: a write's buffer gets its checksum (populate_verify_io_u) before it
 * is issued, a verify read's data is checksummed again when it completes (verify_io_u). The
 * rates are fio 3.33's own checksum code timed on the development machine ({@code fio
 * --crctest=ALG}, the user CPU time of its 2 x 256 MiB passes, since the machine was shared and
 * wall-clock rates were up to 5 times lower); verify=pattern compares the buffer with the
 * pattern at the copy bandwidth of the cost model; meta checks the header only.
 */
final class Verifier {
    /** One logged write (struct io_piece). */
    record Piece(int file, long offset, long length) {
    }

    /** MiB per CPU-second of fio 3.33's checksums, measured here with fio --crctest. */
    static final Map<String, Integer> MIB_PER_CPU_SECOND = Map.ofEntries(
            Map.entry("md5", 706), Map.entry("crc64", 449), Map.entry("crc32", 388), Map.entry("crc32c", 6800),
            Map.entry("crc32c-intel", 6800), Map.entry("crc16", 449), Map.entry("crc7", 449), Map.entry("sha1", 813),
            Map.entry("sha256", 314), Map.entry("sha512", 528), Map.entry("sha3-224", 115), Map.entry("sha3-256", 95),
            Map.entry("sha3-384", 31), Map.entry("sha3-512", 20), Map.entry("xxhash", 4800));

    private final JobSpec.Verify spec;
    private final boolean sorted;
    private final double nsPerByte;
    private final ArrayDeque<Piece> list = new ArrayDeque<>();
    private final TreeMap<Long, Piece>[] tree;
    private int treeSize;
    /** verify_batch: reads still due in the current backlog batch. */
    private long batch;
    /** Checksum time of completed verify reads not yet spent on the job's CPU. */
    private long owedNs;
    long verifiedBytes;

    @SuppressWarnings("unchecked")
    Verifier(JobSpec spec, int files, double copyNsPerByte) {
        this.spec = spec.control().verify();
        // file_randommap: the axmap exists for random jobs with a random map (not lfsr).
        this.sorted = !(spec.rw().random && spec.access().randomMap() && !spec.access().lfsr());
        this.tree = new TreeMap[files];
        for (int i = 0; i < files; i++) {
            tree[i] = new TreeMap<>();
        }
        String a = this.spec.algorithm();
        if (a.equals("pattern")) {
            nsPerByte = copyNsPerByte;
        } else if (a.equals("meta")) {
            nsPerByte = 0;
        } else {
            Integer r = MIB_PER_CPU_SECOND.get(a);
            nsPerByte = r == null ? 0 : 1e9 / (r * 1048576.0);
        }
    }

    /** The checksum time for {@code bytes} of data. */
    long checksumNs(long bytes) {
        return Math.round(bytes * nsPerByte);
    }

    /** log_io_piece: a write about to be issued. */
    void log(int file, long offset, long length) {
        Piece p = new Piece(file, offset, length);
        if (!sorted) {
            list.addLast(p);
            return;
        }
        TreeMap<Long, Piece> t = tree[file];
        // An overlapping piece is dropped: the new write replaces its data.
        Map.Entry<Long, Piece> lower = t.floorEntry(offset);
        if (lower != null && lower.getValue().offset() + lower.getValue().length() > offset) {
            t.remove(lower.getKey());
            treeSize--;
        }
        Map.Entry<Long, Piece> higher;
        while ((higher = t.ceilingEntry(offset)) != null && higher.getKey() < offset + length) {
            t.remove(higher.getKey());
            treeSize--;
        }
        t.put(offset, p);
        treeSize++;
    }

    /** io_hist_len. */
    long logged() {
        return sorted ? treeSize : list.size();
    }

    /** get_next_verify: the first piece (in offset order when sorted), removed; null when none. */
    Piece next() {
        if (!sorted) {
            return list.pollFirst();
        }
        for (TreeMap<Long, Piece> t : tree) {
            Map.Entry<Long, Piece> e = t.pollFirstEntry();
            if (e != null) {
                treeSize--;
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * check_get_verify for verify_backlog: a verify read is due when a batch is running, or
     * when the logged pieces are a multiple of the backlog and the last completed I/O was not
     * a read; the batch is verify_backlog_batch (default: the backlog).
     */
    boolean backlogDue(boolean lastCompletedWasRead) {
        if (spec.backlog() <= 0 || logged() == 0) {
            return false;
        }
        if (batch > 0) {
            return true;
        }
        if (logged() % spec.backlog() == 0 && !lastCompletedWasRead) {
            batch = spec.backlogBatch() > 0 ? spec.backlogBatch() : spec.backlog();
            return true;
        }
        return false;
    }

    /** A backlog verify read was taken. */
    void tookBacklog() {
        batch--;
    }

    /** A verify read completed: its checksum is owed to the CPU. */
    void verified(long bytes) {
        verifiedBytes += bytes;
        owedNs += checksumNs(bytes);
    }

    /** A verify read completed whose data an async verify thread checks: its checksum time, not owed by the job's thread. */
    long verifiedAsync(long bytes) {
        verifiedBytes += bytes;
        return checksumNs(bytes);
    }

    /** The checksum time owed so far, now paid. */
    long takeOwed() {
        long n = owedNs;
        owedNs = 0;
        return n;
    }
}
