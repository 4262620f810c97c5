package io.stacksim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void latencyRecorderGivesExactMomentsAndPercentilesWithinThreeDigits() {
        LatencyRecorder r = new LatencyRecorder();
        for (long v = 1; v <= 100_000; v++) {
            r.record(v * 1000); // 1 us .. 100 ms, uniform
        }
        assertThat(r.count()).isEqualTo(100_000);
        assertThat(r.mean()).isEqualTo(50_000.5 * 1000);
        assertThat(r.min()).isEqualTo(1000);
        assertThat(r.max()).isEqualTo(100_000_000);
        assertThat((double) r.percentile(50)).isCloseTo(50_000_000, within(50_000_000 * 0.001));
        assertThat((double) r.percentile(99)).isCloseTo(99_000_000, within(99_000_000 * 0.001));
        assertThat((double) r.percentile(99.99)).isCloseTo(99_990_000, within(99_990_000 * 0.001));
        // sample (n-1) stddev of 1..N is sqrt(N(N+1)/12); times 1000 for the unit
        assertThat(r.stddev()).isCloseTo(Math.sqrt(1e5 * (1e5 + 1) / 12) * 1000, within(1.0));
    }

    @Test
    void timeWeightedAverageIsTheIntegralOverTime() {
        TimeWeighted q = new TimeWeighted(0);
        q.set(0, 2);   // 2 for 10 ns
        q.set(10, 0);  // 0 for 30 ns
        q.set(40, 4);  // 4 for 60 ns
        assertThat(q.average(100)).isEqualTo((2 * 10 + 0 * 30 + 4 * 60) / 100.0);
        assertThat(q.max()).isEqualTo(4);
        q.restart(100);
        assertThat(q.average(200)).isEqualTo(4.0);
    }

    @Test
    void confidenceIntervalUsesStudentT() {
        // Five samples with mean 10 and sample sd 1.5811: t(0.975, 4) = 2.7764
        Estimate e = Estimate.of(new double[] {8, 9, 10, 11, 12}, 0.95);
        assertThat(e.mean()).isEqualTo(10.0);
        assertThat(e.halfWidth()).isCloseTo(2.7764 * Math.sqrt(2.5) / Math.sqrt(5), within(1e-3));
        assertThat(e.contains(10)).isTrue();
        assertThat(e.n()).isEqualTo(5);
    }

    @Test
    void statsSnapshotIsSortedAndRejectsDuplicateNames() {
        Stats s = new Stats();
        long[] v = {3};
        s.counter("b.count", () -> v[0]);
        s.gauge("a.ratio", () -> 0.5);
        v[0] = 4;
        assertThat(s.snapshot()).containsExactly(
                java.util.Map.entry("a.ratio", 0.5), java.util.Map.entry("b.count", 4L));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.counter("a.ratio", () -> 1))
                .isInstanceOf(IllegalStateException.class);
    }
}
