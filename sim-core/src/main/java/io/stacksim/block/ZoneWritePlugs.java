package io.stacksim.block;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Zone write plugging (block/blk-zoned.c, Linux 6.10+): the block layer's ordering of writes to
 * the sequential zones of a zoned device, so that a write reaches the device only when it is at
 * the zone's write pointer.
 *
 * <p>Each sequential zone being written has a zone write plug ({@code struct blk_zone_wplug})
 * with the write pointer offset the host expects ({@code wp_offset}) and a list of waiting bios.
 * A write (or zone append) to a zone whose plug is BLK_ZONE_WPLUG_PLUGGED (a write of that zone
 * is in flight) waits in the list; otherwise it is prepared and goes on, and the plug becomes
 * plugged. Preparation ({@code blk_zone_wplug_prepare_bio}) fails the bio with EIO when the zone
 * is full, when the plug lost track of the write pointer (BLK_ZONE_WPLUG_NEED_WP_UPDATE, after a
 * write error), or when the bio does not start at {@code wp_offset}; a zone append on a device
 * without native support becomes a regular write at the write pointer (REQ_NOMERGE), which
 * reports the sector written back to its submitter. When the plugged request completes
 * ({@code blk_zone_write_plug_finish_request}), the next bio of the list is submitted from the
 * plug's work (straight to a request, merging the following contiguous bios of the list into
 * it: {@code blk_zone_write_plug_init_request}); with the list empty the plug is unplugged and
 * removed once the zone is empty or full ({@code disk_should_remove_zone_wplug}). A plug is
 * created by the first write to a zone that has none, trusting that write's offset as the write
 * pointer ({@code disk_get_and_lock_zone_wplug}), or at revalidation for a partly written zone.
 * Zone reset and finish set the offset to 0 or the zone size and fail the plugged bios
 * ({@code disk_zone_wplug_set_wp_offset}); reset all does so for every plug; a zone report
 * re-reads the write pointer of a plug that needs it ({@code disk_zone_wplug_sync_wp_offset}).
 * Native zone appends (NVMe ZNS) are not plugged: they remove the zone's plug, failing any bios
 * still in it ({@code blk_zone_wplug_handle_native_zone_append}).
 */
final class ZoneWritePlugs {
    static final int EIO = 5;
    static final int EOPNOTSUPP = 95;

    /** struct blk_zone_wplug. */
    private static final class Plug {
        final int zone;
        long wpOffset;
        /** BLK_ZONE_WPLUG_PLUGGED. */
        boolean plugged;
        /** BLK_ZONE_WPLUG_NEED_WP_UPDATE. */
        boolean needWpUpdate;
        final ArrayDeque<Bio> bios = new ArrayDeque<>(4);

        Plug(int zone, long wpOffset) {
            this.zone = zone;
            this.wpOffset = wpOffset;
        }
    }

    private final BlockQueue q;
    private final ZonedLimits limits;
    /** disk->conv_zones_bitmap. */
    private final boolean[] conventional;
    /** Zone capacity of each zone (disk->zone_capacity, last_zone_capacity). */
    private final long[] capacity;
    /** The plug hash table, by zone number (null: no plug). */
    private final Plug[] plugs;

    private long plugged;
    private long failed;
    private long appendsEmulated;

    /** blk_revalidate_disk_zones: the zone types, capacities and plugs of partly written zones from a full report. */
    ZoneWritePlugs(BlockQueue q, ZonedLimits limits, List<BlkZone> report) {
        this.q = q;
        this.limits = limits;
        int n = limits.nrZones();
        if (report.size() != n) {
            throw new IllegalArgumentException("zone report has " + report.size() + " zones, the device " + n);
        }
        this.conventional = new boolean[n];
        this.capacity = new long[n];
        this.plugs = new Plug[n];
        for (int i = 0; i < n; i++) {
            BlkZone z = report.get(i);
            conventional[i] = !z.type().sequential();
            capacity[i] = z.capacity();
            // blk_revalidate_seq_zone: a zone neither empty nor full gets its plug now.
            if (!conventional[i] && z.wp() > z.start() && z.wp() - z.start() < z.capacity()
                    && z.cond() != ZoneCond.FULL) {
                plugs[i] = new Plug(i, z.wp() - z.start());
            }
        }
    }

    boolean isSequential(long sector) {
        return !conventional[limits.zoneOf(sector)];
    }

    private boolean full(Plug p) {
        return p.wpOffset >= capacity[p.zone];
    }

    private void fail(Bio bio) {
        failed++;
        bio.error = -EIO;
        bio.tCompleted = q.sim().now();
        bio.endIo.endIo(bio);
    }

    /**
     * blk_zone_plug_bio: true when the bio was taken (plugged, or failed); false when it goes on
     * (prepared against its plug, an emulated zone append now a write at the write pointer).
     */
    boolean plugBio(Bio bio) {
        if (bio.zoneWritePlugging) {
            return false; // released from its plug: already prepared
        }
        if ((bio.flags & (Bio.PREFLUSH | Bio.FUA)) != 0 && bio.nrSectors == 0) {
            // op_is_flush && !bio_sectors: an empty flush (blkdev_issue_flush) is not a write to
            // any zone; plugged, it would hold sector 0's zone plugged with nothing to unplug it.
            return false;
        }
        switch (bio.op) {
            case ZONE_RESET:
                return resetOrFinish(bio, 0);
            case ZONE_FINISH:
                return resetOrFinish(bio, limits.zoneSectors());
            case ZONE_RESET_ALL:
                for (Plug p : plugs) {
                    if (p != null) {
                        setWpOffset(p, 0);
                    }
                }
                return false;
            case WRITE:
            case ZONE_APPEND:
                break;
            default:
                return false;
        }
        int zone = limits.zoneOf(bio.sector);
        if (bio.op == Op.ZONE_APPEND) {
            // blk_check_zone_append: at a sequential zone's start, within the append limit.
            int max = limits.nativeZoneAppend() ? limits.zoneAppendMaxSectors() : q.limits().maxHwSectors();
            if (conventional[zone] || bio.sector != limits.zoneStart(zone) || bio.nrSectors > max) {
                fail(bio);
                return true;
            }
        } else if (conventional[zone]) {
            return false;
        }
        if (limits.zoneOf(bio.endSector() - 1) != zone) {
            fail(bio); // bio_straddles_zones: chunk_sectors splits never let one through
            return true;
        }
        if (bio.op == Op.ZONE_APPEND && limits.nativeZoneAppend()) {
            nativeAppend(zone);
            return false;
        }
        Plug p = plugs[zone];
        if (p == null) {
            p = new Plug(zone, bio.sector - limits.zoneStart(zone));
            plugs[zone] = p;
        }
        if (p.plugged) {
            plugged++;
            p.bios.addLast(bio);
            return true;
        }
        if (!prepare(p, bio)) {
            fail(bio);
            removeIfDone(p);
            return true;
        }
        p.plugged = true;
        return false;
    }

    /**
     * blk_zone_wplug_prepare_bio: the checks against the plug's write pointer, an emulated zone
     * append turned into a write there (REQ_NOMERGE), and the offset advanced; false when the
     * bio must fail.
     */
    private boolean prepare(Plug p, Bio bio) {
        if (p.needWpUpdate || full(p)) {
            return false;
        }
        long zoneStart = limits.zoneStart(p.zone);
        if (bio.op == Op.ZONE_APPEND) {
            appendsEmulated++;
            bio.op = Op.WRITE;
            bio.flags |= Bio.NOMERGE;
            bio.sector = zoneStart + p.wpOffset;
            bio.emulatesZoneAppend = true;
        } else if (bio.sector - zoneStart != p.wpOffset) {
            return false;
        }
        bio.zoneWritePlugging = true;
        p.wpOffset += bio.nrSectors;
        return true;
    }

    private boolean resetOrFinish(Bio bio, long wpOffset) {
        int zone = limits.zoneOf(bio.sector);
        if (conventional[zone]) {
            fail(bio); // conventional zones cannot be reset nor finished
            return true;
        }
        Plug p = plugs[zone];
        if (p != null) {
            setWpOffset(p, wpOffset);
        }
        return false;
    }

    /** disk_zone_wplug_set_wp_offset: new offset, plugged bios aborted, the plug removed if done. */
    private void setWpOffset(Plug p, long wpOffset) {
        p.wpOffset = wpOffset;
        p.needWpUpdate = false;
        abort(p);
        removeIfDone(p);
    }

    /** disk_zone_wplug_abort: every plugged bio fails. */
    private void abort(Plug p) {
        while (!p.bios.isEmpty()) {
            fail(p.bios.pollFirst());
        }
    }

    private void nativeAppend(int zone) {
        Plug p = plugs[zone];
        if (p == null) {
            return;
        }
        abort(p); // an invalid mix of zone append and regular writes
        if (!p.plugged) {
            plugs[zone] = null;
        }
    }

    /** disk_should_remove_zone_wplug + disk_remove_zone_wplug. */
    private void removeIfDone(Plug p) {
        if (!p.plugged && p.bios.isEmpty() && (p.wpOffset == 0 || full(p)) && plugs[p.zone] == p) {
            plugs[p.zone] = null;
        }
    }

    /** blk_zone_write_plug_bio_merged: a write merged into a plugged request advances the offset. */
    void bioMerged(Bio bio) {
        if (bio.op != Op.WRITE || bio.zoneWritePlugging || conventional[limits.zoneOf(bio.sector)]) {
            return;
        }
        Plug p = plugs[limits.zoneOf(bio.sector)];
        if (p != null) {
            bio.zoneWritePlugging = true;
            p.wpOffset += bio.nrSectors;
        }
    }

    /**
     * blk_zone_write_plug_init_request: the request carries the zone's plug; the plugged bios
     * that continue it merge into its back while the zone has room.
     */
    void initRequest(Request rq) {
        rq.zoneWritePlugging = true;
        if (q.settings().nomerges() != 0) {
            return;
        }
        Plug p = plugs[limits.zoneOf(rq.sector)];
        if (p == null) {
            return;
        }
        while (!full(p) && !p.bios.isEmpty()) {
            Bio next = p.bios.peekFirst();
            if (next.op != Op.WRITE || next.sector != rq.endSector() || !next.mergeable()
                    || q.merge.attemptBioMerge(rq, next) != MergeRules.MergeResult.OK) {
                break;
            }
            p.bios.pollFirst();
            next.zoneWritePlugging = true;
            p.wpOffset += next.nrSectors;
        }
    }

    /**
     * blk_zone_write_plug_bio_endio: an emulated zone append is a zone append again, with the
     * sector it was written at; a failed write leaves the plug not knowing the write pointer.
     */
    void bioEnded(Bio bio) {
        if (bio.emulatesZoneAppend) {
            bio.emulatesZoneAppend = false;
            bio.op = Op.ZONE_APPEND;
            bio.writtenSector = bio.sector;
        }
        if (bio.error == 0) {
            return;
        }
        Plug p = plugs[limits.zoneOf(bio.sector)];
        if (p != null) {
            p.needWpUpdate = true;
        }
    }

    /**
     * blk_zone_write_plug_finish_request + disk_zone_wplug_unplug_bio: the next plugged bio
     * goes down from the plug's work, or the plug is unplugged (and removed if the zone is now
     * empty or full).
     */
    void finishRequest(Request rq) {
        Plug p = plugs[limits.zoneOf(rq.sector)];
        if (p == null) {
            return;
        }
        submitNext(p);
    }

    /** blk_zone_wplug_bio_work: prepare the next bio and submit it, failing those that cannot go. */
    private void submitNext(Plug p) {
        while (!p.bios.isEmpty()) {
            Bio bio = p.bios.pollFirst();
            if (!prepare(p, bio)) {
                fail(bio);
                continue;
            }
            q.submitPlugged(bio);
            return;
        }
        p.plugged = false;
        removeIfDone(p);
    }

    /** disk_zone_wplug_sync_wp_offset: a zone report tells a plug that lost it where the write pointer is. */
    void syncWpOffset(BlkZone z) {
        int zone = limits.zoneOf(z.start());
        Plug p = plugs[zone];
        if (p == null || !p.needWpUpdate) {
            return;
        }
        long off = z.cond() == ZoneCond.FULL ? limits.zoneSectors() : z.wp() - z.start();
        setWpOffset(p, off);
    }

    /** Plugs present now (for tests and stats). */
    int plugCount() {
        int n = 0;
        for (Plug p : plugs) {
            if (p != null) {
                n++;
            }
        }
        return n;
    }

    /** The host's write pointer offset of {@code zone}, or -1 without a plug. */
    long wpOffset(int zone) {
        Plug p = plugs[zone];
        return p == null ? -1 : p.wpOffset;
    }

    void registerStats(io.stacksim.engine.Stats stats) {
        stats.counter("block.zoned.plugged_bios", () -> plugged);
        stats.counter("block.zoned.failed_bios", () -> failed);
        stats.counter("block.zoned.appends_emulated", () -> appendsEmulated);
    }
}
