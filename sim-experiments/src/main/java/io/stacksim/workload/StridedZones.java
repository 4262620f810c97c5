package io.stacksim.workload;

/**
 * fio's {@code zonemode=strided} (io_u.c setup_strided_zone_mode, before each unit's offset):
 * I/O stays in a zone of {@code zonerange} bytes from the region's current start until
 * {@code zonesize} bytes were moved, then the region's start (f->file_offset) moves on by
 * zonerange + zoneskip, back to the first zone past the file's end; a sequential job past the
 * zone's range starts it again, and every zonerange bytes the file's offsets and random map
 * start afresh (fio_file_reset). Random offsets stay within zonerange of the start.
 */
final class StridedZones {
    private final long size;
    private final long range;
    private final long skip;
    /** td->zone_bytes. */
    private long zoneBytes;

    StridedZones(ZoneSpec z, OffsetGenerator[] files) {
        this.size = z.size();
        this.range = z.range();
        // zbd_recalc_options_with_zone_granularity: zoneskip=Nz is N x zonesize here.
        this.skip = z.skipZones() > 0 ? z.skipZones() * z.size() : z.skip();
        for (OffsetGenerator g : files) {
            g.zoneRange(range);
        }
    }

    void beforeOffset(OffsetGenerator g, int ddir) {
        if (zoneBytes >= size) {
            zoneBytes = 0;
            long next = g.start() + range + skip;
            if (next >= g.realSize()) {
                next = g.startOffset();
            }
            g.moveStart(next);
            g.lastPos(ddir, next);
        }
        if (g.lastPos(ddir) >= g.start() + range) {
            g.lastPos(ddir, g.start());
        }
        if (zoneBytes % range == 0) {
            g.reset();
        }
    }

    /** fill_io_u: td->zone_bytes += buflen. */
    void filled(long len) {
        zoneBytes += len;
    }
}
