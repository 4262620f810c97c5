package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * fio's LFSR (lib/lfsr.c): the sequences below are what fio's own lfsr_init(nums, seed, 0) and
 * lfsr_next print (fio f5344384's lib/lfsr.c compiled with a ten-line driver), and each pass
 * visits each block exactly once, as a maximal-period register does.
 */
class LfsrTest {
    private static long[] draw(long nums, long seed, int n) {
        Lfsr l = new Lfsr(nums, seed);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = l.next();
        }
        return out;
    }

    @Test
    void theSequencesAreFiosForTheSameSizeAndSeed() {
        assertThat(draw(10, 12345, 11)).containsExactly(2, 5, 1, 8, 0, 4, 6, 7, 3, 9, -1);
        assertThat(draw(1000, 0x9e3779b97f4a7c15L, 12)).containsExactly(325, 674, 273, 648, 260, 194, 33, 528, 328,
                228, 50, 89);
        assertThat(draw(16777216, 987654321, 8)).containsExactly(9935404, 7064854, 1435275, 14859473, 10006324,
                7100314, 1453005, 10849011);
    }

    @Test
    void aResetPassStartsFromTheSeedOneStepEarlierThanTheFirstAsInFio() {
        Lfsr l = new Lfsr(100, 42);
        long[] first = {l.next(), l.next(), l.next(), l.next(), l.next()};
        assertThat(first).containsExactly(90, 13, 70, 3, 65);
        l.reset(42);
        assertThat(new long[] {l.next(), l.next(), l.next(), l.next(), l.next()}).containsExactly(53, 90, 13, 70, 3);
    }

    @Test
    void aPassVisitsEveryBlockOnceThenEndsAndAResetRepeatsIt() {
        for (long nums : new long[] {7, 8, 100, 4097, 123_457}) {
            Lfsr l = new Lfsr(nums, 42);
            BitSet seen = new BitSet();
            for (long i = 0; i < nums; i++) {
                long v = l.next();
                assertThat(v).isBetween(0L, nums - 1);
                assertThat(seen.get((int) v)).as("%d repeated in a pass over %d", v, nums).isFalse();
                seen.set((int) v);
            }
            assertThat(seen.cardinality()).isEqualTo((int) nums);
            assertThat(l.next()).isEqualTo(-1);
            assertThat(l.reset(42)).isTrue();
            BitSet again = new BitSet();
            for (long i = 0; i < nums; i++) {
                again.set((int) l.next());
            }
            assertThat(again).isEqualTo(seen);
            assertThat(l.next()).isEqualTo(-1);
        }
    }

    @Test
    void theAllOnesStateIsProhibited() {
        // 100 blocks: a 7-bit register; 127 is the state it can never leave.
        assertThat(Lfsr.prohibited(100, 127)).isTrue();
        assertThat(Lfsr.prohibited(100, 126)).isFalse();
    }
}
