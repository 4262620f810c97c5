package io.stacksim.devices.dm;

import io.stacksim.block.BlockTarget;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Origin;
import io.stacksim.config.Tunable;
import io.stacksim.devices.stacked.BioBasedDevice;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code dm.NAME} sections: a device-mapper device and its table, in {@code dmsetup
 * table} syntax, one line per target: {@code <start> <length> linear <dev> <offset>} or
 * {@code <start> <length> striped <#stripes> <chunk sectors> <dev> <offset> ...}. The lines
 * must cover the device from sector 0 without gaps (dm_table_complete).
 */
public final class Dm {
    static final Tunable<String> TABLE = Tunable.text("table", null).shownDefault("(required)")
            .range("a list of dmsetup table lines")
            .help("the table: `START LENGTH linear DEV OFFSET` or `START LENGTH striped N CHUNK DEV OFFSET ...`,"
                    + " sectors of 512 bytes; DEV a device of the stack (NAME or /dev/NAME)");

    /** Every key of a {@code dm.NAME} section. */
    public static final ConfigSection SECTION = ConfigSection.of("dm.<name>", "device-mapper devices (`dm.NAME`)", TABLE)
            .intro("""
                    Each `dm.NAME` is a device-mapper device, /dev/NAME, whose table maps it onto other devices of the
                    stack, with drivers/md's `linear` (dm-linear.c) and `striped` (dm-stripe.c) targets. Its own
                    diskstats appear under `diskstats.NAME.*`.""");

    private record Line(long start, long len, String type, String[] args, Origin origin) {
    }

    private Dm() {
    }

    private static List<Line> lines(ConfigNode section) {
        ConfigNode t = section.child(TABLE.name());
        if (t == null) {
            throw ConfigException.at(section.origin(), "'" + section.path() + "' needs 'table', its dmsetup table lines");
        }
        List<ConfigNode> nodes = t.isList() ? t.items() : List.of(t);
        List<Line> out = new ArrayList<>();
        for (ConfigNode n : nodes) {
            for (String raw : n.text().split("\n")) {
                String line = raw.trim();
                if (line.isEmpty()) {
                    continue;
                }
                String[] w = line.split("\\s+");
                if (w.length < 3) {
                    throw ConfigException.at(n.origin(), "'" + t.path() + "': '" + line
                            + "' is not a table line (expected START LENGTH TARGET ARGS...)");
                }
                String[] args = java.util.Arrays.copyOfRange(w, 3, w.length);
                out.add(new Line(number(w[0], n.origin(), line), number(w[1], n.origin(), line), w[2], args, n.origin()));
            }
        }
        if (out.isEmpty()) {
            throw ConfigException.at(t.origin(), "'" + t.path() + "': the table is empty");
        }
        return out;
    }

    private static long number(String s, Origin o, String line) {
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.at(o, "'" + s + "' in '" + line + "' is not a number of sectors");
    }

    private static String devName(String s) {
        return s.startsWith("/dev/") ? s.substring(5) : s;
    }

    /** The devices a {@code dm.NAME} table names, in order of first use. */
    public static List<String> memberNames(ConfigNode section) {
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (Line l : lines(section)) {
            switch (l.type()) {
                case "linear" -> {
                    check(l, l.args().length == 2, "linear takes DEV OFFSET");
                    names.put(devName(l.args()[0]), true);
                }
                case "striped" -> {
                    check(l, l.args().length >= 2, "striped takes N CHUNK DEV OFFSET ...");
                    int n = (int) number(l.args()[0], l.origin(), String.join(" ", l.args()));
                    check(l, n >= 1 && l.args().length == 2 + 2 * n, "striped " + n + " needs " + n + " DEV OFFSET pairs");
                    for (int i = 0; i < n; i++) {
                        names.put(devName(l.args()[2 + 2 * i]), true);
                    }
                }
                default -> throw ConfigException.at(l.origin(), "unknown target '" + l.type()
                        + "' (this build has linear, striped)");
            }
        }
        return new ArrayList<>(names.keySet());
    }

    private static void check(Line l, boolean ok, String message) {
        if (!ok) {
            throw ConfigException.at(l.origin(), "'" + l.start() + " " + l.len() + " " + l.type() + " "
                    + String.join(" ", l.args()) + "': " + message);
        }
    }

    /** Builds the device {@code name} of {@code section}; {@code devices} are memberNames' devices, in order. */
    public static BioBasedDevice build(Simulator sim, String name, ConfigNode section, List<BlockTarget> devices) {
        List<String> names = memberNames(section);
        List<DmTarget> targets = new ArrayList<>();
        long next = 0;
        long ioOpt = 0;
        for (Line l : lines(section)) {
            check(l, l.start() == next, "starts at " + l.start() + ", not at " + next + " where the table so far ends");
            check(l, l.len() > 0, "a target needs a length");
            if (l.type().equals("linear")) {
                int d = names.indexOf(devName(l.args()[0]));
                long off = number(l.args()[1], l.origin(), String.join(" ", l.args()));
                check(l, off + l.len() <= devices.get(d).capacitySectors(), "beyond the end of " + devices.get(d).name());
                targets.add(new LinearTarget(l.start(), l.len(), d, off));
            } else {
                int n = Integer.parseInt(l.args()[0]);
                long chunk = number(l.args()[1], l.origin(), String.join(" ", l.args()));
                // stripe_ctr: the chunk a multiple of the logical block, the length of whole chunks per stripe.
                check(l, chunk >= 8 && chunk % 8 == 0 && chunk <= Integer.MAX_VALUE, "the chunk must be a multiple of 8 sectors");
                check(l, l.len() % n == 0, "target length not divisible by number of stripes");
                check(l, (l.len() / n) % chunk == 0, "target length not divisible by chunk size");
                int[] devs = new int[n];
                long[] starts = new long[n];
                for (int i = 0; i < n; i++) {
                    devs[i] = names.indexOf(devName(l.args()[2 + 2 * i]));
                    starts[i] = number(l.args()[3 + 2 * i], l.origin(), String.join(" ", l.args()));
                    check(l, starts[i] + l.len() / n <= devices.get(devs[i]).capacitySectors(),
                            "beyond the end of " + devices.get(devs[i]).name());
                }
                targets.add(new StripedTarget(l.start(), l.len(), (int) chunk, devs, starts));
                ioOpt = Math.max(ioOpt, chunk * 512 * n); // stripe_io_hints: io_opt = chunk x stripes
            }
            next = l.start() + l.len();
        }
        return new DmDevice(sim, name, devices, targets.toArray(new DmTarget[0]), ioOpt);
    }
}
