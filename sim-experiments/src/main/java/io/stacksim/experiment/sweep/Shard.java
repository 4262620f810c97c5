package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;

/**
 * A deterministic slice of a sweep for one machine of a job array: shard {@code index} of
 * {@code count} (1-based, as "--shard 3/8") takes runs number index-1, index-1+count, ...
 * so every shard gets a similar mix of cheap and costly points.
 *
 * @param index 1..count
 * @param count number of shards
 */
public record Shard(int index, int count) {
    /** The whole sweep. */
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new ConfigException("--shard " + index + "/" + count + ": expected I/N with 1 <= I <= N");
        }
    }

    /** Parses "I/N". */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length != 2) {
            throw new ConfigException("--shard " + text + ": expected I/N, e.g. --shard 2/8 (1-based)");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException("--shard " + text + ": expected I/N with whole numbers, e.g. --shard 2/8");
        }
    }

    public boolean contains(SweepRun run) {
        return run.index() % count == index - 1;
    }

    public boolean isWhole() {
        return count == 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
