package io.stacksim.devices.hdd;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.LimitsReader;
import io.stacksim.devices.hdd.disksim.DiskSimSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds an {@link HddModel} from a device profile's parameters: either a DiskSim spec
 * ({@code disksim: PATH.parv}, optionally with {@code queue_depth} and {@code scheduler}
 * overrides), or a drive described by its datasheet figures.
 *
 * <p>Datasheet drives get a zoned geometry whose outer and inner zones deliver the sustained
 * media rates the datasheet states (sectors per track solved from the rate, the spindle speed and
 * the time lost to the track and cylinder skews, which are the head-switch and single-cylinder
 * seek times rounded up to whole sectors, as manufacturers lay out their tracks), with sectors per
 * track falling linearly across the zones and as many cylinders as the capacity needs; a seek
 * curve through the datasheet's track-to-track, average and (when given) full-stroke seeks;
 * the buffer split into segments; and SATA/SAS-style firmware with one command and one
 * completion overhead.
 */
public final class HddProfile {
    private HddProfile() {
    }

    /** The model for profile parameters {@code p} (every key read is marked used). */
    public static HddModel build(String devName, ConfigNode p) {
        HddParams params;
        if (p.has("disksim")) {
            Path parv = Path.of(p.string("disksim", null));
            params = DiskSimSpec.load(parv).params();
            int depth = p.intValue("queue_depth", params.queueDepth(), 1, 65535);
            HddParams.Scheduler sched = scheduler(p, params.scheduler());
            params = params.withQueue(depth, sched, p.duration("command_aging", params.agingNs(), 1_000_000),
                    p.duration("destage_yield", params.destageYieldNs(), 1_000_000));
            DeviceLimits limits = new DeviceLimits(params.layout().capacity(),
                    (int) p.size("logical_block_size", 512, 512, 512), (int) p.size("physical_block_size", 512, 512, 65536),
                    depth, 1, (int) p.size("max_hw_sectors_kb", 1024, 1, 1 << 20) * 2, p.intValue("max_segments", 128, 1, 65535),
                    (int) p.size("max_segment_size", 65536, 512, 1L << 31), true, params.cache().writeBackEnabled(),
                    params.cache().writeBackEnabled(), canQueue(p, depth));
            return new HddModel(devName, limits, params);
        }
        params = fromDatasheet(p);
        DeviceLimits l = LimitsReader.read(p);
        if (l.logicalBlockSize() != 512) {
            throw p.error("logical_block_size", "the HDD model addresses 512-byte sectors; use 512 (512e drives report 4096 as physical_block_size)");
        }
        // The zones are whole cylinders and hold a little more than the datasheet's (IDEMA)
        // capacity; the host sees the datasheet figure, as from a real drive's IDENTIFY data.
        int depth = Math.min(l.queueDepth(), params.queueDepth());
        DeviceLimits limits = new DeviceLimits(Math.min(params.layout().capacity(), l.capacitySectors()),
                l.logicalBlockSize(), l.physicalBlockSize(),
                depth, 1, l.maxHwSectors(), l.maxSegments(), l.maxSegmentSize(),
                true, params.cache().writeBackEnabled(), l.fua(), canQueue(p, depth));
        return new HddModel(devName, limits, params);
    }

    /**
     * {@code can_queue}: the host adapter's tags (/sys/class/scsi_host/hostN/can_queue; an AHCI
     * port has 32), which size the block layer's tag set, while {@code queue_depth}
     * (/sys/block/sdX/device/queue_depth, at most the drive's NCQ depth) is how many commands
     * the drive is given at a time. Defaults to the queue depth.
     */
    private static int canQueue(ConfigNode p, int depth) {
        int tags = p.intValue("can_queue", depth, 1, 65535);
        if (tags < depth) {
            throw p.error("can_queue", "must be at least the queue depth (" + depth + ")");
        }
        return tags;
    }

    private static HddParams.Scheduler scheduler(ConfigNode p, HddParams.Scheduler def) {
        String s = p.choice("scheduler", def.name().toLowerCase(Locale.ROOT), List.of("fcfs", "sptf"));
        return HddParams.Scheduler.valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** A drive from datasheet figures (see the class comment). */
    public static HddParams fromDatasheet(ConfigNode p) {
        double rpm = p.doubleValue("rpm", 7200, 1000, 30000);
        long period = Mechanics.periodOf(rpm);
        int heads = p.intValue("heads", 8, 1, 64);
        int zoneCount = p.intValue("zones", 30, 1, 1000);
        long capacityBytes = p.size("capacity", 1L << 40, 1L << 20, Long.MAX_VALUE);
        double outerRate = p.rate("sustained_rate_outer", 200e6);
        double innerRate = p.rate("sustained_rate_inner", outerRate / 2);
        if (innerRate > outerRate) {
            throw p.error("sustained_rate_inner", "must not exceed sustained_rate_outer");
        }
        long headSwitch = p.duration("head_switch", 1_000_000, 1_000_000);
        long one = p.duration("seek_track_to_track", 500_000, 1_000_000);
        long avg = p.duration("seek_average", 8_500_000, 1_000_000);
        long full = p.has("seek_full_stroke") ? p.duration("seek_full_stroke", 0, 1_000_000) : -1;
        long settle = p.duration("write_settle", 0, 1_000_000);
        if (avg <= one) {
            throw p.error("seek_average", "must exceed seek_track_to_track");
        }

        // Skews are laid out for writes (switch plus write settle) so that both directions stream.
        long switchNs = headSwitch + Math.max(0, settle);
        long cylSwitchNs = Math.max(headSwitch, one) + Math.max(0, settle);
        int sptOuter = sptFor(outerRate, period, switchNs, cylSwitchNs, heads);
        int sptInner = sptFor(innerRate, period, switchNs, cylSwitchNs, heads);
        long sectors = capacityBytes / 512;
        // Cylinders per zone so that the zones hold the capacity (spt falls linearly outer to inner).
        int[] spt = new int[zoneCount];
        long perCylSum = 0;
        for (int z = 0; z < zoneCount; z++) {
            spt[z] = zoneCount == 1 ? sptOuter
                    : (int) Math.round(sptOuter - (double) (sptOuter - sptInner) * z / (zoneCount - 1));
            perCylSum += (long) spt[z] * heads;
        }
        int cylsPerZone = (int) ((sectors + perCylSum - 1) / perCylSum);
        List<Zone> zones = new ArrayList<>();
        int cyl = 0;
        for (int z = 0; z < zoneCount; z++) {
            double sectorNs = (double) period / spt[z];
            int tskew = (int) Math.ceil(switchNs / sectorNs);
            int cskew = (int) Math.ceil(cylSwitchNs / sectorNs);
            zones.add(new Zone(cyl, cyl + cylsPerZone - 1, spt[z], 0, 0, tskew, cskew, 0, new int[0], new int[0]));
            cyl += cylsPerZone;
        }
        Layout layout = new Layout(heads, 0, Layout.Sparing.NONE, zones);
        SeekCurve curve = full > 0 ? SeekCurve.ThreePoint.fit(one, avg, full, layout.cylinders())
                : sqrtFit(one, avg, layout.cylinders());
        Mechanics mech = new Mechanics(curve, headSwitch, settle, period);

        int segments = p.intValue("cache_segments", 16, 1, 4096);
        long bufferBytes = p.size("buffer", 64L << 20, 1 << 16, 1L << 40);
        int segSize = (int) Math.max(1, bufferBytes / 512 / segments);
        boolean writeBack = p.bool("write_back", true);
        int maxRa = (int) (p.size("max_readahead", (long) segSize * 512, 0, bufferBytes) / 512);
        // A read can only take the actuator with a segment to read into (DiskSim's enablement
        // rule), so write data may fill all segments but one: with the write cache full a read
        // still runs, as on a real drive. DiskSim's "Maximum number of write segments".
        int writeSegments = p.intValue("write_segments", Math.max(1, segments - 1), 1, segments);
        HddParams.Cache cache = new HddParams.Cache(segments, segSize, writeSegments, false,
                1.0, 1.0, true, true, HddParams.Prefetch.UNTIL_SEGMENT_FULL, 0, Math.min(maxRa, segSize), 1, true,
                writeBack ? HddParams.WriteBack.ALWAYS : HddParams.WriteBack.OFF, false, false,
                true, true, false, true, true, true, false, true, writeBack, false);
        HddParams.Firmware fw = HddParams.Firmware.simple(p.duration("command_overhead", 100_000, 1_000_000),
                p.duration("completion_overhead", 20_000, 1_000_000));
        HddParams.Bus bus = HddParams.Bus.ofRate(p.rate("link_rate", 600e6));
        int depth = p.intValue("ncq_depth", 32, 1, 256);
        HddParams.Scheduler sched = scheduler(p, HddParams.Scheduler.SPTF);
        try {
            return new HddParams(p.string("model", "datasheet drive"), layout, mech, cache, fw, bus, depth, sched,
                    p.duration("command_aging", 0, 1_000_000), p.duration("destage_yield", 0, 1_000_000));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("hdd profile: " + e.getMessage());
        }
    }

    /**
     * Sectors per track whose sustained rate (a revolution of data per track, less the skew lost
     * at each head switch and, once per cylinder, at the cylinder switch) reaches {@code rate}.
     */
    static int sptFor(double rate, long periodNs, long trackSwitchNs, long cylSwitchNs, int heads) {
        for (int spt = 8; spt < 65535; spt++) {
            double sectorNs = (double) periodNs / spt;
            int tskew = (int) Math.ceil(trackSwitchNs / sectorNs);
            int cskew = (int) Math.ceil(cylSwitchNs / sectorNs);
            double cylNs = heads * periodNs + ((heads - 1) * tskew + cskew) * sectorNs;
            double sustained = 512.0 * spt * heads / (cylNs / 1e9);
            if (sustained >= rate) {
                return spt;
            }
        }
        throw new ConfigException("sustained rate " + rate + " B/s needs more than 65535 sectors per track");
    }

    /**
     * A seek curve from the track-to-track and average seeks alone: seek(d) = t1 + a sqrt(d-1),
     * the coasting-free (bang-bang) actuator of Ruemmler and Wilkes, with {@code a} chosen so that
     * the mean over random cylinder pairs equals the datasheet's average.
     */
    static SeekCurve sqrtFit(long one, long avg, int cylinders) {
        double c = cylinders;
        double mean = 0;
        for (int d = 1; d < cylinders; d++) {
            mean += 2.0 * (c - d) / (c * c) * Math.sqrt(d - 1.0);
        }
        double pNonZero = 1 - 1 / c;
        double a = (avg - one * pNonZero) / mean;
        long fullNs = Math.round(one + a * Math.sqrt(c - 2));
        return new SeekCurve.ThreePoint(a, 0, one, one, avg, fullNs);
    }
}
