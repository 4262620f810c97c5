package io.stacksim.devices.ssd;

import io.stacksim.engine.RandomStream;
import java.util.Arrays;
import java.util.List;

/**
 * A page-mapped flash translation layer with garbage collection: the logic only, no
 * timing. The device model ({@link FlashBackend}) charges the NAND time of what it does.
 *
 * <p><b>Mapping.</b> Every logical mapping unit (4 KiB) maps to any physical unit; a write goes
 * to the open block (write frontier) of the plane the caller chose and invalidates the old copy.
 * Tables are primitive {@code int} arrays. The logical-to-physical table is allocated in chunks
 * on first write, and a drive that starts {@linkplain InitialState#FULL full} keeps its initial
 * sequential layout implicit (computed, not stored), so memory grows with the data a run
 * writes, not with the drive's capacity: a 1 TB profile costs a few MB until it is written.
 *
 * <p><b>Garbage collection.</b> Per plane, as real FTLs do (valid data moves within its plane,
 * where copy-back works): when a plane's free blocks fall below {@code gcThreshold}, the closed
 * block the {@link GcPolicy} picks is the victim (by default the one with the fewest valid units,
 * greedy; Bux and Iliadis, "Performance of greedy garbage collection in flash-based SSDs", Perf.
 * Eval. 67(11), 2010); its valid units
 * are rewritten at the plane's frontier and it is erased. Blocks sit in buckets by valid count,
 * so finding the victim costs O(1) amortised. The NAND work each collection needs (page reads,
 * units moved, page programs, erases) is added to the die's GC debt for the timing model.
 *
 * <p>Physical unit numbers: {@code ppn = block x unitsPerBlock + page x unitsPerPage + slot},
 * blocks numbered {@code plane x blocksPerPlane + b}, planes {@code die x planesPerDie + p}.
 */
public final class PageMappedFtl {
    /** How the drive starts. */
    public enum InitialState {
        /** Factory fresh or fully trimmed: nothing mapped, every block free. */
        EMPTY,
        /** Every logical unit written once, sequentially, striped over the dies. */
        FULL,
        /** Full, then overwritten uniformly at random until garbage collection is at steady state. */
        STEADY
    }

    private static final int CHUNK_BITS = 14;
    private static final int CHUNK_MASK = (1 << CHUNK_BITS) - 1;
    /** Random writes whose table reads {@link #precondition} issues together. */
    private static final int PRECONDITION_BATCH = 16;
    /** Table entry: not changed since the start (initial layout, or unmapped if the drive started empty). */
    private static final int INITIAL = 0;
    /** Table entry: trimmed or never written. */
    private static final int UNMAPPED = -1;

    // Block states; CLOSED and above are closed (GC candidates, kept in the buckets).
    private static final int FREE = 0;
    private static final int OPEN = 1;
    private static final int CLOSED = 2;
    private static final int INITIAL_CLOSED = 3;
    /** State-word flag: the block's valid bits are stored (else it is an initial block whose bits are implicit). */
    private static final int HAS_BITS = 0x100;
    private static final int STATE_MASK = 0xff;

    // Per block, one record of HDR ints in hdr (16 bytes: four blocks to a cache line), so that an
    // invalidation or a GC victim pick touches the block's line and its bucket neighbours' only.
    private static final int H_VALID = 0;
    private static final int H_NEXT = 1;
    private static final int H_PREV = 2;
    private static final int H_STATE = 3;
    private static final int HDR = 4;
    /** Valid bits are stored for groups of 2^GROUP_BITS blocks, each group one array allocated on first use. */
    private static final int GROUP_BITS = 4;
    private static final int GROUP_MASK = (1 << GROUP_BITS) - 1;

    /** {@link #lookup} result: the unit is not mapped (reads return zeroes without NAND access). */
    public static final long NOT_MAPPED = -1;

    private final FlashGeometry g;
    private final int logicalUnits;
    private final int gcThreshold;
    private final boolean initialFull;
    private final int upp;
    private final int upb;
    private final int dies;
    private final int planesPerDie;
    private final int bpp;

    private final int[][] l2p;
    /** Per block: valid count, bucket links (next, prev), state word (state | HAS_BITS). */
    private final int[] hdr;
    private final int[] writePtr;
    /** Words of valid bits per block. */
    private final int wpb;
    /** Valid bits, per group of 2^GROUP_BITS blocks: block (blk & GROUP_MASK)'s wpb words at (blk & GROUP_MASK) x wpb. */
    private final long[][] bitGroups;
    private final int[][] p2l;
    private final int[][] freeStack;
    private final int[] freeCount;
    private final int[] frontier;
    private final int[] bucketHead;
    private final int[] lowHint;
    private final int initialRows;
    private final GcPolicy policy;
    private final boolean greedy;
    private final RandomStream gcRandom;
    /** Per block: the order it was closed in (0 for the initial layout): age for FIFO, windowed and cost-benefit. */
    private final long[] closedAt;
    private long closeClock;
    /** Where precondition's prefetching reads go, so that the compiler keeps them. */
    @SuppressWarnings("unused")
    private long prefetchSink;
    private boolean inGc;

    // GC debt per die, drained by the timing model.
    final long[] debtReadPages;
    final long[] debtUnits;
    final long[] debtProgramPages;
    final long[] debtErases;

    private long hostUnits;
    private long gcUnits;
    private long erases;
    private long collections;
    private long trims;

    /**
     * @param logicalUnits user capacity in mapping units; the rest of the array is
     *                     over-provisioning
     * @param gcThreshold  free blocks per plane below which garbage collection runs (at least 2:
     *                     one to write into while collecting, one spare)
     */
    public PageMappedFtl(FlashGeometry g, long logicalUnits, int gcThreshold, InitialState initial) {
        this(g, logicalUnits, gcThreshold, initial, new GcPolicy.Greedy(), null);
    }

    /**
     * An FTL whose garbage collection picks victims by {@code policy}; {@code random} draws the
     * random policies' choices (may be null for the others).
     */
    public PageMappedFtl(FlashGeometry g, long logicalUnits, int gcThreshold, InitialState initial, GcPolicy policy,
                         RandomStream random) {
        this.g = g;
        this.policy = policy;
        this.greedy = policy instanceof GcPolicy.Greedy;
        this.gcRandom = random;
        if (!greedy && (policy instanceof GcPolicy.Random || policy instanceof GcPolicy.DChoices) && random == null) {
            throw new IllegalArgumentException("GC policy " + policy.spec() + " needs a random stream");
        }
        this.upp = g.unitsPerPage();
        this.upb = g.unitsPerBlock();
        this.dies = g.dies();
        this.planesPerDie = g.planesPerDie();
        this.bpp = g.blocksPerPlane();
        if (gcThreshold < 2 || gcThreshold > bpp / 2) {
            throw new IllegalArgumentException("gc threshold must be 2.." + bpp / 2 + " blocks, got " + gcThreshold);
        }
        long usable = (long) (bpp - gcThreshold - 1) * upb * g.planes();
        if (logicalUnits < 1 || logicalUnits > usable) {
            throw new IllegalArgumentException("logical capacity of " + logicalUnits + " units does not fit: the array has "
                    + g.physicalUnits() + " units, of which at most " + usable + " can hold data (each plane keeps "
                    + (gcThreshold + 1) + " blocks free for garbage collection)");
        }
        this.logicalUnits = (int) logicalUnits;
        this.gcThreshold = gcThreshold;
        this.initialFull = initial != InitialState.EMPTY;
        int blocks = g.blocks();
        int planes = g.planes();
        this.l2p = new int[(int) ((logicalUnits + CHUNK_MASK) >>> CHUNK_BITS)][];
        this.hdr = new int[blocks * HDR];
        this.writePtr = new int[blocks];
        this.wpb = (upb + 63) >>> 6;
        this.bitGroups = new long[(blocks + GROUP_MASK) >>> GROUP_BITS][];
        this.p2l = new int[blocks][];
        this.freeStack = new int[planes][bpp];
        this.freeCount = new int[planes];
        this.frontier = new int[planes];
        this.bucketHead = new int[planes * (upb + 1)];
        this.lowHint = new int[planes];
        this.closedAt = new long[blocks];
        Arrays.fill(bucketHead, -1);
        Arrays.fill(frontier, -1);
        this.debtReadPages = new long[dies];
        this.debtUnits = new long[dies];
        this.debtProgramPages = new long[dies];
        this.debtErases = new long[dies];
        int unitsPerRow = dies * planesPerDie * upp;
        this.initialRows = initialFull ? (int) ((logicalUnits + unitsPerRow - 1) / unitsPerRow) : 0;
        int initialBlocks = (initialRows + g.pagesPerBlock() - 1) / g.pagesPerBlock();
        for (int plane = 0; plane < planes; plane++) {
            for (int b = bpp - 1; b >= initialBlocks; b--) {
                freeStack[plane][freeCount[plane]++] = plane * bpp + b;
            }
            for (int b = 0; b < initialBlocks; b++) {
                int blk = plane * bpp + b;
                hdr[blk * HDR + H_STATE] = INITIAL_CLOSED;
                writePtr[blk] = upb;
                hdr[blk * HDR + H_VALID] = initialValid(plane, b);
                bucketInsert(blk);
            }
        }
    }

    // ------------------------------------------------------------------ queries

    public FlashGeometry geometry() {
        return g;
    }

    public int logicalUnits() {
        return logicalUnits;
    }

    /** Physical units over logical units, minus one. */
    public double overProvisioning() {
        return (double) g.physicalUnits() / logicalUnits - 1;
    }

    /**
     * Where {@code lpn} lives: its physical unit, {@link #NOT_MAPPED}, or a negative number
     * {@code -(slot + 2)} when it is in the write buffer's {@code slot}.
     */
    public long lookup(int lpn) {
        int e = entry(lpn);
        if (e > 0) {
            return e - 1;
        }
        if (e == INITIAL) {
            return initialFull ? initialPpn(lpn) : NOT_MAPPED;
        }
        return e == UNMAPPED ? NOT_MAPPED : e + 0L; // buffered: -(slot + 2)
    }

    /** The die a physical unit is on. */
    public int dieOf(long ppn) {
        return (int) (ppn / upb / bpp / planesPerDie);
    }

    /** The plane (global index) a physical unit is on. */
    public int planeOf(long ppn) {
        return (int) (ppn / upb / bpp);
    }

    /** Page-granular physical address (block x pagesPerBlock + page) of a unit. */
    public long pageOf(long ppn) {
        return ppn / upp;
    }

    public int freeBlocks(int plane) {
        return freeCount[plane];
    }

    /** Units written by the host (through the buffer) to flash. */
    public long hostUnits() {
        return hostUnits;
    }

    /** Units garbage collection moved. */
    public long gcUnits() {
        return gcUnits;
    }

    public long erases() {
        return erases;
    }

    public long collections() {
        return collections;
    }

    public long trims() {
        return trims;
    }

    /** Flash writes over host writes since the counters were last reset (1 when nothing was collected). */
    public double writeAmplification() {
        return hostUnits == 0 ? 1.0 : (double) (hostUnits + gcUnits) / hostUnits;
    }

    /** Zeroes the write counters (end of preconditioning or warm-up). */
    public void resetCounters() {
        hostUnits = gcUnits = erases = collections = trims = 0;
    }

    /** Forgets the accumulated GC debt (after preconditioning, which happens before time starts). */
    public void clearDebt() {
        Arrays.fill(debtReadPages, 0);
        Arrays.fill(debtUnits, 0);
        Arrays.fill(debtProgramPages, 0);
        Arrays.fill(debtErases, 0);
    }

    // ------------------------------------------------------------------ updates

    /**
     * The host wrote {@code lpn} into the write buffer's {@code slot}: its flash copy is now stale.
     * Returns the buffer slot that held the unit's previous, now dead, copy, or -1.
     */
    public int buffer(int lpn, int slot) {
        invalidateCurrent(lpn);
        int before = entry(lpn);
        setEntry(lpn, -(slot + 2));
        return bufferSlot(before);
    }

    /** The write-buffer slot a table entry names, or -1. */
    private static int bufferSlot(int e) {
        return e <= -2 ? -e - 2 : -1;
    }

    /** True if {@code lpn} still maps to buffer {@code slot} (not overwritten or trimmed since). */
    public boolean isBufferedIn(int lpn, int slot) {
        return entry(lpn) == -(slot + 2);
    }

    /** Writes buffered unit {@code lpn} to {@code plane}'s frontier; returns its physical unit. */
    public int program(int lpn, int plane) {
        int ppn = allocate(plane);
        place(lpn, ppn);
        hostUnits++;
        return ppn;
    }

    /** Host write straight to flash (no buffer): invalidate, allocate on {@code plane}, map. */
    public int write(int lpn, int plane) {
        invalidateCurrent(lpn);
        setEntry(lpn, UNMAPPED);
        return program(lpn, plane);
    }

    /**
     * TRIM / deallocate: the unit's data is no longer needed. Returns the write-buffer slot whose
     * copy of the unit this made dead, or -1.
     */
    public int trim(int lpn) {
        invalidateCurrent(lpn);
        int before = entry(lpn);
        setEntry(lpn, UNMAPPED);
        trims++;
        return bufferSlot(before);
    }

    /**
     * Writes {@code passes x logicalUnits} units uniformly at random, striped over the planes as
     * the write buffer would, to bring garbage collection to steady state; then clears the
     * counters and the GC debt (preconditioning takes no simulated time).
     */
    public void precondition(RandomStream random, double passes) {
        long n = (long) (passes * logicalUnits);
        int planes = g.planes();
        // In batches: the batch's table entries and valid-bit words are read first, all at once,
        // so that their cache misses overlap (a prefetch; a 1 TB drive's tables are 2 GB), then the
        // writes are done one by one in the same order as without batching.
        int[] batch = new int[PRECONDITION_BATCH];
        long sink = 0;
        for (long i = 0; i < n; ) {
            int k = (int) Math.min(PRECONDITION_BATCH, n - i);
            for (int j = 0; j < k; j++) {
                int lpn = (int) random.nextLong(logicalUnits);
                batch[j] = lpn;
                int[] c = l2p[lpn >>> CHUNK_BITS];
                if (c != null) {
                    sink += c[lpn & CHUNK_MASK];
                }
            }
            for (int j = 0; j < k; j++) {
                int lpn = batch[j];
                int[] c = l2p[lpn >>> CHUNK_BITS];
                int e = c == null ? INITIAL : c[lpn & CHUNK_MASK];
                if (e > 0) {
                    int blk = (e - 1) / upb;
                    long[] bits = bitGroups[blk >>> GROUP_BITS];
                    if (bits != null) {
                        sink += bits[bitBase(blk) + ((e - 1 - blk * upb) >>> 6)] + hdr[blk * HDR];
                    }
                }
            }
            for (int j = 0; j < k; j++, i++) {
                write(batch[j], stripePlane(i, planes));
            }
        }
        prefetchSink = sink;
        resetCounters();
        clearDebt();
    }

    /** The plane the {@code i}-th unit of a stream of writes goes to, striped as the write buffer drains. */
    public int stripePlaneOf(long i) {
        return stripePlane(i, g.planes());
    }

    /** The plane the {@code i}-th unit of a sequential stream goes to: die-first striping of program units. */
    int stripePlane(long i, int planes) {
        long programUnit = i / ((long) planesPerDie * upp);
        int die = (int) (programUnit % dies);
        int p = (int) ((i / upp) % planesPerDie);
        return die * planesPerDie + p;
    }

    /**
     * --check's audit of the mapping, both ways: every logical unit mapped to flash points to a
     * physical unit marked valid whose reverse map names that logical unit back (so no two
     * logical units share one), and each block's valid count equals the valid units it holds.
     * Returns at most {@code max} problems and the number of mappings and blocks checked.
     */
    public Audit audit(int max) {
        List<String> problems = new java.util.ArrayList<>();
        long checked = 0;
        for (int c = 0; c < l2p.length; c++) {
            int[] chunk = l2p[c];
            if (chunk == null) {
                continue;
            }
            for (int i = 0; i < chunk.length; i++) {
                int e = chunk[i];
                if (e <= 0) {
                    continue; // unmapped, initial layout or in the write buffer
                }
                int lpn = (c << CHUNK_BITS) + i;
                int ppn = e - 1;
                int blk = ppn / upb;
                int off = ppn - blk * upb;
                checked++;
                boolean valid = hasBits(blk) && (bitGroups[blk >>> GROUP_BITS][bitBase(blk) + (off >>> 6)] & (1L << off)) != 0;
                int back = valid ? lpnAt(blk, off) : -1;
                if ((!valid || back != lpn) && problems.size() < max) {
                    problems.add("logical unit " + lpn + " maps to physical unit " + ppn + (valid
                            ? " whose reverse map names logical unit " + back : " which is not valid"));
                }
            }
        }
        for (int blk = 0; blk < g.blocks(); blk++) {
            if (!hasBits(blk)) {
                continue;
            }
            checked++;
            long[] bits = bitGroups[blk >>> GROUP_BITS];
            int base = bitBase(blk);
            int n = 0;
            for (int w = 0; w < wpb; w++) {
                n += Long.bitCount(bits[base + w]);
            }
            int count = hdr[blk * HDR + H_VALID];
            if (n != count && problems.size() < max) {
                problems.add("block " + blk + " counts " + count + " valid units, its bitmap " + n);
            }
        }
        return new Audit(checked, List.copyOf(problems));
    }

    /** What {@link #audit} found: mappings and blocks checked, and the problems. */
    public record Audit(long checked, List<String> problems) {
    }

    // ------------------------------------------------------------------ internals

    private int entry(int lpn) {
        int[] c = l2p[lpn >>> CHUNK_BITS];
        return c == null ? INITIAL : c[lpn & CHUNK_MASK];
    }

    private void setEntry(int lpn, int value) {
        int[] c = l2p[lpn >>> CHUNK_BITS];
        if (c == null) {
            c = new int[1 << CHUNK_BITS];
            l2p[lpn >>> CHUNK_BITS] = c;
        }
        c[lpn & CHUNK_MASK] = value;
    }

    private void invalidateCurrent(int lpn) {
        if (lpn < 0 || lpn >= logicalUnits) {
            throw new IllegalArgumentException("logical unit " + lpn + " beyond capacity " + logicalUnits);
        }
        int e = entry(lpn);
        if (e > 0) {
            invalidate(e - 1);
        } else if (e == INITIAL && initialFull) {
            invalidate(initialPpn(lpn));
        }
    }

    private boolean hasBits(int blk) {
        return (hdr[blk * HDR + H_STATE] & HAS_BITS) != 0;
    }

    private int state(int blk) {
        return hdr[blk * HDR + H_STATE] & STATE_MASK;
    }

    /** Sets a block's state, keeping its HAS_BITS flag. */
    private void setState(int blk, int s) {
        int h = blk * HDR + H_STATE;
        hdr[h] = (hdr[h] & HAS_BITS) | s;
    }

    /** Index of a block's first word of valid bits in its group's array. */
    private int bitBase(int blk) {
        return (blk & GROUP_MASK) * wpb;
    }

    /** The block's group of valid bits, allocated on first use; marks the block as having stored bits. */
    private long[] ownBits(int blk) {
        long[] grp = bitGroups[blk >>> GROUP_BITS];
        if (grp == null) {
            grp = new long[wpb << GROUP_BITS];
            bitGroups[blk >>> GROUP_BITS] = grp;
        }
        hdr[blk * HDR + H_STATE] |= HAS_BITS;
        return grp;
    }

    private void place(int lpn, int ppn) {
        setEntry(lpn, ppn + 1);
        int blk = ppn / upb;
        int off = ppn - blk * upb;
        bitGroups[blk >>> GROUP_BITS][bitBase(blk) + (off >>> 6)] |= 1L << off;
        hdr[blk * HDR + H_VALID]++;
        p2l[blk][off] = lpn;
    }

    private void invalidate(int ppn) {
        int blk = ppn / upb;
        int off = ppn - blk * upb;
        int h = blk * HDR;
        int sw = hdr[h + H_STATE];
        long[] bits = (sw & HAS_BITS) != 0 ? bitGroups[blk >>> GROUP_BITS] : materialiseInitialBits(blk);
        int w = bitBase(blk) + (off >>> 6);
        long mask = 1L << off;
        if ((bits[w] & mask) == 0) {
            throw new IllegalStateException("invalidating a unit that is not valid: ppn " + ppn);
        }
        bits[w] &= ~mask;
        int s = sw & STATE_MASK;
        if (s >= CLOSED) {
            bucketRemove(blk);
            hdr[h + H_VALID]--;
            bucketInsert(blk);
        } else {
            hdr[h + H_VALID]--;
        }
    }

    /** The next free unit at {@code plane}'s frontier, opening a block (and collecting) as needed. */
    private int allocate(int plane) {
        int blk = frontier[plane];
        if (blk < 0 || writePtr[blk] == upb) {
            if (blk >= 0) {
                setState(blk, CLOSED);
                closedAt[blk] = ++closeClock;
                bucketInsert(blk);
            }
            blk = openBlock(plane);
            if (!inGc && freeCount[plane] < gcThreshold) {
                collect(plane);
                return allocate(plane); // the frontier may have moved on, or filled, while collecting
            }
        }
        return blk * upb + writePtr[blk]++;
    }

    private int openBlock(int plane) {
        if (freeCount[plane] == 0) {
            throw new IllegalStateException("plane " + plane + " has no free block: over-provisioning exhausted");
        }
        int blk = freeStack[plane][--freeCount[plane]];
        setState(blk, OPEN);
        writePtr[blk] = 0;
        hdr[blk * HDR + H_VALID] = 0;
        long[] bits = ownBits(blk);
        int base = bitBase(blk);
        Arrays.fill(bits, base, base + wpb, 0);
        if (p2l[blk] == null) {
            p2l[blk] = new int[upb];
        }
        frontier[plane] = blk;
        return blk;
    }

    /** Greedy collection until the plane has {@code gcThreshold} free blocks again. */
    private void collect(int plane) {
        inGc = true;
        while (freeCount[plane] < gcThreshold) {
            collectOne(plane, true);
        }
        inGc = false;
    }

    /**
     * Background garbage collection: while the die is idle, collects one victim of
     * {@code plane} if the plane has at most {@code freeBelow} free blocks and a victim with
     * invalid data. Returns true if it collected (the NAND work is added to the die's GC debt).
     */
    public boolean collectInBackground(int plane, int freeBelow) {
        if (inGc || freeCount[plane] > freeBelow) {
            return false;
        }
        inGc = true;
        boolean done = collectOne(plane, false);
        inGc = false;
        return done;
    }

    /** Moves one victim's valid units to the plane's frontier and erases it. */
    private boolean collectOne(int plane, boolean mustFind) {
        int die = plane / planesPerDie;
        int victim = pickVictim(plane);
        if (victim < 0 || hdr[victim * HDR + H_VALID] >= upb) {
            if (!mustFind) {
                return false;
            }
            throw new IllegalStateException("plane " + plane + ": no block with invalid data to collect");
        }
        bucketRemove(victim);
        long[] bits = hasBits(victim) ? bitGroups[victim >>> GROUP_BITS] : materialiseInitialBits(victim);
        int base = bitBase(victim);
        int moved = 0;
        int pagesRead = 0;
        for (int page = 0; page < g.pagesPerBlock(); page++) {
            boolean any = false;
            for (int s = 0; s < upp; s++) {
                int off = page * upp + s;
                if ((bits[base + (off >>> 6)] & (1L << off)) != 0) {
                    int lpn = lpnAt(victim, off);
                    int to = allocate(plane);
                    place(lpn, to);
                    moved++;
                    any = true;
                }
            }
            if (any) {
                pagesRead++;
            }
        }
        hdr[victim * HDR + H_VALID] = 0;
        Arrays.fill(bits, base, base + wpb, 0);
        setState(victim, FREE);
        writePtr[victim] = 0;
        freeStack[plane][freeCount[plane]++] = victim;
        gcUnits += moved;
        erases++;
        collections++;
        debtReadPages[die] += pagesRead;
        debtUnits[die] += moved;
        debtProgramPages[die] += (moved + upp - 1) / upp;
        debtErases[die]++;
        return true;
    }

    private int pickVictim(int plane) {
        if (greedy) {
            return pickGreedy(plane);
        }
        int first = plane * bpp;
        int end = first + bpp;
        int best = -1;
        if (policy instanceof GcPolicy.Fifo) {
            for (int b = first; b < end; b++) {
                if (collectable(b) && (best < 0 || closedAt[b] < closedAt[best])) {
                    best = b;
                }
            }
        } else if (policy instanceof GcPolicy.Windowed w) {
            best = windowed(first, end, w.w());
        } else if (policy instanceof GcPolicy.CostBenefit) {
            double bestScore = -1;
            for (int b = first; b < end; b++) {
                if (collectable(b)) {
                    double u = (double) hdr[b * HDR + H_VALID] / upb;
                    double age = closeClock + 1 - closedAt[b];
                    double score = u == 0 ? Double.MAX_VALUE : age * (1 - u) / (2 * u);
                    if (score > bestScore) {
                        bestScore = score;
                        best = b;
                    }
                }
            }
        } else if (policy instanceof GcPolicy.Random) {
            best = randomClosed(first, end);
        } else if (policy instanceof GcPolicy.DChoices d) {
            for (int i = 0; i < d.d(); i++) {
                int b = randomClosed(first, end);
                if (b >= 0 && (best < 0 || hdr[b * HDR + H_VALID] < hdr[best * HDR + H_VALID])) {
                    best = b;
                }
            }
        }
        return best;
    }

    /** A closed block that still has something to reclaim. */
    private boolean collectable(int blk) {
        return state(blk) >= CLOSED && hdr[blk * HDR + H_VALID] < upb;
    }

    /** Greedy within the {@code w} least recently closed collectable blocks. */
    private int windowed(int first, int end, int w) {
        // the window's newest close time: the w-th smallest closedAt among collectable blocks
        long[] ages = windowScratch(end - first);
        int n = 0;
        for (int b = first; b < end; b++) {
            if (collectable(b)) {
                ages[n++] = closedAt[b];
            }
        }
        if (n == 0) {
            return -1;
        }
        Arrays.sort(ages, 0, n);
        long limit = ages[Math.min(w, n) - 1];
        int best = -1;
        for (int b = first; b < end; b++) {
            if (collectable(b) && closedAt[b] <= limit && (best < 0 || hdr[b * HDR + H_VALID] < hdr[best * HDR + H_VALID])) {
                best = b;
            }
        }
        return best;
    }

    private long[] scratch;

    private long[] windowScratch(int n) {
        if (scratch == null || scratch.length < n) {
            scratch = new long[n];
        }
        return scratch;
    }

    /** A collectable block of the plane, uniformly at random. */
    private int randomClosed(int first, int end) {
        int n = 0;
        for (int b = first; b < end; b++) {
            if (collectable(b)) {
                n++;
            }
        }
        if (n == 0) {
            return -1;
        }
        long k = gcRandom.nextLong(n);
        for (int b = first; b < end; b++) {
            if (collectable(b) && k-- == 0) {
                return b;
            }
        }
        return -1;
    }

    private int pickGreedy(int plane) {
        int base = plane * (upb + 1);
        for (int c = lowHint[plane]; c <= upb; c++) {
            int blk = bucketHead[base + c];
            if (blk >= 0) {
                lowHint[plane] = c;
                return blk;
            }
        }
        return -1;
    }

    private void bucketInsert(int blk) {
        int plane = blk / bpp;
        int h = blk * HDR;
        int c = hdr[h + H_VALID];
        int head = plane * (upb + 1) + c;
        int old = bucketHead[head];
        hdr[h + H_NEXT] = old;
        hdr[h + H_PREV] = -1;
        if (old >= 0) {
            hdr[old * HDR + H_PREV] = blk;
        }
        bucketHead[head] = blk;
        if (c < lowHint[plane]) {
            lowHint[plane] = c;
        }
    }

    private void bucketRemove(int blk) {
        int plane = blk / bpp;
        int h = blk * HDR;
        int head = plane * (upb + 1) + hdr[h + H_VALID];
        int n = hdr[h + H_NEXT];
        int p = hdr[h + H_PREV];
        if (p >= 0) {
            hdr[p * HDR + H_NEXT] = n;
        } else {
            bucketHead[head] = n;
        }
        if (n >= 0) {
            hdr[n * HDR + H_PREV] = p;
        }
    }

    private int lpnAt(int blk, int off) {
        if (state(blk) == INITIAL_CLOSED) {
            return initialLpn(blk, off);
        }
        return p2l[blk][off];
    }

    // ---- the implicit initial layout: logical units striped sequentially over the dies, rows of
    // program units (one page per plane), block by block.

    private int initialPpn(int lpn) {
        int perProgram = planesPerDie * upp;
        int pu = lpn / perProgram;
        int off = lpn - pu * perProgram;
        int die = pu % dies;
        int row = pu / dies;
        int p = off / upp;
        int slot = off - p * upp;
        int plane = die * planesPerDie + p;
        int blk = plane * bpp + row / g.pagesPerBlock();
        int page = row % g.pagesPerBlock();
        return blk * upb + page * upp + slot;
    }

    private int initialLpn(int blk, int off) {
        int plane = blk / bpp;
        int b = blk - plane * bpp;
        int die = plane / planesPerDie;
        int p = plane - die * planesPerDie;
        int page = off / upp;
        int slot = off - page * upp;
        long row = (long) b * g.pagesPerBlock() + page;
        long lpn = ((row * dies + die) * planesPerDie + p) * upp + slot;
        return lpn < logicalUnits ? (int) lpn : -1;
    }

    private int initialValid(int plane, int b) {
        int lastFirst = initialLpn(plane * bpp + b, upb - upp);
        if (lastFirst >= 0 && lastFirst + upp <= logicalUnits) {
            return upb; // the whole block holds initial data
        }
        int n = 0;
        for (int off = 0; off < upb; off += upp) {
            int first = initialLpn(plane * bpp + b, off);
            if (first < 0) {
                continue;
            }
            n += Math.min(upp, logicalUnits - first);
        }
        return n;
    }

    private long[] materialiseInitialBits(int blk) {
        long[] bits = ownBits(blk);
        int base = bitBase(blk);
        for (int off = 0; off < upb; off++) {
            if (initialLpn(blk, off) >= 0) {
                bits[base + (off >>> 6)] |= 1L << off;
            }
        }
        return bits;
    }
}
