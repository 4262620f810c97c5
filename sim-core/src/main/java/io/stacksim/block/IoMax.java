package io.stacksim.block;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.config.Units;

/**
 * One cgroup's blk-throttle limits on one device: the cgroup v2 file {@code io.max}
 * ("MAJ:MIN rbps=N wbps=N riops=N wiops=N", each a number or {@code max}; cgroup v1 spells them
 * blkio.throttle.read_bps_device, write_bps_device, read_iops_device, write_iops_device).
 * Config section {@code cgroups.NAME.io.max.DEV}, DEV a device's name.
 *
 * @param rbps  read bytes per second, {@link #MAX} for no limit
 * @param wbps  write bytes per second
 * @param riops read I/Os per second
 * @param wiops write I/Os per second
 */
public record IoMax(long rbps, long wbps, long riops, long wiops) {
    /** "max": no limit (U64_MAX / UINT_MAX in the kernel). */
    public static final long MAX = Long.MAX_VALUE;
    /** No limit in either direction. */
    public static final IoMax NONE = new IoMax(MAX, MAX, MAX, MAX);

    public IoMax {
        for (long v : new long[] {rbps, wbps, riops, wiops}) {
            if (v <= 0) {
                throw new IllegalArgumentException("io.max limit " + v + ": expected a positive number or max");
            }
        }
    }

    /** The byte limit of reads ({@code write} false) or writes. */
    public long bps(boolean write) {
        return write ? wbps : rbps;
    }

    /** The I/O limit of reads or writes. */
    public long iops(boolean write) {
        return write ? wiops : riops;
    }

    /** Whether any limit is set. */
    public boolean limits() {
        return !equals(NONE);
    }

    static final Tunable<String> RBPS = Tunable.text("rbps", "max").range("bytes/s (a size such as 10MiB) or max")
            .help("read bytes per second (io.max rbps; v1 blkio.throttle.read_bps_device)");
    static final Tunable<String> WBPS = Tunable.text("wbps", "max").range("bytes/s (a size such as 10MiB) or max")
            .help("write bytes per second (io.max wbps; v1 blkio.throttle.write_bps_device); discards count 512 B each");
    static final Tunable<String> RIOPS = Tunable.text("riops", "max").range("1 to 2^32-1, or max")
            .help("read I/Os per second (io.max riops; v1 blkio.throttle.read_iops_device), every piece of a split bio counted");
    static final Tunable<String> WIOPS = Tunable.text("wiops", "max").range("1 to 2^32-1, or max")
            .help("write I/Os per second (io.max wiops; v1 blkio.throttle.write_iops_device), flushes and discards included");

    /** The {@code cgroups.NAME.io.max.DEV} section. */
    public static final ConfigSection SECTION = ConfigSection.of("cgroups.<name>.io.max.<device>",
            "Cgroup I/O limits (`cgroups.NAME.io.max.DEV`)", RBPS, WBPS, RIOPS, WIOPS)
            .intro("""
                    blk-throttle (block/blk-throttle.c) as cgroup v2's `io.max` sets it: the cgroup NAME (as fio's
                    `cgroup=` names it; `a/b` nests b in a, whose limits then bound both) gets limits on the device DEV,
                    e.g. `cgroups.limited.io.max.nvme0n1.wbps: 10MiB`. Bios over a limit are held before the
                    scheduler, in 100 ms throttle slices (throtl_slice), and released by the throttle's timer in
                    dispatch rounds of at most 8 bios a group (6 reads, 2 writes) and 32 in all. A task's buffered
                    writes are written back by the flusher in the root cgroup, as under cgroup v1.""");

    /** Reads one {@code io.max.DEV} section. */
    public static IoMax from(ConfigNode dev) {
        return new IoMax(bytes(dev, RBPS), bytes(dev, WBPS), ios(dev, RIOPS), ios(dev, WIOPS));
    }

    private static long bytes(ConfigNode s, Tunable<String> t) {
        String v = t.read(s).strip();
        if (v.equals("max")) {
            return MAX;
        }
        try {
            long n = Units.parseSize(v);
            if (n > 0) {
                return n;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw t.error(s, "expected bytes per second (e.g. 10485760 or 10MiB) or max, got '" + v + "'");
    }

    private static long ios(ConfigNode s, Tunable<String> t) {
        String v = t.read(s).strip();
        if (v.equals("max")) {
            return MAX;
        }
        try {
            long n = Long.parseLong(v);
            if (n > 0 && n <= 0xFFFF_FFFFL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw t.error(s, "expected I/Os per second from 1 to 4294967295, or max, got '" + v + "'");
    }
}
