package io.stacksim.engine;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named, independent random streams derived from one master seed.
 *
 * <p>Each stream's seed is a hash of (master seed, stream name), so a stream draws the same
 * numbers whatever other streams exist or how much they are used. That gives common random
 * numbers across a sweep: changing the device does not change the workload's offsets.
 */
public final class RandomStreams {
    private final long masterSeed;
    private final Map<String, RandomStream> streams = new TreeMap<>();

    public RandomStreams(long masterSeed) {
        this.masterSeed = masterSeed;
    }

    public long masterSeed() {
        return masterSeed;
    }

    /** The stream called {@code name}, created on first use; the same object thereafter. */
    public RandomStream stream(String name) {
        return streams.computeIfAbsent(name, n -> new RandomStream(n, seedFor(masterSeed, n)));
    }

    /** The 64-bit seed of stream {@code name} under {@code masterSeed}. */
    public static long seedFor(long masterSeed, String name) {
        return Hashing.sha256().newHasher()
                .putLong(masterSeed)
                .putString(name, StandardCharsets.UTF_8)
                .hash()
                .asLong();
    }
}
