package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * fio's offset distributions checked statistically against their definitions: Zipf's law
 * (lib/zipf.c; Gray et al.'s generator is exact for the two hottest ranks and within a few
 * percent of the law beyond), the Pareto inverse transform, the Irwin-Hall "normal" of
 * lib/gauss.c, zoned access shares, the random map's one-pass coverage, and bsrange sizes.
 */
class DistributionsTest {
    private static final RandomStreams R = new RandomStreams(7);

    private static RandomStream s(String name) {
        return R.stream(name);
    }

    private static JobSpec spec(String body) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse("[j]\n" + body, "t.fio", Path.of("."));
        JobFile.Section sec = f.jobs().get(0);
        return JobTranslator.translate("j", f.effectiveOptions(sec), sec.options(), false, null).spec();
    }

    private static double zeta(long n, double theta) {
        double z = 0;
        for (long i = 1; i <= n; i++) {
            z += Math.pow(i, -theta);
        }
        return z;
    }

    @Test
    void zipfRanksFollowZipfsLaw() {
        long n = 1000;
        double theta = 1.2;
        OffsetGenerator.Zipf z = new OffsetGenerator.Zipf(n, theta, -1, s("zipf"));
        int draws = 400_000;
        long[] count = new long[(int) n];
        for (int i = 0; i < draws; i++) {
            long r = z.rank();
            assertThat(r).isBetween(0L, n - 1);
            count[(int) r]++;
        }
        double zn = zeta(n, theta);
        // The two hottest ranks are drawn exactly with Zipf's probabilities.
        assertThat(count[0] / (double) draws).isCloseTo(1 / zn, within(0.004));
        assertThat(count[1] / (double) draws).isCloseTo(Math.pow(2, -theta) / zn, within(0.004));
        // The tail follows the law to within the approximation's few percent.
        for (int k : new int[] {10, 100, 500}) {
            double emp = 0;
            for (int r = 0; r < k; r++) {
                emp += count[r];
            }
            double law = zeta(k, theta) / zn;
            assertThat(emp / draws / law).isCloseTo(1.0, within(0.05));
        }
    }

    @Test
    void zipfOffsetsAreTheRanksHashedOverTheFile() {
        long n = 1000;
        OffsetGenerator.Zipf a = new OffsetGenerator.Zipf(n, 1.2, 0.25, s("zipfhash"));
        OffsetGenerator.Zipf b = new OffsetGenerator.Zipf(n, 1.2, 0.25, s("zipfhash2"));
        // With a centre the offset is fixed: (hash(rank) + n x centre) mod n.
        for (int i = 0; i < 1000; i++) {
            long r = b.rank();
            long expected = Long.remainderUnsigned(r * OffsetGenerator.GR_PRIME_64 + 250, n);
            assertThat(expected).isBetween(0L, n - 1);
        }
        assertThat(a.next()).isBetween(0L, n - 1);
    }

    @Test
    void paretoRanksHaveTheInverseTransformsDistribution() {
        long n = 10_000;
        double h = 0.2;
        OffsetGenerator.Pareto p = new OffsetGenerator.Pareto(n, h, -1, s("pareto"));
        double pow = Math.log(h) / Math.log(1 - h);
        int draws = 200_000;
        long[] ranks = new long[draws];
        for (int i = 0; i < draws; i++) {
            ranks[i] = p.rank();
        }
        java.util.Arrays.sort(ranks);
        for (double x : new double[] {0.01, 0.05, 0.2, 0.5}) {
            long limit = (long) (x * (n - 1));
            int below = java.util.Arrays.binarySearch(ranks, limit + 1);
            below = below < 0 ? -below - 1 : below;
            double expected = Math.pow(x, 1 / pow);
            assertThat(below / (double) draws).isCloseTo(expected, within(0.01));
        }
        // pareto:0.2 is the 80/20 rule: 80% of the accesses go to the hottest 20% of the blocks.
        int hot = java.util.Arrays.binarySearch(ranks, (long) (0.2 * (n - 1)) + 1);
        assertThat((hot < 0 ? -hot - 1 : hot) / (double) draws).isCloseTo(0.8, within(0.01));
    }

    @Test
    void normalRanksHaveTheIrwinHallMeanAndDeviationPlusTheJitter() {
        long n = 10_000;
        OffsetGenerator.Gauss g = new OffsetGenerator.Gauss(n, 10, -1, s("gauss"));
        int draws = 200_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < draws; i++) {
            double r = g.rank();
            sum += r;
            sumSq += r * r;
        }
        double mean = sum / draws;
        double sd = Math.sqrt(sumSq / draws - mean * mean);
        // 12 uniform terms on {0..n} averaged: variance ((n+1)^2 - 1) / 144; jitter of width
        // ceil(n x 10%) uniform: variance s^2 / 12.
        double s = Math.ceil(n * 10 / 100.0);
        double expectedSd = Math.sqrt((((n + 1.0) * (n + 1) - 1) / 144) + s * s / 12);
        assertThat(mean).isCloseTo(n / 2.0, within(n * 0.005));
        assertThat(sd / expectedSd).isCloseTo(1.0, within(0.02));
    }

    @Test
    void zonedAccessesFallInTheirZonesInTheirShares() {
        JobSpec sp = spec("rw=randread\nbs=4k\nsize=4000k\nrandom_distribution=zoned:60/10:30/20:10/70\n");
        OffsetGenerator gen = new OffsetGenerator(0, 4000 * 1024, 4000 * 1024, sp.access(), false, true, s("o"),
                s("a"), s("b"), s("zone"), s("rank"));
        int draws = 200_000;
        int[] zone = new int[3];
        for (int i = 0; i < draws; i++) {
            long off = gen.next(0, true);
            double frac = off / (4000.0 * 1024);
            zone[frac < 0.1 ? 0 : frac < 0.3 ? 1 : 2]++;
        }
        assertThat(zone[0] / (double) draws).isCloseTo(0.6, within(0.01));
        assertThat(zone[1] / (double) draws).isCloseTo(0.3, within(0.01));
        assertThat(zone[2] / (double) draws).isCloseTo(0.1, within(0.01));
    }

    @Test
    void theRandomMapUsesEveryBlockOnceAPassAndATimeBasedJobStartsAnother() {
        JobSpec sp = spec("rw=randread\nbs=4k\nsize=400k\n");
        OffsetGenerator once = new OffsetGenerator(0, 400 * 1024, 400 * 1024, sp.access(), false, true, s("m1"),
                s("a"), s("b"), s("z"), s("r"));
        java.util.BitSet seen = new java.util.BitSet();
        for (int i = 0; i < 100; i++) {
            long off = once.next(0, true);
            int block = (int) (off / 4096);
            assertThat(seen.get(block)).as("block %d used twice", block).isFalse();
            seen.set(block);
            assertThat(once.issued(0, off, 4096, once.lastWasSequential())).isEqualTo(4096);
        }
        assertThat(seen.cardinality()).isEqualTo(100);
        assertThat(once.next(0, true)).isEqualTo(-1);

        OffsetGenerator timed = new OffsetGenerator(0, 400 * 1024, 400 * 1024, sp.access(), true, true, s("m2"),
                s("a"), s("b"), s("z"), s("r"));
        for (int i = 0; i < 100; i++) {
            timed.issued(0, timed.next(0, true), 4096, false);
        }
        assertThat(timed.next(0, true)).isBetween(0L, 399L * 4096);
        assertThat(timed.takeWrapped()).isTrue();
    }

    @Test
    void aRandomIoRunningIntoUsedBlocksIsCutShortAsMarkRandomMapDoes() {
        JobSpec sp = spec("rw=randread\nbsrange=4k-16k\nsize=64k\n");
        OffsetGenerator gen = new OffsetGenerator(0, 64 * 1024, 64 * 1024, sp.access(), false, true, s("cut"),
                s("a"), s("b"), s("z"), s("r"));
        assertThat(gen.issued(0, 8192, 4096, false)).isEqualTo(4096);
        // A 16k I/O at 0 meets the used block at 8k after two blocks.
        assertThat(gen.issued(0, 0, 16384, false)).isEqualTo(8192);
    }

    @Test
    void bsrangeSizesAreUniformOverTheMultiplesOfTheMinimum() {
        JobSpec sp = spec("rw=randread\nbsrange=4k-32k\nsize=1g\nnorandommap\n");
        OffsetGenerator gen = new OffsetGenerator(0, 1L << 30, 1L << 30, sp.access(), false, true, s("o2"), s("a"),
                s("b"), s("z"), s("r"));
        RandomStream r = s("bs");
        int draws = 80_000;
        long[] count = new long[9];
        for (int i = 0; i < draws; i++) {
            long len = IoUnitPlanner.blockSize(sp.access().bs().read(), false, r, gen, 0);
            assertThat(len % 4096).isZero();
            count[(int) (len / 4096)]++;
        }
        // min + max x U aligned down to 4k and capped at 32k: each of 4k..32k with 1/8.
        for (int k = 1; k <= 8; k++) {
            assertThat(count[k] / (double) draws).isCloseTo(0.125, within(0.006));
        }
    }

    @Test
    void randomGeneratorLfsrUsesEveryBlockOnceAPassWithoutAMap() {
        JobSpec sp = spec("rw=randread\nbs=4k\nsize=400k\nrandom_generator=lfsr\n");
        assertThat(sp.access().lfsr()).isTrue();
        OffsetGenerator gen = new OffsetGenerator(0, 400 * 1024, 400 * 1024, sp.access(), false, true, s("l1"),
                s("a"), s("b"), s("z"), s("r"));
        java.util.BitSet seen = new java.util.BitSet();
        for (int i = 0; i < 100; i++) {
            long off = gen.next(0, true);
            assertThat(off % 4096).isZero();
            int block = (int) (off / 4096);
            assertThat(seen.get(block)).as("block %d used twice", block).isFalse();
            seen.set(block);
            gen.issued(0, off, 4096, gen.lastWasSequential());
        }
        assertThat(gen.next(0, true)).isEqualTo(-1);
        // a time-based job starts another pass over every block
        OffsetGenerator timed = new OffsetGenerator(0, 400 * 1024, 400 * 1024, sp.access(), true, true, s("l2"),
                s("a"), s("b"), s("z"), s("r"));
        for (int i = 0; i < 100; i++) {
            timed.next(0, true);
        }
        java.util.BitSet again = new java.util.BitSet();
        for (int i = 0; i < 100; i++) {
            again.set((int) (timed.next(0, true) / 4096));
        }
        assertThat(again.cardinality()).isEqualTo(100);
        assertThat(timed.takeWrapped()).isTrue();
    }
}
