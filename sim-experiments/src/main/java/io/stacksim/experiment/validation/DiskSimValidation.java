package io.stacksim.experiment.validation;

import io.stacksim.block.Bio;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.config.ConfigException;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.hdd.HddModel;
import io.stacksim.devices.hdd.HddParams;
import io.stacksim.devices.hdd.disksim.DiskSimSpec;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.experiment.Parallel;
import io.stacksim.workload.ValidateTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Validates the HDD model against DiskSim's validation set: a real drive's measured service
 * times ({@code validate} trace) against StackSim's, with the drive described by its DiskSim
 * spec, scored by DiskSim's demerit (see {@link Demerit}).
 *
 * <p>The replay is DiskSim's validate mode (src/disksim_iodriver.c, iodriver_access_complete;
 * src/disksim_iotrace.c): closed loop with one request outstanding; the first request issues at
 * time 0 and each next one at the previous request's <em>simulated</em> completion plus the idle
 * gap the trace recorded after it. The simulated sample is the time from issue to completion.
 *
 * <p>The device is driven directly, not through the block layer: DiskSim's validation traces
 * were taken on the SCSI bus (a logic analyser for the HP C2247A), so they contain the drive and
 * the bus only, and DiskSim's validation setup gives the driver, controller and upper buses zero
 * cost. The block layer would add nothing measurable here but could split, merge or reorder
 * requests, which the measured drive never saw.
 */
public final class DiskSimValidation {
    private DiskSimValidation() {
    }

    /** One validation case: a DiskSim configuration and the drive's measured trace. */
    public record Case(String name, Path parv, Path trace) {
    }

    /**
     * DiskSim 4.0's own figures for a case, when known: from the {@code X.outv} DiskSim wrote
     * beside the case (valid/runvalid does), else from an {@code expected/} folder of tables.
     *
     * @param rmsMs       DiskSim's demerit
     * @param meanMs      its mean service time, and for reads and writes
     * @param readMeanMs  its mean read service time
     * @param writeMeanMs its mean write service time
     * @param curve       its service-time CDF, or null
     * @param source      the file the figures come from
     */
    public record Reference(double rmsMs, double meanMs, double readMeanMs, double writeMeanMs, Demerit.Curve curve,
                            Path source) {
    }

    /**
     * The outcome of one case.
     *
     * @param name          case name (the .parv's stem)
     * @param disk          DiskSim disk type
     * @param requests      requests replayed
     * @param measured      measured distribution (the trace's service times)
     * @param simulated     StackSim's distribution
     * @param measuredMean  means in ms: all, read, write
     * @param simulatedMean means in ms: all, read, write
     * @param demeritMs     DiskSim's rms of the horizontal CDF distance, ms
     * @param measuredHits  trace lines marked as read hits by the analyser ("Hit" on reads; meaningful for the HP C2247A)
     * @param simulatedHits read commands the model served entirely from its buffer
     * @param partialHits   read commands that found the start of their data in the buffer
     * @param reference     DiskSim 4.0's result on the same case, or null
     * @param events        simulation events the replay took
     */
    public record Result(String name, String disk, int requests, Demerit.Curve measured, Demerit.Curve simulated,
                         double[] measuredMean, double[] simulatedMean, double demeritMs, long measuredHits,
                         long simulatedHits, long partialHits, Reference reference, long events) {
        public double demeritPercent() {
            return 100 * demeritMs / measuredMean[0];
        }
    }

    /** The cases in {@code dir}: every {@code X.parv} with a {@code X.trace} in validate format, by name. */
    public static List<Case> discover(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + ": not a directory");
        }
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String f = p.getFileName().toString();
                if (!f.endsWith(".parv")) {
                    continue;
                }
                String stem = f.substring(0, f.length() - 5);
                Path trace = dir.resolve(stem + ".trace");
                if (Files.isRegularFile(trace) && ValidateTrace.looksLikeValidate(trace)) {
                    cases.add(new Case(stem, p, trace));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (cases.isEmpty()) {
            throw new ConfigException(dir + ": no validation cases (X.parv with an X.trace in validate format)");
        }
        return cases;
    }

    /** The case for a .parv and a trace given explicitly. */
    public static Case caseOf(Path parv, Path trace) {
        String f = parv.getFileName().toString();
        return new Case(f.endsWith(".parv") ? f.substring(0, f.length() - 5) : f, parv, trace);
    }

    /** Replays every case, on at most {@code threads} threads (results in case order, independent of the count). */
    public static List<Result> runAll(List<Case> cases, int threads, Path requestsDir) {
        return Parallel.map(cases, threads, c -> run(c, requestsDir == null ? null : requestsDir.resolve(c.name() + ".requests.csv")));
    }

    /** Replays one case. */
    public static Result run(Case c) {
        return run(c, null);
    }

    /**
     * Replays one case; with {@code requestsCsv} also writes one row per request (trace line,
     * op, LBN, blocks, measured and simulated service time in ms) to compare with DiskSim's.
     */
    public static Result run(Case c, Path requestsCsv) {
        DiskSimSpec.Loaded spec = DiskSimSpec.load(c.parv());
        HddParams p = spec.params();
        Demerit.Buckets buckets = bucketsFor(c.parv());
        DeviceLimits limits = DeviceLimits.builder(p.layout().capacity())
                .queueDepth(1)
                .maxHwSectors(65535)
                .maxSegments(65535)
                .maxSegmentSize(1 << 30)
                .rotational(true)
                .volatileWriteCache(p.cache().writeBackEnabled())
                .fua(p.cache().writeBackEnabled())
                .build();
        Replay r = new Replay(c, p, limits, buckets);
        if (requestsCsv == null) {
            r.run();
        } else {
            try {
                Files.createDirectories(requestsCsv.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(requestsCsv.toAbsolutePath().getParent(), "." + requestsCsv.getFileName() + ".",
                        ".tmp"); // unique per process
                try (java.io.PrintWriter w = new java.io.PrintWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))) {
                    w.println("line,op,lbn,blocks,measured_ms,simulated_ms");
                    r.requestLog = w;
                    r.run();
                }
                Files.move(tmp, requestsCsv, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Demerit.Curve sim = r.simulated.curve();
        Demerit.Curve meas = r.measured.curve();
        return new Result(c.name(), spec.disk(), r.requests, meas, sim,
                new double[] {r.measured.mean(), mean(r.measSum, r.n, true), mean(r.measSum, r.n, false)},
                new double[] {r.simulated.mean(), mean(r.simSum, r.n, true), mean(r.simSum, r.n, false)},
                Demerit.rms(sim, meas), r.measuredHits, r.device.readHitsWhole(), r.device.readHitsPartial(), reference(c), r.sim.eventsFired());
    }

    private static double mean(double[] sum, long[] n, boolean read) {
        int k = read ? 0 : 1;
        return n[k] == 0 ? Double.NaN : sum[k] / n[k];
    }

    /** DiskSim's bucket definition from the statdefs the .parv names, or DiskSim 4.0's default. */
    private static Demerit.Buckets bucketsFor(Path parv) {
        Path statdefs = parv.resolveSibling("statdefs");
        if (Files.isRegularFile(statdefs)) {
            Demerit.Buckets a = Demerit.Buckets.fromStatDefs(statdefs, "Physical access time");
            Demerit.Buckets b = Demerit.Buckets.fromStatDefs(statdefs, "Trace access time");
            if (!a.equals(b)) {
                throw new ConfigException(statdefs + ": 'Physical access time' and 'Trace access time' must use the same buckets");
            }
            return a;
        }
        return Demerit.Buckets.DISKSIM_ACCESS_TIME;
    }

    /**
     * DiskSim 4.0's figures for the case: from DiskSim's own output {@code <case>.outv} beside
     * the .parv, or from {@code expected/results.csv} and {@code expected/<case>.cdf.csv}, if present.
     */
    public static Reference reference(Case c) {
        Path outv = c.parv().toAbsolutePath().resolveSibling(c.name() + ".outv");
        if (Files.isRegularFile(outv)) {
            DiskSimOutput o = DiskSimOutput.read(outv);
            if (o != null) {
                return new Reference(o.rmsMs(), o.meanMs(), o.readMeanMs(), o.writeMeanMs(), o.simulated(), outv);
            }
        }
        Path dir = c.parv().toAbsolutePath().getParent().resolve("expected");
        Path results = dir.resolve("results.csv");
        if (!Files.isRegularFile(results)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(results, StandardCharsets.UTF_8);
            String[] head = lines.get(0).split(",");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                if (!f[0].equals(c.name())) {
                    continue;
                }
                double rms = Double.parseDouble(f[col(head, "disksim40_rms")]);
                double mean = Double.parseDouble(f[col(head, "disksim40_mean_ms")]);
                double rmean = Double.parseDouble(f[col(head, "disksim40_read_mean_ms")]);
                double wmean = Double.parseDouble(f[col(head, "disksim40_write_mean_ms")]);
                Demerit.Curve curve = null;
                Path cdf = dir.resolve(c.name() + ".cdf.csv");
                if (Files.isRegularFile(cdf)) {
                    curve = readCdf(cdf, "disksim40_cum");
                }
                return new Reference(rms, mean, rmean, wmean, curve, results);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new ConfigException(results + ": unreadable reference figures (" + e.getMessage() + ")");
        }
    }

    private static int col(String[] head, String name) {
        for (int i = 0; i < head.length; i++) {
            if (head[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }

    /** Reads one cumulative column of an {@code expected/<case>.cdf.csv} (x in column 1). */
    public static Demerit.Curve readCdf(Path file, String column) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] head = lines.get(0).split(",");
            int c = col(head, column);
            List<double[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                double x = Double.parseDouble(f[0]);
                double y = Double.parseDouble(f[c]);
                rows.add(new double[] {x, y});
                if (y >= 1.0) {
                    break;
                }
            }
            return Demerit.Curve.of(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": unreadable CDF (" + e.getMessage() + ")");
        }
    }

    /** The closed-loop replay of one trace against one drive. */
    private static final class Replay implements DeviceHost {
        private final Simulator sim = new Simulator();
        private final RandomStreams random = new RandomStreams(1);
        private final Case c;
        private final HddModel device;
        private final Demerit.Histogram measured;
        private final Demerit.Histogram simulated;
        private final double[] measSum = new double[2];
        private final double[] simSum = new double[2];
        private final long[] n = new long[2];
        private ValidateTrace trace;
        private ValidateTrace.Entry current;
        private long issuedAt;
        private int requests;
        private long measuredHits;
        private java.io.PrintWriter requestLog;

        Replay(Case c, HddParams p, DeviceLimits limits, Demerit.Buckets buckets) {
            this.c = c;
            this.device = new HddModel("disk0", limits, p);
            this.measured = new Demerit.Histogram(buckets);
            this.simulated = new Demerit.Histogram(buckets);
            device.attach(this);
        }

        void run() {
            try (ValidateTrace t = ValidateTrace.open(c.trace())) {
                trace = t;
                ValidateTrace.Entry first = t.next();
                if (first == null) {
                    throw new ConfigException(c.trace() + ": empty trace");
                }
                issue(first);
                sim.run();
                if (current != null) {
                    throw new IllegalStateException(c.name() + ": the replay stalled at trace line " + current.line());
                }
            }
        }

        private void issue(ValidateTrace.Entry e) {
            long capacity = device.limits().capacitySectors();
            if (e.lbn() + e.blocks() > capacity) {
                throw new ConfigException(c.trace() + ":" + e.line() + ": blocks " + e.lbn() + "+" + e.blocks()
                        + " lie beyond the disk's " + capacity + " blocks");
            }
            current = e;
            issuedAt = sim.now();
            Bio bio = new Bio(e.lbn(), e.blocks(), e.read() ? Op.READ : Op.WRITE, 0, IoPriority.NONE, null, b -> { });
            Request rq = new Request(bio, 0, issuedAt);
            rq.tDispatched = issuedAt;
            device.submit(rq);
        }

        @Override
        public Simulator sim() {
            return sim;
        }

        @Override
        public RandomStreams random() {
            return random;
        }

        @Override
        public void complete(Request rq) {
            ValidateTrace.Entry e = current;
            current = null;
            double simMs = (sim.now() - issuedAt) / 1e6;
            double measMs = e.measuredMs();
            simulated.add(simMs);
            if (requestLog != null) {
                requestLog.printf(Locale.ROOT, "%d,%s,%d,%d,%.6f,%.6f%n", e.line(), e.read() ? "R" : "W", e.lbn(), e.blocks(), measMs, simMs);
            }
            measured.add(measMs);
            int k = e.read() ? 0 : 1;
            simSum[k] += simMs;
            measSum[k] += measMs;
            n[k]++;
            requests++;
            if (e.read() && e.action().equals("Hit")) {
                measuredHits++;
            }
            ValidateTrace.Entry next = trace.next();
            if (next != null) {
                long gapNs = Math.round(e.gapUs() * 1000.0);
                sim.after(gapNs, () -> issue(next));
            }
        }

        @Override
        public void countDma(Request rq, long bytes) {
        }
    }

    /** One line per case, for logs and tests. */
    public static String summary(Result r) {
        return String.format(Locale.ROOT, "%-10s n=%d measured %.3f (R %.3f W %.3f) simulated %.3f (R %.3f W %.3f) demerit %.3f ms = %.2f%%",
                r.name(), r.requests(), r.measuredMean()[0], r.measuredMean()[1], r.measuredMean()[2],
                r.simulatedMean()[0], r.simulatedMean()[1], r.simulatedMean()[2], r.demeritMs(), r.demeritPercent());
    }
}
