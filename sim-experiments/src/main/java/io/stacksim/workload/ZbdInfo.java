package io.stacksim.workload;

import io.stacksim.block.BlkZone;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.ZoneCond;
import io.stacksim.block.ZoneType;
import io.stacksim.block.ZonedLimits;
import io.stacksim.fs.SimFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * fio's view of the zones of one file or device under {@code zonemode=zbd} (zbd.h {@code struct
 * zoned_block_device_info} with its {@code struct fio_zone_info} array): built once, from the
 * device's zone report or, for a regular file or a device that is not zoned, as emulated empty
 * sequential zones of {@code zonesize} (zbd.c parse_zone_info, init_zone_info); shared by every
 * job of the run that names the same file (fio's refcount), as fio shares it in memory.
 *
 * <p>All offsets are bytes, as in fio. Each zone has fio's own write pointer (advanced when a
 * write is queued, not when it completes), capacity, type and condition; the device-wide list
 * of zones fio counts as open ({@code open_zones}, bounded by max_open_zones); the bytes with
 * data below the write pointers (sectors_with_data, whose name is fio's: it counts bytes); the
 * write count for periodic resets; and each zone's mutex, which a job holds from choosing a
 * zone for an I/O until that I/O completes (fio's recursive {@code z->mutex}: the same job may
 * take it again; another job waits).
 */
final class ZbdInfo {
    /** zbd_types.h enum zbd_zoned_model. */
    enum Model {
        /** ZBD_NONE: zones emulated over a regular file or block device. */
        NONE,
        /** ZBD_HOST_AWARE. */
        HOST_AWARE,
        /** ZBD_HOST_MANAGED. */
        HOST_MANAGED
    }

    final String fileName;
    final Model model;
    final long zoneSize;
    final int nrZones;
    /** Zone starts, nrZones + 1 of them (the last is fio's sentinel: the end of the last zone). */
    final long[] start;
    final long[] wp;
    final long[] capacity;
    final boolean[] hasWp;
    final ZoneCond[] cond;
    final ZoneType[] type;
    final boolean[] open;
    final boolean[] resetZone;
    /** The device's block target, for the zone ioctls (null for a regular file). */
    final BlockTarget bdev;
    int maxOpenZones;
    final int[] openZones;
    int numOpenZones;
    long sectorsWithData;
    long wpSectorsWithData;
    long writeCnt;

    /** The job holding each zone's mutex, and how many times it took it. */
    private final ZbdJob[] lockOwner;
    private final int[] lockCount;
    /** Jobs waiting for a zone's mutex. */
    private final java.util.Map<Integer, ArrayDeque<Runnable>> lockWaiters = new java.util.HashMap<>();
    /** Jobs waiting for any I/O of any job to complete (zbd_convert_to_open_zone's retry). */
    private final List<Runnable> completionWaiters = new ArrayList<>();
    /** I/O units in flight over every job using this file (any_io_in_flight). */
    int inFlight;

    private ZbdInfo(String fileName, Model model, long zoneSize, int nrZones, BlockTarget bdev) {
        this.fileName = fileName;
        this.model = model;
        this.zoneSize = zoneSize;
        this.nrZones = nrZones;
        this.bdev = bdev;
        this.start = new long[nrZones + 1];
        this.wp = new long[nrZones + 1];
        this.capacity = new long[nrZones + 1];
        this.hasWp = new boolean[nrZones + 1];
        this.cond = new ZoneCond[nrZones + 1];
        this.type = new ZoneType[nrZones + 1];
        this.open = new boolean[nrZones + 1];
        this.resetZone = new boolean[nrZones + 1];
        this.openZones = new int[ZoneSpec.ZBD_MAX_OPEN_ZONES];
        this.lockOwner = new ZbdJob[nrZones + 1];
        this.lockCount = new int[nrZones + 1];
    }

    /**
     * zbd_create_zone_info: the zones of {@code file} for a job with zone options {@code z};
     * throws IllegalArgumentException with fio's complaint when the job and the device disagree.
     */
    static ZbdInfo create(String name, SimFile file, long realSize, ZoneSpec z) {
        BlockTarget bdev = file != null && file.isBlockDevice() ? file.bdev() : null;
        ZonedLimits zl = bdev == null ? null : bdev.zoned();
        ZbdInfo info;
        if (zl == null) {
            info = emulated(name, realSize, z, bdev);
        } else {
            info = parse(name, realSize, z, bdev, zl);
        }
        info.setMaxOpenZones(z, zl);
        return info;
    }

    /** init_zone_info: emulated empty sequential-write-required zones of zonesize (and zonecapacity). */
    private static ZbdInfo emulated(String name, long realSize, ZoneSpec z, BlockTarget bdev) {
        long zoneSize = z.size();
        long cap = z.capacity();
        if (zoneSize == 0) {
            throw new IllegalArgumentException(name + ": Specifying the zone size is mandatory for regular file/block"
                    + " device with --zonemode=zbd");
        }
        if (zoneSize < 512) {
            throw new IllegalArgumentException(name + ": zone size must be at least 512 bytes for --zonemode=zbd");
        }
        if (cap == 0) {
            cap = zoneSize;
        }
        if (cap > zoneSize) {
            throw new IllegalArgumentException(name + ": job parameter zonecapacity " + z.capacity()
                    + " is larger than zone size " + zoneSize);
        }
        if (realSize < zoneSize) {
            throw new IllegalArgumentException(name + ": file/device size " + realSize + " is smaller than zone size "
                    + zoneSize);
        }
        int n = (int) ((realSize + zoneSize - 1) / zoneSize);
        ZbdInfo info = new ZbdInfo(name, Model.NONE, zoneSize, n, bdev);
        for (int i = 0; i < n; i++) {
            info.start[i] = i * zoneSize;
            info.wp[i] = info.start[i];
            info.type[i] = ZoneType.SEQWRITE_REQ;
            info.cond[i] = ZoneCond.EMPTY;
            info.capacity[i] = cap;
            info.hasWp[i] = true;
        }
        info.start[n] = n * zoneSize;
        return info;
    }

    /** parse_zone_info: the device's report (BLKREPORTZONE from offset 0), its zone size checked against zonesize. */
    private static ZbdInfo parse(String name, long realSize, ZoneSpec z, BlockTarget bdev, ZonedLimits zl) {
        List<BlkZone> zones = bdev.reportZones(0, zl.nrZones());
        if (zones.isEmpty()) {
            throw new IllegalArgumentException(name + ": report zones from sector 0 is empty.");
        }
        long zoneSize = zones.get(0).len() << 9;
        if (z.size() != 0 && z.size() != zoneSize) {
            throw new IllegalArgumentException(name + " job parameter zonesize " + z.size()
                    + " does not match disk zone size " + zoneSize + ".");
        }
        int n = (int) ((realSize + zoneSize - 1) / zoneSize);
        Model model = zl.model() == ZonedLimits.Model.HOST_MANAGED ? Model.HOST_MANAGED : Model.HOST_AWARE;
        ZbdInfo info = new ZbdInfo(name, model, zoneSize, n, bdev);
        long end = 0;
        for (int i = 0; i < n; i++) {
            BlkZone r = zones.get(i);
            info.start[i] = r.start() << 9;
            info.capacity[i] = r.capacity() << 9;
            info.wp[i] = r.cond() == ZoneCond.NOT_WP || r.cond() == ZoneCond.FULL ? info.start[i] + info.capacity[i]
                    : r.wp() << 9;
            info.hasWp[i] = r.type() == ZoneType.SEQWRITE_REQ; // fio 3.33: only SWR zones have a write pointer
            info.type[i] = r.type();
            info.cond[i] = r.cond();
            end = (r.start() + r.len()) << 9;
        }
        info.start[n] = end;
        return info;
    }

    /** zbd_set_max_open_zones: the device's limit for a host-managed drive, else the job's. */
    private void setMaxOpenZones(ZoneSpec z, ZonedLimits zl) {
        if (model != Model.HOST_MANAGED || z.ignoreZoneLimits()) {
            maxOpenZones = z.maxOpenZones();
        } else {
            int dev = zl.maxOpenZones();
            if (dev == 0) {
                maxOpenZones = z.maxOpenZones();
            } else if (z.maxOpenZones() == 0) {
                maxOpenZones = dev;
            } else if (z.maxOpenZones() <= dev) {
                maxOpenZones = z.maxOpenZones();
            } else {
                throw new IllegalArgumentException("Specified --max_open_zones (" + z.maxOpenZones()
                        + ") is larger than max (" + dev + ")");
            }
        }
        if (maxOpenZones > ZoneSpec.ZBD_MAX_OPEN_ZONES) {
            throw new IllegalArgumentException("'max_open_zones' value is larger than " + ZoneSpec.ZBD_MAX_OPEN_ZONES);
        }
    }

    // ------------------------------------------------------------------ geometry

    /** zbd_offset_to_zone_idx: the zone holding {@code offset}, the sentinel for the first zone size past the end. */
    int zoneOf(long offset) {
        return (int) Math.min(offset / zoneSize, nrZones);
    }

    /** zbd_zone_end. */
    long zoneEnd(int z) {
        return start[z + 1];
    }

    /** zbd_zone_capacity_end. */
    long capEnd(int z) {
        return start[z] + capacity[z];
    }

    /** zbd_zone_full: fewer than {@code required} bytes left below the zone capacity. */
    boolean full(int z, long required) {
        return hasWp[z] && wp[z] + required > capEnd(z);
    }

    // ------------------------------------------------------------------ open zones

    /** zbd_close_zone: the zone leaves the open list; the job closing it counts one fewer. */
    void close(ZbdJob job, int z) {
        if (!open[z]) {
            return;
        }
        int i = 0;
        while (i < numOpenZones && openZones[i] != z) {
            i++;
        }
        if (i == numOpenZones) {
            return;
        }
        System.arraycopy(openZones, i + 1, openZones, i, numOpenZones - i - 1);
        numOpenZones--;
        job.numOpenZones--;
        open[z] = false;
    }

    // ------------------------------------------------------------------ zone mutexes

    /** pthread_mutex_trylock on a zone: true when free or already held by {@code job} (recursive). */
    boolean tryLock(ZbdJob job, int z) {
        if (lockOwner[z] == null || lockOwner[z] == job) {
            lockOwner[z] = job;
            lockCount[z]++;
            return true;
        }
        return false;
    }

    /** Runs {@code k} once the zone's mutex is released (the caller then tries again). */
    void whenUnlocked(int z, Runnable k) {
        lockWaiters.computeIfAbsent(z, x -> new ArrayDeque<>()).addLast(k);
    }

    /** True while another job than {@code job} holds the zone's mutex. */
    boolean heldByOther(ZbdJob job, int z) {
        return lockOwner[z] != null && lockOwner[z] != job;
    }

    /**
     * zone_unlock: once the mutex is free, every job waiting for it decides again (one of them
     * takes it; the others, if they still want this zone, wait again).
     */
    void unlock(ZbdJob job, int z) {
        if (lockOwner[z] != job || lockCount[z] <= 0) {
            throw new IllegalStateException("zone " + z + " unlocked by a job not holding it");
        }
        if (--lockCount[z] > 0) {
            return;
        }
        lockOwner[z] = null;
        ArrayDeque<Runnable> w = lockWaiters.remove(z);
        if (w != null) {
            for (Runnable next : w) {
                job.later(next);
            }
        }
    }

    /** Runs {@code k} after the next I/O completion of any job on this file. */
    void whenAnyCompletes(Runnable k) {
        completionWaiters.add(k);
    }

    /** An I/O unit of some job completed: the jobs waiting for one retry. */
    void completed(ZbdJob job) {
        if (completionWaiters.isEmpty()) {
            return;
        }
        List<Runnable> w = new ArrayList<>(completionWaiters);
        completionWaiters.clear();
        for (Runnable r : w) {
            job.later(r);
        }
    }
}
