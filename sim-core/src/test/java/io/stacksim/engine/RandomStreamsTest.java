package io.stacksim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {

    private static double[] draw(RandomStream s, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.nextDouble();
        }
        return out;
    }

    @Test
    void addingAndUsingAnotherStreamDoesNotChangeAStreamsNumbers() {
        RandomStreams alone = new RandomStreams(99);
        double[] expected = draw(alone.stream("workload"), 1000);

        RandomStreams crowded = new RandomStreams(99);
        RandomStream noise = crowded.stream("device");
        draw(noise, 5000);
        crowded.stream("aaa-created-first");
        double[] actual = draw(crowded.stream("workload"), 1000);
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void sameSeedSameNumbersDifferentSeedOrNameDifferentNumbers() {
        double[] a = draw(new RandomStreams(1).stream("x"), 100);
        double[] b = draw(new RandomStreams(1).stream("x"), 100);
        double[] c = draw(new RandomStreams(2).stream("x"), 100);
        double[] d = draw(new RandomStreams(1).stream("y"), 100);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).isNotEqualTo(d);
    }

    @Test
    void exponentialDrawsFollowTheExponentialDistribution() {
        RandomStream s = new RandomStreams(5).stream("exp");
        double[] x = new double[20_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = s.exponential(3.0);
        }
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new ExponentialDistribution(3.0), x);
        assertThat(p).isGreaterThan(0.001);
    }

    @Test
    void boundedLongsAreUniformAndInRange() {
        RandomStream s = new RandomStreams(3).stream("u");
        long bound = 3L << 33; // above int range, exercising the rejection path
        int[] buckets = new int[3];
        for (int i = 0; i < 30_000; i++) {
            long v = s.nextLong(bound);
            assertThat(v).isBetween(0L, bound - 1);
            buckets[(int) (v / (1L << 33))]++;
        }
        for (int c : buckets) {
            assertThat(c).isBetween(9_500, 10_500);
        }
    }
}
