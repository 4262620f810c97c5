package io.stacksim.workload;

import io.stacksim.engine.RandomStream;
import java.util.BitSet;

/**
 * Where a job's next I/O goes, as fio chooses it: sequential from the region's start (wrapping
 * at its end), or uniformly random over whole blocks. With fio's default random map every
 * block is used once per pass: a drawn block already used moves to the next free one (fio's
 * axmap_next_free); {@code norandommap} draws independently.
 */
public final class OffsetGenerator {
    private final long start;
    private final long blocks;
    private final long bs;
    private final boolean random;
    private final boolean randomMap;
    private final RandomStream rng;
    private long nextSeq;
    private BitSet used;
    private long usedCount;

    public OffsetGenerator(long start, long size, long bs, boolean random, boolean norandommap, RandomStream rng) {
        this.start = start;
        this.bs = bs;
        this.blocks = Math.max(1, size / bs);
        this.random = random;
        this.randomMap = random && !norandommap;
        this.rng = rng;
        if (randomMap) {
            if (blocks > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("random map over more than 2^31 blocks: use norandommap");
            }
            used = new BitSet((int) blocks);
        }
    }

    /** Byte offset of the next I/O. */
    public long next() {
        long block;
        if (!random) {
            block = nextSeq;
            nextSeq = (nextSeq + 1) % blocks;
        } else if (!randomMap) {
            block = rng.nextLong(blocks);
        } else {
            if (usedCount == blocks) {
                used.clear();
                usedCount = 0;
            }
            int b = (int) rng.nextLong(blocks);
            if (used.get(b)) {
                int free = used.nextClearBit(b);
                b = free < blocks ? free : used.nextClearBit(0);
            }
            used.set(b);
            usedCount++;
            block = b;
        }
        return start + block * bs;
    }

    public long blocks() {
        return blocks;
    }
}
