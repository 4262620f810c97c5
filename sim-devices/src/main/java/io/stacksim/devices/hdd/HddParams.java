package io.stacksim.devices.hdd;

import java.util.Locale;

/**
 * Everything that describes one disk drive to {@link HddModel}: geometry, mechanics, the
 * on-board cache and its prefetch rules, the firmware's overheads, the interface and the
 * command queue. The fields are DiskSim's disk parameters (DiskSim 4.0 manual §3.4.2-3.4.5)
 * under descriptive names, so a DiskSim spec maps onto them one to one; datasheet profiles
 * fill them from the manufacturer's figures.
 *
 * @param name       model name for listings
 * @param layout     zones, sparing and skews
 * @param mech       seek curve, head switch, write settle, spindle
 * @param cache      buffer segments and caching/prefetch policy
 * @param firmware   command-processing overheads and bus behaviour
 * @param bus        per-sector transfer time between the drive's buffer and the host
 * @param queueDepth commands the drive accepts at once (1 = no queueing, 32 = SATA NCQ)
 * @param scheduler  order in which queued commands get the actuator
 * @param agingNs    command aging: a queued command older than this is served next, oldest first
 *                   (DiskSim's "Scheduling timeout scheme" 1 with FCFS for timed-out requests;
 *                   NCQ firmware ages commands so none starves); 0 = no aging
 * @param destageYieldNs write-back destage yields, at its next command boundary, to a host
 *                   command that has waited this long, which then goes before further destage;
 *                   0 = destage competes by SPTF alone (as in DiskSim)
 */
public record HddParams(String name, Layout layout, Mechanics mech, Cache cache, Firmware firmware, Bus bus,
                        int queueDepth, Scheduler scheduler, long agingNs, long destageYieldNs) {
    public HddParams {
        if (queueDepth < 1) {
            throw new IllegalArgumentException("queue depth must be >= 1");
        }
        if (cache.segmentSize() > layout.capacity()) {
            throw new IllegalArgumentException("segment size exceeds the disk");
        }
    }

    /** Order in which queued commands get the actuator. */
    public enum Scheduler {
        /** First come, first served (DiskSim scheduling policy 1). */
        FCFS,
        /** Shortest positioning time first: the command the heads can reach soonest, cache hits first. */
        SPTF
    }

    /** A copy with another queue depth, scheduler, aging and destage yield (profile overrides). */
    public HddParams withQueue(int depth, Scheduler sched, long aging, long destageYield) {
        return new HddParams(name, layout, mech, cache, firmware, bus, depth, sched, aging, destageYield);
    }

    /**
     * The on-board buffer: {@code segments} segments of {@code segmentSize} sectors.
     *
     * @param segments              number of buffer segments
     * @param segmentSize           sectors per segment
     * @param writeSegments         segments that may hold dirty (write) data at once
     * @param dedicatedWriteSegment one segment is reserved for writes
     * @param writeWater            low (write) water mark as a fraction
     * @param readWater             high (read) water mark as a fraction
     * @param waterByRequest        water marks are fractions of the request size (else of the segment)
     * @param enableCache           segments keep data for later hits (else speed matching only)
     * @param prefetch              read-ahead after a read (DiskSim's "Buffer continuous read")
     * @param minReadahead          sectors to prefetch before another request may take the heads
     * @param maxReadahead          most sectors prefetched after a read (0 = segment size rules)
     * @param keepRequestData       DiskSim's post-pass value of "Read-ahead over requested": 0 prefetch may overwrite
     *                              the returned data, 1 it may not, -1 the returned data is dropped at once
     * @param readaheadOnIdleHit    prefetch also after a full hit
     * @param writeBack             write-back caching (DiskSim's "Fast write level")
     * @param zeroLatencyRead       read sectors in the order they pass under the head
     * @param zeroLatencyWrite      write sectors in the order they pass under the head
     * @param combineSeqWrites      sequential writes may share (append to) a segment
     * @param stopPrefetchInSector  prefetch may be aborted in the middle of a sector
     * @param disconnectWriteIfSeek disconnect if the arm still moves when a write's data is in
     * @param writeHitStopPrefetch  a write overlapping a prefetching segment stops the prefetch there
     * @param readDirectToBuffer    buffer space is needed before a sector is read (no separate sector buffer)
     * @param immedTransPartialHit  a partial hit sends its cached data at once (else only past the high water mark)
     * @param almostReadHits        a read starting at the block being prefetched counts as a partial hit
     * @param readHitsOnWriteData   written data stays readable in the buffer
     * @param prebufferWrites       a write's data is taken into a free segment on arrival, or as soon as
     *                              one frees, even while the actuator serves another command
     *                              (DiskSim's "Allow write prebuffering"; with write-back: a write cache)
     * @param readAnyFreeBlocks     a read that lands on its track reads from the track's first block on, keeping
     *                              the blocks before the requested ones (DiskSim's "Read any free blocks")
     * @param destage               how write-back data reaches the media
     */
    public record Cache(int segments, int segmentSize, int writeSegments, boolean dedicatedWriteSegment,
                        double writeWater, double readWater, boolean waterByRequest, boolean enableCache,
                        Prefetch prefetch, int minReadahead, int maxReadahead, int keepRequestData,
                        boolean readaheadOnIdleHit, WriteBack writeBack, boolean zeroLatencyRead, boolean zeroLatencyWrite,
                        boolean combineSeqWrites, boolean stopPrefetchInSector, boolean disconnectWriteIfSeek,
                        boolean writeHitStopPrefetch, boolean readDirectToBuffer, boolean immedTransPartialHit,
                        boolean almostReadHits, boolean readHitsOnWriteData, boolean prebufferWrites,
                        boolean readAnyFreeBlocks, Destage destage) {
        public Cache {
            if (segments < 1 || segmentSize < 1 || writeSegments < 1 || writeSegments > segments
                    || (dedicatedWriteSegment && segments < 2)) {
                throw new IllegalArgumentException("bad cache: " + segments + " segments of " + segmentSize
                        + " sectors, " + writeSegments + " write segments");
            }
            if (keepRequestData < -1 || keepRequestData > 1) {
                throw new IllegalArgumentException("bad cache policy: keepRequestData " + keepRequestData);
            }
            if (writeBack != WriteBack.OFF && !enableCache) {
                throw new IllegalArgumentException("write-back caching needs the buffer to cache");
            }
            if (readAnyFreeBlocks && !enableCache) {
                throw new IllegalArgumentException("reading free blocks needs the buffer to cache");
            }
        }

        /** Whether writes may complete from the buffer. */
        public boolean writeBackEnabled() {
            return writeBack != WriteBack.OFF;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%d x %d-sector segments%s, prefetch %s (max %d), write-back %s",
                    segments, segmentSize, dedicatedWriteSegment ? " (one for writes)" : "",
                    switch (prefetch) {
                        case NONE -> "off";
                        case TO_TRACK_END -> "to track end";
                        case TO_CYLINDER_END -> "to cylinder end";
                        case UNTIL_SEGMENT_FULL -> "until segment full";
                        case TRACK_AHEAD -> "one track ahead";
                    }, maxReadahead, switch (writeBack) {
                        case OFF -> "off";
                        case APPENDING -> "on for appending writes";
                        case ALWAYS -> "on";
                    });
        }
    }

    /** Read-ahead after a read, DiskSim's "Buffer continuous read" 0-4. */
    public enum Prefetch {
        /** 0: none. */
        NONE,
        /** 1: to the end of the track. */
        TO_TRACK_END,
        /** 2: to the end of the cylinder. */
        TO_CYLINDER_END,
        /** 3: until the segment is full. */
        UNTIL_SEGMENT_FULL,
        /** 4: to the end of the track after the request's, or of the next when the segment started before (DEC's scheme). */
        TRACK_AHEAD;

        public static Prefetch of(int n) {
            return values()[n];
        }
    }

    /** How write-back data reaches the media. */
    public enum Destage {
        /**
         * As in DiskSim 4.0: writes appended to a segment are queued commands like any other,
         * dispatched in the drive's order; a destage sweeps the whole segment, and an appended
         * write dispatched after it writes its blocks a second time.
         */
        DISKSIM,
        /**
         * A write-back segment is a ring (the drive "does not overwrite data that has not yet been
         * written to the medium", Seagate product manuals) destaged from its first unwritten write
         * on: appended writes reach the media in that sweep and are done, and with the cache full
         * the segment a waiting write needs is destaged first.
         */
        RING
    }

    /** Write-back caching, DiskSim's "Fast write level" 0-2. */
    public enum WriteBack {
        /** 0: a write completes when its data is on the media. */
        OFF,
        /** 1: only a write appending to the data being written completes from the buffer (LIMITED_FASTWRITE). */
        APPENDING,
        /** 2: every write without FUA completes once its data is in the buffer. */
        ALWAYS;

        public static WriteBack of(int n) {
            return values()[n];
        }
    }

    /**
     * Firmware overheads (ns, already scaled by DiskSim's "Time scale for overheads") and bus
     * behaviour. "after read/after write" pick the value by the previous command's direction.
     */
    public record Firmware(long perRequest,
                           long readHitAfterRead, long readHitAfterWrite, long readMissAfterRead, long readMissAfterWrite,
                           long writeHitAfterRead, long writeHitAfterWrite, long writeMissAfterRead, long writeMissAfterWrite,
                           long readComplete, long writeComplete, long dataPrep, long reselectFirst, long reselectOther,
                           long disconnectReadAfterRead, long disconnectReadAfterWrite, long disconnectWrite,
                           boolean extraWriteDisconnect, long extradiscCommand, long extradiscDisconnect1,
                           long extradiscInterDisconnect, long extradiscDisconnect2, long extradiscSeekDelta,
                           long minimumSeekDelay, boolean holdBusRead, boolean holdBusWrite, boolean neverDisconnect) {

        /**
         * A modern drive's firmware: one command overhead, one completion overhead, no SCSI
         * disconnect dance. A write whose data finds no buffer room lets the link go: a SATA drive
         * asks for a queued write's data with DMA Setup FISes only when it has room for it (SATA
         * first-party DMA), a SAS drive with XFER_RDY frames, so the link stays free for other
         * commands' data meanwhile.
         */
        public static Firmware simple(long commandNs, long completionNs) {
            return new Firmware(0, commandNs, commandNs, commandNs, commandNs, commandNs, commandNs, commandNs, commandNs,
                    completionNs, completionNs, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, 0, 0, true, false, false);
        }
    }

    /**
     * The interface between the drive's buffer and the host: time per 512-byte sector moved,
     * the larger of the bus's and the drive's own ("Bulk sector transfer time").
     */
    public record Bus(long readSectorNs, long writeSectorNs) {
        public Bus {
            if (readSectorNs < 0 || writeSectorNs < 0) {
                throw new IllegalArgumentException("negative transfer time");
            }
        }

        /** A link moving {@code bytesPerSecond} of payload. */
        public static Bus ofRate(double bytesPerSecond) {
            long ns = Math.round(512e9 / bytesPerSecond);
            return new Bus(ns, ns);
        }
    }

    /** Several lines for `stacksim profiles`. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        Layout l = layout;
        Zone outer = l.zones().get(0);
        Zone inner = l.zones().get(l.zones().size() - 1);
        sb.append(String.format(Locale.ROOT, "geometry   %d blocks (%.1f GB), %d surfaces, %d cylinders, %d zones, %d..%d sectors/track, sparing %s%n",
                l.capacity(), l.capacity() * 512 / 1e9, l.surfaces(), l.cylinders(), l.zones().size(),
                inner.sectorsPerTrack(), outer.sectorsPerTrack(), l.sparing()));
        sb.append(String.format(Locale.ROOT, "media rate %.1f MB/s outer zone, %.1f MB/s inner zone (raw, before skews)%n",
                outer.sectorsPerTrack() * 512.0 / (mech.periodNs() / 1e9) / 1e6, inner.sectorsPerTrack() * 512.0 / (mech.periodNs() / 1e9) / 1e6));
        sb.append("mechanics  ").append(mech.describe()).append('\n');
        sb.append(String.format(Locale.ROOT, "           mean random seek %.3f ms, full stroke %.3f ms%n",
                mech.seek().meanRandomNs(l.cylinders()) / 1e6, mech.seek().seekNs(l.cylinders() - 1) / 1e6));
        sb.append("cache      ").append(cache.describe()).append('\n');
        sb.append(String.format(Locale.ROOT, "firmware   read miss %.3f ms, read hit %.3f ms, write %.3f ms, completion %.3f/%.3f ms%n",
                firmware.readMissAfterRead() / 1e6, firmware.readHitAfterRead() / 1e6, firmware.writeMissAfterWrite() / 1e6,
                firmware.readComplete() / 1e6, firmware.writeComplete() / 1e6));
        sb.append(String.format(Locale.ROOT, "interface  %.2f us/sector read, %.2f us/sector write; queue depth %d, %s%n",
                bus.readSectorNs() / 1e3, bus.writeSectorNs() / 1e3, queueDepth, scheduler));
        return sb.toString();
    }
}
