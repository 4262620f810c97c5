package io.stacksim.workload;

import io.stacksim.block.Bio;
import io.stacksim.engine.LatencyRecorder;

/**
 * What one job measured: per-direction completion latency (fio's clat: from issuing the I/O to
 * seeing it complete), bytes and I/Os, and where each I/O's time went; and, for fio-shaped
 * reports, the rest of fio's {@code struct thread_stat} (slat/lat, fio's own latency
 * histograms, bandwidth and IOPS samples, depth distributions, latency buckets, run times and
 * the process's CPU figures), kept in fio's units.
 *
 * <p>The per-layer split of one I/O adds up to its latency exactly: {@code cpu} (syscall entry
 * and submission, until the bio is queued), {@code queue} (plug, scheduler and tag wait, until
 * dispatch), the device's {@code devQueue}, {@code media}, {@code transfer} and
 * {@code devOverhead}, and {@code completion} (interrupt, wake-up, context switch, return).
 */
public final class JobStats {
    public static final int READ = 0;
    public static final int WRITE = 1;
    /** fio's DDIR_TRIM: a discard (BLKDISCARD on a block device, a punched hole with the falloc engine). */
    public static final int TRIM = 2;
    /** fio's DDIR_SYNC and DDIR_DATASYNC (io_ddir.h). */
    public static final int SYNC = 3;
    public static final int DATASYNC = 4;
    /** fio's DDIR_SYNC_FILE_RANGE: sync_file_range=str:N. */
    public static final int SYNC_FILE_RANGE = 5;
    /** DDIR_RWDIR_CNT: the directions with data statistics (read, write, trim). */
    public static final int DIRS = 3;

    public final LatencyRecorder[] clat = {new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder()};
    /** Device time of each I/O's last request: dispatch to the device until its completion (blktrace's D2C). */
    public final LatencyRecorder[] dtime = {new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder()};
    /** fsync/fdatasync/msync latencies (fio's "sync" block). */
    public final LatencyRecorder syncLat = new LatencyRecorder();
    public final long[] ios = new long[DIRS];
    public final long[] bytes = new long[DIRS];
    /** Sums over I/Os of each layer's share, ns: cpu, queue, devQueue, media, transfer, devOverhead, completion. */
    public final double[] layers = new double[Layer.values().length];
    public long layerSamples;
    public long errors;
    /** continue_on_error's counts, latency_target's depth, the steady-state detector. */
    public final ExtraStats extra = new ExtraStats();
    public long startNs;
    public long endNs;

    // ------------------------------------------------------------------ fio's thread_stat
    public final FioStat[] clatStat = {new FioStat(), new FioStat(), new FioStat()};
    public final FioStat[] slatStat = {new FioStat(), new FioStat(), new FioStat()};
    public final FioStat[] latStat = {new FioStat(), new FioStat(), new FioStat()};
    public final FioStat syncStat = new FioStat();
    public final FioStat[] bwStat = {new FioStat(), new FioStat(), new FioStat()};
    public final FioStat[] iopsStat = {new FioStat(), new FioStat(), new FioStat()};
    private final FioHistogram[] clatHist = new FioHistogram[DIRS];
    private final FioHistogram[] slatHist = new FioHistogram[DIRS];
    private final FioHistogram[] latHist = new FioHistogram[DIRS];
    private FioHistogram syncHist;
    /**
     * total_io_u for read, write, trim, DDIR_SYNC (fsync), DDIR_DATASYNC (fdatasync) and
     * DDIR_SYNC_FILE_RANGE, indexed by {@link #READ}, {@link #WRITE}, {@link #TRIM}, {@link #SYNC},
     * {@link #DATASYNC}, {@link #SYNC_FILE_RANGE}. fio
     * 3.33's own array has four slots (read, write, trim, sync), so its fdatasync count lands in
     * the next field, short_io_u[read]: {@link #printedShort} reproduces that.
     */
    public final long[] totalIos = new long[6];
    public final long[] shortIos = new long[DIRS];
    public final long[] dropIos = new long[DIRS];
    /** nr_zone_resets: zones whose write pointer the job reset (zonemode=zbd; zbd.c zbd_reset_zone). */
    public long zoneResets;
    /** io_u_map, io_u_submit, io_u_complete: the seven depth buckets. */
    public final long[] depthMap = new long[7];
    public final long[] submitMap = new long[7];
    public final long[] completeMap = new long[7];
    public long totalSubmit;
    public long totalComplete;
    /** io_u_lat_n/u/m: clat bucket counts (<2, <4, <10, <20, <50, <100, <250, <500, <750, <1000, <2000, >=2000). */
    public final long[] latN = new long[10];
    public final long[] latU = new long[10];
    public final long[] latM = new long[12];
    /** Per-direction run time in ms, rounded up (backend.c update_runtime); 0 if the job did none. */
    public final long[] runtimeMs = new long[DIRS];

    /**
     * The job's process was killed by a signal: what fio copies into the job's statistics only
     * when its thread ends (io_bytes, run time, rusage) is lost; the latency histograms and
     * issue counts, kept in shared memory as it runs, stay.
     */
    public void lostAtSignal() {
        java.util.Arrays.fill(bytes, 0);
        java.util.Arrays.fill(runtimeMs, 0);
        totalRunTimeMs = 0;
        userNs = sysNs = ctx = minf = majf = 0;
    }
    /** total_run_time (job_runtime) in ms. */
    public long totalRunTimeMs;
    /** The job's process: CPU time (ns), context switches, page faults, over the measured time. */
    public long userNs;
    public long sysNs;
    public long ctx;
    public long majf;
    public long minf;
    /** Clones summed into this (fio's ts->members). */
    public int members = 1;
    /** The (first) job process's pid, for fio's report line. */
    public int pid;
    /**
     * Asynchronous engines' kernel side: requests the submitter completed or started itself
     * (io_uring's non-blocking issue), requests handed to worker threads (io-wq, or glibc's
     * POSIX AIO helpers), and the worker threads that existed.
     */
    public long asyncInline;
    public long asyncPunted;
    public long workerThreads;

    /**
     * Per I/O priority completion latency (fio's ts->clat_prio, kept when the job uses cmdprio):
     * per direction, IOPRIO_PRIO_VALUE -> its samples (clat, or lat with lat_percentiles).
     */
    public final java.util.TreeMap<Integer, PrioStat>[] prios = newPrios();

    /** td->ioprio, the job's own priority: fio keeps it at clat_prio index 0, listed first. */
    public int jobIoprio;

    /** One priority's latency samples: fio's clat_prio_stat. */
    public record PrioStat(FioStat stat, FioHistogram hist) {
        PrioStat() {
            this(new FioStat(), new FioHistogram());
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.TreeMap<Integer, PrioStat>[] newPrios() {
        return new java.util.TreeMap[] {new java.util.TreeMap<Integer, PrioStat>(), new java.util.TreeMap<Integer, PrioStat>(),
            new java.util.TreeMap<Integer, PrioStat>()};
    }

    /**
     * add_clat_sample / add_lat_sample's per-priority part: a read or write issued with
     * {@code ioprio} (the job's own when cmdprio gave it none) took {@code ns}.
     */
    public void recordPrio(int dir, int ioprio, long ns) {
        PrioStat p = prios[dir].computeIfAbsent(ioprio, k -> new PrioStat());
        p.stat.add(ns);
        p.hist.add(ns);
    }

    /** Records a completed read or write the fio way: slat (async engines only), clat, lat, buckets. */
    public void recordFio(int dir, long startNs, long issueNs, long doneNs, boolean slat) {
        recordFio(dir, startNs, issueNs, doneNs, slat, true, true);
    }

    /**
     * As above, with disable_clat ({@code clatOn} false: no clat sample and no latency bucket,
     * as fio's account_io_completion) and disable_lat ({@code latOn} false).
     */
    public void recordFio(int dir, long startNs, long issueNs, long doneNs, boolean slat, boolean clatOn, boolean latOn) {
        long clat = doneNs - issueNs;
        long lat = doneNs - startNs;
        if (latOn) {
            latStat[dir].add(lat);
            hist(latHist, dir).add(lat);
        }
        if (slat) {
            long sl = issueNs - startNs;
            slatStat[dir].add(sl);
            hist(slatHist, dir).add(sl);
        }
        if (clatOn) {
            clatStat[dir].add(clat);
            hist(clatHist, dir).add(clat);
            markLatency(clat);
        }
    }

    /**
     * A file operation's latency (fileoperations.c's add_clat_sample in open_file): a clat
     * sample with no latency bucket, in StackSim's latency figures too.
     */
    public void recordOperation(int dir, long ns) {
        clatStat[dir].add(ns);
        hist(clatHist, dir).add(ns);
        clat[dir].record(ns);
    }

    /** A unit of a FIO_NOSTATS engine: counted with its bytes, not timed. */
    public void countOnly(int dir, long nbytes) {
        ios[dir]++;
        bytes[dir] += nbytes;
    }

    /** A submission's latency sample (io_u_queued): recorded when the unit is issued. */
    public void recordSlat(int dir, long slatNs) {
        slatStat[dir].add(slatNs);
        hist(slatHist, dir).add(slatNs);
    }

    /** An fsync/fdatasync's latency (fio's sync_stat). */
    public void recordSync(long ns) {
        syncLat.record(ns);
        syncStat.add(ns);
        if (syncHist == null) {
            syncHist = new FioHistogram();
        }
        syncHist.add(ns);
    }

    private static FioHistogram hist(FioHistogram[] h, int dir) {
        if (h[dir] == null) {
            h[dir] = new FioHistogram();
        }
        return h[dir];
    }

    /** fio's histograms; an empty one when nothing was recorded. */
    public FioHistogram clatHistogram(int dir) {
        return hist(clatHist, dir);
    }

    public FioHistogram slatHistogram(int dir) {
        return hist(slatHist, dir);
    }

    public FioHistogram latHistogram(int dir) {
        return hist(latHist, dir);
    }

    public FioHistogram syncHistogram() {
        if (syncHist == null) {
            syncHist = new FioHistogram();
        }
        return syncHist;
    }

    /** io_u_mark_latency: one clat into the nsec, usec or msec buckets. */
    void markLatency(long ns) {
        if (ns < 1000) {
            latN[bucket(ns)]++;
        } else if (ns < 1_000_000) {
            latU[bucket(ns / 1000)]++;
        } else {
            long ms = ns / 1_000_000;
            latM[ms >= 2000 ? 11 : ms >= 1000 ? 10 : bucket(ms)]++;
        }
    }

    /** io_u_mark_lat_usec's switch: 0..1, 2..3, 4..9, 10..19, 20..49, 50..99, 100..249, 250..499, 500..749, 750..999. */
    private static int bucket(long v) {
        if (v >= 750) {
            return 9;
        }
        if (v >= 500) {
            return 8;
        }
        if (v >= 250) {
            return 7;
        }
        if (v >= 100) {
            return 6;
        }
        if (v >= 50) {
            return 5;
        }
        if (v >= 20) {
            return 4;
        }
        if (v >= 10) {
            return 3;
        }
        if (v >= 4) {
            return 2;
        }
        return v >= 2 ? 1 : 0;
    }

    /** io_u_mark_depth: {@code nr} units issued at {@code depth} in flight. */
    public void markDepth(int depth, long nr) {
        int idx = depth >= 64 ? 6 : depth >= 32 ? 5 : depth >= 16 ? 4 : depth >= 8 ? 3 : depth >= 4 ? 2 : depth >= 2 ? 1 : 0;
        depthMap[idx] += nr;
    }

    /** io_u_mark_submit / io_u_mark_complete: a batch of {@code nr}. */
    public void markBatch(boolean submit, int nr) {
        int idx = nr <= 0 ? 0 : nr <= 4 ? 1 : nr <= 8 ? 2 : nr <= 16 ? 3 : nr <= 32 ? 4 : nr <= 64 ? 5 : 6;
        if (submit) {
            submitMap[idx]++;
            totalSubmit++;
        } else {
            completeMap[idx]++;
            totalComplete++;
        }
    }

    /** The layers of {@link #layers}, in the order a request meets them. */
    public enum Layer {
        CPU("cpu"), QUEUE("queue"), DEVICE_QUEUE("device_queue"), MEDIA("media"), TRANSFER("transfer"),
        DEVICE_OVERHEAD("device_overhead"), COMPLETION("completion");

        public final String key;

        Layer(String key) {
            this.key = key;
        }
    }

    /** Records one completed I/O issued at {@code issued} and seen complete at {@code now}. */
    public void record(int dir, long issued, long now, long nbytes, Bio last) {
        long total = now - issued;
        clat[dir].record(total);
        ios[dir]++;
        bytes[dir] += nbytes;
        layerSamples++;
        if (last == null) {
            layers[Layer.CPU.ordinal()] += total;
            return;
        }
        if (last.tCompleted > last.tDispatched) {
            dtime[dir].record(last.tCompleted - last.tDispatched);
        }
        // A bio issued before this I/O began (readahead in flight) counts only from the start.
        long q = Math.max(last.tQueued, issued);
        long d = Math.max(last.tDispatched, issued);
        long c = Math.max(last.tCompleted, issued);
        long queue = d - q;
        long device = c - d;
        long completion = now - c;
        long cpu = total - queue - device - completion;
        long fullDevice = last.tCompleted - last.tDispatched;
        double share = fullDevice <= 0 ? 0 : (double) device / fullDevice;
        double devQueue = last.devQueueNs * share;
        double media = last.devMediaNs * share;
        double transfer = last.devTransferNs * share;
        layers[Layer.CPU.ordinal()] += cpu;
        layers[Layer.QUEUE.ordinal()] += queue;
        layers[Layer.DEVICE_QUEUE.ordinal()] += devQueue;
        layers[Layer.MEDIA.ordinal()] += media;
        layers[Layer.TRANSFER.ordinal()] += transfer;
        // What the device's measured parts leave of its time: >= 0 per request (--check's
        // device.time-parts); scaling by share can leave a rounding crumb below a nanosecond.
        double overhead = device - devQueue - media - transfer;
        layers[Layer.DEVICE_OVERHEAD.ordinal()] += overhead > -1 ? Math.max(0, overhead) : overhead;
        layers[Layer.COMPLETION.ordinal()] += completion;
    }

    /** Forgets everything (end of ramp_time). */
    public void reset(long now) {
        for (LatencyRecorder r : clat) {
            r.reset();
        }
        for (LatencyRecorder r : dtime) {
            r.reset();
        }
        for (int d = 0; d < DIRS; d++) {
            clatStat[d].reset();
            slatStat[d].reset();
            latStat[d].reset();
            bwStat[d].reset();
            iopsStat[d].reset();
            prios[d].clear();
            for (FioHistogram[] h : new FioHistogram[][] {clatHist, slatHist, latHist}) {
                if (h[d] != null) {
                    h[d].reset();
                }
            }
        }
        syncStat.reset();
        if (syncHist != null) {
            syncHist.reset();
        }
        for (long[] a : new long[][] {totalIos, shortIos, dropIos, depthMap, submitMap, completeMap, latN, latU, latM,
            runtimeMs}) {
            java.util.Arrays.fill(a, 0);
        }
        totalSubmit = totalComplete = totalRunTimeMs = 0;
        zoneResets = 0; // reset_io_stats
        userNs = sysNs = ctx = majf = minf = 0;
        syncLat.reset();
        java.util.Arrays.fill(ios, 0);
        java.util.Arrays.fill(bytes, 0);
        java.util.Arrays.fill(layers, 0);
        layerSamples = 0;
        errors = 0;
        startNs = now;
    }

    /**
     * The short I/O count fio 3.33 prints for {@code ddir} (read or write): for reads it is
     * short_io_u[0] plus the fdatasync count, since td_io_queue's total_io_u[DDIR_DATASYNC]
     * (index 4 of a four-slot array) is short_io_u[0] in struct thread_stat - checked against
     * fio 3.33 here: fdatasync=64 over 256 writes prints {@code short=3,0,0,0}. Likewise the
     * sync_file_range count (total_io_u[DDIR_SYNC_FILE_RANGE], index 5) is short_io_u[1], the
     * writes' short count.
     */
    public long printedShort(int ddir) {
        return ddir == READ ? shortIos[READ] + totalIos[DATASYNC]
                : ddir == WRITE ? shortIos[WRITE] + totalIos[SYNC_FILE_RANGE] : shortIos[ddir];
    }

    /** Adds another job's figures (group reporting, stat.c sum_thread_stats). */
    public void add(JobStats o) {
        if (members == 0) {
            jobIoprio = o.jobIoprio; // sum_thread_stats: the first member's clat_prio order
        }
        for (int d = 0; d < DIRS; d++) {
            clat[d].add(o.clat[d]);
            dtime[d].add(o.dtime[d]);
            ios[d] += o.ios[d];
            bytes[d] += o.bytes[d];
            clatStat[d].merge(o.clatStat[d], false);
            slatStat[d].merge(o.slatStat[d], false);
            latStat[d].merge(o.latStat[d], false);
            bwStat[d].merge(o.bwStat[d], true);
            iopsStat[d].merge(o.iopsStat[d], true);
            mergeHist(clatHist, o.clatHist, d);
            mergeHist(slatHist, o.slatHist, d);
            mergeHist(latHist, o.latHist, d);
            for (var e : o.prios[d].entrySet()) {
                PrioStat p = prios[d].computeIfAbsent(e.getKey(), k -> new PrioStat());
                p.stat.merge(e.getValue().stat, false);
                p.hist.merge(e.getValue().hist);
            }
            runtimeMs[d] = Math.max(runtimeMs[d], o.runtimeMs[d]);
            shortIos[d] += o.shortIos[d];
            dropIos[d] += o.dropIos[d];
        }
        for (int d = 0; d < totalIos.length; d++) {
            totalIos[d] += o.totalIos[d];
        }
        zoneResets += o.zoneResets;
        syncStat.merge(o.syncStat, false);
        if (o.syncHist != null) {
            syncHistogram().merge(o.syncHist);
        }
        for (int i = 0; i < 7; i++) {
            depthMap[i] += o.depthMap[i];
            submitMap[i] += o.submitMap[i];
            completeMap[i] += o.completeMap[i];
        }
        for (int i = 0; i < latN.length; i++) {
            latN[i] += o.latN[i];
            latU[i] += o.latU[i];
        }
        for (int i = 0; i < latM.length; i++) {
            latM[i] += o.latM[i];
        }
        totalSubmit += o.totalSubmit;
        totalComplete += o.totalComplete;
        totalRunTimeMs += o.totalRunTimeMs;
        userNs += o.userNs;
        sysNs += o.sysNs;
        ctx += o.ctx;
        majf += o.majf;
        minf += o.minf;
        members += o.members;
        asyncInline += o.asyncInline;
        asyncPunted += o.asyncPunted;
        workerThreads += o.workerThreads;
        for (int i = 0; i < layers.length; i++) {
            layers[i] += o.layers[i];
        }
        syncLat.add(o.syncLat);
        layerSamples += o.layerSamples;
        errors += o.errors;
        extra.add(o.extra);
        startNs = Math.min(startNs, o.startNs);
        endNs = Math.max(endNs, o.endNs);
    }

    public long runtimeNs() {
        return endNs - startNs;
    }

    private static void mergeHist(FioHistogram[] into, FioHistogram[] from, int d) {
        if (from[d] != null) {
            hist(into, d).merge(from[d]);
        }
    }

    /** A fresh copy to sum others into (group reporting): no clones yet. */
    public static JobStats empty() {
        JobStats s = new JobStats();
        s.members = 0;
        s.startNs = Long.MAX_VALUE;
        return s;
    }
}
