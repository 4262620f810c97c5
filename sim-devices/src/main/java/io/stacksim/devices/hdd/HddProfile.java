package io.stacksim.devices.hdd;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
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
    static final Tunable<String> DISKSIM = Tunable.text("disksim", "")
            .shownDefault("none").range("a DiskSim .parv")
            .help("model the disk this DiskSim 4.0 spec describes instead of a datasheet drive (then only the queue keys below apply)");
    static final Tunable<String> MODEL = Tunable.text("model", "datasheet drive").help("the drive's name in listings");
    static final Tunable<String> TRANSPORT = Tunable.choice("transport", "sata", java.util.List.of("sata", "sas"))
            .help("how the host reaches the drive: `sata` (behind libata, whose SCSI translation takes few"
                    + " passthrough commands) or `sas` (a SCSI drive: SBC-3's VERIFY, WRITE SAME, WRITE AND VERIFY)");
    static final Tunable<Double> RPM = Tunable.number("rpm", 7200, 1000, 30000).help("spindle speed");
    static final Tunable<Integer> HEADS = Tunable.integer("heads", 8, 1, 64).help("data surfaces");
    static final Tunable<Integer> ZONES = Tunable.integer("zones", 30, 1, 1000)
            .help("recording zones, sectors per track falling linearly from the outer to the inner");
    static final Tunable<Long> DATASHEET_CAPACITY = Tunable.size("capacity", 1L << 40, 1L << 20, Long.MAX_VALUE)
            .help("the user capacity the zones must hold (as the queue limit of the same name)");
    static final Tunable<Double> RATE_OUTER = Tunable.rate("sustained_rate_outer", 200e6)
            .help("sustained media rate in the outer zone (sets its sectors per track)");
    static final Tunable<Double> RATE_INNER = Tunable.rate("sustained_rate_inner", 100e6)
            .shownDefault("half the outer rate").help("sustained media rate in the inner zone");
    static final Tunable<Long> HEAD_SWITCH = Tunable.duration("head_switch", 1_000_000, 1_000_000).help("head switch time");
    static final Tunable<Long> SEEK_ONE = Tunable.duration("seek_track_to_track", 500_000, 1_000_000)
            .help("single-cylinder seek");
    static final Tunable<Long> SEEK_AVERAGE = Tunable.duration("seek_average", 8_500_000, 1_000_000)
            .help("mean seek over random cylinder pairs");
    static final Tunable<Long> SEEK_FULL = Tunable.duration("seek_full_stroke", 0, 1_000_000).shownDefault("none")
            .help("full-stroke seek: with it the curve is Lee's three-point fit, without it a square-root curve");
    static final Tunable<Long> WRITE_SETTLE = Tunable.duration("write_settle", 0, 1_000_000)
            .help("extra settle before a write after any repositioning");
    static final Tunable<Integer> CACHE_SEGMENTS = Tunable.integer("cache_segments", 16, 1, 4096).help("buffer segments");
    static final Tunable<Long> BUFFER = Tunable.size("buffer", 64L << 20, 1 << 16, 1L << 40).help("on-board buffer");
    static final Tunable<Boolean> WRITE_BACK = Tunable.flag("write_back", true)
            .help("writes without FUA complete once their data is in the buffer");
    static final Tunable<Long> MAX_READAHEAD = Tunable.size("max_readahead", 0, 0, 1L << 40).shownDefault("a segment")
            .help("most read-ahead after a read (at most a segment)");
    static final Tunable<Integer> WRITE_SEGMENTS = Tunable.integer("write_segments", 1, 1, 4096).shownDefault("cache_segments - 1")
            .help("segments that may hold write data at once (DiskSim's 'Maximum number of write segments')");
    static final Tunable<Long> COMMAND_OVERHEAD = Tunable.duration("command_overhead", 100_000, 1_000_000)
            .help("firmware time per command before the actuator or the link may act");
    static final Tunable<Long> COMPLETION_OVERHEAD = Tunable.duration("completion_overhead", 20_000, 1_000_000)
            .help("firmware time before a command's status goes back");
    static final Tunable<Double> LINK_RATE = Tunable.rate("link_rate", 600e6).help("payload rate of the host link");
    static final Tunable<Integer> NCQ_DEPTH = Tunable.integer("ncq_depth", 32, 1, 256).help("commands the drive can queue");
    static final Tunable<String> SCHEDULER = Tunable.choice("scheduler", "sptf", List.of("fcfs", "sptf"))
            .shownDefault("sptf (a DiskSim spec's own: fcfs)").help("the drive's order for its queued commands");
    static final Tunable<Long> COMMAND_AGING = Tunable.duration("command_aging", 0, 1_000_000)
            .help("a queued command older than this goes next, oldest first; 0 = no aging");
    static final Tunable<Long> DESTAGE_YIELD = Tunable.duration("destage_yield", 0, 1_000_000)
            .help("write-back destage yields, at its next command boundary, to a host command that has waited this long; 0 = never");
    static final Tunable<Integer> CAN_QUEUE = Tunable.integer("can_queue", 1, 1, 65535).shownDefault("the queue depth")
            .help("the host adapter's tags (scsi_host/can_queue), at least the queue depth");

    /** The {@code hdd} kind's own parameters. */
    public static final ConfigSection PARAMS = ConfigSection.of("device", "`kind: hdd` devices (`device`)",
            DISKSIM, MODEL, RPM, HEADS, ZONES, RATE_OUTER, RATE_INNER, HEAD_SWITCH, SEEK_ONE,
            SEEK_AVERAGE, SEEK_FULL, WRITE_SETTLE, CACHE_SEGMENTS, BUFFER, WRITE_BACK, MAX_READAHEAD, WRITE_SEGMENTS,
            COMMAND_OVERHEAD, COMPLETION_OVERHEAD, LINK_RATE, NCQ_DEPTH, SCHEDULER, COMMAND_AGING, DESTAGE_YIELD, CAN_QUEUE,
            TRANSPORT)
            .intro("A disk drive modelled as DiskSim 4.0 models one (zoned layout, seek curve and rotation, the"
                    + " firmware's buffer cache and bus protocol), either from datasheet figures or from a DiskSim spec"
                    + " (`disksim`).");

    /** The {@code hdd} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final io.stacksim.devices.DeviceKind KIND = io.stacksim.devices.DeviceKind.block("hdd", "sda", HddProfile::build)
            .withDerived(p -> build(p.string("dev_name", "sda"), p).params().describe().lines().toList()).withParams(PARAMS);

    private HddProfile() {
    }

    /** The model for profile parameters {@code p} (every key read is marked used). */
    public static HddModel build(String devName, ConfigNode p) {
        HddParams params;
        if (DISKSIM.isSet(p)) {
            Path parv = Path.of(DISKSIM.read(p));
            params = DiskSimSpec.load(parv).params();
            int depth = p.intValue("queue_depth", params.queueDepth(), 1, 65535);
            HddParams.Scheduler sched = scheduler(p, params.scheduler());
            params = params.withQueue(depth, sched, COMMAND_AGING.read(p, params.agingNs()),
                    DESTAGE_YIELD.read(p, params.destageYieldNs()));
            DeviceLimits limits = new DeviceLimits(params.layout().capacity(),
                    (int) p.size("logical_block_size", 512, 512, 512), (int) p.size("physical_block_size", 512, 512, 65536),
                    depth, 1, (int) p.size("max_hw_sectors_kb", 1024, 1, 1 << 20) * 2, p.intValue("max_segments", 128, 1, 65535),
                    (int) p.size("max_segment_size", 65536, 512, 1L << 31), true, params.cache().writeBackEnabled(),
                    params.cache().writeBackEnabled(), canQueue(p, depth));
            return new HddModel(devName, limits, params, transport(p));
        }
        params = fromDatasheet(p);
        LimitsReader.refuseDiscard(p, "a hard disk has no TRIM or UNMAP (sd sets no discard limits for it)");
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
        return new HddModel(devName, limits, params, transport(p));
    }

    /**
     * {@code can_queue}: the host adapter's tags (/sys/class/scsi_host/hostN/can_queue; an AHCI
     * port has 32), which size the block layer's tag set, while {@code queue_depth}
     * (/sys/block/sdX/device/queue_depth, at most the drive's NCQ depth) is how many commands
     * the drive is given at a time. Defaults to the queue depth.
     */
    private static int canQueue(ConfigNode p, int depth) {
        int tags = CAN_QUEUE.read(p, depth);
        if (tags < depth) {
            throw CAN_QUEUE.error(p, "must be at least the queue depth (" + depth + ")");
        }
        return tags;
    }

    private static io.stacksim.device.Transport transport(ConfigNode p) {
        return TRANSPORT.read(p).equals("sas") ? io.stacksim.device.Transport.SAS : io.stacksim.device.Transport.SATA;
    }

    private static HddParams.Scheduler scheduler(ConfigNode p, HddParams.Scheduler def) {
        String s = SCHEDULER.read(p, def.name().toLowerCase(Locale.ROOT));
        return HddParams.Scheduler.valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** A drive from datasheet figures (see the class comment). */
    public static HddParams fromDatasheet(ConfigNode p) {
        double rpm = RPM.read(p);
        long period = Mechanics.periodOf(rpm);
        int heads = HEADS.read(p);
        int zoneCount = ZONES.read(p);
        long capacityBytes = DATASHEET_CAPACITY.read(p);
        double outerRate = RATE_OUTER.read(p);
        double innerRate = RATE_INNER.read(p, outerRate / 2);
        if (innerRate > outerRate) {
            throw RATE_INNER.error(p, "must not exceed sustained_rate_outer");
        }
        long headSwitch = HEAD_SWITCH.read(p);
        long one = SEEK_ONE.read(p);
        long avg = SEEK_AVERAGE.read(p);
        long full = SEEK_FULL.isSet(p) ? SEEK_FULL.read(p) : -1;
        long settle = WRITE_SETTLE.read(p);
        if (avg <= one) {
            throw SEEK_AVERAGE.error(p, "must exceed seek_track_to_track");
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

        int segments = CACHE_SEGMENTS.read(p);
        long bufferBytes = BUFFER.read(p);
        int segSize = (int) Math.max(1, bufferBytes / 512 / segments);
        boolean writeBack = WRITE_BACK.read(p);
        long maxRaBytes = MAX_READAHEAD.read(p, (long) segSize * 512);
        if (maxRaBytes > bufferBytes) {
            throw MAX_READAHEAD.error(p, "must not exceed the buffer (" + bufferBytes + " bytes)");
        }
        int maxRa = (int) (maxRaBytes / 512);
        // A read can only take the actuator with a segment to read into (DiskSim's enablement
        // rule), so write data may fill all segments but one: with the write cache full a read
        // still runs, as on a real drive. DiskSim's "Maximum number of write segments".
        int writeSegments = WRITE_SEGMENTS.read(p, Math.max(1, segments - 1));
        if (writeSegments > segments) {
            throw WRITE_SEGMENTS.error(p, "must not exceed cache_segments (" + segments + ")");
        }
        HddParams.Cache cache = new HddParams.Cache(segments, segSize, writeSegments, false,
                1.0, 1.0, true, true, HddParams.Prefetch.UNTIL_SEGMENT_FULL, 0, Math.min(maxRa, segSize), 1, true,
                writeBack ? HddParams.WriteBack.ALWAYS : HddParams.WriteBack.OFF, false, false,
                true, true, false, true, true, true, false, true, writeBack, false, HddParams.Destage.RING);
        HddParams.Firmware fw = HddParams.Firmware.simple(COMMAND_OVERHEAD.read(p), COMPLETION_OVERHEAD.read(p));
        HddParams.Bus bus = HddParams.Bus.ofRate(LINK_RATE.read(p));
        int depth = NCQ_DEPTH.read(p);
        HddParams.Scheduler sched = scheduler(p, HddParams.Scheduler.SPTF);
        try {
            return new HddParams(MODEL.read(p), layout, mech, cache, fw, bus, depth, sched,
                    COMMAND_AGING.read(p), DESTAGE_YIELD.read(p));
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
