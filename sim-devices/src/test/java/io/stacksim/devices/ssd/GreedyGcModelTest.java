package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GreedyGcModelTest {

    @Test
    void lambertWInvertsWTimesExpW() {
        for (double w : new double[] {-0.99, -0.7, -0.3, -0.01}) {
            assertThat(GreedyGcModel.lambertW0(w * Math.exp(w))).isCloseTo(w, within(1e-9));
        }
    }

    @Test
    void largeBlockLimitSolvesTheLrwFixedPoint() {
        // Desnoyers: the victim's valid fraction p solves p = exp(-alpha (1 - p)); A = 1 / (1 - p).
        double op = 0.28;
        double a = GreedyGcModel.largeBlockLimit(op);
        double p = 1 - 1 / a;
        assertThat(Math.exp(-(1 + op) * (1 - p))).isCloseTo(p, within(1e-9));
    }

    @Test
    void meanFieldTendsToDesnoyersLimitForLargeBlocks() {
        for (double op : new double[] {0.07, 0.25, 1.0}) {
            assertThat(GreedyGcModel.writeAmplification(16384, op))
                    .isCloseTo(GreedyGcModel.largeBlockLimit(op), within(0.01 * GreedyGcModel.largeBlockLimit(op)));
        }
    }

    @Test
    void smallBlocksAmplifyLessThanTheLimitAndMoreOpAmplifiesLess() {
        double small = GreedyGcModel.writeAmplification(32, 0.25);
        assertThat(small).isLessThan(GreedyGcModel.largeBlockLimit(0.25));
        assertThat(GreedyGcModel.writeAmplification(64, 0.5)).isLessThan(GreedyGcModel.writeAmplification(64, 0.2));
        assertThat(GreedyGcModel.writeAmplification(64, 0.2)).isGreaterThan(1);
    }

    @Test
    void aLogicalSpaceSmallerThanOneBlockCopiesNothing() {
        // a 64 MiB zone on a 1 TB array (the ZNS drive with one zone): fewer logical units than a
        // block holds, so greedy always finds a victim without valid units, A = 1 (no solution j >= 1)
        assertThat(GreedyGcModel.writeAmplification(6144, 16391)).isEqualTo(1.0);
    }

    @Test
    void ampleSpareSpaceLeavesEmptyVictimsSoNothingIsCopied() {
        // op = 10 (rho = 1/11): Desnoyers' limit is 1 + 1.7e-5, and the mean field's victim level
        // is 0 for large and small blocks alike (a 4 MiB-zone ZNS drive's media reached this)
        for (int b : new int[] {64, 6144}) {
            for (double op : new double[] {10, 100, 5000}) {
                assertThat(GreedyGcModel.writeAmplification(b, op)).isEqualTo(1.0);
            }
            for (double op : new double[] {10, 100}) {
                assertThat(GreedyGcModel.largeBlockLimit(op)).isCloseTo(1.0, within(2e-5));
            }
        }
        // just below, where victims still hold valid units, the model still copies
        assertThat(GreedyGcModel.writeAmplification(6144, 3)).isGreaterThan(1.0);
    }
}
