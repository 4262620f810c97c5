package io.stacksim.experiment.machine;
import io.stacksim.block.BlockQueue;
import io.stacksim.block.BlockTarget;
import io.stacksim.config.ConfigException;
import io.stacksim.devices.dm.Dm;
import io.stacksim.devices.md.Md;
import io.stacksim.devices.stacked.BioBasedDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.stacksim.block.IoScheduler;
import io.stacksim.block.QueueSettings;
import io.stacksim.block.Schedulers;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.block.IoMax;
import io.stacksim.config.Tunable;
import io.stacksim.device.BlockDevice;
import io.stacksim.devices.Profiles;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.VmSettings;
import io.stacksim.os.CostModel;
import io.stacksim.os.Cpus;
import io.stacksim.os.Kernel;
import io.stacksim.os.NetCosts;
import io.stacksim.os.NetStack;
import io.stacksim.os.TcpSettings;

/**
 * One simulated machine built from a config: CPUs and the kernel's cost model ({@code cpu},
 * {@code os}), a file system ({@code fs}), the block queue and its scheduler ({@code block}),
 * and a device ({@code device}); with a {@code net} section (or when a workload asks for
 * {@link #network()}), also a NIC ({@code net.profile}, default nic-10g, and its parameters) and
 * the network stack ({@code net.tcp}). Everything shares one simulator and one set of random
 * streams seeded from {@code run.seed}.
 */
public final class Stack {
    /** The profile used when the config names none. */
    public static final String DEFAULT_PROFILE = "nvme-gen4";

    static final Tunable<Integer> CPU_COUNT = Tunable.integer("count", 2, 1, 4096).help("CPU cores");

    /** The {@code cpu} section. */
    public static final ConfigSection CPU = ConfigSection.of("cpu", "CPUs (`cpu`)", CPU_COUNT);

    /** The {@code device} section's own key. */
    public static final ConfigSection DEVICE = ConfigSection.of("device", "The device (`device`)",
            Profiles.PROFILE.shownDefault(DEFAULT_PROFILE), Profiles.DEV_NAME)
            .intro("""
                    `device.profile` names the model and its parameters; any other key under `device` overrides
                    one of the profile's parameters (`stacksim profiles NAME` lists them all). The parameters every
                    block device has, and those of the kinds that declare theirs, follow.""");

    /** The {@code devices.NAME} sections: the disks of a stack of several. */
    public static final ConfigSection DEVICES = ConfigSection.of("devices.<name>", "Several disks (`devices.NAME`)",
            Profiles.PROFILE.shownDefault(DEFAULT_PROFILE))
            .intro("""
                    Instead of one `device`, a machine may have several disks, each `devices.NAME` a device called NAME
                    (in /dev, diskstats and fio's `filename=/dev/NAME`) with its own request queue and scheduler:
                    `profile` and any of its parameters as under `device`, and a `block` map overriding the top-level
                    `block` settings for this disk's queue (e.g. `devices.sdb.block.scheduler: bfq`). md arrays
                    (`md.NAME`) and device-mapper devices (`dm.NAME`) are built on them; the file system is made
                    on `fs.device`. Each disk's statistics appear under its name (`diskstats.NAME.*`,
                    `block.NAME.*`, `device.NAME.*`); the plain `diskstats.*` are the file system's device's.""");

    /** fs.files[].path: a file present when the run starts. */
    static final Tunable<String> FILE_PATH = Tunable.text("path", null).range("a file name, e.g. /mnt/over.dat")
            .help("the file's name, as fio's directory= and filename= make it");
    /** fs.files[].size: its size. */
    static final Tunable<Long> FILE_SIZE = Tunable.size("size", 0, 1, Long.MAX_VALUE).shownDefault("none: needed")
            .help("its size, every byte written and on disk");
    /** The {@code fs.files} list. */
    public static final ConfigSection FS_FILES = ConfigSection.of("fs.files[]", "Files present at mount (`fs.files`)",
            FILE_PATH, FILE_SIZE).intro("""
                    A list of files the file system holds when the run starts, as an earlier run left them: written in
                    full, synced and committed (delayed allocation's layout, no unwritten extents), none of their pages
                    cached. fio finds them as existing files (no layout in the run), the way a job over a file laid out
                    beforehand runs on a real machine (e.g. `fs.files: [{path: /mnt/over.dat, size: 800k}]`).""");

    public final Simulator sim = new Simulator();
    public final RandomStreams random;
    public final Stats stats = new Stats();
    public final CostModel cost;
    public final Cpus cpus;
    /** The (first) disk. */
    public final BlockDevice device;
    /** The (first) disk's queue. */
    public final BlockQueue queue;
    /** Every disk's queue, in declaration order (one, unless `devices` names several). */
    public final List<BlockQueue> queues;
    /** The md and dm devices, in the order they were built (members first). */
    public final List<BioBasedDevice> stacked;
    /** The device the file system is on. */
    public final BlockTarget target;
    public final FileSystem fs;
    public final Kernel kernel;
    /** Costs of the socket, pipe and select/poll/epoll paths (keys of the {@code os} section). */
    public final NetCosts netCosts;
    private final ConfigNode root;
    private NetStack net;

    public Stack(ConfigNode root, long seed) {
        this(root, seed, false);
    }

    /** @param check run the page cache's invariant checks (--check) */
    public Stack(ConfigNode root, long seed, boolean check) {
        if (check) {
            sim.checkInvariants(new io.stacksim.engine.Invariants()); // before any layer is built: each reads it once
        }
        this.root = root;
        this.random = new RandomStreams(seed);
        this.cost = CostModel.from(root.section("os"));
        this.netCosts = NetCosts.from(root.section("os"));
        ConfigNode cpu = root.section("cpu");
        this.cpus = new Cpus(sim, CPU_COUNT.read(cpu), cost);
        ConfigNode fsSection = root.section("fs");
        String fsDevice = FileSystem.DEVICE.read(fsSection);
        if (!root.has("devices")) {
            this.device = Profiles.builtIn().create(root.section("device"), DEFAULT_PROFILE);
            ConfigNode block = root.section("block");
            this.queue = queue(device, block);
            this.queues = List.of(queue);
            this.stacked = List.of();
            this.target = queue;
            if (fsDevice != null && !fsDevice.equals(device.name())) {
                throw FileSystem.DEVICE.error(fsSection, "no device '" + fsDevice + "' (the machine has " + device.name() + ")");
            }
        } else {
            if (root.has("device")) {
                throw ConfigException.at(root.child("device").origin(),
                        "'device' and 'devices' both given: name every disk under 'devices'");
            }
            Map<String, BlockTarget> byName = new LinkedHashMap<>();
            List<BlockQueue> qs = new ArrayList<>();
            ConfigNode devices = root.section("devices");
            ConfigNode block = root.section("block");
            QueueSettings.from(block); // the defaults are read (and checked) even if every disk overrides them
            for (String name : devices.keys()) {
                qs.add(disk(name, devices.section(name), block));
                byName.put(name, qs.get(qs.size() - 1));
            }
            if (qs.isEmpty()) {
                throw ConfigException.at(devices.origin(), "'devices' names no disk");
            }
            this.queues = List.copyOf(qs);
            this.queue = qs.get(0);
            this.device = queue.device();
            this.stacked = List.copyOf(buildStacked(root, byName));
            String top = fsDevice != null ? fsDevice
                    : stacked.isEmpty() ? queue.name() : stacked.get(stacked.size() - 1).name();
            this.target = byName.get(top);
            if (target == null) {
                throw FileSystem.DEVICE.error(fsSection, "no device '" + top + "' (the machine has "
                        + String.join(", ", byName.keySet()) + ")");
            }
        }
        if (root.has("cgroups")) {
            cgroupLimits(root.section("cgroups"));
        }
        this.fs = new FileSystem(target, fsSection, random.stream("fs.allocator"));
        for (BlockQueue q : queues) {
            fs.addDevice(q);
        }
        for (BioBasedDevice d : stacked) {
            fs.addDevice(d);
        }
        this.kernel = new Kernel(sim, cpus, fs, VmSettings.from(root.section("vm"), check));
        presentFiles(fsSection);
        cpus.registerStats(stats);
        if (queues.size() == 1 && stacked.isEmpty()) {
            queue.registerStats(stats);
        } else {
            for (BlockQueue q : queues) {
                q.registerStats(stats.under(q.name()));
            }
            for (BioBasedDevice d : stacked) {
                d.registerStats(stats);
            }
            // The plain diskstats.* and iostat.* are the file system's device's, as with one disk.
            if (target instanceof BlockQueue q) {
                q.diskStats().register(stats, sim::now);
            } else {
                ((BioBasedDevice) target).diskStats().register(stats, sim::now);
            }
        }
        kernel.pageCache().registerStats(stats);
        if (fs.ext4() != null) {
            // /proc/meminfo's split: the block device's pages (ext4's metadata) apart from files'.
            stats.counter("cache.buffers_pages", () -> kernel.pageCache().bufferPages());
            stats.counter("cache.cached_pages", () -> kernel.pageCache().cachedFilePages());
        }
        if (kernel.journal() != null) {
            kernel.journal().registerStats(stats);
        }
        if (root.has("net")) {
            network();
        }
    }

    /** fs.files: each file laid out (written and synced) before the run. */
    private void presentFiles(ConfigNode fsSection) {
        if (!fsSection.has("files")) {
            return;
        }
        ConfigNode list = fsSection.child("files");
        if (!list.isList()) {
            throw ConfigException.at(list.origin(), "'" + list.path() + "': expected a list of {path, size}");
        }
        for (ConfigNode item : list.items()) {
            if (!item.isMap()) {
                throw ConfigException.at(item.origin(), "'" + list.path() + "': expected {path: NAME, size: SIZE}");
            }
            String path = FILE_PATH.read(item);
            if (path == null || path.isEmpty()) {
                throw ConfigException.at(item.origin(), "'" + item.path() + ".path': a file name is needed");
            }
            if (!FILE_SIZE.isSet(item)) {
                throw ConfigException.at(item.origin(), "'" + item.path() + ".size': a size is needed");
            }
            long size = FILE_SIZE.read(item);
            try {
                fs.create(path, size);
            } catch (IllegalArgumentException | io.stacksim.fs.FsException e) {
                throw FILE_PATH.error(item, e.getMessage());
            }
        }
    }

    /**
     * The {@code cgroups} section: each cgroup's io.max limits on the named disks (blk-throttle),
     * set on those disks' queues before any I/O.
     */
    private void cgroupLimits(ConfigNode cgroups) {
        for (String name : cgroups.keys()) {
            ConfigNode cg = cgroups.section(name);
            String path = (name.startsWith("/") ? name : "/" + name).replaceAll("/+$", "");
            if (path.isEmpty() || path.contains("//")) {
                throw ConfigException.at(cg.origin(), "'" + cg.path() + "': expected a cgroup name such as limited or a/b");
            }
            if (!cg.has("io")) {
                continue;
            }
            ConfigNode max = cg.section("io").section("max");
            for (String dev : max.keys()) {
                BlockQueue q = queues.stream().filter(x -> x.name().equals(dev)).findFirst().orElseThrow(() ->
                        ConfigException.at(max.child(dev).origin(), "'" + max.path() + "." + dev + "': no disk '" + dev
                                + "' (io.max limits a disk with a request queue: " + String.join(", ",
                                queues.stream().map(BlockQueue::name).toList()) + ")"));
                q.setThrottleLimits(path, IoMax.from(max.section(dev)));
            }
        }
    }

    /** The queue of {@code dev} with the {@code block} settings and their scheduler. */
    private BlockQueue queue(BlockDevice dev, ConfigNode block) {
        QueueSettings qs = QueueSettings.from(block);
        String schedName = Schedulers.resolve(qs.scheduler(), dev.limits());
        IoScheduler scheduler = Schedulers.create(schedName, block.section("iosched"));
        return new BlockQueue(sim, random, dev, cpus, qs, scheduler);
    }

    /** The disk {@code devices.NAME}: its profile and overrides, and its queue (block settings overlaid). */
    /**
     * A block device's name as the kernel takes one (a /dev entry and a /sys/block directory):
     * not empty, not '.' or '..', no '/' and no whitespace or control character.
     */
    static void requireDeviceName(String name, ConfigNode where, String section) {
        boolean ok = !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.length() <= 32;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = c > ' ' && c != '/' && c != 0x7f;
        }
        if (!ok) {
            throw ConfigException.at(where.origin(), "'" + section + "': '" + name + "' is not a device name"
                    + " (expected up to 32 characters without '/' or spaces, as in /dev and /sys/block, e.g. sdb or nvme1n1)");
        }
    }

    private BlockQueue disk(String name, ConfigNode section, ConfigNode defaults) {
        requireDeviceName(name, section, "devices");
        ConfigNode profile = section.copy();
        profile.remove("block");
        profile.set(Profiles.DEV_NAME.name(), name, section.origin());
        BlockDevice dev = Profiles.builtIn().create(profile, DEFAULT_PROFILE);
        if (!section.has("block")) {
            section.markOpen();
            return queue(dev, defaults);
        }
        ConfigNode own = section.section("block");
        ConfigNode merged = defaults.copy();
        merged.overlay(own);
        BlockQueue q = queue(dev, merged);
        own.checkUsedIn(merged);
        section.markOpen();
        return q;
    }

    /** The md and dm devices, each built once its members are (so they may stack on one another). */
    private List<BioBasedDevice> buildStacked(ConfigNode root, Map<String, BlockTarget> byName) {
        record Pending(String name, ConfigNode section, boolean md, List<String> members) {
        }
        List<Pending> pending = new ArrayList<>();
        for (String kind : List.of("md", "dm")) {
            if (!root.has(kind)) {
                continue;
            }
            ConfigNode all = root.section(kind);
            for (String name : all.keys()) {
                ConfigNode sec = all.section(name);
                requireDeviceName(name, sec, kind);
                if (byName.containsKey(name) || pending.stream().anyMatch(p -> p.name().equals(name))) {
                    throw ConfigException.at(sec.origin(), "two devices called '" + name + "'");
                }
                boolean md = kind.equals("md");
                pending.add(new Pending(name, sec, md, md ? Md.memberNames(sec) : Dm.memberNames(sec)));
            }
        }
        List<BioBasedDevice> built = new ArrayList<>();
        Map<String, String> usedBy = new HashMap<>();
        while (!pending.isEmpty()) {
            Pending ready = null;
            for (Pending p : pending) {
                if (p.members().stream().allMatch(m -> byName.containsKey(m) || (p.md() && m.equals(Md.MISSING)))) {
                    ready = p;
                    break;
                }
            }
            if (ready == null) {
                Pending p = pending.get(0);
                String missing = p.members().stream().filter(m -> !byName.containsKey(m) && !(p.md() && m.equals(Md.MISSING)))
                        .findFirst().orElse("?");
                boolean known = pending.stream().anyMatch(q -> q.name().equals(missing));
                throw ConfigException.at(p.section().origin(), "'" + p.section().path() + "': "
                        + (known ? "devices that stack on each other in a loop" : "no device '" + missing
                        + "' (the machine has " + String.join(", ", byName.keySet()) + ")"));
            }
            pending.remove(ready);
            List<BlockTarget> members = new ArrayList<>();
            for (String m : ready.members()) {
                if (ready.md() && m.equals(Md.MISSING) && !byName.containsKey(m)) {
                    members.add(null); // mdadm's missing: an empty slot of a degraded array
                    continue;
                }
                String other = usedBy.putIfAbsent(m, ready.name());
                if (other != null && ready.md()) {
                    throw ConfigException.at(ready.section().origin(), "'" + m + "' is already a member of '" + other + "'");
                }
                members.add(byName.get(m));
            }
            BioBasedDevice d = ready.md() ? Md.build(sim, ready.name(), ready.section(), members)
                    : Dm.build(sim, ready.name(), ready.section(), members);
            byName.put(d.name(), d);
            built.add(d);
        }
        return built;
    }

    /** The NIC on the {@code net} section's profile (default nic-10g) and the network stack, built on first use. */
    public NetStack network() {
        if (net == null) {
            ConfigNode section = root.section("net");
            ConfigNode tcpSection = section.section("tcp");
            TcpSettings tcp = TcpSettings.from(tcpSection);
            tcpSection.checkAllUsed();
            ConfigNode nicPart = section.copy();
            nicPart.remove("tcp");
            section.markOpen(); // the NIC's keys are checked against its profile below
            io.stacksim.device.NetworkDevice nic = Profiles.builtIn().createNetwork(nicPart, DEFAULT_NIC);
            net = new NetStack(sim, cpus, nic, netCosts, tcp);
            net.registerStats(stats);
        }
        return net;
    }

    /** The NIC profile used when {@code net.profile} names none. */
    public static final String DEFAULT_NIC = "nic-10g";

    /** The {@code net} section's own key. */
    public static final ConfigSection NET = ConfigSection.of("net", "The network (`net`)",
            Profiles.PROFILE.shownDefault(DEFAULT_NIC).range("a `kind: nic` profile: nic-10g, nic-100g"),
            Profiles.DEV_NAME)
            .intro("""
                    The NIC and the host's TCP, for network workloads (the section exists only for them): `net.profile`
                    names the NIC, any other key but `tcp` overrides one of its parameters (e.g.
                    `net.scatter_gather: false`, `net.mtu: 9000`).""");

    /** Starts writing the block trace of this machine's device to {@code out} (blkparse text, binary or both). */
    public io.stacksim.block.trace.TraceOutput.Writers traceTo(io.stacksim.block.trace.TraceOutput out) {
        io.stacksim.block.trace.TraceOutput.Writers w = out.open(device.name());
        queue.setTrace(w);
        return w;
    }

    /**
     * --check's end of run, once every figure has been taken: a sync(2) from a task of its own
     * writes every dirty page (and flushes a volatile cache), the simulation drains, and each
     * layer's end-of-run checks are made (no bio in flight, no dirty page left, the page
     * cache's counters against its pages). Returns every breach, one line each, empty when all
     * held or the run was not checked.
     */
    public java.util.List<String> finishChecks() {
        io.stacksim.fs.PageCacheChecker pc = kernel.pageCache().checker();
        io.stacksim.engine.Invariants inv = sim.invariants();
        if (pc == null && inv == null) {
            return java.util.List.of();
        }
        for (BlockQueue q : queues) {
            q.setTrace(null); // the sync is the checker's, not the run's: it stays out of the block trace
        }
        io.stacksim.os.Task syncer = cpus.newTask("sync");
        // Until the sync returns: a workload that never ends by itself (a server's arrivals) keeps scheduling.
        syncer.start(() -> kernel.syncAll(syncer, r -> {
            syncer.exit();
            sim.stop();
        }));
        sim.run();
        // Then until the bios still in flight (readahead, another task's writes) end, for at most a
        // minute of simulated time: what is left after that is a bio lost.
        long until = sim.now() + 60_000_000_000L;
        while (biosInFlight() > 0 && sim.pending() > 0 && sim.now() < until) {
            sim.runUntil(Math.min(until, sim.now() + 1_000_000));
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        if (pc != null) {
            pc.finish(true);
            if (inv == null) { // else its rules report them below
                for (String m : pc.messages()) {
                    out.add("page-cache: " + m);
                }
            }
        }
        if (inv != null) {
            for (BlockQueue q : queues) {
                q.finishChecks();
                q.device().finishChecks(inv);
            }
            out.addAll(inv.messages());
        }
        return out;
    }

    private long biosInFlight() {
        long n = 0;
        for (BlockQueue q : queues) {
            n += q.checkedBiosInFlight();
        }
        return n;
    }

    /** One line per rule --check verified: its name, how often it was checked, how often it failed. */
    public java.util.List<String> checkSummary() {
        java.util.List<String> out = new java.util.ArrayList<>();
        io.stacksim.engine.Invariants inv = sim.invariants();
        if (inv != null) {
            for (io.stacksim.engine.Invariants.Rule r : inv.rules()) {
                out.add(String.format(java.util.Locale.ROOT, "%-32s %12d checks %6d violations  (%s)", r.name(),
                        r.checked(), r.violations(), r.meaning()));
            }
        }
        return out;
    }

    /** Resets the statistics gathered so far (end of warm-up). */
    public void resetStats() {
        cpus.resetStats();
        for (BlockQueue q : queues) {
            q.diskStats().reset(sim.now());
        }
        for (BioBasedDevice d : stacked) {
            d.resetStats();
        }
        kernel.pageCache().resetStats();
        if (kernel.journal() != null) {
            kernel.journal().resetStats();
        }
        if (net != null) {
            net.resetStats();
        }
    }
}
