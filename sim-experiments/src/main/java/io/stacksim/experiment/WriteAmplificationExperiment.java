package io.stacksim.experiment;

import io.stacksim.devices.ssd.FlashGeometry;
import io.stacksim.devices.ssd.GreedyGcModel;
import io.stacksim.devices.ssd.PageMappedFtl;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.report.WriteAmplificationChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SSD write amplification against over-provisioning: the simulator's page-mapped FTL with
 * greedy garbage collection under sustained uniform random 4 KiB writes at steady state, next
 * to the analytical mean-field value for greedy GC (Van Houdt 2013; {@link GreedyGcModel}) and
 * Desnoyers' large-block limit.
 *
 * <p>Each point: a drive of 8 planes x 512 blocks x 64 pages of 4 KiB (1 GiB raw), its user
 * capacity set by the over-provisioning; preconditioned with 4 full passes of random writes,
 * then measured over 3 more. Writes: {@code java -cp stacksim.jar
 * io.stacksim.experiment.WriteAmplificationExperiment [outdir]} writes
 * {@code ssd-write-amplification.csv} and {@code .png} (default outdir: results).
 */
public final class WriteAmplificationExperiment {
    /** One row: over-provisioning, simulated WA, mean-field WA, large-block limit. */
    public record Point(double op, double simulated, double meanField, double largeBlock) {
    }

    static final FlashGeometry GEOMETRY = new FlashGeometry(2, 1, 1, 4, 512, 64, 4096, 0, 4096);
    static final double[] OPS = {0.05, 0.07, 0.10, 0.15, 0.20, 0.28, 0.40, 0.50, 0.70, 1.00};

    private WriteAmplificationExperiment() {
    }

    /** Runs the sweep; deterministic for a seed. */
    public static List<Point> run(FlashGeometry g, double[] ops, double warmPasses, double measurePasses, long seed) {
        List<Point> out = new ArrayList<>();
        for (double op : ops) {
            long logical = Math.round(g.physicalUnits() / (1 + op));
            PageMappedFtl ftl = new PageMappedFtl(g, logical, 2, PageMappedFtl.InitialState.FULL);
            RandomStream r = new RandomStreams(seed).stream("wa.op" + op);
            ftl.precondition(r, warmPasses);
            long n = (long) (measurePasses * logical);
            for (long i = 0; i < n; i++) {
                ftl.write((int) r.nextLong(logical), ftl.stripePlaneOf(i));
            }
            double actualOp = ftl.overProvisioning();
            out.add(new Point(actualOp, ftl.writeAmplification(),
                    GreedyGcModel.writeAmplification(g.unitsPerBlock(), actualOp), GreedyGcModel.largeBlockLimit(actualOp)));
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "results");
        Files.createDirectories(dir);
        List<Point> points = run(GEOMETRY, OPS, 4, 3, 1);
        Path csv = dir.resolve("ssd-write-amplification.csv");
        Path tmp = Files.createTempFile(dir, "wa", ".csv.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("over_provisioning,simulated_wa,mean_field_wa,large_block_limit_wa,units_per_block\n");
            for (Point p : points) {
                w.write(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%d%n", p.op(), p.simulated(), p.meanField(),
                        p.largeBlock(), GEOMETRY.unitsPerBlock()));
            }
        }
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path png = dir.resolve("ssd-write-amplification.png");
        try {
            WriteAmplificationChart.writePng(points, GEOMETRY.unitsPerBlock(), png);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Point p : points) {
            System.out.printf(Locale.ROOT, "op=%5.1f%%  simulated WA=%.3f  mean-field=%.3f  (%+.1f%%)  large-block limit=%.3f%n",
                    100 * p.op(), p.simulated(), p.meanField(), 100 * (p.simulated() / p.meanField() - 1), p.largeBlock());
        }
        System.out.println("wrote " + csv + " and " + png);
    }
}
