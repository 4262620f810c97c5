package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import org.junit.jupiter.api.Test;

/** Steady-state write amplification of each GC policy under uniform random writes. */
class GcPolicyTest {
    /** 8 planes x 256 blocks x 64 units of 4 KiB: 512 MiB raw. */
    static final FlashGeometry G = new FlashGeometry(2, 1, 1, 4, 256, 64, 4096, 0, 4096);

    /** Simulated WA of {@code policy} at over-provisioning {@code op}: 4 passes to warm up, 3 measured. */
    static double wa(GcPolicy policy, double op) {
        long logical = Math.round(G.physicalUnits() / (1 + op));
        RandomStreams streams = new RandomStreams(3);
        PageMappedFtl ftl = new PageMappedFtl(G, logical, 2, PageMappedFtl.InitialState.FULL, policy,
                streams.stream("gc"));
        RandomStream r = streams.stream("writes");
        ftl.precondition(r, 4);
        long n = 3 * logical;
        for (long i = 0; i < n; i++) {
            ftl.write((int) r.nextLong(logical), ftl.stripePlaneOf(i));
        }
        return ftl.writeAmplification();
    }

    @Test
    void greedyFifoAndRandomAmplifyAsTheirAnalyticalModelsPredict() {
        for (double op : new double[] {0.15, 0.28}) {
            for (GcPolicy p : new GcPolicy[] {new GcPolicy.Greedy(), new GcPolicy.Fifo(), new GcPolicy.Random()}) {
                double model = WriteAmplificationModel.of(p, G.unitsPerBlock(), op).orElseThrow();
                assertThat(wa(p, op)).as("%s at op %.2f (model %.3f)", p.spec(), op, model)
                        .isCloseTo(model, within(0.10 * model));
            }
        }
    }

    @Test
    void policiesWithoutClosedFormsLieBetweenTheirBounds() {
        double op = 0.15;
        double greedy = wa(new GcPolicy.Greedy(), op);
        double fifo = wa(new GcPolicy.Fifo(), op);
        double random = wa(new GcPolicy.Random(), op);
        // windowed greedy: FIFO with a window of 1, greedy with a window of every block
        double windowed = wa(new GcPolicy.Windowed(16), op);
        assertThat(windowed).isBetween(greedy * 0.99, fifo * 1.01);
        // d-choices: random with d = 1, greedy as d grows
        double d2 = wa(new GcPolicy.DChoices(2), op);
        double d8 = wa(new GcPolicy.DChoices(8), op);
        assertThat(d2).isBetween(greedy, random);
        assertThat(d8).isBetween(greedy * 0.99, d2);
        // cost-benefit under uniform traffic: age adds nothing over greedy's choice, it cannot beat greedy
        assertThat(wa(new GcPolicy.CostBenefit(), op)).isBetween(greedy * 0.99, fifo * 1.01);
    }

    @Test
    void policiesParseFromTheirConfigForms() {
        for (String s : new String[] {"greedy", "cost-benefit", "random", "d-choices:5", "windowed:16", "fifo"}) {
            assertThat(GcPolicy.parse(s).spec()).isEqualTo(s);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GcPolicy.parse("lru"))
                .hasMessageContaining("expected greedy, cost-benefit");
    }
}
