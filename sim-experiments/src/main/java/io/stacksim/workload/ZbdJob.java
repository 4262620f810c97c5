package io.stacksim.workload;

import io.stacksim.block.Op;
import io.stacksim.block.ZoneCond;
import io.stacksim.config.ConfigException;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.OpenFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import io.stacksim.os.ZoneIoctl;
import java.util.function.Consumer;

/**
 * One job clone's side of fio's {@code zonemode=zbd} (zbd.c, fio 3.33), over the shared zone
 * information of its files ({@link ZbdInfo}):
 * <ul>
 *   <li>set-up (zbd_setup_files): direct I/O required for writing a host-managed drive, the
 *       region aligned to zone boundaries for a job that writes, max_open_zones checked against
 *       the device's, zones left open beyond the limits reset;</li>
 *   <li>each I/O unit (zbd_adjust_ddir, setup_zbd_zone_mode, zbd_adjust_block): the first I/O of
 *       a mixed job on an empty device is a write; a write goes to an open zone (another one
 *       chosen when the limit is reached: zbd_convert_to_open_zone), at its write pointer, the
 *       zone reset first when full or when zone_reset_frequency says so, trimmed to the zone
 *       capacity; a read stays below the write pointer (another zone with data chosen, or the
 *       job's end) unless read_beyond_wp; zoneskip and the zone capacity's gap for sequential
 *       jobs;</li>
 *   <li>queue and completion (zbd_queue_io, zbd_put_io): the write pointer advanced when the
 *       write is queued, the zone closed (out of the open list) when a write reaches its
 *       capacity, the zone's mutex released.</li>
 * </ul>
 * Zone resets are BLKRESETZONE ioctls on the device (with the job's I/O quiesced first, as
 * fio does), counted as fio's {@code nr_zone_resets}; on a regular file or a device that is not
 * zoned they only rewind fio's own write pointer, as fio's zbd_reset_zone does for ZBD_NONE.
 *
 * <p>fio makes its decisions while holding zone mutexes; here a decision runs at one instant
 * of simulated time, so it sees a consistent state, and takes the chosen zone's mutex at its
 * end. When another job holds that mutex (its I/O to the zone in flight) the job waits for it
 * (an async engine quiesces first, as zone_lock does) and then decides again from its
 * original offset.
 */
final class ZbdJob {
    /** What the job needs from its runner. */
    interface Host {
        /** io_u_quiesce: commit, then reap until nothing of this job is in flight. */
        void quiesce(Runnable k);

        /** The open file {@code fi}, for the zone ioctls. */
        OpenFile open(int fi);
    }

    private final JobSpec spec;
    private final ZoneSpec z;
    private final Simulator sim;
    private final Task task;
    private final ZoneIoctl ioctl;
    private final Host host;
    private final JobStats stats;
    private final ZbdInfo[] info;
    private final OffsetGenerator[] files;
    private final int[] minZone;
    private final int[] maxZone;
    /** Zones of each file found open at set-up beyond the limits: reset before the job starts. */
    private final java.util.List<int[]> setupResets = new java.util.ArrayList<>();
    private final Kernel kernel;
    /** td->num_open_zones. */
    int numOpenZones;
    /** td->zone_bytes. */
    private long zoneBytes;

    /**
     * zbd_init_files + zbd_setup_files for the job's files; throws a ConfigException placed at
     * the zone options when fio would refuse the job.
     */
    ZbdJob(JobSpec spec, FileSetup setup, boolean[] existed, Kernel kernel, Task task, ZonedFiles registry,
           JobStats stats, Host host) {
        this.spec = spec;
        this.z = spec.zones();
        this.sim = kernel.sim();
        this.task = task;
        this.ioctl = new ZoneIoctl(kernel);
        this.kernel = kernel;
        this.host = host;
        this.stats = stats;
        int n = setup.count();
        this.info = new ZbdInfo[n];
        this.files = setup.offsets();
        this.minZone = new int[n];
        this.maxZone = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                FileSetup.FioFile f = setup.get(i);
                if (spec.engine().kind() == LibzbcEngine.TYPE && f.file != null) {
                    LibzbcEngine.checkOpen(spec, f.name, f.file.bdev()); // libzbc_get_zoned_model opens it
                }
                info[i] = registry.get(f.name, f.file, existed[i] && f.file != null ? f.file.size() : 0, z);
            }
            setupFiles();
        } catch (JobRunner.JobError e) {
            throw new ConfigException(e.getMessage()); // the engine could not open the file
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(spec.origin("zonemode", "zonesize", "max_open_zones"), "job '" + spec.name() + "': "
                    + e.getMessage());
        }
    }

    /**
     * Which of the job's files exist before it is set up (device nodes always do): fio reads a
     * file's zones before laying it out, so to zbd_init_zone_info a new file is 0 bytes long.
     */
    static boolean[] existing(JobSpec spec, int clone, Kernel kernel) {
        java.util.List<String> names = FileSetup.names(spec, clone);
        boolean[] out = new boolean[names.size()];
        for (int i = 0; i < out.length; i++) {
            String n = names.get(i);
            out[i] = n.startsWith("/dev/") || (kernel.fs() != null && kernel.fs().lookup(n) != null);
        }
        return out;
    }

    private long minBs(int ddir) {
        return spec.access().bs().of(ddir).min();
    }

    private boolean random() {
        return spec.rw().random;
    }

    /** zbd_setup_files. */
    private void setupFiles() {
        for (int i = 0; i < info.length; i++) {
            ZbdInfo zi = info[i];
            // zbd_using_direct_io: only block devices (FIO_TYPE_BLOCK); a passthrough character
            // device (/dev/ngXnY, /dev/sgN) has no page cache to bypass.
            String name = FileSetup.names(spec, 0).get(i);
            boolean charDev = IoUringEngine.isNvmeGenericNode(name) || SgEngine.isSgNode(name);
            if (spec.rw().writes && !spec.direct() && !charDev && zi.bdev != null
                    && zi.model == ZbdInfo.Model.HOST_MANAGED) {
                throw new IllegalArgumentException("Using direct I/O is mandatory for writing to ZBD drives");
            }
            alignFileSizes(i);
            verifyBs(zi);
            OffsetGenerator g = files[i];
            minZone[i] = zi.zoneOf(g.start());
            maxZone[i] = zi.zoneOf(g.start() + g.ioSize());
            if (z.maxOpenZones() > 0 && zi.maxOpenZones != z.maxOpenZones()) {
                throw new IllegalArgumentException("Different 'max_open_zones' values");
            }
            if (z.jobMaxOpenZones() > 0 && zi.maxOpenZones == 0) {
                throw new IllegalArgumentException("'job_max_open_zones' cannot be used without a global open zones limit");
            }
            if (z.jobMaxOpenZones() > zi.maxOpenZones) {
                // is_zone_open asserts job_max_open_zones <= the device's max_open_zones: fio aborts on the first zone open
                io.stacksim.config.Origin at = spec.origin("job_max_open_zones");
                String msg = "job '" + spec.name() + "': job_max_open_zones=" + z.jobMaxOpenZones() + " is larger than the "
                        + zi.maxOpenZones + " zones max_open_zones allows; expected at most " + zi.maxOpenZones;
                throw at == null ? new ConfigException(msg) : ConfigException.at(at, msg);
            }
            for (int zz = minZone[i]; zz < maxZone[i]; zz++) {
                if (zi.cond[zz] != ZoneCond.IMP_OPEN && zi.cond[zz] != ZoneCond.EXP_OPEN) {
                    continue;
                }
                if (!openZone(i, zz)) {
                    setupResets.add(new int[] {i, zz}); // over the limits: reset before the job starts
                }
            }
        }
        long maxWrite = spec.access().bs().write().max();
        for (ZbdInfo zi : info) {
            if (spec.rw().writes && maxWrite > zi.zoneSize) {
                throw new IllegalArgumentException("I/O buflen " + maxWrite + " exceeds zone size " + zi.zoneSize);
            }
        }
    }

    /** zbd_is_seq_job: the region holds a zone with a write pointer. */
    private boolean seqJob(int fi) {
        OffsetGenerator g = files[fi];
        ZbdInfo zi = info[fi];
        if (g.ioSize() == 0) {
            return false;
        }
        for (int zz = zi.zoneOf(g.start()); zz <= zi.zoneOf(g.start() + g.ioSize() - 1); zz++) {
            if (zi.hasWp[zz]) {
                return true;
            }
        }
        return false;
    }

    /** zbd_zone_align_file_sizes: a job that writes gets a region of whole zones. */
    private void alignFileSizes(int fi) {
        OffsetGenerator g = files[fi];
        ZbdInfo zi = info[fi];
        if (g.start() >= g.realSize() || !seqJob(fi)) {
            return;
        }
        long zs = z.size() == 0 ? zi.zoneSize : z.size();
        if (zs != zi.zoneSize) {
            throw new IllegalArgumentException(zi.fileName + ": zonesize " + zs + " does not match the device zone size "
                    + zi.zoneSize + ".");
        }
        if (skipBytes(zi) % zs != 0) {
            throw new IllegalArgumentException(zi.fileName + ": zoneskip " + skipBytes(zi)
                    + " is not a multiple of the device zone size " + zs + ".");
        }
        long off = g.start();
        long size = g.ioSize();
        boolean readOnly = !spec.rw().writes;
        int zz = zi.zoneOf(off);
        if (off != zi.start[zz] && !readOnly) {
            long newOff = zi.zoneEnd(zz);
            if (newOff >= off + size) {
                throw new IllegalArgumentException(zi.fileName + ": io_size must be at least one zone");
            }
            size -= newOff - off;
            off = newOff;
        }
        long newEnd = zi.start[zi.zoneOf(off + size)];
        if (!readOnly && off + size != newEnd) {
            if (newEnd <= off) {
                throw new IllegalArgumentException(zi.fileName + ": io_size must be at least one zone");
            }
            size = newEnd - off;
        }
        if (off != g.start() || size != g.ioSize()) {
            g.region(off, size);
        }
    }

    /** zbd_verify_bs: with verify, every block size divides the zone size. */
    private void verifyBs(ZbdInfo zi) {
        if (!spec.control().verify().on()) {
            return;
        }
        for (int d = 0; d < 2; d++) {
            JobSpec.BlockSize b = spec.access().bs().of(d);
            for (long bs : new long[] {b.min(), b.max()}) {
                if (zi.zoneSize % bs != 0) {
                    throw new IllegalArgumentException(zi.fileName + ": block size " + bs
                            + " is not a divisor of the zone size " + zi.zoneSize);
                }
            }
        }
    }

    /** zoneskip in bytes (zone_skip_nz x the zone size: zbd_recalc_options_with_zone_granularity). */
    private long skipBytes(ZbdInfo zi) {
        return z.skipZones() > 0 ? z.skipZones() * zi.zoneSize : z.skip();
    }

    /** The zones zbd_setup_files found open beyond the limits are reset (before the job runs), then {@code k}. */
    void prepare(Runnable k) {
        resetEach(0, k);
    }

    private void resetEach(int i, Runnable k) {
        if (i == setupResets.size()) {
            k.run();
            return;
        }
        int[] r = setupResets.get(i);
        resetZone(r[0], r[1], () -> resetEach(i + 1, k));
    }

    /** Runs {@code r} as a new event at the current time (a woken waiter). */
    void later(Runnable r) {
        sim.schedule(sim.now(), r::run);
    }

    // ------------------------------------------------------------------ zones opened, reset

    /** zbd_open_zone: true when the zone is open (already, or now within the limits). */
    private boolean openZone(int fi, int zz) {
        ZbdInfo zi = info[fi];
        if (zi.cond[zz] == ZoneCond.OFFLINE) {
            return false;
        }
        // A full zone would have to be reset, losing data that is to be verified.
        if (spec.control().verify().on() && zi.full(zz, minBs(JobStats.WRITE))) {
            return false;
        }
        if (zi.maxOpenZones == 0) {
            return true;
        }
        if (zi.open[zz]) {
            // Filled by writes already in flight: a full zone, not an open one.
            return zi.wp[zz] < zi.capEnd(zz);
        }
        if (z.jobMaxOpenZones() > 0 && numOpenZones >= z.jobMaxOpenZones()) {
            return false;
        }
        if (zi.numOpenZones >= zi.maxOpenZones) {
            return false;
        }
        zi.openZones[zi.numOpenZones++] = zz;
        numOpenZones++;
        zi.open[zz] = true;
        return true;
    }

    /**
     * zbd_reset_zone: a zone with data gets its write pointer reset - BLKRESETZONE on a zoned
     * device - and the job counts a zone reset; then {@code k}.
     */
    private void resetZone(int fi, int zz, Runnable k) {
        ZbdInfo zi = info[fi];
        long data = zi.wp[zz] - zi.start[zz];
        if (data == 0) {
            k.run();
            return;
        }
        Runnable done = () -> {
            zi.sectorsWithData -= data;
            zi.wpSectorsWithData -= data;
            zi.wp[zz] = zi.start[zz];
            stats.zoneResets++;
            k.run();
        };
        if (zi.model == ZbdInfo.Model.NONE) {
            done.run();
            return;
        }
        long len = zi.start[zz + 1] - zi.start[zz];
        String engine = spec.engine().kind().fioName();
        if (engine.equals("libzbc") || engine.equals("io_uring_cmd")) {
            passthroughReset(fi, zi.start[zz], done);
            return;
        }
        ioctl.zoneMgmt(task, host.open(fi), Op.ZONE_RESET, zi.start[zz] >> 9, len >> 9, r -> {
            if (r < 0) {
                throw new JobRunner.JobError(spec, r);
            }
            done.run();
        });
    }

    /**
     * The engine's own reset_wp, a passthrough command rather than BLKRESETZONE: libzbc's
     * zbc_reset_zone is ZBC OUT RESET WRITE POINTER through SG_IO (engines/libzbc.c), io_uring_cmd's
     * fio_nvme_reset_wp a Zone Management Send (reset) through NVME_IOCTL_IO64_CMD (engines/nvme.c).
     */
    private void passthroughReset(int fi, long offset, Runnable done) {
        io.stacksim.fs.OpenFile f = host.open(fi);
        int lbs = f.file().bdev().limits().logicalBlockSize();
        java.util.function.Consumer<io.stacksim.os.Passthru.Result> k = res -> {
            if (res.ret() < 0 || res.checkCondition()) {
                throw new JobRunner.JobError(spec, res.ret() < 0 ? res.ret() : -io.stacksim.fs.Errno.EIO);
            }
            done.run();
        };
        io.stacksim.os.Passthru p = kernel.passthru();
        if (spec.engine().kind().fioName().equals("libzbc")) {
            p.sgIo(task, f, new io.stacksim.device.ScsiCdb(io.stacksim.device.ScsiCdb.ZBC_OUT,
                    io.stacksim.device.ScsiCdb.RESET_WRITE_POINTER, offset / lbs, 0, 0, false, false, 0, false, 0), k);
        } else {
            p.nvmeIoctl(task, f, new io.stacksim.device.NvmeCommand(io.stacksim.device.NvmeCommand.ZONE_MGMT_SEND,
                    offset / lbs, 0, io.stacksim.device.NvmeCommand.ZSA_RESET, false, 0, 0), k);
        }
    }

    /** zbd_reset_zones over [zb, ze): each zone closed, and reset if it holds data; then {@code k}. */
    private void resetZones(int fi, int zb, int ze, Runnable k) {
        ZbdInfo zi = info[fi];
        int zz = zb;
        while (zz < ze && !zi.hasWp[zz]) {
            zz++;
        }
        if (zz >= ze) {
            k.run();
            return;
        }
        int cur = zz;
        zi.close(this, cur);
        resetZone(fi, cur, () -> resetZones(fi, cur + 1, ze, k));
    }

    /**
     * zbd_file_reset (from fio_file_reset, when the file is opened): the bytes with data
     * recounted over the job's zones; with verify every zone of the region reset first, so
     * no reset is needed while writing; the periodic reset count restarted. Then {@code k}.
     */
    void fileReset(int fi, Runnable k) {
        if (!spec.rw().writes) {
            k.run();
            return;
        }
        ZbdInfo zi = info[fi];
        long swd = 0;
        long wpSwd = 0;
        for (int zz = minZone[fi]; zz < maxZone[fi]; zz++) {
            if (zi.hasWp[zz]) {
                wpSwd += zi.wp[zz] - zi.start[zz];
            }
            swd += zi.wp[zz] - zi.start[zz];
        }
        zi.sectorsWithData = swd;
        zi.wpSectorsWithData = wpSwd;
        Runnable after = () -> {
            resetWriteCnt(zi);
            k.run();
        };
        if (spec.control().verify().on()) {
            resetZones(fi, minZone[fi], maxZone[fi], after);
        } else {
            after.run();
        }
    }

    /** _zbd_reset_write_cnt: writes until the next periodic reset, 1 / zone_reset_frequency. */
    private void resetWriteCnt(ZbdInfo zi) {
        double f = z.resetFrequency();
        zi.writeCnt = f > 0 ? (long) Math.min(1.0 / f, 4294967295.0) : 4294967295L;
    }

    /** zbd_dec_and_reset_write_cnt: true when the count reached zero (and restarts). */
    private boolean decAndResetWriteCnt(ZbdInfo zi) {
        long w = 0;
        if (zi.writeCnt > 0) {
            w = --zi.writeCnt;
        }
        if (w == 0) {
            resetWriteCnt(zi);
        }
        return w == 0;
    }

    // ------------------------------------------------------------------ direction and offset

    /** zbd_adjust_ddir: a mixed job's read becomes a write while no zone holds data (unless read_beyond_wp). */
    int adjustDdir(int fi, int ddir) {
        if (ddir != JobStats.READ || !spec.rw().mixed()) {
            return ddir;
        }
        return info[fi].sectorsWithData > 0 || z.readBeyondWp() ? JobStats.READ : JobStats.WRITE;
    }

    /**
     * setup_zbd_zone_mode, before the offset is chosen: a sequential write at a zone's capacity
     * jumps to the zone's end; with zoneskip, a sequential job moves on by zonesize + zoneskip
     * once it has moved zonesize bytes, reached the zone's end or (reading, without
     * read_beyond_wp) its write pointer.
     */
    void beforeOffset(int fi, int ddir) {
        ZbdInfo zi = info[fi];
        OffsetGenerator g = files[fi];
        int zz = zi.zoneOf(g.lastPos(ddir));
        if (zi.capacity[zz] < zi.zoneSize && !random() && ddir == JobStats.WRITE && g.lastPos(ddir) >= zi.capEnd(zz)) {
            g.lastPos(ddir, zi.zoneEnd(zz));
        }
        long skip = skipBytes(zi);
        if (random() || skip == 0) {
            return;
        }
        long zs = zi.zoneSize;
        if (zoneBytes >= zs || g.lastPos(ddir) >= zi.zoneEnd(zz)
                || (ddir == JobStats.READ && !z.readBeyondWp() && g.lastPos(ddir) >= zi.wp[zz])) {
            zoneBytes = 0;
            long next = g.start() + zs + skip;
            if (next >= g.realSize()) {
                next = g.startOffset();
            }
            g.moveStart(next);
            g.lastPos(ddir, next);
        }
    }

    /** fill_io_u's td->zone_bytes: bytes of the units set up. */
    void filled(long len) {
        zoneBytes += len;
    }

    // ------------------------------------------------------------------ zbd_adjust_block

    /**
     * zbd_adjust_block for unit {@code u} (its direction, file, offset and length chosen):
     * {@code k} gets true with the unit moved and trimmed as fio does (the zone's mutex then
     * held until the unit completes) or false for fio's io_u_eof (the file is done).
     */
    void adjustBlock(IoUnit u, Consumer<Boolean> k) {
        attempt(u, u.offset, u.length, k);
    }

    private void attempt(IoUnit u, long off0, long len0, Consumer<Boolean> k) {
        u.offset = off0;
        u.length = len0;
        ZbdInfo zi = info[u.file];
        long minBs = minBs(u.ddir);
        int zb = zi.zoneOf(u.offset);
        if (!zi.hasWp[zb]) {
            conventional(u, zi, zb, minBs);
            k.accept(true);
            return;
        }
        if (zi.cond[zb] != ZoneCond.OFFLINE && u.ddir == JobStats.READ && z.readBeyondWp()) {
            k.accept(true);
            return;
        }
        if (u.ddir == JobStats.READ) {
            int r = readZone(u, zi, zb, minBs);
            if (r == EOF) {
                k.accept(false);
            } else if (r == NO_LOCK) {
                k.accept(true);
            } else {
                lockThen(u, zi, r, off0, len0, k, () -> accept(u, r, k));
            }
            return;
        }
        if (u.ddir != JobStats.WRITE) {
            k.accept(true);
            return;
        }
        if (openZone(u.file, zb)) {
            write(u, zi, zb, off0, len0, k);
            return;
        }
        convert(u, zi, true, zc -> {
            if (zc < 0) {
                k.accept(false);
            } else {
                write(u, zi, zc, off0, len0, k);
            }
        });
    }

    private static final int EOF = -1;
    private static final int NO_LOCK = -2;

    /** A write to a conventional zone does not run into the sequential zone after it. */
    private void conventional(IoUnit u, ZbdInfo zi, int zb, long minBs) {
        if (u.ddir != JobStats.WRITE) {
            return;
        }
        long next = zi.start[zb + 1];
        if (!zi.hasWp[zb + 1] || u.offset + u.length <= next) {
            return;
        }
        long newLen;
        if (u.offset + minBs > next) {
            u.offset = zi.start[zb] + next - u.offset; // zbd.c's own arithmetic
            newLen = Math.min(u.length, next - u.offset);
        } else {
            newLen = next - u.offset;
        }
        u.length = newLen / minBs * minBs;
    }

    /**
     * The read case: enough data below the write pointer for min_bs, else the nearest zone
     * with data (zbd_find_zone); the unit within the zone's data, randomness kept, and not
     * across the write pointer. Returns the zone to lock, NO_LOCK (a conventional zone) or EOF.
     */
    private int readZone(IoUnit u, ZbdInfo zi, int origZb, long minBs) {
        int zb = origZb;
        long range = zi.cond[zb] != ZoneCond.OFFLINE ? zi.wp[zb] - zi.start[zb] : 0;
        if (range < minBs || (!random() && u.offset + minBs > zi.wp[zb])) {
            zb = findZone(u.file, minBs, zb, maxZone[u.file]);
            if (zb < 0) {
                return EOF;
            }
            range = zi.wp[zb] - zi.start[zb];
            if (!random()) {
                u.offset = zi.start[zb];
            }
        }
        if (range <= u.length) {
            u.offset = zi.start[zb];
        } else if (random()) {
            u.offset = zi.start[zb] + ((u.offset - zi.start[origZb]) % (range - u.length)) / minBs * minBs;
        }
        if (!zi.hasWp[zb]) {
            return NO_LOCK;
        }
        long newLen = Math.min(u.length, zi.wp[zb] - u.offset) / minBs * minBs;
        if (newLen < u.length) {
            u.length = newLen;
        }
        return zb;
    }

    /**
     * zbd_find_zone: the next zone after {@code zb} below {@code zl} with {@code minBytes} of
     * data; for a random job also the nearest before it. -1 when none.
     */
    private int findZone(int fi, long minBytes, int zb, int zl) {
        ZbdInfo zi = info[fi];
        int zf = minZone[fi];
        for (int z1 = zb + 1, z2 = zb - 1; z1 < zl || z2 >= zf; z1++, z2--) {
            if (z1 < zl && zi.cond[z1] != ZoneCond.OFFLINE) {
                if (zi.start[z1] + minBytes <= zi.wp[z1]) {
                    return z1;
                }
            } else if (!random()) {
                break;
            }
            if (random() && z2 >= zf && zi.cond[z2] != ZoneCond.OFFLINE) {
                if (zi.start[z2] + minBytes <= zi.wp[z2]) {
                    return z2;
                }
            }
        }
        return -1;
    }

    /** pick_random_zone_idx: an index into the open zones from the unit's place in the region. */
    private int pickRandomZoneIdx(ZbdInfo zi, IoUnit u) {
        OffsetGenerator g = files[u.file];
        return (int) ((u.offset - g.start()) * zi.numOpenZones / g.ioSize());
    }

    private boolean validOffset(int fi, long off) {
        OffsetGenerator g = files[fi];
        return off - g.start() >= 0 && off - g.start() < g.ioSize();
    }

    /**
     * zbd_convert_to_open_zone: an open zone of the job's region with room for min_bs, or a
     * newly opened one; when the limits are reached, the job's I/O quiesced first (in-flight
     * writes may fill and close zones) and, while any job has I/O in flight, tried again after
     * it completes. {@code k} gets the zone (unit moved to its start) or -1.
     */
    private void convert(IoUnit u, ZbdInfo zi, boolean first, java.util.function.IntConsumer k) {
        int fi = u.file;
        long minBs = minBs(u.ddir);
        int zoneIdx;
        if (zi.maxOpenZones > 0 || z.jobMaxOpenZones() > 0) {
            zoneIdx = zi.openZones[pickRandomZoneIdx(zi, u)];
        } else {
            zoneIdx = zi.zoneOf(u.offset);
        }
        zoneIdx = Math.max(minZone[fi], Math.min(zoneIdx, maxZone[fi] - 1));
        boolean examine = false;
        boolean openOther = false;
        for (;;) {
            if (zi.hasWp[zoneIdx]) {
                if (zi.cond[zoneIdx] != ZoneCond.OFFLINE && zi.maxOpenZones == 0 && z.jobMaxOpenZones() == 0) {
                    examine = true;
                    break;
                }
                if (zi.numOpenZones == 0) {
                    openOther = true;
                    break;
                }
            }
            int openZoneIdx = pickRandomZoneIdx(zi, u);
            int tmp = openZoneIdx;
            int found = -1;
            for (int i = 0; i < zi.numOpenZones; i++) {
                if (tmp >= zi.numOpenZones) {
                    tmp = 0;
                }
                int tz = zi.openZones[tmp];
                if (minZone[fi] <= tz && tz < maxZone[fi]) {
                    found = tmp;
                    break;
                }
                tmp++;
            }
            if (found < 0) {
                k.accept(-1); // no candidate zone
                return;
            }
            int newIdx = zi.openZones[found];
            if (newIdx == zoneIdx) {
                examine = true;
                break;
            }
            zoneIdx = newIdx;
        }
        if (examine && zi.wp[zoneIdx] + minBs <= zi.capEnd(zoneIdx)) {
            u.offset = zi.start[zoneIdx];
            k.accept(zoneIdx);
            return;
        }
        // open_other_zone
        boolean waitZoneClose = zi.numOpenZones == maxZone[fi] - minZone[fi]
                || (zi.maxOpenZones > 0 && zi.numOpenZones == zi.maxOpenZones)
                || (z.jobMaxOpenZones() > 0 && numOpenZones == z.jobMaxOpenZones());
        int from = zoneIdx;
        if (waitZoneClose) {
            host.quiesce(() -> retry(u, zi, from, true, k));
        } else {
            retry(u, zi, from, true, k);
        }
    }

    /** zbd_convert_to_open_zone's retry: open a new zone after {@code zoneIdx}, else use an open one with room. */
    private void retry(IoUnit u, ZbdInfo zi, int zoneIdx, boolean shouldRetry, java.util.function.IntConsumer k) {
        int fi = u.file;
        long minBs = minBs(u.ddir);
        int zz = zoneIdx;
        for (long i = files[fi].ioSize() / zi.zoneSize; i > 0; i--) {
            zz++;
            if (!validOffset(fi, zi.start[zz])) {
                zz = minZone[fi]; // wrap around
            }
            if (!zi.hasWp[zz] || zi.open[zz]) {
                continue;
            }
            if (openZone(fi, zz)) {
                u.offset = zi.start[zz];
                k.accept(zz);
                return;
            }
        }
        for (int i = 0; i < zi.numOpenZones; i++) {
            int oz = zi.openZones[i];
            if (oz < minZone[fi] || oz >= maxZone[fi]) {
                continue;
            }
            if (zi.wp[oz] + minBs <= zi.capEnd(oz)) {
                u.offset = zi.start[oz];
                k.accept(oz);
                return;
            }
        }
        boolean inFlight = zi.inFlight > 0;
        if (inFlight || shouldRetry) {
            int last = zz;
            host.quiesce(() -> {
                if (zi.inFlight > 0) {
                    // Other jobs' writes are in flight: fio spins in io_u_quiesce until one completes.
                    task.sleep();
                    zi.whenAnyCompletes(() -> task.wake(() -> retry(u, zi, last, zi.inFlight > 0, k)));
                } else {
                    retry(u, zi, last, inFlight, k);
                }
            });
            return;
        }
        k.accept(-1); // did not open another zone
    }

    /** The write case, zone {@code zb} open: its mutex, a reset when due, the unit at the write pointer. */
    private void write(IoUnit u, ZbdInfo zi, int zb, long off0, long len0, Consumer<Boolean> k) {
        lockThen(u, zi, zb, off0, len0, k, () -> {
            long minBs = minBs(JobStats.WRITE);
            if (z.resetFrequency() > 0 && zi.wpSectorsWithData >= files[u.file].ioSize() * z.resetThreshold()
                    && decAndResetWriteCnt(zi)) {
                zi.resetZone[zb] = true;
            }
            if (zi.resetZone[zb] || zi.full(zb, minBs)) {
                // The zone is reset synchronously: earlier writes must complete first.
                host.quiesce(() -> {
                    zi.resetZone[zb] = false;
                    resetZone(u.file, zb, () -> {
                        if (zi.capacity[zb] < minBs) {
                            unlockOnError(zi, zb);
                            throw ConfigException.at(spec.origin("bs"), "job '" + spec.name() + "': zone capacity "
                                    + zi.capacity[zb] + " smaller than minimum block size " + minBs);
                        }
                        atWritePointer(u, zi, zb, k);
                    });
                });
                return;
            }
            atWritePointer(u, zi, zb, k);
        });
    }

    private void unlockOnError(ZbdInfo zi, int zb) {
        zi.unlock(this, zb);
    }

    /** The write goes at the zone's write pointer, trimmed to its capacity in whole min_bs. */
    private void atWritePointer(IoUnit u, ZbdInfo zi, int zb, Consumer<Boolean> k) {
        long minBs = minBs(JobStats.WRITE);
        u.offset = zi.wp[zb];
        if (!validOffset(u.file, u.offset)) {
            unlockOnError(zi, zb);
            k.accept(false); // td_verror EINVAL "invalid WP value": the unit is dropped
            return;
        }
        long newLen = Math.min(u.length, zi.capEnd(zb) - u.offset) / minBs * minBs;
        if (newLen != u.length) {
            if (newLen < minBs) {
                unlockOnError(zi, zb);
                throw ConfigException.at(spec.origin("bs"), "job '" + spec.name() + "': zone remainder "
                        + (zi.capEnd(zb) - u.offset) + " smaller than min block size " + minBs);
            }
            u.length = newLen;
        }
        accept(u, zb, k);
    }

    /**
     * zone_lock: the zone's mutex, then {@code then}; held by another job, the job waits (an
     * async engine quiesces first) and decides the unit again from its original offset.
     */
    private void lockThen(IoUnit u, ZbdInfo zi, int zz, long off0, long len0, Consumer<Boolean> k, Runnable then) {
        if (zi.tryLock(this, zz)) {
            then.run();
            return;
        }
        Runnable again = () -> attempt(u, off0, len0, k);
        Runnable waitFree = () -> {
            if (!zi.heldByOther(this, zz)) {
                again.run();
            } else {
                // blocked in pthread_mutex_lock until the holder's I/O completes
                task.sleep();
                zi.whenUnlocked(zz, () -> task.wake(again));
            }
        };
        if (spec.engine().kind().syncio()) {
            waitFree.run();
        } else {
            host.quiesce(waitFree);
        }
    }

    private void accept(IoUnit u, int zb, Consumer<Boolean> k) {
        u.zbdZone = zb;
        k.accept(true);
    }

    // ------------------------------------------------------------------ queue and completion

    /**
     * zbd_queue_io after the engine's queue hook with {@code completed} (FIO_Q_COMPLETED) or
     * queued: a write advances fio's write pointer (to at most the zone capacity); a completed
     * one closes a zone it filled and releases the zone.
     */
    void queued(IoUnit u, boolean completed) {
        ZbdInfo zi = info[u.file];
        if (u.zbdZone < 0) {
            if (completed) {
                zi.completed(this);
            } else {
                zi.inFlight++;
            }
            return;
        }
        int zz = u.zbdZone;
        if (u.ddir == JobStats.WRITE) {
            long zoneEnd = Math.min(u.offset + u.length, zi.capEnd(zz));
            if (zi.wp[zz] <= zoneEnd) {
                zi.sectorsWithData += zoneEnd - zi.wp[zz];
                zi.wpSectorsWithData += zoneEnd - zi.wp[zz];
            }
            zi.wp[zz] = zoneEnd;
        }
        if (completed) {
            endZoneIo(u, zi, zz);
            u.zbdZone = -1;
            zi.unlock(this, zz);
            zi.completed(this);
        } else {
            zi.inFlight++;
        }
    }

    /** zbd_put_io when a queued unit completes: the zone closed if the write filled it, its mutex released. */
    void put(IoUnit u) {
        ZbdInfo zi = info[u.file];
        zi.inFlight--;
        if (u.zbdZone >= 0) {
            int zz = u.zbdZone;
            u.zbdZone = -1;
            endZoneIo(u, zi, zz);
            zi.unlock(this, zz);
        }
        zi.completed(this);
    }

    /** zbd_end_zone_io: a write reaching the zone capacity takes the zone out of the open list. */
    private void endZoneIo(IoUnit u, ZbdInfo zi, int zz) {
        if (u.ddir == JobStats.WRITE && u.offset + u.length >= zi.capEnd(zz)) {
            zi.close(this, zz);
        }
    }

    /** A unit set up but not issued (the job ends first): its zone mutex released. */
    void dropped(IoUnit u) {
        if (u.zbdZone >= 0) {
            info[u.file].unlock(this, u.zbdZone);
            u.zbdZone = -1;
        }
    }
}
