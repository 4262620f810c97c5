package io.stacksim.testing;

import io.stacksim.block.BlockQueue;
import io.stacksim.block.NoneScheduler;
import io.stacksim.block.QueueSettings;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.block.Op;
import io.stacksim.fs.Extent;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.JournalArea;
import io.stacksim.fs.SimFile;
import io.stacksim.fs.VmSettings;
import io.stacksim.os.CostModel;
import io.stacksim.os.Cpus;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A small machine for kernel-path tests: CPUs, a block queue (none) on a recording device, a file system and the kernel. */
public final class KernelHarness {
    public final Simulator sim = new Simulator();
    public final Cpus cpus;
    public final RecordingDevice device;
    public final BlockQueue queue;
    public final FileSystem fs;
    public final Kernel kernel;

    /**
     * @param vm overrides of the {@code vm} section, e.g. {@code page_cache=8m}
     */
    public KernelHarness(int cpuCount, long deviceLatencyNs, boolean writeCache, Map<String, String> vm) {
        this(cpuCount, deviceLatencyNs, writeCache, vm, 128);
    }

    /** @param readAheadKb the queue's read_ahead_kb (128 by default) */
    public KernelHarness(int cpuCount, long deviceLatencyNs, boolean writeCache, Map<String, String> vm, int readAheadKb) {
        this(cpuCount, deviceLatencyNs, writeCache, false, vm, readAheadKb);
    }

    /** @param fua the device honours REQ_FUA */
    public KernelHarness(int cpuCount, long deviceLatencyNs, boolean writeCache, boolean fua, Map<String, String> vm,
                         int readAheadKb) {
        this(cpuCount, deviceLatencyNs, writeCache, fua, vm, readAheadKb, Map.of());
    }

    /** @param fsConfig overrides of the {@code fs} section, e.g. {@code barrier=false} */
    public KernelHarness(int cpuCount, long deviceLatencyNs, boolean writeCache, boolean fua, Map<String, String> vm,
                         int readAheadKb, Map<String, String> fsConfig) {
        RandomStreams random = new RandomStreams(1);
        cpus = new Cpus(sim, cpuCount, CostModel.defaults());
        device = new RecordingDevice(8L << 30, deviceLatencyNs, writeCache, fua);
        queue = new BlockQueue(sim, random, device, cpus, new QueueSettings("none", 0, 0, 0, readAheadKb, true), new NoneScheduler());
        ConfigNode fsNode = ConfigNode.emptyRoot("test");
        fsConfig.forEach((k, val) -> fsNode.set(k, val, Origin.flag("test")));
        fs = new FileSystem(queue, fsNode, random.stream("fs"));
        ConfigNode v = ConfigNode.emptyRoot("test");
        vm.forEach((k, val) -> v.set(k, val, Origin.flag("test")));
        kernel = new Kernel(sim, cpus, fs, VmSettings.from(v, true));
    }

    /** Starts a task running {@code body} (which must end with task.exit()). */
    public Task spawn(String name, Consumer<Task> body) {
        Task t = cpus.newTask(name);
        t.start(() -> body.accept(t));
        return t;
    }

    /** Runs the simulation until no event is left. */
    public void run() {
        sim.run();
    }

    /** Runs until {@code task} has exited (later journal commits and writeback are left unrun). */
    public void runUntilExit(Task task) {
        sim.runWhile(() -> !task.isDead());
    }

    /** The writes the device saw inside {@code f}'s blocks: its data, not the journal or ext4's metadata. */
    public List<RecordingDevice.Seen> dataWrites(SimFile f) {
        List<Extent> extents = f.extents();
        return device.of(Op.WRITE).stream().filter(s -> extents.stream().anyMatch(e -> s.sector() < e.sector()
                + (e.length() >> 9) && e.sector() < s.sector() + s.sectors())).toList();
    }

    /** The writes the device saw in the journal's blocks (none without a journal: fs.type raw). */
    public List<RecordingDevice.Seen> journalWrites() {
        JournalArea a = fs.journalArea();
        if (a == null) {
            return List.of();
        }
        long end = a.firstSector() + a.blocks() * (a.blockSize() / 512);
        return device.of(Op.WRITE).stream().filter(s -> s.sector() >= a.firstSector() && s.sector() < end).toList();
    }
}
