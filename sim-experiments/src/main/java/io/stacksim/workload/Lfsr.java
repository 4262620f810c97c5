package io.stacksim.workload;

/**
 * fio's {@code random_generator=lfsr} (lib/lfsr.c): a maximal-period linear feedback shift
 * register over the smallest width whose period covers the file's blocks, so a pass visits
 * every block once in a scrambled order with no random map. Values past the last block are
 * skipped; the taps are fio's table (lfsr_taps, from the published maximal-length tap lists);
 * fio's spin is 0 (filesetup.c init_random_map calls lfsr_init with spin 0).
 *
 * <p>As in fio, {@link #next} returns -1 once the pass's n values have been produced (lfsr_next
 * counts them in num_vals); the job then starts a new pass from the seed (time_based) or ends.
 */
final class Lfsr {
    /** lib/lfsr.c lfsr_taps: tap positions of a maximal-length LFSR of each width (3..63 bits). */
    private static final int[][] TAPS = {
        {}, {}, {},
        {3, 2}, {4, 3}, {5, 3}, {6, 5}, {7, 6}, {8, 6, 5, 4}, {9, 5}, {10, 7}, {11, 9}, {12, 6, 4, 1},
        {13, 4, 3, 1}, {14, 5, 3, 1}, {15, 14}, {16, 15, 13, 4}, {17, 14}, {18, 11}, {19, 6, 2, 1},
        {20, 17}, {21, 19}, {22, 21}, {23, 18}, {24, 23, 22, 17}, {25, 22}, {26, 6, 2, 1},
        {27, 5, 2, 1}, {28, 25}, {29, 27}, {30, 6, 4, 1}, {31, 28}, {32, 31, 29, 1}, {33, 20},
        {34, 27, 2, 1}, {35, 33}, {36, 25}, {37, 5, 4, 3, 2, 1}, {38, 6, 5, 1}, {39, 35},
        {40, 38, 21, 19}, {41, 38}, {42, 41, 20, 19}, {43, 42, 38, 37}, {44, 43, 18, 17},
        {45, 44, 42, 41}, {46, 45, 26, 25}, {47, 42}, {48, 47, 21, 20}, {49, 40}, {50, 49, 24, 23},
        {51, 50, 36, 35}, {52, 49}, {53, 52, 38, 37}, {54, 53, 18, 17}, {55, 31}, {56, 55, 35, 34},
        {57, 50}, {58, 39}, {59, 58, 38, 37}, {60, 59}, {61, 60, 46, 45}, {62, 61, 6, 5}, {63, 62},
    };

    private final long xormask;
    private final long cachedBit;
    private final long maxVal;
    private long lastVal;
    private long numVals;
    /**
     * prepare_spin with spin 0 leaves cycle_length at 1, so the first lfsr_next after lfsr_init
     * steps twice; lfsr_reset does not restore it, so later passes step once from the seed.
     */
    private boolean firstDoubleStep = true;

    /**
     * lfsr_init(nums, seed, 0).
     *
     * @param nums blocks in the pass (fio: min(file size, io_size) / rw_min_bs)
     * @param seed the starting state (fio: rand_seeds[FIO_RAND_BLOCK_OFF]); masked to the width
     * @throws IllegalArgumentException when no width fits or the masked seed is the all-ones
     *                                  state the register can never leave
     */
    Lfsr(long nums, long seed) {
        int width = -1;
        for (int i = 3; i < 64; i++) { // find_lfsr: the all-ones state is prohibited
            if ((1L << i) > nums) {
                width = i;
                break;
            }
        }
        if (width < 0 || nums <= 0) {
            throw new IllegalArgumentException("random_generator=lfsr over " + nums + " blocks");
        }
        int[] taps = TAPS[width];
        long mask = 0;
        for (int t : taps) {
            mask |= 1L << (t - 1);
        }
        this.xormask = mask;
        this.cachedBit = 1L << (taps[0] - 1);
        this.maxVal = nums - 1;
        if (!reset(seed)) {
            throw new IllegalArgumentException("random_generator=lfsr: seed " + seed + " is the register's"
                    + " all-ones state (fio: failed initializing LFSR)");
        }
    }

    /** lfsr_reset: back to the seed's state; false if that is the prohibited all-ones state. */
    boolean reset(long seed) {
        long bitmask = (cachedBit << 1) - 1;
        numVals = 0;
        lastVal = seed & bitmask;
        return lastVal != bitmask;
    }

    /** True when {@code seed} would be the prohibited state for a register over {@code nums} blocks. */
    static boolean prohibited(long nums, long seed) {
        for (int i = 3; i < 64; i++) {
            if ((1L << i) > nums) {
                long bitmask = (1L << i) - 1;
                return (seed & bitmask) == bitmask;
            }
        }
        return false;
    }

    /** lfsr_next: the next block number in 0 .. nums-1, or -1 when the pass is over. */
    long next() {
        if (numVals++ > maxVal) {
            return -1;
        }
        long v = lastVal;
        do {
            if (firstDoubleStep) {
                firstDoubleStep = false;
                v = step(v);
            }
            v = step(v);
        } while (Long.compareUnsigned(v, maxVal) > 0);
        lastVal = v;
        return v;
    }

    /** __LFSR_NEXT: shift right, feed the cached bit, xor the taps when the low bit was 0. */
    private long step(long v) {
        return ((v >>> 1) | cachedBit) ^ (((v & 1L) - 1L) & xormask);
    }
}
