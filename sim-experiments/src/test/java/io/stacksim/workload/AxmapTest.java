package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * fio's axmap against its specification (lib/axmap.c comments), kept as a plain bitmap on the
 * side: axmap_set_nr sets a run up to the first used bit, axmap_next_free is the first free bit
 * after a used one wrapping to the start, -1 when the map is full.
 */
class AxmapTest {
    /** The specified answer of axmap_next_free on a plain bitmap. */
    private static long nextFree(BitSet model, long n, long bit) {
        long next = bit + 1 == n ? 0 : bit + 1;
        int f = model.nextClearBit((int) next);
        if (f >= n) {
            f = model.nextClearBit(0);
        }
        return f >= n ? -1 : f;
    }

    @Test
    void runsOfSetsAndNextFreeAnswerAsAPlainBitmapDoesAcrossLevelsUntilFull() {
        // 64^3 + 77 blocks: four levels, a partial last word at every level.
        long n = 64L * 64 * 64 + 77;
        Axmap map = new Axmap(n);
        BitSet model = new BitSet();
        SplittableRandom r = new SplittableRandom(11);
        long used = 0;
        while (used < n) {
            long bit = r.nextLong(n);
            long nr = 1 + r.nextInt(200);
            long expect = 0;
            for (long b = bit; b < bit + nr && b < n && !model.get((int) b); b++) {
                model.set((int) b);
                expect++;
            }
            used += expect;
            assertThat(map.setNr(bit, nr)).as("set_nr(%d, %d)", bit, nr).isEqualTo(expect);
            long probe = r.nextLong(n);
            assertThat(map.isSet(probe)).isEqualTo(model.get((int) probe));
            if (model.get((int) probe)) {
                assertThat(map.nextFree(probe)).as("next_free(%d) with %d used", probe, used)
                        .isEqualTo(nextFree(model, n, probe));
            }
            if (used > n - 1000) {
                // the end game: fill single free blocks found by next_free
                long f = map.nextFree(bit < n ? bit : 0);
                if (f >= 0 && model.get((int) bit)) {
                    assertThat(map.setNr(f, 1)).isEqualTo(1);
                    model.set((int) f);
                    used++;
                }
            }
        }
        assertThat(map.nextFree(0)).isEqualTo(-1);
        assertThat(map.firstFree(0)).isEqualTo(-1);
        map.reset();
        assertThat(map.isSet(5)).isFalse();
        assertThat(map.firstFree(n - 1)).isEqualTo(n - 1);
    }

    @Test
    void theLastFreeBlockIsFoundFromAnywhereAfterWrapping() {
        long n = 5000;
        Axmap map = new Axmap(n);
        map.setNr(0, n);
        assertThat(map.setNr(0, 1)).isZero();
        Axmap one = new Axmap(n);
        for (long b = 0; b < n; b += 64) {
            one.setNr(b, 64);
        }
        // every block used but 123
        Axmap m = new Axmap(n);
        m.setNr(0, 123);
        m.setNr(124, n - 124);
        for (long from : new long[] {0, 122, 124, 4999, 3000}) {
            assertThat(m.nextFree(from)).as("from %d", from).isEqualTo(123);
        }
        assertThat(one.nextFree(7)).isEqualTo(-1);
    }
}
