package io.stacksim.engine;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * One named random stream: a Commons Math WELL19937c generator with the helpers the models
 * draw from on their hot paths. Distributions from Commons Math can wrap {@link #generator()}.
 */
public final class RandomStream {
    private final String name;
    private final Well19937c rng;

    RandomStream(String name, long seed) {
        this.name = name;
        // Expand the 64-bit seed with SplitMix64 into the generator's full 624-word state.
        int[] state = new int[624];
        long x = seed;
        for (int i = 0; i < state.length; i += 2) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            state[i] = (int) z;
            state[i + 1] = (int) (z >>> 32);
        }
        this.rng = new Well19937c(state);
    }

    public String name() {
        return name;
    }

    /** The underlying generator, for Commons Math distributions. */
    public RandomGenerator generator() {
        return rng;
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return rng.nextDouble();
    }

    /** Uniform in [0, bound); bound must be positive. */
    public int nextInt(int bound) {
        return rng.nextInt(bound);
    }

    /** Uniform in [0, bound), without modulo bias; bound must be positive. */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        if (bound <= Integer.MAX_VALUE) {
            return rng.nextInt((int) bound);
        }
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        long r;
        do {
            r = rng.nextLong() >>> 1;
        } while (r >= limit);
        return r % bound;
    }

    /** Exponentially distributed with the given mean (inversion). */
    public double exponential(double mean) {
        return -mean * Math.log1p(-rng.nextDouble());
    }
}
