package io.stacksim.workload;

import io.stacksim.engine.RandomStream;
import java.util.List;

/**
 * Where a job's next I/O goes in one file, as fio chooses it (io_u.c get_next_block and its
 * helpers): fio's {@code struct fio_file} offset state for a region [start, start + ioSize).
 *
 * <ul>
 *   <li>Sequential: each direction continues from where its last I/O ended, plus the hole of
 *       {@code rw=write:N}; a time-based job wraps to the start of the region
 *       (get_next_seq_offset).</li>
 *   <li>Uniform random: a block drawn uniformly; with fio's random map a block already used
 *       moves to the next free one (axmap_next_free), so each block is used once per pass; a
 *       time-based job starts a new pass when all are used (get_next_rand_block).</li>
 *   <li>zipf, pareto (lib/zipf.c), normal (lib/gauss.c), zoned and zoned_abs as fio computes
 *       them, including the hash that scatters the popular ranks over the file.</li>
 *   <li>{@code random_generator=lfsr}: fio's maximal-period LFSR (lib/lfsr.c) numbers the blocks
 *       in a scrambled order that visits each once a pass, with no random map.</li>
 *   <li>{@code rw=randread:N} takes a new random offset only every N I/Os (the caller counts,
 *       fio's ddir_seq_nr), and percentage_random mixes sequential and random I/O.</li>
 * </ul>
 * A wrap or a new pass sets {@link #takeWrapped()}, which fio answers by dropping the file's
 * cached pages when invalidate is on (loop_cache_invalidate).
 */
public final class OffsetGenerator {
    /** lib/hash.h GR_PRIME_64. */
    static final long GR_PRIME_64 = 0x9e37fffffffc0001L;
    /** FRAND32_MAX. */
    static final double FRAND32_MAX = 4294967295.0;
    /** lib/zipf.c ZIPF_MAX_GEN: zeta(n) is summed over at most this many terms. */
    static final long ZIPF_MAX_GEN = 10_000_000L;

    /** fio's f->file_offset: where the region starts now (strided and zbd zone skips move it). */
    private long start;
    /** get_start_offset: where the region started. */
    private long startOffset;
    private long ioSize;
    private final long realSize;
    /** zonemode=strided's zonerange: random offsets stay within it (get_rand_offset's max_size); 0 = none. */
    private long zoneRange;
    private final JobSpec.Access access;
    private final boolean timeBased;
    private final boolean wrapAllowed;
    private final long mapUnit;
    /** Per direction (read, write, trim): f->last_pos and f->last_start. */
    private final long[] lastPos = new long[3];
    private final long[] lastStart = {-1, -1, -1};
    /**
     * The file's random streams, made when first drawn from (a job with many files - 16 x
     * 31250 in filecreate-ioengine.fio - draws from few of them; a stream is 2.5 KiB of
     * generator state). A stream's numbers depend only on its name, so when it is made changes
     * nothing.
     */
    private final java.util.function.Function<String, RandomStream> streams;
    private final String streamBase;
    private RandomStream rng;
    private final RandomStream[] seqRand = new RandomStream[3];
    private RandomStream zoneRng;
    private Axmap map;
    private long mapBlocks;
    private Lfsr lfsr;
    private long lfsrSeed;
    private RankGenerator ranks;
    private RandomStream rankRng;
    private final int[][] zoneStart = new int[3][];
    private final int[][] zoneEnd = new int[3][];
    private final long[][] zoneStartBytes = new long[3][];
    private final long[][] zoneEndBytes = new long[3][];
    private boolean wrapped;
    private boolean lastSequential;

    /**
     * @param start       region start in the file (fio's file_offset)
     * @param ioSize      region size (fio's io_size)
     * @param realSize    the file's size
     * @param access      the job's access options
     * @param timeBased   a time-based job wraps and starts new passes
     * @param singleFile  fio wraps sequential I/O only when the job has one file
     * @param rng         offsets (fio's random_state)
     * @param seqRandRead percentage_random draws for reads; {@code seqRandWrite} for writes
     * @param zoneRng     zoned distributions (zone_state)
     * @param rankRng     zipf / pareto / normal (the per-file state of lib/zipf.c, lib/gauss.c)
     */
    public OffsetGenerator(long start, long ioSize, long realSize, JobSpec.Access access, boolean timeBased,
                           boolean singleFile, RandomStream rng, RandomStream seqRandRead, RandomStream seqRandWrite,
                           RandomStream zoneRng, RandomStream rankRng) {
        this(start, ioSize, realSize, access, timeBased, singleFile, rng, seqRandRead, seqRandWrite, seqRandWrite,
                zoneRng, rankRng);
    }

    /** As above, with the trims' own percentage_random draws ({@code seqRandTrim}). */
    public OffsetGenerator(long start, long ioSize, long realSize, JobSpec.Access access, boolean timeBased,
                           boolean singleFile, RandomStream rng, RandomStream seqRandRead, RandomStream seqRandWrite,
                           RandomStream seqRandTrim, RandomStream zoneRng, RandomStream rankRng) {
        this(start, ioSize, realSize, access, timeBased, singleFile, null, null, rng, seqRandRead, seqRandWrite,
                seqRandTrim, zoneRng, rankRng);
    }

    /**
     * As above, the streams made when first used: {@code streams} gives the stream of a name,
     * {@code base} + ".offset", ".seqrand.read", ".seqrand.write", ".seqrand.trim", ".zone" and
     * ".rank".
     */
    public OffsetGenerator(long start, long ioSize, long realSize, JobSpec.Access access, boolean timeBased,
                           boolean singleFile, java.util.function.Function<String, RandomStream> streams, String base) {
        this(start, ioSize, realSize, access, timeBased, singleFile, streams, base, null, null, null, null, null, null);
    }

    private OffsetGenerator(long start, long ioSize, long realSize, JobSpec.Access access, boolean timeBased,
                            boolean singleFile, java.util.function.Function<String, RandomStream> streams, String base,
                            RandomStream rng, RandomStream seqRandRead, RandomStream seqRandWrite,
                            RandomStream seqRandTrim, RandomStream zoneRng, RandomStream rankRng) {
        this.streams = streams;
        this.streamBase = base;
        this.start = start;
        this.startOffset = start;
        this.ioSize = ioSize;
        this.realSize = realSize;
        this.access = access;
        this.timeBased = timeBased;
        this.wrapAllowed = timeBased && singleFile;
        this.rng = rng;
        this.seqRand[0] = seqRandRead;
        this.seqRand[1] = seqRandWrite;
        this.seqRand[2] = seqRandTrim;
        this.zoneRng = zoneRng;
        this.rankRng = rankRng;
        this.mapUnit = access.bs().minBs();
        lastPos[0] = lastPos[1] = lastPos[2] = start;
        size(true);
        if (access.distribution() instanceof Distribution.Zoned z) {
            for (int d = 0; d < 3; d++) {
                zoneIndex(z.of(d), d);
            }
        }
    }

    private RandomStream rng() {
        if (rng == null) {
            rng = streams.apply(streamBase + ".offset");
        }
        return rng;
    }

    private RandomStream rankRng() {
        if (rankRng == null) {
            rankRng = streams.apply(streamBase + ".rank");
        }
        return rankRng;
    }

    /** The random map, LFSR and rank generators over the region (filesetup.c init_random_map, __init_rand_distribution). */
    private void size(boolean first) {
        long blocks = Math.max(1, ioSize / mapUnit);
        // filesetup.c __init_rand_distribution: ranges of the smallest block size over min(file, region).
        long fsize = Math.min(realSize, ioSize);
        if (access.lfsr() && access.rw().random) {
            // filesetup.c init_random_map: an LFSR over min(file, region) / rw_min_bs blocks, no axmap.
            long nums = Math.max(1, fsize / mapUnit);
            long seed = first ? rng().generator().nextLong() : lfsrSeed;
            while (Lfsr.prohibited(nums, seed)) {
                seed = rng().generator().nextLong(); // fio fails the job ("failed initializing LFSR")
            }
            lfsrSeed = seed;
            lfsr = new Lfsr(nums, seed);
            map = null;
        } else {
            lfsrSeed = 0;
            lfsr = null;
            map = access.randomMap() && access.rw().random ? new Axmap(blocks) : null;
        }
        this.mapBlocks = blocks;
        long nranges = Math.max(1, (fsize + mapUnit - 1) / mapUnit);
        Distribution dist = access.distribution();
        if (dist instanceof Distribution.Zipf z) {
            ranks = new Zipf(nranges, z.theta(), z.center(), rankRng());
        } else if (dist instanceof Distribution.Pareto p) {
            ranks = new Pareto(nranges, p.h(), p.center(), rankRng());
        } else if (dist instanceof Distribution.Normal n) {
            ranks = new Gauss(nranges, n.devPercent(), n.center(), rankRng());
        } else {
            ranks = null;
        }
    }

    /**
     * zbd_zone_align_file_sizes moved the region (to zone boundaries) before the job started:
     * the region is now [{@code newStart}, {@code newStart + newIoSize}).
     */
    void region(long newStart, long newIoSize) {
        start = newStart;
        startOffset = newStart;
        ioSize = newIoSize;
        lastPos[0] = lastPos[1] = lastPos[2] = start;
        size(false);
    }

    /** zonemode=strided: random offsets stay within {@code range} bytes of the region's start. */
    void zoneRange(long range) {
        zoneRange = range;
    }

    /** fio's f->last_pos[ddir]: where the direction's next sequential I/O starts. */
    /** f->last_start[ddir]: where the direction's last I/O began, -1 before the first. */
    long lastStart(int ddir) {
        return lastStart[ddir];
    }

    /**
     * get_next_offset's randtrimwrite rule: a new trim drawn where the last one began moves the
     * last write's start off it, so the next unit is still the write of this block.
     */
    void trimRepeated(long offset) {
        if (lastStart[JobStats.TRIM] == offset) {
            lastStart[JobStats.WRITE]--;
        }
    }

    long lastPos(int ddir) {
        return lastPos[ddir];
    }

    /** Sets f->last_pos[ddir] (the zone modes' jumps). */
    void lastPos(int ddir, long pos) {
        lastPos[ddir] = pos;
    }

    /** get_start_offset: where the region began. */
    long startOffset() {
        return startOffset;
    }

    /** The file's size (real_file_size). */
    long realSize() {
        return realSize;
    }

    /** The zone modes move f->file_offset (the region keeps its size). */
    void moveStart(long newStart) {
        start = newStart;
    }

    /**
     * get_io_u after fill_io_u: last_start and last_pos from the unit as finally placed (zbd
     * mode may have moved it to a write pointer or trimmed it).
     */
    void placed(int ddir, long offset, long len) {
        lastStart[ddir] = offset;
        lastPos[ddir] = offset + len;
    }

    /** True once after a sequential wrap or a new random pass (then fio may drop the cache). */
    public boolean takeWrapped() {
        boolean w = wrapped;
        wrapped = false;
        return w;
    }

    public long start() {
        return start;
    }

    public long ioSize() {
        return ioSize;
    }

    /** io_u_fits: the I/O ends inside the region. */
    public boolean fits(long offset, long len) {
        // fill_io_u also refuses an I/O past the file's end (a zone skip can move the region there).
        return offset + len <= start + ioSize && offset + len <= realSize;
    }

    /** fio_file_reset: positions back to the start, the random map cleared. */
    public void reset() {
        lastPos[0] = lastPos[1] = lastPos[2] = start;
        lastStart[0] = lastStart[1] = lastStart[2] = -1;
        if (map != null) {
            map.reset();
        } else if (lfsr != null) {
            lfsr.reset(lfsrSeed);
        }
    }

    /**
     * The next offset for direction {@code ddir}, or -1 when the region is used up.
     *
     * @param rwSeqHit true when this I/O may take a random offset (every N-th, rw=randread:N)
     */
    public long next(int ddir, boolean rwSeqHit) {
        long off;
        lastSequential = true;
        if (rwSeqHit) {
            if (access.rw().random && shouldDoRandom(ddir)) {
                off = randomOffset(ddir);
                lastSequential = false;
            } else {
                off = seqOffset(ddir);
                if (off < 0 && access.rw().random) {
                    off = randomOffset(ddir);
                }
            }
        } else if (access.identicalSeq()) {
            off = lastStart[ddir] >= 0 ? lastStart[ddir] : start;
        } else {
            off = seqOffset(ddir);
            if (off < 0 && access.rw().random) {
                off = randomOffset(ddir);
            }
        }
        return off;
    }

    /**
     * After the I/O is set up (fill_io_u): the random map marks its blocks and, as fio's
     * mark_random_map does, an I/O that would run into blocks already used is cut short at the
     * first of them (axmap_set_nr sets bits up to the first one set) - which is why a random job
     * with mixed block sizes does smaller I/Os than its bssplit asks for as a pass fills up.
     * Its direction then continues from its end. Returns the length to use.
     *
     * @param busyOk fio's IO_U_F_BUSY_OK: an offset from the sequential path of a random job,
     *               which does not check the map
     */
    public long issued(int ddir, long offset, long len, boolean busyOk) {
        if (map != null && !busyOk) {
            long first = (offset - start) / mapUnit;
            long nr = (len + mapUnit - 1) / mapUnit;
            long set = map.setNr(first, nr);
            if (set > 0 && set * mapUnit < len) {
                len = set * mapUnit;
            }
        }
        lastStart[ddir] = offset;
        lastPos[ddir] = offset + len;
        return len;
    }

    /** True when the last {@link #next} came from the sequential path of a random job (IO_U_F_BUSY_OK). */
    public boolean lastWasSequential() {
        return lastSequential;
    }

    private boolean shouldDoRandom(int ddir) {
        int perc = access.percRandom().get(ddir);
        if (perc >= 100) {
            return true;
        }
        if (seqRand[ddir] == null) {
            seqRand[ddir] = streams.apply(streamBase + (ddir == 0 ? ".seqrand.read" : ddir == 1 ? ".seqrand.write"
                    : ".seqrand.trim"));
        }
        return 1 + seqRand[ddir].nextInt(100) <= perc;
    }

    /** get_next_seq_offset. */
    private long seqOffset(int ddir) {
        if (lastPos[ddir] >= ioSize + startOffset && wrapAllowed) {
            lastPos[ddir] = start;
            wrapped = true;
        }
        if (lastPos[ddir] >= realSize) {
            return -1;
        }
        long add = access.seqAdd();
        if (lastPos[ddir] == start && start != 0 && add < 0) {
            // Only rewind if we already hit the end.
            lastPos[ddir] = Math.min(realSize, ioSize);
        }
        long pos = lastPos[ddir] - start;
        if (pos != 0 && add != 0) {
            pos += add;
            // fio's pos is unsigned: a backwards step before the start wraps as well (rw=read:-8k).
            if (pos < 0 || start + pos >= realSize) {
                pos = add > 0 ? 0 : Math.min(realSize, ioSize) + add;
            }
        }
        return start + pos;
    }

    /** get_next_rand_block: a random block; a time-based job starts a new pass when none is left. */
    private long randomOffset(int ddir) {
        long b = randomBlock(ddir);
        if (b < 0 && timeBased) {
            reset();
            wrapped = true;
            b = randomBlock(ddir);
        }
        return b < 0 ? -1 : start + b * access.bs().of(ddir).align();
    }

    /** last_block: whole blocks of the alignment unit that fit in the region. */
    private long lastBlock(int ddir) {
        JobSpec.BlockSize bs = access.bs().of(ddir);
        long max = zoneRange > 0 ? zoneRange : Math.min(ioSize, realSize);
        if (bs.min() > bs.align()) {
            max -= bs.min() - bs.align();
        }
        return Math.max(0, max / bs.align());
    }

    private long randomBlock(int ddir) {
        long lastb = lastBlock(ddir);
        if (lastb == 0) {
            return -1;
        }
        if (ranks != null) {
            return ranks.next();
        }
        if (access.distribution() instanceof Distribution.Zoned z) {
            return zonedBlock(z, ddir, lastb);
        }
        return uniformBlock(lastb, access.bs().of(ddir).align());
    }

    /**
     * __get_next_rand_offset: lastb x U, or the LFSR's next block; with the random map, a used block moves to the next free
     * one (axmap_next_free, wrapping), none free ends the pass. The map counts blocks of the
     * smallest block size; {@code align} is the unit of the returned block number.
     */
    private long uniformBlock(long lastb, long align) {
        if (lfsr != null) {
            return lfsr.next(); // lfsr_next: -1 ends the pass
        }
        long b = (long) (lastb * (u32(rng()) / (FRAND32_MAX + 1.0)));
        if (map == null) {
            return b;
        }
        long idx = Math.min(b * align / mapUnit, mapBlocks - 1);
        if (!map.isSet(idx)) {
            return b;
        }
        long free = map.nextFree(idx);
        return free < 0 ? -1 : free * mapUnit / align;
    }

    /** __td_zone_gen_index: the zone each of the 100 access percentiles falls into. */
    private void zoneIndex(List<Distribution.Zone> zones, int d) {
        zoneStart[d] = new int[100];
        zoneEnd[d] = new int[100];
        zoneStartBytes[d] = new long[100];
        zoneEndBytes[d] = new long[100];
        int aprev = 0;
        int sprev = 0;
        long sprevBytes = 0;
        for (Distribution.Zone z : zones) {
            for (int j = aprev; j < aprev + z.accessPercent() && j < 100; j++) {
                zoneStart[d][j] = sprev;
                zoneEnd[d][j] = sprev + z.sizePercent();
                zoneStartBytes[d][j] = sprevBytes;
                zoneEndBytes[d][j] = sprevBytes + z.sizeBytes();
            }
            aprev += z.accessPercent();
            sprev += z.sizePercent();
            sprevBytes += z.sizeBytes();
        }
    }

    /** __get_next_rand_offset_zoned and _zoned_abs. */
    private long zonedBlock(Distribution.Zoned z, int ddir, long lastb) {
        if (zoneRng == null) {
            zoneRng = streams.apply(streamBase + ".zone");
        }
        int v = 1 + zoneRng.nextInt(100);
        long b;
        if (z.absolute()) {
            long align = access.bs().of(ddir).align();
            long stotal = zoneStartBytes[ddir][v - 1] / align;
            long send = zoneEndBytes[ddir][v - 1] / align;
            if (send > lastb) {
                throw new IllegalArgumentException("zoned_abs sizes exceed the file region (fio: \"zoned_abs sizes exceed file size\")");
            }
            b = uniformBlock(send - stotal, align);
            return b < 0 ? -1 : b + stotal;
        }
        long stotal = zoneStart[ddir][v - 1];
        long send = zoneEnd[ddir][v - 1];
        long offset = stotal * lastb / 100;
        long n = lastb * (send - stotal) / 100;
        if (n <= 0) {
            return offset;
        }
        b = uniformBlock(n, access.bs().of(ddir).align());
        return b < 0 ? -1 : b + offset;
    }

    static long u32(RandomStream r) {
        return r.generator().nextInt() & 0xffffffffL;
    }

    /** A popularity-ranked block generator (zipf, pareto, normal). */
    abstract static class RankGenerator {
        /** zipf_disable_hash / gauss_disable_hash clear it: ranks are then used in order. */
        boolean hash = true;

        abstract long next();

        /** The rank hashed over the range (__hash_u64), unless the hash is disabled. */
        final long spread(long rank) {
            return hash ? rank * GR_PRIME_64 : rank;
        }
    }

    /**
     * file_service_type=zipf|pareto|normal (init.c init_rand_file_service): the distribution's
     * generator over {@code nrFiles << FIO_FSERVICE_SHIFT} (10) ranges with its hash disabled,
     * so file 0 is the most popular; io_u.c __get_next_fileno_rand shifts each draw back down.
     */
    static java.util.function.IntSupplier fileChooser(Distribution d, int nrFiles, RandomStream r) {
        long nranges = (long) nrFiles << 10;
        RankGenerator g;
        if (d instanceof Distribution.Zipf z) {
            g = new Zipf(nranges, z.theta(), z.center(), r);
        } else if (d instanceof Distribution.Pareto p) {
            g = new Pareto(nranges, p.h(), p.center(), r);
        } else if (d instanceof Distribution.Normal n) {
            g = new Gauss(nranges, n.devPercent(), n.center(), r);
        } else {
            throw new IllegalArgumentException("file_service_type: no file distribution " + d.fioName());
        }
        g.hash = false;
        return () -> (int) (g.next() >>> 10);
    }

    /** lib/zipf.c zipf_next: Gray et al.'s approximation, ranks hashed over the file. */
    static final class Zipf extends RankGenerator {
        final long n;
        final double theta;
        final double zetan;
        final double zeta2;
        final long randOff;
        final RandomStream r;

        Zipf(long nranges, double theta, double center, RandomStream r) {
            this.n = nranges;
            this.theta = theta;
            this.r = r;
            long toGen = Math.min(nranges, ZIPF_MAX_GEN);
            double z = 0;
            for (long i = 0; i < toGen; i++) {
                z += Math.pow(1.0 / (i + 1), theta);
            }
            this.zetan = z;
            this.zeta2 = Math.pow(1.0, theta) + Math.pow(0.5, theta);
            long first = u32(r);
            this.randOff = center == -1 ? first : (long) (nranges * center);
        }

        /** The unhashed rank (0 = most popular) of one draw. */
        long rank() {
            double alpha = 1.0 / (1.0 - theta);
            double eta = (1.0 - Math.pow(2.0 / n, 1.0 - theta)) / (1.0 - zeta2 / zetan);
            double u = u32(r) / FRAND32_MAX;
            double z = u * zetan;
            long val;
            if (z < 1.0) {
                val = 1;
            } else if (z < 1.0 + Math.pow(0.5, theta)) {
                val = 2;
            } else {
                val = 1 + (long) (n * Math.pow(eta * u - eta + 1.0, alpha));
            }
            return val - 1;
        }

        @Override
        long next() {
            return Long.remainderUnsigned(spread(rank()) + randOff, n);
        }
    }

    /** lib/zipf.c pareto_next. */
    static final class Pareto extends RankGenerator {
        final long n;
        final double pow;
        final long randOff;
        final RandomStream r;

        Pareto(long nranges, double h, double center, RandomStream r) {
            this.n = nranges;
            this.pow = Math.log(h) / Math.log(1.0 - h);
            this.r = r;
            long first = u32(r);
            this.randOff = center == -1 ? first : (long) (nranges * center);
        }

        long rank() {
            double u = u32(r) / FRAND32_MAX;
            return (long) ((n - 1) * Math.pow(u, pow));
        }

        @Override
        long next() {
            return Long.remainderUnsigned(spread(rank()) + randOff, n);
        }
    }

    /** lib/gauss.c gauss_next: a 12-term Irwin-Hall sum around the middle, plus a uniform jitter. */
    static final class Gauss extends RankGenerator {
        static final int ITERS = 12;
        final long n;
        final long stddev;
        final long randOff;
        final RandomStream r;

        Gauss(long nranges, double dev, double center, RandomStream r) {
            this.n = nranges;
            this.r = r;
            long sd = 0;
            if (dev != 0.0) {
                sd = (long) Math.ceil(nranges * dev / 100.0);
                if (sd > nranges / 2) {
                    sd = nranges / 2;
                }
            }
            this.stddev = sd;
            this.randOff = center == -1 ? 0 : (long) (nranges * (center - 0.5));
        }

        long rank() {
            long sum = 0;
            for (int i = 0; i < ITERS; i++) {
                sum += Long.remainderUnsigned(u32(r), n + 1);
            }
            sum = (sum + ITERS - 1) / ITERS;
            if (stddev != 0) {
                long vr = (long) (stddev * (u32(r) / (FRAND32_MAX + 1.0)));
                long dev = vr - stddev / 2;
                while (Long.compareUnsigned(dev + sum, n) >= 0) {
                    dev /= 2;
                }
                sum += dev;
            }
            return sum;
        }

        @Override
        long next() {
            return Long.remainderUnsigned(spread(rank()) + randOff, n);
        }
    }
}
