package io.stacksim.devices.zoned;

import io.stacksim.block.ZonedLimits;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Origin;
import io.stacksim.config.Tunable;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.DeviceKind;
import io.stacksim.devices.hdd.HddProfile;
import io.stacksim.devices.nvme.NvmeProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * The zoned kinds: {@code zns} (an NVMe ZNS SSD: the {@code nvme} kind's controller and flash
 * behind the zone rules, zone append native) and {@code smr} (a host-managed SMR disk: the
 * {@code hdd} kind's mechanics behind the zone rules, zone append emulated by the block layer as
 * on SCSI/ATA, conventional zones first). The zone parameters are the same for both; the media
 * model gets the zones' total capacity ({@code nr_zones x zone_capacity}) as its own.
 */
public final class ZonedProfile {
    static final Tunable<Long> ZONE_SIZE = Tunable.size("zone_size", 256L << 20, 4096, 1L << 40)
            .range("a power of two").help("zone size (queue/chunk_sectors x 512)");
    static final Tunable<Long> ZONE_CAPACITY = Tunable.size("zone_capacity", 0, 0, 1L << 40)
            .shownDefault("zone_size").help("writable bytes of each sequential zone (NVMe ZNS zone capacity)");
    static final Tunable<Integer> NR_ZONES = Tunable.integer("nr_zones", 64, 1, 1 << 24).help("zones (queue/nr_zones)");
    static final Tunable<Integer> CONVENTIONAL_ZONES = Tunable.integer("conventional_zones", 0, 0, 1 << 24)
            .help("conventional zones at the start of the LBA space");
    static final Tunable<Integer> MAX_OPEN = Tunable.integer("max_open_zones", 0, 0, 1 << 20)
            .help("open resources (queue/max_open_zones); 0 = no limit");
    static final Tunable<Integer> MAX_ACTIVE = Tunable.integer("max_active_zones", 0, 0, 1 << 20)
            .help("active resources (queue/max_active_zones, NVMe ZNS); 0 = no limit");
    static final Tunable<Long> ZONE_APPEND_MAX = Tunable.size("zone_append_max", 0, 0, 1L << 30)
            .shownDefault("0 for smr (emulated), max_hw_sectors_kb for zns")
            .help("largest zone append the device runs itself (queue/zone_append_max_bytes; NVMe ZASL); 0 = the block layer emulates zone append");
    static final Tunable<Boolean> UNRESTRICTED_READS = Tunable.flag("unrestricted_reads", true)
            .help("reads beyond a write pointer return zeroes without touching the media (ZBC URSWRZ=1, NVMe ZNS); false = they fail");
    static final Tunable<Long> COMMAND_TIME = Tunable.duration("zone_command_time", 10_000, 1_000)
            .help("firmware time of a command that moves no media data (zone management, unwritten reads, rejected commands)");

    private static final List<Tunable<?>> ZONE_TUNABLES = List.of(ZONE_SIZE, ZONE_CAPACITY, NR_ZONES, CONVENTIONAL_ZONES,
            MAX_OPEN, MAX_ACTIVE, ZONE_APPEND_MAX, UNRESTRICTED_READS, COMMAND_TIME);

    private static ConfigSection section(String title, String intro, ConfigSection media) {
        List<Tunable<?>> all = new ArrayList<>(ZONE_TUNABLES);
        all.addAll(media.tunables());
        return new ConfigSection("device", title, intro, List.copyOf(all));
    }

    /** The {@code zns} kind's parameters: the zones, then the {@code nvme} kind's. */
    public static final ConfigSection ZNS_PARAMS = section("`kind: zns` devices (`device`)",
            "An NVMe Zoned Namespace SSD (docs/zoned.md): the zone parameters, then the `nvme` kind's.", NvmeProfile.PARAMS);
    /** The {@code smr} kind's parameters: the zones, then the {@code hdd} kind's. */
    public static final ConfigSection SMR_PARAMS = section("`kind: smr` devices (`device`)",
            "A host-managed SMR disk (docs/zoned.md): the zone parameters, then the `hdd` kind's.", HddProfile.PARAMS);

    /** The {@code zns} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final DeviceKind ZNS = DeviceKind.block("zns", "nvme0n1", (n, p) -> build(n, p, true))
            .withDerived(p -> figures(p)).withParams(ZNS_PARAMS);
    /** The {@code smr} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final DeviceKind SMR = DeviceKind.block("smr", "sda", (n, p) -> build(n, p, false))
            .withDerived(p -> figures(p)).withParams(SMR_PARAMS);

    private ZonedProfile() {
    }

    /** The zone geometry of profile parameters {@code p}, checked. */
    private record Geometry(long zoneBytes, long capBytes, int nrZones, int conventional) {
    }

    private static Geometry geometry(ConfigNode p) {
        long size = ZONE_SIZE.read(p);
        if (Long.bitCount(size) != 1 || size % 4096 != 0) {
            throw ZONE_SIZE.error(p, "must be a power of two of at least 4 KiB (Linux refuses other zone sizes)");
        }
        long cap = ZONE_CAPACITY.read(p, size);
        if (cap == 0) {
            cap = size;
        }
        if (cap > size || cap % 4096 != 0) {
            throw ZONE_CAPACITY.error(p, "must be a multiple of 4 KiB and at most zone_size (" + size + ")");
        }
        int n = NR_ZONES.read(p);
        int conv = CONVENTIONAL_ZONES.read(p);
        if (conv > n) {
            throw CONVENTIONAL_ZONES.error(p, "must not exceed nr_zones (" + n + ")");
        }
        if (conv > 0 && cap != size) {
            throw ZONE_CAPACITY.error(p, "conventional zones have no capacity below their size: use zone_capacity = zone_size with them");
        }
        return new Geometry(size, cap, n, conv);
    }

    /** Builds the zoned device: the media model with the zones' capacity, then the zone rules in front. */
    public static ZonedDevice build(String devName, ConfigNode p, boolean zns) {
        if (p.has("capacity")) {
            throw p.error("capacity", "a zoned device's capacity is nr_zones x zone_size; set those instead");
        }
        Geometry g = geometry(p);
        int maxOpen = MAX_OPEN.read(p);
        int maxActive = MAX_ACTIVE.read(p);
        if (maxActive > 0 && maxOpen > maxActive) {
            throw MAX_OPEN.error(p, "must not exceed max_active_zones (" + maxActive + ")");
        }
        if (!zns && maxActive > 0) {
            throw MAX_ACTIVE.error(p, "ZBC/ZAC disks have no active zone limit; leave it 0");
        }
        p.set("capacity", String.valueOf((long) g.nrZones() * g.capBytes()), Origin.of("zone geometry", 0));
        BlockDevice media = zns ? NvmeProfile.build(devName, p) : HddProfile.build(devName, p);
        long appendMax = ZONE_APPEND_MAX.read(p, zns ? (long) media.limits().maxHwSectors() << 9 : 0L);
        if (!zns && appendMax > 0) {
            throw ZONE_APPEND_MAX.error(p, "SCSI and ATA disks have no zone append command: the block layer emulates it (leave it 0)");
        }
        if (zns && appendMax == 0) {
            throw ZONE_APPEND_MAX.error(p, "NVMe ZNS requires zone append (ZASL > 0)");
        }
        ZonedLimits zl = new ZonedLimits(ZonedLimits.Model.HOST_MANAGED, g.zoneBytes() >> 9, g.nrZones(), maxOpen, maxActive,
                (int) (appendMax >> 9));
        ZoneState zs = new ZoneState(g.zoneBytes() >> 9, g.capBytes() >> 9, g.nrZones(), g.conventional(), maxOpen, maxActive);
        return new ZonedDevice(devName, media, zl, zs, COMMAND_TIME.read(p), UNRESTRICTED_READS.read(p), zns);
    }

    /** Figures for {@code stacksim profiles NAME}: the zone layout and the capacities it gives. */
    private static List<String> figures(ConfigNode p) {
        Geometry g = geometry(p);
        long lba = g.zoneBytes() * g.nrZones();
        long user = g.capBytes() * (g.nrZones() - g.conventional()) + g.zoneBytes() * g.conventional();
        List<String> out = new ArrayList<>();
        out.add(String.format(java.util.Locale.ROOT, "zones: %d of %d MiB (%d conventional), capacity %d MiB each",
                g.nrZones(), g.zoneBytes() >> 20, g.conventional(), g.capBytes() >> 20));
        out.add(String.format(java.util.Locale.ROOT, "LBA space %.3f TB, writable %.3f TB (%.1f %%)",
                lba / 1e12, user / 1e12, 100.0 * user / lba));
        out.add("max_open_zones " + MAX_OPEN.read(p) + ", max_active_zones " + MAX_ACTIVE.read(p));
        return out;
    }
}
