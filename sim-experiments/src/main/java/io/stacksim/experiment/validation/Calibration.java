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

    /** The run of {@code runs} (repetitions of one job) with the median IOPS, its figures replaced by the medians. */
    public static Measured median(List<Measured> runs) {
        Measured mid = runs.stream().sorted((a, b) -> Double.compare(a.iops(), b.iops())).toList().get(runs.size() / 2);
        return new Measured(mid.job(), mid.dir(), med(runs, Measured::iops), med(runs, Measured::bwKiBps),
                med(runs, Measured::meanUs), med(runs, Measured::p50Us), med(runs, Measured::p99Us), mid.binValuesNs(),
                mid.binCounts(), med(runs, Measured::syncMeanUs));
    }

    private static double med(List<Measured> runs, java.util.function.ToDoubleFunction<Measured> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The fitted model: service times per direction (the body of the QD1 distributions), the
     * flush, the units, links, load curves and their waiting's squared CV, and the dispatcher's
     * stalls (their lengths' quantiles and the share of time stalled; none when {@code stallShare} is 0).
     */
    public record Fit(double[] readQuantilesNs, double[] writeQuantilesNs, double flushNs, int servers,
                      double linkBytesPerSec, double writeLinkBytesPerSec, double[] readLoad, double[] writeLoad,
                      double waitScv, double[] stallQuantilesNs, double stallShare) {
        /** A fit without stalls. */
        public Fit(double[] readQuantilesNs, double[] writeQuantilesNs, double flushNs, int servers,
                   double linkBytesPerSec, double writeLinkBytesPerSec, double[] readLoad, double[] writeLoad,
                   double waitScv) {
            this(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec, readLoad,
                    writeLoad, waitScv, null, 0);
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
                    writeLoad, waitScv, stallQuantilesNs, stallShare);
        }

        /** This fit with stalls of these lengths' quantiles, {@code share} of the time. */
        public Fit withStalls(double[] quantilesNs, double share) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    readLoad, writeLoad, waitScv, quantilesNs, share);
        }

        /**
         * This fit with the load curves' points other than the 4 KiB depth-1 ones (which the
         * service times are) scaled by {@code f} = {r128k@1, r4k@32, r128k@32, w128k@1, w4k@32, w128k@32}.
         */
        public Fit scaleLoad(double[] f) {
            return new Fit(readQuantilesNs, writeQuantilesNs, flushNs, servers, linkBytesPerSec, writeLinkBytesPerSec,
                    new double[] {readLoad[0], readLoad[1] * f[1], readLoad[2] * f[0], readLoad[3] * f[2]},
                    new double[] {writeLoad[0], writeLoad[1] * f[4], writeLoad[2] * f[3], writeLoad[3] * f[5]}, waitScv,
                    stallQuantilesNs, stallShare);
        }

        /** The curves as config: 4 KiB and 128 KiB, each at depth 1 and 32. */
        static String load(double[] x) {
            return String.format(Locale.ROOT, "4k@1:%.0f,32:%.0f;128k@1:%.0f,32:%.0f", x[0], Math.max(x[0], x[1]), x[2],
                    Math.max(x[2], x[3]));
        }
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
                + " Service times: the body of the QD1 4 KiB clat distribution (below " + (int) KNEE + "x its median)"
                + " less the simulated kernel's own time per I/O; stalls: the dispatcher off the CPU for periods"
                + " whose lengths and share of time make the simulated QD1 tail beyond that knee match the measured"
                + " one; load: the device as a flow-equivalent server, its response time at depth n and size b"
                + " linear in n between the QD1 and QD32 random jobs and in b between 4 KiB and 128 KiB, matched by"
                + " simulation, the waiting it adds hyperexponential with the squared CV that moves the QD32 tail as"
                + " measured; flush: fdatasync after a 4 KiB write less the write.", 92)) {
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
        if (fit.stallShare() > 0) {
            sb.append("  stall_time: ").append(Fit.spec(fit.stallQuantilesNs())).append('\n');
            sb.append(String.format(Locale.ROOT, "  stall_share: %.4f%n", fit.stallShare()));
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
