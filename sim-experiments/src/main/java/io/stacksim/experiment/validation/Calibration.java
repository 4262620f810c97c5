package io.stacksim.experiment.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stacksim.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fitting a device profile to a real block device or file from fio runs ({@code stacksim
 * calibrate}). The model is a {@code latency} device: a measured service-time distribution per
 * direction (the QD1 4 KiB completion-latency quantiles less what the simulated kernel itself
 * spends per I/O), a number of parallel units (Little's law on the QD32 4 KiB reads: units =
 * IOPS x service time) or, where latency grows with load, a flow-equivalent server whose
 * throughput at depth n interpolates the measured QD1 and QD32 ones ({@code read_load},
 * {@code write_load}), per-direction host-link bandwidths (the best 128 KiB throughputs) that
 * large requests cross one at a time, and a cache-flush time (a write followed by fdatasync,
 * less the write).
 *
 * <p>Everything here works on fio's JSON output, real or simulated ({@code stacksim fio
 * --output-format=json+} writes the same shape), so both sides are read by one parser.
 */
public final class Calibration {
    private Calibration() {
    }

    /** One fio job of the calibration matrix or of a check. */
    public record Job(String name, String rw, String bs, int iodepth, boolean fdatasync, String extra) {
        /** The job as fio job-file text on {@code filename}. */
        public String fioText(String filename, String size, String runtime) {
            StringBuilder sb = new StringBuilder();
            sb.append("[global]\nfilename=").append(filename).append("\nsize=").append(size)
                    .append("\ndirect=1\nioengine=libaio\ntime_based\nruntime=").append(runtime)
                    .append("\nrandrepeat=0\nnorandommap\n\n[").append(name).append("]\nrw=").append(rw).append("\nbs=")
                    .append(bs).append("\niodepth=").append(iodepth).append('\n');
            if (fdatasync) {
                sb.append("fdatasync=1\n");
            }
            if (extra != null && !extra.isEmpty()) {
                sb.append(extra).append('\n');
            }
            return sb.toString();
        }
    }

    /**
     * The calibration matrix: QD1 and QD32, 4 KiB and 128 KiB, random and sequential, read and
     * write (16 jobs), and a QD1 4 KiB write with fdatasync after each (the flush cost).
     */
    public static List<Job> matrix() {
        List<Job> jobs = new ArrayList<>();
        for (String dir : new String[] {"read", "write"}) {
            for (boolean random : new boolean[] {true, false}) {
                for (String bs : new String[] {"4k", "128k"}) {
                    for (int qd : new int[] {1, 32}) {
                        String rw = (random ? "rand" : "") + dir;
                        jobs.add(new Job(rw + "-" + bs + "-qd" + qd, rw, bs, qd, false, ""));
                    }
                }
            }
        }
        jobs.add(new Job("flush-4k-qd1", "randwrite", "4k", 1, true, ""));
        return jobs;
    }

    /** What one fio job measured in its busier direction. */
    public record Measured(String job, String dir, double iops, double bwKiBps, double meanUs, double p50Us,
                           double p99Us, long[] binValuesNs, long[] binCounts, double syncMeanUs) {
        /** The clat quantile at {@code q} in [0, 1], from the json+ bins (fio's own percentiles when none). */
        public double quantileNs(double q) {
            long n = Arrays.stream(binCounts).sum();
            if (n == 0) {
                return q <= 0.5 ? p50Us * 1e3 : p99Us * 1e3;
            }
            double target = q * (n - 1);
            long sum = 0;
            for (int i = 0; i < binCounts.length; i++) {
                sum += binCounts[i];
                if (sum > target) {
                    return binValuesNs[i];
                }
            }
            return binValuesNs[binValuesNs.length - 1];
        }
    }

    /** Reads the jobs of a fio JSON output file (notes before the JSON are skipped, as fio prints them). */
    public static List<Measured> read(Path json) {
        JsonNode root;
        try {
            String text = Files.readString(json);
            int brace = text.indexOf('{');
            if (brace < 0) {
                throw new ConfigException(json + ": not fio JSON output (no '{')");
            }
            root = new ObjectMapper().readTree(text.substring(brace));
        } catch (IOException e) {
            throw new ConfigException(json + ": cannot read fio JSON: " + e.getMessage().split("\n")[0]);
        }
        List<Measured> out = new ArrayList<>();
        for (JsonNode j : root.path("jobs")) {
            JsonNode r = j.path("read");
            JsonNode w = j.path("write");
            boolean reads = r.path("total_ios").asLong() >= w.path("total_ios").asLong();
            JsonNode d = reads ? r : w;
            JsonNode clat = d.path("clat_ns");
            List<long[]> bins = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = clat.path("bins").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                bins.add(new long[] {Long.parseLong(e.getKey()), e.getValue().asLong()});
            }
            bins.sort((a, b) -> Long.compare(a[0], b[0]));
            long[] v = new long[bins.size()];
            long[] c = new long[bins.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = bins.get(i)[0];
                c[i] = bins.get(i)[1];
            }
            out.add(new Measured(j.path("jobname").asText(), reads ? "read" : "write", d.path("iops").asDouble(),
                    d.path("bw").asDouble(), clat.path("mean").asDouble() / 1e3, percentile(clat, 50) / 1e3,
                    percentile(clat, 99) / 1e3, v, c, j.path("sync").path("lat_ns").path("mean").asDouble() / 1e3));
        }
        return out;
    }

    private static double percentile(JsonNode clat, double p) {
        JsonNode v = clat.path("percentile").path(String.format(Locale.ROOT, "%f", p));
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /**
     * The median of {@code runs} (repetitions of one job): each figure the runs' median, and the
     * distribution their median at every quantile (Vincent averaging, so that the median
     * distribution's p50 is the runs' median p50 rather than that of one run's).
     */
    public static Measured median(List<Measured> runs) {
        Measured mid = runs.stream().sorted((a, b) -> Double.compare(a.iops(), b.iops())).toList().get(runs.size() / 2);
        long[] v = mid.binValuesNs();
        long[] c = mid.binCounts();
        if (runs.size() > 1 && runs.stream().allMatch(r -> r.binCounts().length > 0)) {
            v = new long[MEDIAN_QUANTILES];
            c = new long[MEDIAN_QUANTILES];
            double[] at = new double[runs.size()];
            for (int i = 0; i < MEDIAN_QUANTILES; i++) {
                double q = (i + 0.5) / MEDIAN_QUANTILES;
                for (int r = 0; r < at.length; r++) {
                    at[r] = runs.get(r).quantileNs(q);
                }
                Arrays.sort(at);
                double m = at.length % 2 == 1 ? at[at.length / 2] : (at[at.length / 2 - 1] + at[at.length / 2]) / 2;
                v[i] = Math.max(i > 0 ? v[i - 1] : 0, Math.round(m));
                c[i] = 1;
            }
        }
        return new Measured(mid.job(), mid.dir(), med(runs, Measured::iops), med(runs, Measured::bwKiBps),
                med(runs, Measured::meanUs), med(runs, Measured::p50Us), med(runs, Measured::p99Us), v, c,
                med(runs, Measured::syncMeanUs));
    }

    /** Quantiles the median distribution of repeated runs keeps. */
    static final int MEDIAN_QUANTILES = 2000;

    private static double med(List<Measured> runs, java.util.function.ToDoubleFunction<Measured> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * A wake-up on the completion path ({@code wake_time}, {@code wake_share}): the lengths'
     * quantiles of the waits and the share of wake-ups that wait.
     */
    public record Wake(double[] quantilesNs, double share) {
        public double meanNs() {
            return Fit.mean(quantilesNs);
        }

        /** These waits' lengths times {@code length} and their share times {@code share} (at most 1). */
        public Wake scaled(double length, double share) {
            double[] q = quantilesNs.clone();
            for (int i = 0; i < q.length; i++) {
                q[i] *= length;
            }
            return new Wake(q, Math.min(1, this.share * share));
        }
    }

    /**
     * The fitted model: service times per direction (the body of the QD1 distributions), the
     * flush, the units, links, load curves (random, and sequential where fitted) and their
     * waiting's squared CV, the dispatcher's stalls (none when {@code stallShare} is 0), and the
     * wake-ups on the completion path (the reaper's for all requests, the write-completion
     * worker's for writes; null = none) with how long a woken task stays awake per request.
     */
    public record Fit(double[] readQuantilesNs, double[] writeQuantilesNs, double flushNs, int servers,
                      double linkBytesPerSec, double writeLinkBytesPerSec, double[] readLoad, double[] writeLoad,
                      double waitScv, double[] stallQuantilesNs, double stallShare, double[] seqReadLoad,
                      double[] seqWriteLoad, Wake wake, Wake writeWake, double wakeHoldNs, double wakeShareQd32) {
        /** A fit without stalls, sequential curves or wake-ups. */
        public Fit(double[] readQuantilesNs, double[] writeQuantilesNs, double flushNs, int servers,
                   double linkBytesPerSec, double writeLinkBytesPerSec, double[] readLoad, double[] writeLoad,
                   double waitScv) {
            this(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec, readLoad,
                    writeLoad, waitScv, null, 0, null, null, null, null, 0, -1);
        }

        /** The service-time spec of a quantile list: {@code empirical:T0,..,Tn}. */
        static String spec(double[] q) {
            StringBuilder sb = new StringBuilder("empirical:");
            for (int i = 0; i < q.length; i++) {
                sb.append(i == 0 ? "" : ",").append(Math.round(q[i])).append("ns");
            }
            return sb.toString();
        }

        public double meanReadNs() {
            return mean(readQuantilesNs);
        }

        public static double mean(double[] q) {
            double s = 0;
            for (int i = 0; i + 1 < q.length; i++) {
                s += (q[i] + q[i + 1]) / 2;
            }
            return s / (q.length - 1);
        }

        /** This fit with {@code n} parallel units. */
        public Fit withServers(int n) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, n, linkBytesPerSec, writeLinkBytesPerSec, readLoad,
                    writeLoad, waitScv, stallQuantilesNs, stallShare, seqReadLoad, seqWriteLoad, wake, writeWake, wakeHoldNs, wakeShareQd32);
        }

        /** This fit with stalls of these lengths' quantiles, {@code share} of the time. */
        public Fit withStalls(double[] quantilesNs, double share) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    readLoad, writeLoad, waitScv, quantilesNs, share, seqReadLoad, seqWriteLoad, wake, writeWake, wakeHoldNs, wakeShareQd32);
        }

        /** This fit with these wake-ups (null = none) and {@code holdNs} awake per request. */
        public Fit withWakes(Wake reaper, Wake writes, double holdNs) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    readLoad, writeLoad, waitScv, stallQuantilesNs, stallShare, seqReadLoad, seqWriteLoad, reaper, writes,
                    holdNs, wakeShareQd32);
        }

        /** This fit with the reaper's wake share at 32 outstanding (-1: its depth-1 share). */
        public Fit withDeepWakeShare(double share) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    readLoad, writeLoad, waitScv, stallQuantilesNs, stallShare, seqReadLoad, seqWriteLoad, wake, writeWake,
                    wakeHoldNs, share);
        }

        /** This fit with sequential curves (each {4k@1, 4k@32, 128k@1, 128k@32}; null = the random one). */
        public Fit withSequential(double[] reads, double[] writes) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    readLoad, writeLoad, waitScv, stallQuantilesNs, stallShare, reads, writes, wake, writeWake, wakeHoldNs, wakeShareQd32);
        }

        /**
         * This fit with the load curves' points other than the 4 KiB depth-1 ones (which the
         * service times are) scaled by {@code f} = {r128k@1, r4k@32, r128k@32, w128k@1, w4k@32, w128k@32}.
         */
        public Fit scaleLoad(double[] f) {
            return scaleLoad(new double[] {1, f[1], f[0], f[2]}, new double[] {1, f[4], f[3], f[5]}, null, null);
        }

        /**
         * This fit with every curve's points {4k@1, 4k@32, 128k@1, 128k@32} scaled by the factors
         * given (null = unchanged); the random curves' 4k@1 points stay, being the service times'.
         */
        public Fit scaleLoad(double[] r, double[] w, double[] sr, double[] sw) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    times(readLoad, r, true), times(writeLoad, w, true), waitScv, stallQuantilesNs, stallShare,
                    times(seqReadLoad, sr, false), times(seqWriteLoad, sw, false), wake, writeWake, wakeHoldNs, wakeShareQd32);
        }

        private static double[] times(double[] x, double[] f, boolean keepFirst) {
            if (x == null || f == null) {
                return x;
            }
            double[] y = x.clone();
            for (int i = keepFirst ? 1 : 0; i < y.length; i++) {
                y[i] *= f[i];
            }
            return y;
        }

        /**
         * The curves as config: 4 KiB and 128 KiB, each at depth 1 and 32. The depth-32 point may
         * be below the depth-1 one: on a shared machine a deeper queue can get less done per
         * second (the reaping task busier, so less favoured when it wakes).
         */
        static String load(double[] x) {
            return String.format(Locale.ROOT, "4k@1:%.0f,32:%.0f;128k@1:%.0f,32:%.0f", x[0], Math.max(1, x[1]), x[2],
                    Math.max(1, x[3]));
        }
    }

    /**
     * The waits behind the slowest {@code share} of a distribution, as {@code n + 1} quantiles of
     * their excess over {@code baseNs} (each at least 1 ns and ascending): a first guess at the
     * wake-ups a QD1 tail shows, each of which its one request waited through whole.
     */
    public static double[] tailExcess(Measured m, double share, double baseNs, int n) {
        double[] q = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            double v = m.quantileNs(Math.min(0.9995, 1 - share + share * (i + 0.5) / (n + 1)));
            q[i] = Math.max(i > 0 ? q[i - 1] : 1, v - baseNs);
        }
        return q;
    }

    /**
     * Where a QD1 distribution's stall tail starts: {@value #KNEE} x its median. Below it is the
     * device's own spread (the body); above it, requests that waited for a stalled dispatcher.
     */
    public static double kneeNs(Measured qd1) {
        return KNEE * qd1.quantileNs(0.5);
    }

    /** The knee, as a multiple of the QD1 median. */
    public static final double KNEE = 6;

    /** The share of a run's completions slower than {@code ns} (json+ bins). */
    public static double shareAbove(Measured m, double ns) {
        long n = 0;
        long above = 0;
        for (int i = 0; i < m.binCounts().length; i++) {
            n += m.binCounts()[i];
            if (m.binValuesNs()[i] > ns) {
                above += m.binCounts()[i];
            }
        }
        return n == 0 ? 0 : (double) above / n;
    }

    /** The mean of a run's completion latencies above {@code ns}, less {@code ns} (0 when none). */
    public static double meanExcessAbove(Measured m, double ns) {
        double sum = 0;
        long above = 0;
        for (int i = 0; i < m.binCounts().length; i++) {
            if (m.binValuesNs()[i] > ns) {
                above += m.binCounts()[i];
                sum += m.binCounts()[i] * (m.binValuesNs()[i] - ns);
            }
        }
        return above == 0 ? 0 : sum / above;
    }

    /** The dispatcher's stalls: their lengths' quantiles and the long-run share of time stalled. */
    public record Stalls(double[] quantilesNs, double share) {
        /** The mean time between stalls (end to start). */
        public double upNs() {
            double d = Fit.mean(quantilesNs);
            return d * (1 - share) / share;
        }

        /** These stalls with {@code upNs} between them on average. */
        public Stalls withUp(double upNs) {
            double d = Fit.mean(quantilesNs);
            return new Stalls(quantilesNs, Math.min(0.95, d / (d + upNs)));
        }

        /** These stalls' lengths times {@code f}, the time between them kept. */
        public Stalls scaled(double f) {
            double up = upNs();
            double[] q = quantilesNs.clone();
            for (int i = 0; i < q.length; i++) {
                q[i] *= f;
            }
            return new Stalls(q, share).withUp(up);
        }
    }

    /**
     * The first guess at the stalls behind a QD1 tail. At depth 1 a request is issued as the one
     * before it completes, so (unlike a Poisson arrival) it meets a stall near the stall's start
     * and waits about all of it, and about one request meets each stall: the lengths are the
     * tail's excess over the median beyond the knee, at {@code n + 1} quantiles, and the time
     * between stalls is the median cycle times (1 - tail) / tail.
     */
    public static Stalls stalls(Measured qd1, int n) {
        double knee = kneeNs(qd1);
        double med = qd1.quantileNs(0.5);
        double tail = shareAbove(qd1, knee);
        if (!(tail > 0)) {
            return null;
        }
        double[] q = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            double v = qd1.quantileNs(Math.min(0.9995, 1 - tail + tail * (i + 0.5) / (n + 1)));
            q[i] = Math.max(i > 0 ? q[i - 1] : 1, v - med);
        }
        return new Stalls(q, 0.5).withUp(med * (1 - tail) / tail);
    }

    /** Runs one matrix job on a fitted model (by simulation), for {@link #fit}. */
    public interface Simulation {
        Measured run(Fit fit, String job);
    }

    /** Quantiles a wake-up's length distribution keeps. */
    public static final int WAKE_QUANTILES = 50;

    /**
     * Fits the model to the real matrix ({@code real}, by job name). {@code hr}, {@code hw},
     * {@code hf}: the simulated kernel's own figures for the 4 KiB QD1 read, write and flush jobs
     * around an instant device; {@code sim} runs a matrix job on a candidate fit.
     *
     * <ol>
     * <li>the QD1 distributions split at the knee ({@value #KNEE}x the reads' median): below it,
     *     the device's own service (less the kernel's time); beyond it, completions that waited
     *     for a woken task to get a CPU;
     * <li>the reaper's wake-ups from the random reads' tail: the share of wake-ups that wait and
     *     their lengths, first the tail's share and its excess over the median (at depth 1 each
     *     completion is one wake-up, waited through whole), then both matched by simulation to
     *     the tail's share and mean excess;
     * <li>the writes' completion worker from what the random writes' tail has beyond that,
     *     matched the same way;
     * <li>the load curves, random and sequential, from the throughputs of the other jobs, each
     *     point matched by simulation to its job's IOPS.
     * </ol>
     */
    public static Fit fit(Map<String, Measured> real, Measured hr, Measured hw, Measured hf, int queueDepth,
                          Simulation sim, java.util.function.Consumer<String> log) {
        Measured r1 = real.get("randread-4k-qd1");
        Measured w1 = real.get("randwrite-4k-qd1");
        double knee = kneeNs(r1);
        double rTail = shareAbove(r1, knee);
        double wTail = Math.max(rTail, shareAbove(w1, knee));
        double hostR = hr.meanUs() * 1e3;
        double hostW = hw.meanUs() * 1e3;
        double[] rq = serviceQuantiles(r1, hostR, rTail);
        double[] wq = serviceQuantiles(w1, hostW, wTail);
        Measured fl = real.get("flush-4k-qd1");
        double flush = fl == null ? 0 : Math.max(0, (fl.syncMeanUs() - hf.syncMeanUs()) * 1e3);
        // the flow-equivalent server's points: the depth-1 4 KiB random ones are the body's own pace
        // (the wake-ups taken out); the others start from the measured throughputs and are matched below
        double rBody = 1e9 / (Fit.mean(rq) + hostR);
        double wBody = 1e9 / (Fit.mean(wq) + hostW);
        double[] rl = {rBody, x(real, "randread-4k-qd32"), x(real, "randread-128k-qd1") * rBody / r1.iops(),
            x(real, "randread-128k-qd32")};
        double[] wl = {wBody, x(real, "randwrite-4k-qd32"), x(real, "randwrite-128k-qd1") * wBody / w1.iops(),
            x(real, "randwrite-128k-qd32")};
        double[] srl = {rBody * x(real, "read-4k-qd1") / r1.iops(), x(real, "read-4k-qd32"),
            x(real, "read-128k-qd1") * rBody / r1.iops(), x(real, "read-128k-qd32")};
        double[] swl = {wBody * x(real, "write-4k-qd1") / w1.iops(), x(real, "write-4k-qd32"),
            x(real, "write-128k-qd1") * wBody / w1.iops(), x(real, "write-128k-qd32")};
        Fit fit = new Fit(rq, wq, flush, Math.max(queueDepth, 32), 0, 0, rl, wl, waitScv(r1, real.get("randread-4k-qd32")))
                .withSequential(srl, swl);
        // how long the reaper stays awake per completion: at depth 1, the part of each cycle outside
        // the completion latency (fio handling the completion and submitting the next I/O)
        double hold = Math.max(0, 1e9 / r1.iops() - r1.meanUs() * 1e3);
        // the reaper's wake-ups, from the reads' QD1 tail
        double rExcess = meanExcessAbove(r1, knee);
        Wake reaper = rTail > 0 ? new Wake(tailExcess(r1, rTail, r1.quantileNs(0.5), WAKE_QUANTILES), rTail) : null;
        for (int iter = 0; reaper != null && iter < 8; iter++) {
            Measured s1 = sim.run(fit.withWakes(reaper, null, hold), "randread-4k-qd1");
            double fs = ratio(rTail, shareAbove(s1, knee));
            double fe = ratio(rExcess, meanExcessAbove(s1, knee));
            log.accept(String.format(Locale.ROOT, "  reaper wake-ups: %.2f%% wait %.0f us: QD1 reads' tail %.2f%% (real %.2f%%),"
                    + " excess %.0f us (real %.0f)", 100 * reaper.share(), reaper.meanNs() / 1e3, 100 * shareAbove(s1, knee),
                    100 * rTail, meanExcessAbove(s1, knee) / 1e3, rExcess / 1e3));
            if (Math.abs(fs - 1) < 0.03 && Math.abs(fe - 1) < 0.03) {
                break;
            }
            reaper = reaper.scaled(fe, fs);
        }
        // the writes' completion worker, from what their QD1 tail has beyond the reaper's
        double wReal = shareAbove(w1, knee);
        double wExcess = meanExcessAbove(w1, knee);
        double extra = 1 - (1 - wReal) / (1 - rTail);
        Wake writes = extra > 0.002 ? new Wake(tailExcess(w1, wReal, w1.quantileNs(0.5 * (1 - wReal)), WAKE_QUANTILES), extra)
                : null;
        for (int iter = 0; writes != null && iter < 8; iter++) {
            Measured s1 = sim.run(fit.withWakes(reaper, writes, hold), "randwrite-4k-qd1");
            double simShare = shareAbove(s1, knee);
            double fs = ratio(wReal, simShare);
            double fe = ratio(wExcess, meanExcessAbove(s1, knee));
            log.accept(String.format(Locale.ROOT, "  write-completion wake-ups: %.2f%% wait %.0f us: QD1 writes' tail %.2f%%"
                    + " (real %.2f%%), excess %.0f us (real %.0f)", 100 * writes.share(), writes.meanNs() / 1e3,
                    100 * simShare, 100 * wReal, meanExcessAbove(s1, knee) / 1e3, wExcess / 1e3));
            if (Math.abs(fs - 1) < 0.03 && Math.abs(fe - 1) < 0.03) {
                break;
            }
            writes = writes.scaled(fe, fs);
        }
        fit = fit.withWakes(reaper, writes, hold);
        // the load curves' points are device-level; match the host-level throughputs by simulation
        String[][] matched = {
            {"randread-4k-qd32", "randread-128k-qd1", "randread-128k-qd32"},
            {"randwrite-4k-qd32", "randwrite-128k-qd1", "randwrite-128k-qd32"},
            {"read-4k-qd1", "read-4k-qd32", "read-128k-qd1", "read-128k-qd32"},
            {"write-4k-qd1", "write-4k-qd32", "write-128k-qd1", "write-128k-qd32"}};
        // the reaper's wake share at depth 32 from the QD32 random reads' median (their throughput is
        // the load curve's): a busier reaper waits more often when woken (fio's wake-up to run time
        // averaged 1.5 ms at QD32 against 0.29 ms at QD1, sched_wakeup to sched_switch on this machine;
        // under EEVDF a woken task is placed by the lag it kept, place_entity in kernel/sched/fair.c)
        if (fit.wake() != null) {
            fit = fit.withDeepWakeShare(fit.wake().share());
        }
        Measured r32 = real.get("randread-4k-qd32");
        for (int iter = 0; iter < 8; iter++) {
            double[][] f = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}};
            boolean close = true;
            double worst = 0;
            if (fit.wake() != null) {
                Measured s32 = sim.run(fit, "randread-4k-qd32");
                double fp = ratio(r32.p50Us(), s32.p50Us());
                close &= Math.abs(fp - 1) < 0.05 || (fp > 1 && fit.wakeShareQd32() >= 1)
                        || (fp < 1 && fit.wakeShareQd32() <= fit.wake().share());
                double next = Math.max(fit.wake().share(), Math.min(1, fit.wakeShareQd32() * Math.max(0.5, Math.min(2, fp))));
                log.accept(String.format(Locale.ROOT, "  QD32 reads' p50 %.0f us (real %.0f) at a deep wake share of %.1f%%",
                        s32.p50Us(), r32.p50Us(), 100 * fit.wakeShareQd32()));
                fit = fit.withDeepWakeShare(next);
            }
            for (int c = 0; c < 4; c++) {
                for (int k = 0; k < matched[c].length; k++) {
                    String job = matched[c][k];
                    Measured sm = sim.run(fit, job);
                    // at depth 1 the throughput is mostly the wake-ups': the device's pace shows in the
                    // body, the completions below the knee; at depth 32, in the throughput
                    double e = job.endsWith("-qd1") ? meanBelow(sm, knee) / meanBelow(real.get(job), knee)
                            : real.get(job).iops() / sm.iops();
                    // a point's index in its curve {4k@1, 4k@32, 128k@1, 128k@32}
                    int at = c < 2 ? new int[] {1, 2, 3}[k] : k;
                    f[c][at] = e;
                    close &= Math.abs(e - 1) < 0.03;
                    worst = Math.max(worst, Math.abs(e - 1));
                }
            }
            log.accept(String.format(Locale.ROOT, "  load curves, round %d: worst error %.1f%%", iter + 1, 100 * worst));
            if (close) {
                break;
            }
            fit = fit.scaleLoad(f[0], f[1], f[2], f[3]);
        }
        return fit;
    }

    /** The mean of a run's completion latencies at or below {@code ns} (json+ bins; its p50 when none). */
    public static double meanBelow(Measured m, double ns) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < m.binCounts().length; i++) {
            if (m.binValuesNs()[i] <= ns) {
                n += m.binCounts()[i];
                sum += (double) m.binCounts()[i] * m.binValuesNs()[i];
            }
        }
        return n == 0 ? m.p50Us() * 1e3 : sum / n;
    }

    private static double x(Map<String, Measured> real, String job) {
        Measured m = real.get(job);
        if (m == null) {
            throw new IllegalStateException("no real run of " + job);
        }
        return m.iops();
    }

    private static double ratio(double real, double sim) {
        return sim > 0 ? real / sim : 2;
    }

    /** Quantiles the service-time distributions keep: 0, 1/200, .., 1. */
    public static final int QUANTILES = 200;

    /**
     * The service-time quantiles of {@code real} once {@code hostNs} (what the simulated kernel
     * and link spend on the same job with an instant device) is taken off each quantile,
     * floored at zero and kept ascending.
     */
    public static double[] serviceQuantiles(Measured real, double hostNs) {
        return serviceQuantiles(real, hostNs, 0);
    }

    /**
     * As above, of the body only: the quantiles over [0, 1 - {@code tail}] spread over [0, 1],
     * the slowest {@code tail} share (the stalls', modelled apart) left out.
     */
    public static double[] serviceQuantiles(Measured real, double hostNs, double tail) {
        double[] q = new double[QUANTILES + 1];
        for (int i = 0; i <= QUANTILES; i++) {
            double v = Math.max(0, real.quantileNs((1 - tail) * i / QUANTILES) - hostNs);
            q[i] = i > 0 ? Math.max(v, q[i - 1]) : v;
        }
        return q;
    }

    /**
     * The squared coefficient of variation of the waiting that load adds, from how far the tail
     * moves against the mean between depth 1 and depth 32: the balanced hyperexponential whose
     * p99 / mean equals (p99(32) - p99(1)) / (mean(32) - mean(1)) (1 = exponential, 4.6 x the mean).
     */
    public static double waitScv(Measured qd1, Measured qd32) {
        double dm = qd32.meanUs() - qd1.meanUs();
        double ratio = dm > 0 ? (qd32.p99Us() - qd1.p99Us()) / dm : 0;
        if (!(ratio > p99OverMean(1))) {
            return 1;
        }
        double lo = 1;
        double hi = 1000;
        for (int i = 0; i < 60; i++) {
            double mid = Math.sqrt(lo * hi);
            if (p99OverMean(mid) < ratio) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** p99 / mean of a balanced two-phase hyperexponential of squared CV {@code c}. */
    static double p99OverMean(double c) {
        double p1 = 0.5 * (1 + Math.sqrt((c - 1) / (c + 1)));
        double m1 = 1 / (2 * p1);
        double m2 = 1 / (2 * (1 - p1));
        double lo = 0;
        double hi = 1e4;
        for (int i = 0; i < 100; i++) {
            double x = (lo + hi) / 2;
            double survive = p1 * Math.exp(-x / m1) + (1 - p1) * Math.exp(-x / m2);
            if (survive > 0.01) {
                lo = x;
            } else {
                hi = x;
            }
        }
        return lo;
    }

    /** Parallel units by Little's law at the device: throughput x mean service time, at least 1. */
    public static int servers(double iops, double meanServiceNs) {
        return Math.max(1, (int) Math.round(iops * meanServiceNs / 1e9));
    }

    /** A job's figures in one place, by name. */
    public static Measured byName(List<Measured> all, String name) {
        for (Measured m : all) {
            if (m.job().equals(name)) {
                return m;
            }
        }
        throw new IllegalStateException("no measured job " + name);
    }

    /** The profile YAML of {@code fit} for the device at {@code target}. */
    public static String profileYaml(String name, String target, String devName, long capacity, String queueInfo,
                                     int queueDepth, int maxSectorsKb, int logicalBlock, boolean rotational, Fit fit,
                                     String how) {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(name).append('\n');
        sb.append("kind: latency\n");
        sb.append("description: ").append(target).append(" as stacksim calibrate fitted it\n");
        sb.append("source: >-\n");
        for (String line : wrap("Fitted by stacksim calibrate from fio runs on " + target + " (" + how + "). " + queueInfo
                + " Service times: the body of the QD1 4 KiB clat distribution (below " + (int) KNEE + "x the reads'"
                + " median) less the simulated kernel's own time per I/O; wake-ups: the tail beyond that knee is"
                + " completions that waited for a woken task to get a CPU, the reaper's (every request) and the"
                + " write-completion worker's (writes), their shares and lengths matched by simulation to the QD1"
                + " reads' and writes' tails, one wake-up per batch of completions; load: the device as a"
                + " flow-equivalent server, its response time at depth n and size b linear in n between the QD1 and"
                + " QD32 jobs and in b between 4 KiB and 128 KiB, random and sequential requests (starting where a"
                + " recent one ended) on curves of their own, matched by simulation, the waiting it adds"
                + " hyperexponential with the squared CV that moves the QD32 tail as measured; flush: fdatasync"
                + " after a 4 KiB write less the write.", 92)) {
            sb.append("  ").append(line).append('\n');
        }
        sb.append("params:\n");
        sb.append("  dev_name: ").append(devName).append('\n');
        sb.append("  capacity: ").append(capacity).append('\n');
        sb.append("  logical_block_size: ").append(logicalBlock).append('\n');
        sb.append("  physical_block_size: ").append(Math.max(logicalBlock, 512)).append('\n');
        sb.append("  queue_depth: ").append(queueDepth).append('\n');
        sb.append("  hw_queues: 1\n");
        sb.append("  max_hw_sectors_kb: ").append(maxSectorsKb).append('\n');
        sb.append("  max_segments: 128\n");
        sb.append("  max_segment_size: 64KiB\n");
        sb.append("  rotational: ").append(rotational).append('\n');
        sb.append("  write_cache: ").append(fit.flushNs() > 0).append('\n');
        sb.append("  fua: false\n");
        sb.append("  servers: ").append(fit.servers()).append('\n');
        if (fit.readLoad() != null) {
            sb.append("  link_bandwidth: 0             # the load curves carry the size: no separate transfer\n");
        } else {
            sb.append(String.format(Locale.ROOT, "  link_bandwidth: %.0fB/s%n", fit.linkBytesPerSec()));
            sb.append(String.format(Locale.ROOT, "  write_link_bandwidth: %.0fB/s%n", fit.writeLinkBytesPerSec()));
        }
        sb.append("  link_setup: 0ns\n");
        sb.append("  command_overhead: 0ns\n");
        if (fit.readLoad() != null) {
            sb.append("  read_load: \"").append(Fit.load(fit.readLoad())).append("\"\n");
            sb.append("  write_load: \"").append(Fit.load(fit.writeLoad())).append("\"\n");
            sb.append(String.format(Locale.ROOT, "  load_scv: %.3f%n", fit.waitScv()));
        }
        sb.append("  read_time: ").append(Fit.spec(fit.readQuantilesNs())).append('\n');
        sb.append("  write_time: ").append(Fit.spec(fit.writeQuantilesNs())).append('\n');
        sb.append(String.format(Locale.ROOT, "  flush_time: const:%dns%n", Math.round(fit.flushNs())));
        if (fit.seqReadLoad() != null) {
            sb.append("  seq_read_load: \"").append(Fit.load(fit.seqReadLoad())).append("\"\n");
        }
        if (fit.seqWriteLoad() != null) {
            sb.append("  seq_write_load: \"").append(Fit.load(fit.seqWriteLoad())).append("\"\n");
        }
        if (fit.stallShare() > 0) {
            sb.append("  stall_time: ").append(Fit.spec(fit.stallQuantilesNs())).append('\n');
            sb.append(String.format(Locale.ROOT, "  stall_share: %.4f%n", fit.stallShare()));
        }
        if (fit.wake() != null) {
            sb.append("  wake_time: ").append(Fit.spec(fit.wake().quantilesNs())).append('\n');
            sb.append(String.format(Locale.ROOT, "  wake_share: %.4f%n", fit.wake().share()));
            if (fit.wakeShareQd32() >= 0) {
                sb.append(String.format(Locale.ROOT, "  wake_share_qd32: %.4f%n", fit.wakeShareQd32()));
            }
            sb.append(String.format(Locale.ROOT, "  wake_hold: %dns%n", Math.round(fit.wakeHoldNs())));
        }
        if (fit.writeWake() != null) {
            sb.append("  write_wake_time: ").append(Fit.spec(fit.writeWake().quantilesNs())).append('\n');
            sb.append(String.format(Locale.ROOT, "  write_wake_share: %.4f%n", fit.writeWake().share()));
        }
        return sb.toString();
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String w : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + w.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(w);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * The demerit between two clat distributions (json+ bins), in ms: DiskSim's RMS horizontal
     * distance between the CDFs ({@link Demerit}); NaN when either side has no bins.
     */
    public static double demeritMs(Measured sim, Measured real) {
        if (sim.binCounts().length == 0 || real.binCounts().length == 0) {
            return Double.NaN;
        }
        Demerit.Histogram a = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
        Demerit.Histogram b = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
        for (int i = 0; i < sim.binCounts().length; i++) {
            a.add(sim.binValuesNs()[i] / 1e6, sim.binCounts()[i]);
        }
        for (int i = 0; i < real.binCounts().length; i++) {
            b.add(real.binValuesNs()[i] / 1e6, real.binCounts()[i]);
        }
        return Demerit.rms(a.curve(), b.curve());
    }

    /** One line of the comparison table: real (medians) beside simulated, with the errors. */
    public static String row(Measured sim, Measured real) {
        double dem = demeritMs(sim, real);
        return String.format(Locale.ROOT, "  %-22s %5s %10.0f %10.0f %+7.1f%% %9.1f %9.1f %+7.1f%% %9.1f %9.1f %6.2fx %9s",
                real.job(), real.dir(), real.iops(), sim.iops(), 100 * (sim.iops() / real.iops() - 1), real.p50Us(), sim.p50Us(),
                100 * (sim.p50Us() / real.p50Us() - 1), real.p99Us(), sim.p99Us(), sim.p99Us() / real.p99Us(),
                Double.isNaN(dem) ? "n/a" : String.format(Locale.ROOT, "%.4f", dem));
    }

    /** The comparison table's header. */
    public static String header() {
        return String.format(Locale.ROOT, "  %-22s %5s %10s %10s %8s %9s %9s %8s %9s %9s %7s %9s", "job", "dir", "real IOPS",
                "sim IOPS", "err", "real p50", "sim p50", "err", "real p99", "sim p99", "ratio", "demerit");
    }
}
