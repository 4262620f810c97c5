package io.stacksim.devices.md;

import io.stacksim.block.BlockTarget;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.devices.stacked.BioBasedDevice;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code md.NAME} sections: an md array as {@code mdadm --create /dev/NAME --level=L
 * --chunk=C --layout=X --raid-devices=N DEVICES...} makes it, with mdadm's defaults (512 KiB
 * chunks, left-symmetric RAID-5/6, near-2 RAID-10, a 1.2 superblock whose data offset leaves
 * mdadm's headroom). The array is clean: no resync or recovery runs.
 */
public final class Md {
    static final Tunable<String> LEVEL = Tunable.choice("level", "0", List.of("0", "1", "10", "5", "6"))
            .help("the RAID level (mdadm --level)");
    static final Tunable<String> DEVICES = Tunable.text("devices", null).shownDefault("(required)")
            .range("a list of device names; `missing` for an absent member (RAID-5/6)")
            .help("the members, in raid_disk order (mdadm's device list); `missing` leaves a slot empty, as"
                    + " mdadm --create does, for an array degraded from the start (RAID-5 one, RAID-6 up to two)");
    /** mdadm's word for an absent member in the device list. */
    public static final String MISSING = "missing";
    static final Tunable<Long> CHUNK = Tunable.size("chunk", 512 * 1024, 4096, 1L << 30)
            .help("the chunk size (mdadm --chunk; its default 512 KiB); not used by RAID-1");
    static final Tunable<String> LAYOUT = Tunable.text("layout", null)
            .shownDefault("left-symmetric (5, 6), n2 (10), alternate (0)")
            .range("RAID-5/6: left-asymmetric, right-asymmetric, left-symmetric, right-symmetric, parity-first,"
                    + " parity-last; RAID-10: nN (near copies); RAID-0: original, alternate")
            .help("the layout (mdadm --layout)");
    static final Tunable<Long> DATA_OFFSET = Tunable.size("data_offset", -1, -1, Long.MAX_VALUE)
            .shownDefault("mdadm's: 128 MiB, halved while above 0.1% of the member, at least 1 MiB")
            .range("a size, a multiple of 4 KiB")
            .help("where data starts on each member (after the 1.2 superblock and bitmap space)");

    static final Tunable<Integer> STRIPE_CACHE_SIZE = Tunable.integer("stripe_cache_size", 256, 17, 32768)
            .help("RAID-5/6: stripes in the stripe cache, 4 KiB per member each (sysfs md/stripe_cache_size; NR_STRIPES)");
    static final Tunable<Integer> RMW_LEVEL = Tunable.integer("rmw_level", 1, 0, 2)
            .help("RAID-5/6: 0 always reconstruct-write, 1 the cheaper of read-modify-write and reconstruct-write"
                    + " (a tie reconstructs), 2 prefer read-modify-write on a tie (sysfs md/rmw_level)");
    static final Tunable<Double> XOR_BANDWIDTH = Tunable.rate("xor_bandwidth", 10e9)
            .help("RAID-5/6: the rate parity is computed at (the boot-time xor/raid6 benchmark's; RAID-6 takes twice as long)");

    /** Every key of an {@code md.NAME} section. */
    public static final ConfigSection SECTION = ConfigSection.of("md.<name>", "md arrays (`md.NAME`)",
            LEVEL, DEVICES, CHUNK, LAYOUT, DATA_OFFSET, STRIPE_CACHE_SIZE, RMW_LEVEL, XOR_BANDWIDTH)
            .intro("""
                    Each `md.NAME` is an md array, /dev/NAME, on other devices of the stack (disks of `devices`, other
                    arrays, dm devices), as drivers/md builds it: RAID-0 stripes chunks over the members, RAID-1
                    mirrors them, RAID-10 keeps near copies of each chunk, RAID-5 and RAID-6 add rotating parity
                    through a stripe cache. The array's own diskstats appear under `diskstats.NAME.*`; each
                    member's under its name.""");

    private Md() {
    }

    /** The member device names of an {@code md.NAME} section. */
    public static List<String> memberNames(ConfigNode section) {
        ConfigNode d = section.child(DEVICES.name());
        if (d == null) {
            throw ConfigException.at(section.origin(), "'" + section.path() + "' needs 'devices', the list of its members");
        }
        List<String> names = new ArrayList<>();
        if (d.isList()) {
            for (ConfigNode n : d.items()) {
                names.add(n.text());
            }
        } else {
            for (String n : d.text().split("[,\\s]+")) {
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
        }
        if (names.isEmpty()) {
            throw ConfigException.at(d.origin(), "'" + d.path() + "': an array needs members");
        }
        return names;
    }

    /**
     * Builds the array {@code name} of {@code section} on {@code members} (in memberNames' order;
     * a null member is a {@code missing} slot).
     */
    public static BioBasedDevice build(Simulator sim, String name, ConfigNode section, List<BlockTarget> given) {
        String level = LEVEL.read(section);
        List<BlockTarget> members = new ArrayList<>(given);
        int absent = 0;
        BlockTarget smallest = null;
        for (BlockTarget m : given) {
            if (m == null) {
                absent++;
            } else if (smallest == null || m.capacitySectors() < smallest.capacitySectors()) {
                smallest = m;
            }
        }
        if (absent > 0) {
            int most = level.equals("5") ? 1 : level.equals("6") ? 2 : 0;
            if (absent > most || smallest == null) {
                throw DEVICES.error(section, "'" + name + "' has " + absent + " missing member" + (absent > 1 ? "s" : "")
                        + "; a degraded array is built for RAID-5 (one missing) and RAID-6 (up to two)");
            }
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i) == null) {
                    members.set(i, new io.stacksim.devices.stacked.MissingMember(smallest.capacitySectors(), smallest.limits()));
                }
            }
        }
        long chunk = CHUNK.read(section);
        String layout = LAYOUT.read(section);
        long offsetSet = DATA_OFFSET.read(section);
        int n = members.size();
        int minDisks = switch (level) {
            case "0", "1" -> level.equals("0") ? 1 : 2;
            case "10" -> 2;
            case "5" -> 2;
            default -> 4;
        };
        if (n < minDisks) {
            throw LEVEL.error(section, "RAID-" + level + " needs at least " + minDisks + " devices, '" + name + "' has " + n);
        }
        if (chunk % 4096 != 0) {
            throw CHUNK.error(section, "must be a multiple of 4 KiB");
        }
        if (!level.equals("0") && Long.bitCount(chunk) != 1) {
            throw CHUNK.error(section, "must be a power of two for RAID-" + level);
        }
        long[] offset = new long[n];
        long[] sectors = new long[n];
        for (int i = 0; i < n; i++) {
            long cap = members.get(i).capacitySectors();
            offset[i] = offsetSet >= 0 ? offsetSet >> 9 : mdadmDataOffset(cap);
            if (offset[i] % 8 != 0 || offset[i] >= cap) {
                throw DATA_OFFSET.error(section, "must be a multiple of 4 KiB below the size of " + members.get(i).name());
            }
            sectors[i] = cap - offset[i];
        }
        MdGeometry g = new MdGeometry((int) (chunk >> 9), offset, sectors);
        return switch (level) {
            case "0" -> new Raid0(sim, name, members, g, raid0Layout(section, layout));
            case "1" -> new Raid1(sim, name, members, g);
            case "10" -> new Raid10(sim, name, members, g, nearCopies(section, layout, n));
            case "5", "6" -> new Raid5(sim, name, members, g, Integer.parseInt(level), raid5Layout(section, layout),
                    RMW_LEVEL.read(section), STRIPE_CACHE_SIZE.read(section), XOR_BANDWIDTH.read(section));
            default -> throw LEVEL.error(section, "RAID-" + level + " is not built yet");
        };
    }

    /** A RAID-10 layout {@code nN} (mdadm's default n2): N near copies, at most the number of devices. */
    private static int nearCopies(ConfigNode section, String layout, int disks) {
        String l = layout == null ? "n2" : layout;
        if (l.matches("n[0-9]+")) {
            int n = Integer.parseInt(l.substring(1));
            if (n >= 2 && n <= disks) {
                return n;
            }
        }
        throw LAYOUT.error(section, "'" + l + "' is not a RAID-10 near layout for " + disks
                + " devices (n2 .. n" + disks + "; far and offset layouts are not built)");
    }

    /** A RAID-5/6 layout by mdadm's name (default left-symmetric, ALGORITHM_LEFT_SYMMETRIC). */
    private static Raid5.Algorithm raid5Layout(ConfigNode section, String layout) {
        Raid5.Algorithm a = Raid5.Algorithm.of(layout == null ? "left-symmetric" : layout);
        if (a == null) {
            throw LAYOUT.error(section, "'" + layout + "' is not a RAID-5/6 layout (left-asymmetric, right-asymmetric,"
                    + " left-symmetric, right-symmetric, parity-first, parity-last)");
        }
        return a;
    }

    private static int raid0Layout(ConfigNode section, String layout) {
        if (layout == null || layout.equals("alternate")) {
            return Raid0.ALT_MULTIZONE_LAYOUT;
        }
        if (layout.equals("original")) {
            return Raid0.ORIG_LAYOUT;
        }
        throw LAYOUT.error(section, "'" + layout + "' is not a RAID-0 layout (original, alternate)");
    }

    /**
     * mdadm's data offset for a 1.2 superblock (super1.c): 128 MiB of headroom, halved while
     * it is more than a thousandth of the device, but not below 1 MiB; in sectors.
     */
    static long mdadmDataOffset(long deviceSectors) {
        long headroom = 128L * 1024 * 2;
        while ((headroom << 10) > deviceSectors && headroom > 2048) {
            headroom >>= 1;
        }
        return headroom;
    }
}
