package io.stacksim.devices.hdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SeekCurveTest {
    private static final long MS = 1_000_000;

    @Test
    void leeThreePointCurvePassesThroughSingleCylinderAndFullStrokeAndAveragesToTheAverageSeek() {
        // Lee's coefficients make E[seek] over uniformly random cylinder pairs equal the average
        // (the integral of a sqrt(x) + b x + c against the density 2(C-x)/C^2 is exactly avg).
        int cyls = 20_000;
        SeekCurve.ThreePoint c = SeekCurve.ThreePoint.fit(600_000, 8 * MS, 17 * MS, cyls);
        assertThat(c.seekNs(1)).isEqualTo(600_000);
        assertThat((double) c.seekNs(cyls - 1)).isCloseTo(17 * MS, within(0.01 * 17 * MS));
        assertThat(c.meanRandomNs(cyls)).isCloseTo(8 * MS, within(0.005 * 8 * MS));
        // Monotone: a longer seek never takes less time.
        for (int d = 2; d < cyls; d++) {
            assertThat(c.seekNs(d)).isGreaterThanOrEqualTo(c.seekNs(d - 1));
        }
    }

    @Test
    void squareRootCurveFromTrackToTrackAndAverageAveragesToTheDatasheetAverage() {
        int cyls = 120_000;
        SeekCurve c = HddProfile.sqrtFit(230_000, 7_400_000, cyls);
        assertThat(c.seekNs(1)).isEqualTo(230_000);
        assertThat(c.meanRandomNs(cyls)).isCloseTo(7_400_000, within(0.005 * 7_400_000));
    }

    @Test
    void hplCurveFollowsRuemmlerAndWilkesHp97560Equation() {
        // Ruemmler & Wilkes, "An introduction to disk drive modeling", IEEE Computer 27(3), 1994,
        // Table 1: HP 97560 seek = 3.24 + 0.400 sqrt(d) ms for d < 383, 8.00 + 0.008 d ms beyond.
        SeekCurve.Hpl c = new SeekCurve.Hpl(383, 3.24 * MS, 0.400 * MS, 8.00 * MS, 0.008 * MS, -1, null);
        assertThat(c.seekNs(0)).isZero();
        assertThat(c.seekNs(100)).isEqualTo(Math.round(7.24 * MS));
        assertThat(c.seekNs(382)).isEqualTo(Math.round((3.24 + 0.4 * Math.sqrt(382)) * MS));
        assertThat(c.seekNs(1000)).isEqualTo(16 * MS);
        SeekCurve.Hpl single = new SeekCurve.Hpl(383, 3.24 * MS, 0.400 * MS, 8.00 * MS, 0.008 * MS, 2 * MS, null);
        assertThat(single.seekNs(1)).isEqualTo(2 * MS);
        assertThat(single.seekNs(2)).isEqualTo(c.seekNs(2));
        long[] ten = new long[10];
        for (int i = 0; i < 10; i++) {
            ten[i] = (i + 1) * 100_000L;
        }
        SeekCurve.Hpl plus10 = new SeekCurve.Hpl(383, 3.24 * MS, 0.400 * MS, 8.00 * MS, 0.008 * MS, -1, ten);
        assertThat(plus10.seekNs(7)).isEqualTo(700_000);
        assertThat(plus10.seekNs(11)).isEqualTo(c.seekNs(11));
    }

    @Test
    void measuredSeekTableInterpolatesBetweenAndExtrapolatesBeyondItsPoints() {
        SeekCurve.Table t = new SeekCurve.Table(new int[] {1, 10, 100}, new long[] {1 * MS, 2 * MS, 5 * MS});
        assertThat(t.seekNs(0)).isZero();
        assertThat(t.seekNs(10)).isEqualTo(2 * MS);
        assertThat(t.seekNs(55)).isEqualTo(Math.round(3.5 * MS));
        assertThat(t.seekNs(190)).isEqualTo(8 * MS);
    }

    @Test
    void linearCurveRunsThroughSingleAverageAtOneThirdAndFullStroke() {
        SeekCurve.Linear l = new SeekCurve.Linear(1 * MS, 10 * MS, 19 * MS, 3001);
        assertThat(l.seekNs(1)).isEqualTo(1 * MS);
        assertThat((double) l.seekNs(1000)).isCloseTo(10 * MS, Offset.offset(0.01 * MS));
        assertThat(l.seekNs(3000)).isEqualTo(19 * MS);
    }

    @Test
    void rotationalLatencyFollowsFromTheSimulatedClockNotFromADraw() {
        long period = Mechanics.periodOf(7200);
        assertThat(period).isEqualTo(8_333_333);
        Mechanics m = new Mechanics(new SeekCurve.Constant(5 * MS), 1 * MS, 100_000, period);
        // Sector 25 of a 100-sector track passes a quarter revolution after angle 0.
        assertThat(m.latencyNs(0, 25, 100)).isEqualTo(Math.round(period / 4.0));
        assertThat(m.latencyNs(period + period / 4, 25, 100)).isLessThanOrEqualTo(1);
        assertThat(m.latencyNs(period / 2, 25, 100)).isEqualTo(period - period / 2 + Math.round(period / 4.0));
        // Positioning: seek, or the head switch when longer; writes add the settle.
        assertThat(m.positionNs(10, 0, 10, 1, true)).isEqualTo(1 * MS);
        assertThat(m.positionNs(10, 0, 20, 1, false)).isEqualTo(5 * MS + 100_000);
        assertThat(m.positionNs(10, 0, 10, 0, false)).isZero();
    }
}
