package io.stacksim.devices.hdd.disksim;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.hdd.disksim.ParamFile.Block;
import io.stacksim.devices.hdd.disksim.ParamFile.ListValue;
import io.stacksim.devices.hdd.disksim.ParamFile.Param;
import io.stacksim.devices.hdd.disksim.ParamFile.Scalar;
import io.stacksim.devices.hdd.disksim.ParamFile.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, checked access to one DiskSim parameter block. Every parameter read is marked;
 * {@link #finish} turns any parameter nobody read into an error naming it and its file:line,
 * so a DiskSim feature StackSim does not model is never silently dropped. Parameters that are
 * understood but have no effect are recorded as notes with the reason.
 */
final class BlockReader {
    private final Block block;
    private final List<String> notes;
    private final Set<String> used = new HashSet<>();

    BlockReader(Block block, List<String> notes) {
        this.block = block;
        this.notes = notes;
    }

    Block block() {
        return block;
    }

    String where() {
        return block.name().isEmpty() ? block.type() : block.type() + " " + block.name();
    }

    boolean has(String name) {
        return block.param(name) != null;
    }

    Param param(String name) {
        Param p = block.param(name);
        if (p != null) {
            used.add(p.key());
        }
        return p;
    }

    Param required(String name) {
        Param p = param(name);
        if (p == null) {
            throw ConfigException.at(block.origin(), where() + ": missing parameter '" + name + "'");
        }
        return p;
    }

    Scalar scalar(Param p) {
        if (!(p.value() instanceof Scalar s)) {
            throw ConfigException.at(p.origin(), "'" + p.name() + "': expected a single value");
        }
        return s;
    }

    double number(String name) {
        Param p = required(name);
        return scalar(p).number(p.name());
    }

    double number(String name, double def) {
        Param p = param(name);
        return p == null ? def : scalar(p).number(p.name());
    }

    long integer(String name) {
        Param p = required(name);
        return scalar(p).integer(p.name());
    }

    long integer(String name, long def) {
        Param p = param(name);
        return p == null ? def : scalar(p).integer(p.name());
    }

    /** An integer in [lo, hi]. */
    int intIn(String name, int lo, int hi) {
        Param p = required(name);
        long v = scalar(p).integer(p.name());
        if (v < lo || v > hi) {
            throw ConfigException.at(p.origin(), "'" + p.name() + "' = " + v + " is out of range [" + lo + ", " + hi + "]");
        }
        return (int) v;
    }

    boolean flag(String name) {
        return intIn(name, 0, 1) == 1;
    }

    /** A time in ms as ns (may be negative where DiskSim allows it). */
    long ms(String name) {
        return Math.round(number(name) * 1e6);
    }

    long msNonNegative(String name) {
        Param p = required(name);
        double v = scalar(p).number(p.name());
        if (v < 0) {
            throw ConfigException.at(p.origin(), "'" + p.name() + "' must not be negative");
        }
        return Math.round(v * 1e6);
    }

    String word(String name) {
        return scalar(required(name)).text();
    }

    Block block(String name) {
        Param p = required(name);
        if (!(p.value() instanceof Block b)) {
            throw ConfigException.at(p.origin(), "'" + p.name() + "': expected a parameter block");
        }
        return b;
    }

    List<Value> list(String name) {
        Param p = required(name);
        if (!(p.value() instanceof ListValue l)) {
            throw ConfigException.at(p.origin(), "'" + p.name() + "': expected a list [ ... ]");
        }
        return l.items();
    }

    /** The parameter must have value {@code supported}; anything else is a feature StackSim lacks. */
    void requireValue(String name, double supported, String feature) {
        Param p = param(name);
        if (p == null) {
            return;
        }
        double v = scalar(p).number(p.name());
        if (v != supported) {
            throw unsupported(p, feature);
        }
    }

    ConfigException unsupported(Param p, String feature) {
        return ConfigException.at(p.origin(), "DiskSim parameter '" + p.name() + " = " + describe(p.value())
                + "' is not supported by StackSim's disk model (" + feature + ")");
    }

    /** Marks a parameter read that has no effect here, with the reason, as a note. */
    void note(String name, String reason) {
        Param p = param(name);
        if (p != null) {
            notes.add(p.origin() + ": '" + p.name() + " = " + describe(p.value()) + "' " + reason);
        }
    }

    /** Every parameter must have been read. */
    void finish() {
        for (Param p : block.params()) {
            if (!used.contains(p.key())) {
                throw ConfigException.at(p.origin(), "DiskSim parameter '" + p.name() + "' in " + where()
                        + " is not supported by StackSim's disk model");
            }
        }
    }

    static String describe(Value v) {
        if (v instanceof Scalar s) {
            return s.text();
        }
        if (v instanceof ListValue l) {
            return "[" + l.items().size() + " values]";
        }
        Block b = (Block) v;
        return (b.type() + " " + b.name()).trim().toLowerCase(Locale.ROOT).isEmpty() ? "{...}" : b.type() + " {...}";
    }
}
