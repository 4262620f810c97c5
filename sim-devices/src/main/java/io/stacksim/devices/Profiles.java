package io.stacksim.devices;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Tunable;
import io.stacksim.device.BlockDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device profiles shipped with StackSim (resources {@code io/stacksim/devices/profiles/}),
 * and the factory that builds a device from a profile and the user's overrides.
 * A profile may also be a path to a YAML file of the same form.
 */
public final class Profiles {
    private static final String DIR = "/io/stacksim/devices/profiles/";

    /** The profile a {@code device} or {@code net} section starts from. */
    public static final Tunable<String> PROFILE = Tunable.text("profile", null)
            .range("a profile name (`stacksim profiles`), a profile .yaml, or disksim:PATH.parv")
            .help("the device's profile; every other key of the section overrides one of its parameters");

    /** The device's name in /dev, diskstats and traces; each kind has its default. */
    public static final Tunable<String> DEV_NAME = Tunable.text("dev_name", null)
            .shownDefault("the kind's (nvme0n1, sda, ram0, eth0)").range("a device name")
            .help("the device's name, as in /dev, /proc/diskstats and block traces");
    private final Map<String, DeviceProfile> builtIn = new LinkedHashMap<>();

    private Profiles() {
        try (InputStream index = Profiles.class.getResourceAsStream(DIR + "index.txt")) {
            if (index == null) {
                throw new IllegalStateException("profile index missing from the build");
            }
            for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String file = line.trim();
                if (file.isEmpty() || file.startsWith("#")) {
                    continue;
                }
                try (InputStream in = Profiles.class.getResourceAsStream(DIR + file)) {
                    if (in == null) {
                        throw new IllegalStateException("profile " + file + " listed but missing");
                    }
                    DeviceProfile p = read(ConfigNode.parseYaml(new InputStreamReader(in, StandardCharsets.UTF_8), file), file);
                    builtIn.put(p.name(), p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Profiles INSTANCE = new Profiles();

    /** The shipped profiles. */
    public static Profiles builtIn() {
        return INSTANCE;
    }

    public List<DeviceProfile> all() {
        return Collections.unmodifiableList(new ArrayList<>(builtIn.values()));
    }

    /** A shipped profile by name, or a profile file by path; errors list the known names. */
    public DeviceProfile lookup(String nameOrPath) {
        DeviceProfile p = builtIn.get(nameOrPath);
        if (p != null) {
            return p;
        }
        if (nameOrPath.startsWith(DISKSIM_PREFIX)) {
            return disksim(nameOrPath.substring(DISKSIM_PREFIX.length()));
        }
        if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml")) {
            Path path = Path.of(nameOrPath);
            if (!Files.exists(path)) {
                throw new ConfigException(nameOrPath + ": no such profile file");
            }
            return read(ConfigNode.parseYaml(path), path.toString());
        }
        throw new ConfigException("unknown device profile '" + nameOrPath + "' (known: "
                + String.join(", ", builtIn.keySet()) + ", a path to a profile .yaml, or disksim:PATH.parv)");
    }

    /** {@link #lookup}, with an error naming the file and line that chose the profile. */
    private DeviceProfile lookupAt(ConfigNode section, String name) {
        try {
            return lookup(name);
        } catch (ConfigException e) {
            if (!section.has(PROFILE.name()) || section.child(PROFILE.name()).origin() == null
                    || e.getMessage().startsWith(String.valueOf(section.child(PROFILE.name()).origin()))) {
                throw e;
            }
            throw PROFILE.error(section, e.getMessage());
        }
    }

    /** Prefix of a profile read from a DiskSim disk spec: {@code disksim:PATH/TO/x.parv}. */
    public static final String DISKSIM_PREFIX = "disksim:";

    /** A profile for the disk a DiskSim .parv describes (the HDD model reads the spec). */
    public static DeviceProfile disksim(String parv) {
        if (parv.isEmpty() || !Files.isRegularFile(Path.of(parv))) {
            throw new ConfigException(DISKSIM_PREFIX + parv + ": no such DiskSim .parv file");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("disksim", parv);
        return new DeviceProfile(DISKSIM_PREFIX + parv, "hdd", "Disk described by the DiskSim spec " + parv,
                "DiskSim 4.0 parameter files (" + parv + " and the files it sources)", params, parv);
    }

    /** Reads a profile document: name, kind, description, source and params. */
    public static DeviceProfile read(ConfigNode doc, String origin) {
        String name = required(doc, "name");
        String kind = required(doc, "kind");
        String description = doc.string("description", "");
        String source = doc.string("source", "");
        Map<String, String> params = new LinkedHashMap<>();
        ConfigNode p = doc.section("params");
        for (String key : p.keys()) {
            ConfigNode c = p.child(key);
            if (!c.isScalar()) {
                throw ConfigException.at(c.origin(), "profile parameter '" + key + "' must be a single value");
            }
            params.put(key, c.text());
        }
        doc.checkAllUsed();
        return new DeviceProfile(name, kind, description, source, params, origin);
    }

    private static String required(ConfigNode doc, String key) {
        String v = doc.string(key, null);
        if (v == null) {
            throw ConfigException.at(doc.origin(), "profile needs '" + key + "'");
        }
        return v;
    }

    /**
     * Builds the device for the config's {@code device} section: its {@code profile} (default
     * {@code defaultProfile}) overlaid with every other key of the section.
     */
    public BlockDevice create(ConfigNode deviceSection, String defaultProfile) {
        String name = PROFILE.read(deviceSection, defaultProfile);
        DeviceProfile profile = lookupAt(deviceSection, name);
        ConfigNode overrides = deviceSection.copy();
        overrides.remove(PROFILE.name());
        deviceSection.markOpen(); // its keys are checked against the model below
        ConfigNode params = profile.parameters(overrides);
        BlockDevice dev = build(profile, params);
        params.checkAllUsed();
        return dev;
    }

    /**
     * Builds the network device for a config section naming a {@code kind: nic} profile in
     * {@code profile} (default {@code defaultProfile}), overlaid with the section's other keys.
     */
    public io.stacksim.device.NetworkDevice createNetwork(ConfigNode section, String defaultProfile) {
        DeviceProfile profile = lookupAt(section, PROFILE.read(section, defaultProfile));
        DeviceKind kind = DeviceKinds.find(profile.kind());
        if (kind == null || kind.isBlock()) {
            throw PROFILE.error(section, "'" + profile.name() + "' is a " + profile.kind() + " device, not a network device");
        }
        ConfigNode overrides = section.copy();
        overrides.remove(PROFILE.name());
        section.markOpen();
        ConfigNode params = profile.parameters(overrides);
        io.stacksim.device.NetworkDevice nic = kind.network().build(DEV_NAME.read(params, kind.defaultDevName()), params);
        params.checkAllUsed();
        return nic;
    }

    /**
     * Figures that follow from a profile's parameters (effective link rate, raw capacity,
     * over-provisioning, parallel units), for {@code stacksim profiles NAME}; empty for kinds
     * without derived figures.
     */
    public static List<String> derived(DeviceProfile profile) {
        ConfigNode p = profile.parameters(null);
        DeviceKind kind = DeviceKinds.find(profile.kind());
        List<String> out = kind == null ? List.of() : kind.derived().lines(p);
        p.markOpen();
        return out;
    }

    /** The model behind the profile's kind. */
    static BlockDevice build(DeviceProfile profile, ConfigNode p) {
        DeviceKind kind = DeviceKinds.find(profile.kind());
        if (kind == null) {
            throw new ConfigException(profile.origin() + ": profile '" + profile.name()
                    + "' has unknown kind '" + profile.kind() + "'");
        }
        if (!kind.isBlock()) {
            throw new ConfigException(profile.origin() + ": profile '" + profile.name()
                    + "' is a network device (kind " + kind.name() + "), not a block device");
        }
        return kind.block().build(DEV_NAME.read(p, kind.defaultDevName()), p);
    }
}
