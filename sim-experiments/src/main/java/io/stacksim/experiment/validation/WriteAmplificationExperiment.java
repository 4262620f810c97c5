package io.stacksim.experiment.validation;

import io.stacksim.devices.ssd.FlashGeometry;
import io.stacksim.devices.ssd.GreedyGcModel;
import io.stacksim.devices.ssd.PageMappedFtl;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD write amplification against over-provisioning: the simulator's page-mapped FTL with
 * greedy garbage collection under sustained uniform random 4 KiB writes at steady state, next
 * to the analytical mean-field value for greedy GC (Van Houdt 2013; {@link GreedyGcModel}) and
 * Desnoyers' large-block limit.
 *
 * <p>Each point: a drive of 8 planes x 512 blocks x 64 pages of 4 KiB (1 GiB raw), its user
 * capacity set by the over-provisioning; preconditioned with 4 full passes of random writes,
 * then measured over 3 more. {@code stacksim validate write-amplification [--out DIR]} writes
 * {@code ssd-write-amplification.csv} and {@code .png} (default DIR: results).
 */
public final class WriteAmplificationExperiment {
    /** One row: over-provisioning, simulated WA, mean-field WA, large-block limit. */
    public record Point(double op, double simulated, double meanField, double largeBlock) {
    }

    public static final FlashGeometry GEOMETRY = new FlashGeometry(2, 1, 1, 4, 512, 64, 4096, 0, 4096);
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

    /** The standard sweep: {@link #GEOMETRY} over {@link #OPS}, 4 passes to precondition, 3 measured, seed 1. */
    public static List<Point> standard() {
        return run(GEOMETRY, OPS, 4, 3, 1);
    }
}
