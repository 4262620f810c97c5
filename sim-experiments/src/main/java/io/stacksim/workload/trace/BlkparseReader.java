package io.stacksim.workload.trace;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;

/**
 * blkparse's default text output (blkparse_fmt.c process_default): one record per {@code Q}
 * event, the bio as it arrived at the block layer, with its RWBS decoded back to an operation
 * and flags ({@code F} before the direction = preflush, after it = FUA; {@code A} readahead,
 * {@code S} sync, {@code M} metadata). Other actions are skipped, as are the summary lines
 * blkparse prints at the end. Times are seconds.nanoseconds since the first event.
 *
 * <p>The trace also shows where its processes plugged: a {@code U} after which the same
 * process's next event is a {@code P} (before its next {@code Q}) is blk_add_rq_to_plug flushing
 * a full plug, which stays open; any other {@code U} is blk_finish_plug. Each of those becomes
 * an end-of-plug record ({@link TraceRecord#isUnplug}), so a replay can hold a process's plug
 * from its first bio to that point, as the traced kernel did.
 */
public final class BlkparseReader implements TraceReader {
    /** Registered in {@link TraceFormats#ALL}. */
    public static final TraceFormat FORMAT = new TraceFormat("blkparse", BlkparseReader::of);

    /** CONFIG_NR_CPUS's largest value: blktrace's cpu field is below it. */
    static final int MAX_CPUS = 8192;
    private static final String EXPECTED = "a blkparse event line 'maj,min cpu seq secs.nsecs pid action rwbs ...'";
    private final LineSource src;
    private boolean inSummary;

    private final boolean plugScopes;

    BlkparseReader(LineSource src) {
        this.src = src;
        boolean seen = false;
        for (int i = 0; i < 2000 && !seen; i++) {
            String l = src.peek(i);
            if (l == null) {
                break;
            }
            String[] f = l.trim().split("\\s+");
            seen = f.length >= 6 && f[0].matches("\\d+,\\d+") && (f[5].equals("P") || f[5].equals("U"));
        }
        this.plugScopes = seen;
    }

    @Override
    public boolean plugScopes() {
        return plugScopes;
    }

    /** A reader over text, for tests. */
    public static BlkparseReader of(LineSource src) {
        return new BlkparseReader(src);
    }

    @Override
    public TraceRecord next() {
        String line;
        while ((line = src.line()) != null) {
            String s = line.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (inSummary || s.startsWith("CPU") || s.startsWith("Total") || s.startsWith("Throughput")
                    || s.startsWith("Events") || s.startsWith("Skips")) {
                inSummary = true;
                continue;
            }
            String[] f = s.split("\\s+");
            if (f.length < 6 || !f[0].matches("\\d+,\\d+")) {
                throw src.error(EXPECTED, line);
            }
            if (!f[1].matches("\\d{1,4}") || Integer.parseInt(f[1]) >= MAX_CPUS) {
                throw src.error(EXPECTED + " with a CPU number from 0 to " + (MAX_CPUS - 1) + " (NR_CPUS)", line);
            }
            String action = f[5];
            // U: blk_finish_plug's unplug; UT: the plug flushed as its task slept (sched_submit_work),
            // which a synchronous submitter such as a BLKDISCARD ioctl does before its next plug.
            if ((action.equals("U") || action.equals("UT")) && f.length >= 5) {
                if (endsPlug(f[4])) {
                    try {
                        return new TraceRecord(parseTime(f[3]), null, 0, 0, 0, Integer.parseInt(f[4]), null);
                    } catch (NumberFormatException e) {
                        throw src.error(EXPECTED, line);
                    }
                }
                continue;
            }
            if (!action.equals("Q")) {
                continue;
            }
            if (f.length < 8) {
                throw src.error(EXPECTED + " with RWBS and [command]", line);
            }
            try {
                int pid = Integer.parseInt(f[4]);
                long time = parseTime(f[3]);
                String rwbs = f[6];
                long sector = 0;
                int sectors = 0;
                int i = 7;
                if (f.length >= 10 && f[8].equals("+")) {
                    sector = Long.parseLong(f[7]);
                    sectors = Integer.parseInt(f[9]);
                    i = 10;
                    if (sector < 0 || sectors < 0) {
                        throw src.error(EXPECTED + " with 'sector + count' of 0 or more", line);
                    }
                } else if (f.length == 9 && f[8].equals("+")) {
                    throw src.error(EXPECTED + " ending 'sector + count [command]' (the line is cut short)", line);
                }
                String comm = null;
                if (i < f.length && f[i].startsWith("[")) {
                    StringBuilder c = new StringBuilder();
                    for (int k = i; k < f.length; k++) {
                        c.append(k > i ? " " : "").append(f[k]);
                    }
                    comm = c.toString().replaceAll("^\\[|]$", "");
                }
                return decode(rwbs, time, sector, sectors, pid, comm, line);
            } catch (NumberFormatException | ArithmeticException e) {
                throw src.error(EXPECTED, line);
            }
        }
        return null;
    }

    /** Whether the unplug just read is blk_finish_plug: no P of the same pid before its next Q. */
    private boolean endsPlug(String pid) {
        for (int i = 0; i < 256; i++) {
            String l = src.peek(i);
            if (l == null) {
                return true;
            }
            String[] f = l.trim().split("\\s+");
            if (f.length < 6 || !f[0].matches("\\d+,\\d+")) {
                return true;
            }
            if (!f[4].equals(pid)) {
                continue;
            }
            if (f[5].equals("P")) {
                return false;
            }
            if (f[5].equals("Q")) {
                return true;
            }
        }
        return true;
    }

    private static long parseTime(String t) {
        int dot = t.indexOf('.');
        if (dot < 0) {
            return Math.multiplyExact(Long.parseLong(t), 1_000_000_000L);
        }
        String frac = (t.substring(dot + 1) + "000000000").substring(0, 9);
        if (frac.startsWith("-") || frac.startsWith("+")) {
            throw new NumberFormatException(t);
        }
        return Math.addExact(Math.multiplyExact(Long.parseLong(t.substring(0, dot)), 1_000_000_000L), Long.parseLong(frac));
    }

    private TraceRecord decode(String rwbs, long time, long sector, int sectors, int pid, String comm, String line) {
        int i = 0;
        int flags = 0;
        if (i < rwbs.length() && rwbs.charAt(i) == 'F') {
            flags |= Bio.PREFLUSH;
            i++;
        }
        if (i >= rwbs.length()) {
            throw src.error("an RWBS field such as R, WS, FWS or D", line);
        }
        Op op = switch (rwbs.charAt(i++)) {
            case 'R' -> Op.READ;
            case 'W' -> Op.WRITE;
            case 'D' -> Op.DISCARD;
            case 'N' -> Op.WRITE; // no data: an empty flush, replayed as blkdev_issue_flush does
            default -> throw src.error("an RWBS field such as R, WS, FWS or D", line);
        };
        for (; i < rwbs.length(); i++) {
            flags |= switch (rwbs.charAt(i)) {
                case 'F' -> Bio.FUA;
                case 'A' -> Bio.RAHEAD;
                case 'S' -> Bio.SYNC;
                case 'M' -> Bio.META;
                case 'E', 'B', 'U' -> 0;
                default -> throw src.error("an RWBS field such as R, WS, FWS or D", line);
            };
        }
        if (sectors == 0 && op != Op.DISCARD) {
            // Only a flush carries no data (blkparse shows it as FWS or N); an empty read or write is no I/O.
            if ((flags & Bio.PREFLUSH) == 0 && rwbs.charAt(rwbs.charAt(0) == 'F' ? 1 : 0) != 'N') {
                throw src.error("a size above 0 (only a flush, RWBS FWS or N, has none)", line);
            }
            flags |= Bio.PREFLUSH;
            op = Op.WRITE;
        }
        return new TraceRecord(time, op, flags, sector, sectors, pid, comm);
    }

    @Override
    public void close() {
        src.close();
    }
}
