package io.stacksim.experiment.machine;
import io.stacksim.block.BlockQueue;
import io.stacksim.block.IoScheduler;
import io.stacksim.block.QueueSettings;
import io.stacksim.block.Schedulers;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
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

    public final Simulator sim = new Simulator();
    public final RandomStreams random;
    public final Stats stats = new Stats();
    public final CostModel cost;
    public final Cpus cpus;
    public final BlockDevice device;
    public final BlockQueue queue;
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
        this.root = root;
        this.random = new RandomStreams(seed);
        this.cost = CostModel.from(root.section("os"));
        this.netCosts = NetCosts.from(root.section("os"));
        ConfigNode cpu = root.section("cpu");
        this.cpus = new Cpus(sim, CPU_COUNT.read(cpu), cost);
        this.device = Profiles.builtIn().create(root.section("device"), DEFAULT_PROFILE);
        ConfigNode block = root.section("block");
        QueueSettings qs = QueueSettings.from(block);
        String schedName = Schedulers.resolve(qs.scheduler(), device.limits());
        IoScheduler scheduler = Schedulers.create(schedName, block.section("iosched"));
        this.queue = new BlockQueue(sim, random, device, cpus, qs, scheduler);
        this.fs = new FileSystem(queue, root.section("fs"), random.stream("fs.allocator"));
        this.kernel = new Kernel(sim, cpus, fs, VmSettings.from(root.section("vm"), check));
        cpus.registerStats(stats);
        queue.registerStats(stats);
        kernel.pageCache().registerStats(stats);
        if (root.has("net")) {
            network();
        }
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

    /** Resets the statistics gathered so far (end of warm-up). */
    public void resetStats() {
        cpus.resetStats();
        queue.diskStats().reset(sim.now());
        kernel.pageCache().resetStats();
        if (net != null) {
            net.resetStats();
        }
    }
}
