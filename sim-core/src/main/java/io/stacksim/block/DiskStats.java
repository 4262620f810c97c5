package io.stacksim.block;

import io.stacksim.engine.Stats;

/**
 * Per-device I/O statistics as /proc/diskstats keeps them (Documentation/admin-guide/iostats.rst,
 * block/blk-core.c and blk-mq.c accounting), plus the iostat -x columns derived from them.
 *
 * <p>A request is accounted when it starts ({@code in_flight}, blk_account_io_start) and when it
 * ends (ios, sectors, ticks from its allocation to its end, blk_account_io_done). A bio merged
 * into a request, or a request merged into another, counts one merge of its direction; the
 * merged request leaves {@code in_flight} (blk_account_io_merge_request). {@code io_ticks}
 * (field 10) is time with at least one request in flight (update_io_ticks); {@code
 * time_in_queue} (field 11) is, as block/genhd.c diskstats_show prints it since Linux 5.0, the
 * sum of the four ticks fields, so iostat's aqu-sz is the summed latency of the requests that
 * completed in the interval divided by its length. The flush machinery's own flush requests are
 * counted as flushes when they end (blk_account_io_flush).
 */
public final class DiskStats {
    /** Stat groups as the kernel's STAT_READ, STAT_WRITE, STAT_DISCARD, STAT_FLUSH. */
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int DISCARD = 2;
    public static final int FLUSH = 3;
    private static final String[] GROUP = {"read", "write", "discard", "flush"};

    final long[] ios = new long[4];
    final long[] merges = new long[4];
    final long[] sectors = new long[4];
    final long[] ticksNs = new long[4];
    /** Issue (D) to completion (C) of every request, as btt's D2C spans it: the sum and the count per group. */
    private final long[] d2cNs = new long[4];
    private final long[] d2cCount = new long[4];
    private int inFlight;
    private long ioTicksNs;
    private long lastUpdate;
    private long windowStart;
    private final java.util.List<java.util.function.LongConsumer> resetHooks = new java.util.ArrayList<>(1);

    /** Runs {@code hook} at every {@link #reset} (the queue's other statistics that restart with diskstats). */
    public void onReset(java.util.function.LongConsumer hook) {
        resetHooks.add(hook);
    }

    /** The stat group of an operation. */
    public static int group(Op op) {
        return switch (op) {
            case READ -> READ;
            case WRITE -> WRITE;
            case DISCARD -> DISCARD;
            case FLUSH -> FLUSH;
            // op_stat_group: a zone operation by its direction (op_is_write)
            default -> op.isWrite() ? WRITE : READ;
        };
    }

    private void advance(long now) {
        if (inFlight > 0) {
            ioTicksNs += now - lastUpdate;
        }
        lastUpdate = now;
    }

    /** A request became in flight. */
    public void start(long now) {
        advance(now);
        inFlight++;
    }

    /** A request ended: account it. */
    public void done(Request rq, long now) {
        done(rq.op, rq.nrSectors, rq.tCreated, now);
    }

    /**
     * An I/O of {@code nrSectors} that started at {@code startNs} ended: a request, or a bio of a
     * bio-based driver (md, dm: bio_end_io_acct).
     */
    public void done(Op op, int nrSectors, long startNs, long now) {
        advance(now);
        inFlight--;
        int g = group(op);
        ios[g]++;
        sectors[g] += op == Op.FLUSH ? 0 : nrSectors;
        ticksNs[g] += now - startNs;
    }

    /**
     * A request's completion as blktrace records it (the C event, blk_update_request in the
     * completion handler): its issue-to-completion span, btt's D2C, which includes the interrupt's
     * delivery and handler up to there.
     */
    public void completedSinceIssue(Op op, long dispatchedNs, long now) {
        int g = group(op);
        d2cNs[g] += now - dispatchedNs;
        d2cCount[g]++;
    }

    /** The mean issue-to-completion span of the group's requests (btt's D2C), ns; 0 without any. */
    public double d2cMeanNs(int group) {
        return ratio(d2cNs[group], d2cCount[group]);
    }

    /** A queued request merged into another (blk_account_io_merge_request): one fewer in flight. */
    public void requestMerged(Op op, long now) {
        advance(now);
        inFlight--;
        merges[group(op)]++;
    }

    /** The flush machinery's flush request ended after {@code ticksNs}. */
    public void flushDone(long ns) {
        ios[FLUSH]++;
        ticksNs[FLUSH] += ns;
    }

    /** A bio merged into an existing request. */
    public void merged(Op op) {
        merges[group(op)]++;
    }

    public long ios(int group) {
        return ios[group];
    }

    public long merges(int group) {
        return merges[group];
    }

    public long sectors(int group) {
        return sectors[group];
    }

    public long ticksNs(int group) {
        return ticksNs[group];
    }

    public int inFlight() {
        return inFlight;
    }

    public long ioTicksNs(long now) {
        return ioTicksNs + (inFlight > 0 ? now - lastUpdate : 0);
    }

    /** Field 11: the sum of the read, write, discard and flush ticks. */
    public long timeInQueueNs(long now) {
        return ticksNs[READ] + ticksNs[WRITE] + ticksNs[DISCARD] + ticksNs[FLUSH];
    }

    /** Forgets everything counted so far (end of warm-up), keeping requests in flight. */
    public void reset(long now) {
        advance(now);
        java.util.Arrays.fill(ios, 0);
        java.util.Arrays.fill(merges, 0);
        java.util.Arrays.fill(sectors, 0);
        java.util.Arrays.fill(ticksNs, 0);
        java.util.Arrays.fill(d2cNs, 0);
        java.util.Arrays.fill(d2cCount, 0);
        ioTicksNs = 0;
        windowStart = now;
        for (java.util.function.LongConsumer h : resetHooks) {
            h.accept(now);
        }
    }

    /**
     * Registers the raw diskstats under {@code diskstats.*} and the iostat -x columns under
     * {@code iostat.*}, computed over the window from the last reset to {@code clock}'s time.
     */
    public void register(Stats stats, java.util.function.LongSupplier clock) {
        for (int g = 0; g < 4; g++) {
            int gg = g;
            stats.counter("diskstats." + GROUP[g] + ".ios", () -> ios[gg]);
            stats.counter("diskstats." + GROUP[g] + ".merges", () -> merges[gg]);
            stats.counter("diskstats." + GROUP[g] + ".sectors", () -> sectors[gg]);
            stats.counter("diskstats." + GROUP[g] + ".ticks_ms", () -> ticksNs[gg] / 1_000_000);
        }
        for (int g = 0; g < 4; g++) {
            int gg = g;
            stats.gauge("block.d2c." + GROUP[g] + ".mean_us", () -> ratio(d2cNs[gg] / 1e3, d2cCount[gg]));
        }
        stats.counter("diskstats.in_flight", () -> inFlight);
        stats.counter("diskstats.io_ticks_ms", () -> ioTicksNs(clock.getAsLong()) / 1_000_000);
        stats.counter("diskstats.time_in_queue_ms", () -> timeInQueueNs(clock.getAsLong()) / 1_000_000);

        stats.gauge("iostat.r_s", () -> perSecond(ios[READ], clock));
        stats.gauge("iostat.w_s", () -> perSecond(ios[WRITE], clock));
        stats.gauge("iostat.d_s", () -> perSecond(ios[DISCARD], clock));
        stats.gauge("iostat.f_s", () -> perSecond(ios[FLUSH], clock));
        stats.gauge("iostat.rkB_s", () -> perSecond(sectors[READ], clock) / 2);
        stats.gauge("iostat.wkB_s", () -> perSecond(sectors[WRITE], clock) / 2);
        stats.gauge("iostat.rrqm_s", () -> perSecond(merges[READ], clock));
        stats.gauge("iostat.wrqm_s", () -> perSecond(merges[WRITE], clock));
        stats.gauge("iostat.rrqm_pct", () -> pct(merges[READ], merges[READ] + ios[READ]));
        stats.gauge("iostat.wrqm_pct", () -> pct(merges[WRITE], merges[WRITE] + ios[WRITE]));
        stats.gauge("iostat.dkB_s", () -> perSecond(sectors[DISCARD], clock) / 2);
        stats.gauge("iostat.drqm_s", () -> perSecond(merges[DISCARD], clock));
        stats.gauge("iostat.drqm_pct", () -> pct(merges[DISCARD], merges[DISCARD] + ios[DISCARD]));
        stats.gauge("iostat.r_await_ms", () -> ratio(ticksNs[READ] / 1e6, ios[READ]));
        stats.gauge("iostat.w_await_ms", () -> ratio(ticksNs[WRITE] / 1e6, ios[WRITE]));
        stats.gauge("iostat.d_await_ms", () -> ratio(ticksNs[DISCARD] / 1e6, ios[DISCARD]));
        stats.gauge("iostat.f_await_ms", () -> ratio(ticksNs[FLUSH] / 1e6, ios[FLUSH]));
        stats.gauge("iostat.rareq_sz_kB", () -> ratio(sectors[READ] / 2.0, ios[READ]));
        stats.gauge("iostat.wareq_sz_kB", () -> ratio(sectors[WRITE] / 2.0, ios[WRITE]));
        stats.gauge("iostat.dareq_sz_kB", () -> ratio(sectors[DISCARD] / 2.0, ios[DISCARD]));
        stats.gauge("iostat.aqu_sz", () -> ratio(timeInQueueNs(clock.getAsLong()), clock.getAsLong() - windowStart));
        stats.gauge("iostat.util_pct", () -> pct(ioTicksNs(clock.getAsLong()), clock.getAsLong() - windowStart));
    }

    private double perSecond(long count, java.util.function.LongSupplier clock) {
        long span = clock.getAsLong() - windowStart;
        return span <= 0 ? 0 : count * 1e9 / span;
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    private static double pct(double a, double b) {
        return b == 0 ? 0 : 100.0 * a / b;
    }
}
