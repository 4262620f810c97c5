package io.stacksim.workload;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import java.util.List;

/**
 * One fio-style job, with fio's option names and defaults (fio HOWTO; shared/reference/formats.md
 * section 1.2). The YAML {@code workload} section uses these names directly.
 *
 * @param name        job name
 * @param rw          I/O pattern (default read)
 * @param bs          block size in bytes (default 4096)
 * @param size        region size in bytes per job (default 1 GiB here; fio requires it)
 * @param offset      start of the region in the file
 * @param ioSize      bytes to transfer before the job ends (0 = size)
 * @param numberIos   I/Os before the job ends (0 = no limit)
 * @param runtimeNs   time limit (0 = none)
 * @param timeBased   keep going over the region until runtime has passed
 * @param rampTimeNs  warm-up before statistics start
 * @param iodepth     in-flight I/Os for asynchronous engines (ignored by sync engines, as fio)
 * @param ioengine    psync, sync or libaio
 * @param direct      O_DIRECT
 * @param numjobs     clones of the job, each its own task and file
 * @param rwmixread   percentage of reads in a mixed pattern
 * @param filename    file name, or /dev/DEVICE for the raw device; empty = one file per clone
 * @param norandommap draw random offsets independently instead of covering every block once
 * @param thinktimeNs pause after each I/O completes
 * @param sync        the sync-related options
 * @param invalidate  drop the file's cached pages before starting (fio default true)
 * @param preRead     read the region into the page cache before starting (fio pre_read)
 */
public record JobSpec(String name, Pattern rw, long bs, long size, long offset, long ioSize,
                      long numberIos, long runtimeNs, boolean timeBased, long rampTimeNs,
                      int iodepth, String ioengine, boolean direct, int numjobs, int rwmixread,
                      String filename, boolean norandommap, long thinktimeNs, Sync sync,
                      boolean invalidate, boolean preRead) {

    public static final List<String> ENGINES = List.of("psync", "sync", "libaio", "mmap");

    /**
     * fio's sync options.
     *
     * @param openMode   sync=none|sync|dsync (0, 1 = O_SYNC, 2 = O_DSYNC)
     * @param fsync      fsync after every N writes (0 = never)
     * @param fdatasync  fdatasync after every N writes (0 = never)
     * @param endFsync   fsync when the job's writes are done
     * @param fsyncOnClose fsync when the file is closed
     */
    public record Sync(int openMode, int fsync, int fdatasync, boolean endFsync, boolean fsyncOnClose) {
        public static Sync none() {
            return new Sync(0, 0, 0, false, false);
        }

        /** True when any write needs a sync after it. */
        public boolean anyPeriodic() {
            return fsync > 0 || fdatasync > 0;
        }
    }

    /** Reads a job from a config map whose keys are fio option names. */
    public static JobSpec from(ConfigNode w, String defaultName) {
        String name = w.string("name", defaultName);
        Pattern rw;
        String rwText = w.has("readwrite") ? w.string("readwrite", "read") : w.string("rw", "read");
        try {
            rw = Pattern.parse(rwText);
        } catch (IllegalArgumentException e) {
            throw w.error(w.has("readwrite") ? "readwrite" : "rw", e.getMessage());
        }
        long bs = w.size("bs", 4096, 512, 1L << 30);
        long size = w.size("size", 1L << 30, 0, Long.MAX_VALUE);
        long offset = w.size("offset", 0, 0, Long.MAX_VALUE);
        long ioSize = w.size("io_size", 0, 0, Long.MAX_VALUE);
        long numberIos = w.longValue("number_ios", 0, 0, Long.MAX_VALUE);
        long runtime = w.duration("runtime", 0, 1_000_000_000L);
        boolean timeBased = w.bool("time_based", false);
        long ramp = w.duration("ramp_time", 0, 1_000_000_000L);
        int iodepth = w.intValue("iodepth", 1, 1, 65535);
        String engine = w.choice("ioengine", "psync", ENGINES);
        boolean direct = w.bool("direct", false);
        if (w.has("buffered")) {
            direct = !w.bool("buffered", true);
        }
        int numjobs = w.intValue("numjobs", 1, 1, 4096);
        int rwmixread = w.intValue("rwmixread", 50, 0, 100);
        if (w.has("rwmixwrite")) {
            rwmixread = 100 - w.intValue("rwmixwrite", 50, 0, 100);
        }
        String filename = w.string("filename", "");
        boolean norandommap = w.bool("norandommap", false);
        long thinktime = w.duration("thinktime", 0, 1_000L);
        String syncText = w.string("sync", "none");
        int openMode = switch (syncText) {
            case "none", "0" -> 0;
            case "sync", "1" -> 1;
            case "dsync" -> 2;
            default -> throw w.error("sync", "expected none, sync (or 1) or dsync, got '" + syncText + "'");
        };
        Sync sync = new Sync(openMode,
                w.intValue("fsync", 0, 0, Integer.MAX_VALUE),
                w.intValue("fdatasync", 0, 0, Integer.MAX_VALUE),
                w.bool("end_fsync", false),
                w.bool("fsync_on_close", false));
        boolean preRead = w.bool("pre_read", false);
        boolean invalidate = w.bool("invalidate", true) && !preRead;
        if (size == 0) {
            throw w.error("size", "must be greater than 0");
        }
        if (bs > size) {
            throw w.error("bs", "block size " + bs + " is larger than the region size " + size);
        }
        if (timeBased && runtime == 0) {
            throw ConfigException.at(w.origin(), "'" + w.path() + "': time_based needs a runtime");
        }
        return new JobSpec(name, rw, bs, size, offset, ioSize, numberIos, runtime, timeBased, ramp,
                iodepth, engine, direct, numjobs, rwmixread, filename, norandommap, thinktime, sync,
                invalidate, preRead);
    }

    /** True for engines that keep several I/Os in flight. */
    public boolean async() {
        return ioengine.equals("libaio");
    }

    /** I/Os in flight the engine really achieves (fio: iodepth has no effect on sync engines). */
    public int effectiveDepth() {
        return async() ? iodepth : 1;
    }
}
