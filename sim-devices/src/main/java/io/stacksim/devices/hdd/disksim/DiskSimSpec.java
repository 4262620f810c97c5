package io.stacksim.devices.hdd.disksim;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.hdd.HddParams;
import io.stacksim.devices.hdd.Layout;
import io.stacksim.devices.hdd.Mechanics;
import io.stacksim.devices.hdd.SeekCurve;
import io.stacksim.devices.hdd.Zone;
import io.stacksim.devices.hdd.disksim.ParamFile.Block;
import io.stacksim.devices.hdd.disksim.ParamFile.Instantiation;
import io.stacksim.devices.hdd.disksim.ParamFile.Param;
import io.stacksim.devices.hdd.disksim.ParamFile.Scalar;
import io.stacksim.devices.hdd.disksim.ParamFile.TopoNode;
import io.stacksim.devices.hdd.disksim.ParamFile.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a DiskSim 4.0 configuration (a .parv with the .diskspecs, .model and .seek files it
 * names) into {@link HddParams} for one disk: the disk's own block (cache, firmware overheads,
 * queue), its diskmodel (layout_g1 zones, mech_g1 mechanics, the seek curve) and the bus it hangs
 * off (per-sector transfer times). The host-side components on the way (device driver,
 * pass-through controllers, upper buses) are checked to add no time, as in DiskSim's validation
 * setups; blocks unrelated to the disk (statistics, synthetic generator, logical organisation)
 * are listed as notes. Any parameter or value the model cannot honour is a {@link ConfigException}
 * naming the parameter and its file:line.
 */
public final class DiskSimSpec {
    /**
     * A loaded specification.
     *
     * @param params   the drive
     * @param disk     the DiskSim disk type (block name), e.g. HP_C2247A_validate
     * @param instance the disk instance modelled, e.g. disk0
     * @param notes    parameters read but without effect, with the reason
     * @param files    every file read
     */
    public record Loaded(HddParams params, String disk, String instance, List<String> notes, List<Path> files) {
    }

    private final List<String> notes = new ArrayList<>();
    private final List<Path> seekFiles = new ArrayList<>();

    private DiskSimSpec() {
    }

    /** Loads the disk described by {@code parv}. */
    public static Loaded load(Path parv) {
        return new DiskSimSpec().loadParv(parv);
    }

    /**
     * A diskmodel on its own: the layout and mechanics of the first {@code dm_disk} block in a
     * DiskSim .model file.
     *
     * @param layout zones, sparing and skews
     * @param mech   seek curve, head switch, write settle, spindle
     * @param notes  parameters read but without effect, with the reason
     */
    public record Model(Layout layout, Mechanics mech, List<String> notes) {
    }

    /** Loads the first {@code dm_disk} block of {@code modelFile}. */
    public static Model loadModel(Path modelFile) {
        ParamFile pf = ParamFile.parse(modelFile);
        for (Block b : pf.blocks()) {
            if (b.type().equals("dm_disk")) {
                DiskSimSpec s = new DiskSimSpec();
                s.notes.addAll(pf.notes());
                ModelParts mp = s.readModel(b);
                return new Model(mp.layout, mp.mech, List.copyOf(s.notes));
            }
        }
        throw new ConfigException(modelFile + ": no dm_disk block");
    }

    private Loaded loadParv(Path parv) {
        ParamFile pf = ParamFile.parse(parv);
        notes.addAll(pf.notes());
        Map<String, String> typeOf = new LinkedHashMap<>();
        for (Instantiation in : pf.instantiations()) {
            for (String n : in.names()) {
                typeOf.put(n, in.type());
            }
        }
        // The disk types instantiated.
        Set<String> diskTypes = new LinkedHashSet<>();
        Instantiation diskInst = null;
        for (Instantiation in : pf.instantiations()) {
            Block b = pf.block(in.type());
            if (b == null) {
                throw ConfigException.at(in.origin(), "instantiate ... as " + in.type() + ": no block named " + in.type());
            }
            if (b.type().equals("disksim_disk")) {
                diskTypes.add(in.type());
                if (diskInst == null) {
                    diskInst = in;
                }
            } else if (b.type().equals("disksim_simpledisk") || b.type().equals("ssdmodel_ssd")
                    || b.type().equals("memsmodel_mems")) {
                throw ConfigException.at(in.origin(), "device type " + b.type() + " (" + in.type()
                        + ") is not supported: StackSim reads DiskSim disk specs (disksim_disk)");
            }
        }
        if (diskInst == null) {
            throw new ConfigException(parv + ": no disksim_disk is instantiated");
        }
        if (diskTypes.size() > 1) {
            throw ConfigException.at(diskInst.origin(), "the configuration instantiates " + diskTypes.size()
                    + " different disk types " + diskTypes + "; StackSim models one device per spec");
        }
        String diskType = diskTypes.iterator().next();
        Block diskBlock = pf.block(diskType);

        for (TopoNode root : pf.topology()) {
            requireInstantiated(root, typeOf);
        }
        // The path from the driver to the first disk instance.
        List<TopoNode> path = new ArrayList<>();
        TopoNode disk = null;
        for (TopoNode root : pf.topology()) {
            disk = findDisk(root, typeOf, pf, path);
            if (disk != null) {
                break;
            }
        }
        if (disk == null) {
            throw new ConfigException(parv + ": the topology connects no disk of type " + diskType);
        }
        int diskInstances = 0;
        for (Map.Entry<String, String> e : typeOf.entrySet()) {
            if (e.getValue().equals(diskType)) {
                diskInstances++;
            }
        }
        if (diskInstances > 1) {
            notes.add(diskInst.origin() + ": " + diskInstances + " identical disks (" + diskType + ") instantiated; StackSim models "
                    + disk.name() + " (one device)");
        }
        HostPath host = checkHostPath(path, typeOf, pf);

        HddParams params = readDisk(diskBlock, host, parv);
        markUnrelated(pf, path, diskType);
        return new Loaded(params, diskType, disk.name(), List.copyOf(notes), allFiles(pf));
    }

    private List<Path> allFiles(ParamFile pf) {
        List<Path> all = new ArrayList<>(pf.files());
        all.addAll(seekFiles);
        return List.copyOf(all);
    }

    private static TopoNode findDisk(TopoNode node, Map<String, String> typeOf, ParamFile pf, List<TopoNode> path) {
        path.add(node);
        if (node.type().equals("disksim_disk")) {
            return node;
        }
        for (TopoNode ch : node.children()) {
            TopoNode d = findDisk(ch, typeOf, pf, path);
            if (d != null) {
                return d;
            }
        }
        path.remove(path.size() - 1);
        return null;
    }

    /** Every component the topology names must be instantiated (DiskSim: "unknown component"). */
    private static void requireInstantiated(TopoNode n, Map<String, String> typeOf) {
        if (!typeOf.containsKey(n.name())) {
            throw ConfigException.at(n.origin(), "topology names '" + n.name() + "', which is never instantiated"
                    + " (expected one of: " + String.join(", ", typeOf.keySet()) + ")");
        }
        for (TopoNode c : n.children()) {
            requireInstantiated(c, typeOf);
        }
    }

    private record HostPath(long readSectorNs, long writeSectorNs) {
    }

    /** Checks the driver, controllers and buses between host and disk; returns the disk bus's transfer times. */
    private HostPath checkHostPath(List<TopoNode> path, Map<String, String> typeOf, ParamFile pf) {
        long read = 0;
        long write = 0;
        for (int i = 0; i < path.size() - 1; i++) {
            TopoNode n = path.get(i);
            String type = typeOf.get(n.name());
            if (type == null) {
                throw ConfigException.at(n.origin(), "topology names '" + n.name() + "', which is never instantiated");
            }
            Block b = pf.block(type);
            BlockReader r = new BlockReader(b, notes);
            boolean diskBus = i == path.size() - 2;
            switch (n.type()) {
                case "disksim_iodriver" -> {
                    Param t = r.required("type");
                    if (r.scalar(t).integer(t.name()) != 1) {
                        throw r.unsupported(t, "only the standalone device driver (type 1) is modelled");
                    }
                    r.requireValue("Constant access time", 0.0, "a driver-imposed constant access time replaces the disk model");
                    r.note("Scheduler", "is the host's queue; StackSim's block layer takes its place");
                    r.note("Use queueing in subsystem", "concerns the host's queue; StackSim's block layer takes its place");
                }
                case "disksim_ctlr" -> {
                    Param t = r.required("type");
                    if (r.scalar(t).integer(t.name()) != 1) {
                        throw r.unsupported(t, "only pass-through controllers (type 1) are modelled");
                    }
                    r.requireValue("Scale for delays", 0.0, "pass-through controller delays");
                    r.note("Bulk sector transfer time", "is not used by a pass-through controller");
                    r.note("Maximum queue length", "is not used by a pass-through controller");
                    r.note("Print stats", "is an output option");
                }
                case "disksim_bus" -> {
                    Param t = r.required("type");
                    long bt = r.scalar(t).integer(t.name());
                    if (bt != 1 && bt != 2) {
                        throw r.unsupported(t, "bus type must be 1 (exclusive) or 2 (interleaved)");
                    }
                    r.requireValue("Arbitration time", 0.0, "bus arbitration delays");
                    r.note("Arbitration type", "has no effect with one device per bus");
                    r.note("Print stats", "is an output option");
                    if (diskBus) {
                        read = r.msNonNegative("Read block transfer time");
                        write = r.msNonNegative("Write block transfer time");
                    } else {
                        r.note("Read block transfer time", "is not charged by DiskSim above a pass-through controller");
                        r.note("Write block transfer time", "is not charged by DiskSim above a pass-through controller");
                    }
                }
                default -> throw ConfigException.at(n.origin(), "topology component type " + n.type() + " is not supported");
            }
            r.finish();
        }
        return new HostPath(read, write);
    }

    private void markUnrelated(ParamFile pf, List<TopoNode> path, String diskType) {
        Set<String> onPath = new LinkedHashSet<>();
        onPath.add(diskType);
        for (Block b : pf.blocks()) {
            boolean related = onPath.contains(b.name());
            for (TopoNode n : path) {
                related |= b.name().equals(n.name());
            }
            if (!related && !b.type().equals("disksim_bus") && !b.type().equals("disksim_ctlr")
                    && !b.type().equals("disksim_iodriver") && !b.type().equals("disksim_disk")) {
                notes.add(b.origin() + ": block '" + b.type() + " " + b.name() + "' is not part of the device (ignored)");
            }
        }
    }

    // ---------------------------------------------------------------- the disk

    private HddParams readDisk(Block diskBlock, HostPath host, Path parv) {
        BlockReader d = new BlockReader(diskBlock, notes);
        Block model = d.block("Model");
        ModelParts mp = readModel(model);

        // Queue and its scheduler.
        int maxQueue = (int) d.integer("Max queue length");
        Param mq = d.param("Max queue length");
        if (maxQueue < 1) {
            throw d.unsupported(mq, "the drive must accept at least one command");
        }
        Block sched = d.block("Scheduler");
        HddParams.Scheduler scheduler = readScheduler(sched);

        double timescale = d.number("Time scale for overheads");
        if (timescale < 0) {
            throw d.unsupported(d.param("Time scale for overheads"), "negative time scale");
        }
        long perRequest = scaled(d.msNonNegative("Per-request overhead time"), timescale);
        long bulk = d.msNonNegative("Bulk sector transfer time");

        boolean holdRead = d.flag("Hold bus entire read xfer");
        boolean holdWrite = d.flag("Hold bus entire write xfer");
        boolean almost = d.flag("Allow almost read hits");
        Param p;
        for (String sneaky : List.of("Allow sneaky full read hits", "Allow sneaky partial read hits",
                "Allow sneaky intermediate read hits")) {
            d.requireValue(sneaky, 0, "reads served from the buffer while another command uses the actuator");
        }
        boolean readHitsOnWrite = d.flag("Allow read hits on write data");
        boolean prebuffer = d.flag("Allow write prebuffering");
        d.requireValue("Preseeking level", 0, "moving the arm before the completion handshake");
        boolean neverDisconnect = d.flag("Never disconnect");
        d.note("Print stats", "is an output option");
        d.note("Avg sectors per cylinder", "is exported to host schedulers only; the disk does not use it");

        int segments = (int) d.integer("Number of buffer segments");
        int writeSegs = (int) d.integer("Maximum number of write segments");
        int segSize = (int) d.integer("Segment size (in blks)");
        boolean dedicated = d.flag("Use separate write segment");
        double lowWater = d.number("Low (write) water mark");
        double highWater = d.number("High (read) water mark");
        boolean byReq = d.flag("Set watermark by reqsize");
        d.note("Calc sector by sector", "DiskSim 4.0 always computes sector by sector, as StackSim does");
        int enable = d.intIn("Enable caching in buffer", 0, 2);
        if (enable == 2) {
            d.note("Enable caching in buffer", "is treated as 1 (DiskSim 4.0 uses the value as a boolean)");
        }
        boolean enableCache = enable != 0;
        int contRead = d.intIn("Buffer continuous read", 0, 4);
        int minRa = (int) d.integer("Minimum read-ahead (blks)");
        int maxRa = (int) d.integer("Maximum read-ahead (blks)");
        int keep = d.intIn("Read-ahead over requested", -1, 1);
        boolean raIdle = d.flag("Read-ahead on idle hit");
        boolean readAnyFree = d.flag("Read any free blocks");
        p = d.required("Fast write level");
        int fast = (int) d.scalar(p).integer(p.name());
        if (fast < 0 || fast > 2) {
            throw ConfigException.at(p.origin(), "'Fast write level' must be 0, 1 or 2");
        }
        p = d.required("Immediate buffer read");
        int immedRead = (int) d.scalar(p).integer(p.name());
        if (immedRead == 2 || immedRead < 0 || immedRead > 2) {
            throw d.unsupported(p, "zero-latency read levels other than 0 and 1");
        }
        p = d.required("Immediate buffer write");
        int immedWrite = (int) d.scalar(p).integer(p.name());
        if (immedWrite == 2 || immedWrite < 0 || immedWrite > 2) {
            throw d.unsupported(p, "zero-latency write levels other than 0 and 1");
        }
        boolean combine = d.flag("Combine seq writes");
        boolean stopInSector = d.flag("Stop prefetch in sector");
        boolean discInSeek = d.flag("Disconnect write if seek");
        boolean writeHitStop = d.flag("Write hit stop prefetch");
        boolean readDirect = d.flag("Read directly to buffer");
        boolean immedTrans = d.flag("Immed transfer partial hit");

        HddParams.Firmware fw = new HddParams.Firmware(perRequest,
                scaled(d.msNonNegative("Read hit over. after read"), timescale),
                scaled(d.msNonNegative("Read hit over. after write"), timescale),
                scaled(d.msNonNegative("Read miss over. after read"), timescale),
                scaled(d.msNonNegative("Read miss over. after write"), timescale),
                scaled(d.msNonNegative("Write hit over. after read"), timescale),
                scaled(d.msNonNegative("Write hit over. after write"), timescale),
                scaled(d.msNonNegative("Write miss over. after read"), timescale),
                scaled(d.msNonNegative("Write miss over. after write"), timescale),
                scaled(d.msNonNegative("Read completion overhead"), timescale),
                scaled(d.msNonNegative("Write completion overhead"), timescale),
                scaled(d.msNonNegative("Data preparation overhead"), timescale),
                scaled(d.msNonNegative("First reselect overhead"), timescale),
                scaled(d.msNonNegative("Other reselect overhead"), timescale),
                scaled(d.msNonNegative("Read disconnect afterread"), timescale),
                scaled(d.msNonNegative("Read disconnect afterwrite"), timescale),
                scaled(d.msNonNegative("Write disconnect overhead"), timescale),
                d.flag("Extra write disconnect"),
                scaled(d.msNonNegative("Extradisc command overhead"), timescale),
                scaled(d.msNonNegative("Extradisc disconnect overhead"), timescale),
                d.msNonNegative("Extradisc inter-disconnect delay"),
                scaled(d.msNonNegative("Extradisc 2nd disconnect overhead"), timescale),
                scaled(d.msNonNegative("Extradisc seek delta"), timescale),
                d.msNonNegative("Minimum seek delay"),
                holdRead, holdWrite, neverDisconnect);
        d.finish();

        // DiskSim's post-pass adjustments (disk_postpass_perdisk).
        if (contRead != 0 && !enableCache) {
            throw ConfigException.at(diskBlock.origin(), diskBlock.name() + ": read-ahead without caching makes no sense (DiskSim rejects it too)");
        }
        if (contRead == 0) {
            minRa = 0;
        }
        if (maxRa < minRa || (contRead == 0 && maxRa > 0)) {
            maxRa = minRa;
        }
        if (keep >= 0) {
            keep = Math.abs(keep - 1);
        }
        if (fast != 0 && !enableCache) {
            throw ConfigException.at(diskBlock.origin(), diskBlock.name() + ": write-back needs caching in the buffer");
        }
        if (readAnyFree && !enableCache) {
            throw ConfigException.at(diskBlock.origin(), diskBlock.name() + ": reading free blocks needs caching in the buffer (DiskSim rejects it too)");
        }
        if (writeSegs < 1 || writeSegs > segments || segments < 1 || (dedicated && segments < 2) || segSize < 1) {
            throw ConfigException.at(diskBlock.origin(), diskBlock.name() + ": impossible buffer: " + segments + " segments of "
                    + segSize + " blocks, " + writeSegs + " write segments");
        }
        HddParams.Cache cache = new HddParams.Cache(segments, segSize, writeSegs, dedicated, lowWater, highWater, byReq,
                enableCache, HddParams.Prefetch.of(contRead), minRa, maxRa, keep, raIdle, HddParams.WriteBack.of(fast),
                immedRead == 1, immedWrite == 1, combine,
                stopInSector, discInSeek, writeHitStop, readDirect, immedTrans, almost, readHitsOnWrite, prebuffer, readAnyFree,
                HddParams.Destage.DISKSIM);
        HddParams.Bus bus = new HddParams.Bus(Math.max(host.readSectorNs(), bulk), Math.max(host.writeSectorNs(), bulk));
        try {
            return new HddParams(diskBlock.name(), mp.layout, mp.mech, cache, fw, bus, maxQueue, scheduler, 0, 0);
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(diskBlock.origin(), diskBlock.name() + ": " + e.getMessage());
        }
    }

    private static long scaled(long ns, double scale) {
        return Math.round(ns * scale);
    }

    private HddParams.Scheduler readScheduler(Block b) {
        BlockReader r = new BlockReader(b, notes);
        Param pol = r.required("Scheduling policy");
        long policy = r.scalar(pol).integer(pol.name());
        if (policy != 1) {
            throw r.unsupported(pol, "the drive's queue is FCFS (policy 1) or StackSim's SPTF, chosen with device.scheduler");
        }
        r.note("Cylinder mapping strategy", "matters only to distance-based policies, not FCFS");
        r.requireValue("Write initiation delay", 0, "delayed write initiation");
        r.requireValue("Read initiation delay", 0, "delayed read initiation");
        r.requireValue("Sequential stream scheme", 0, "concatenating sequential requests in the drive's queue");
        r.note("Maximum concat size", "matters only with a sequential stream scheme");
        r.requireValue("Overlapping request scheme", 0, "merging overlapping requests in the drive's queue");
        r.note("Sequential stream diff maximum", "matters only with a sequential stream scheme");
        r.requireValue("Scheduling timeout scheme", 0, "scheduling timeouts");
        r.note("Timeout time/weight", "matters only with a timeout scheme");
        r.note("Timeout scheduling", "matters only with a timeout scheme");
        r.requireValue("Scheduling priority scheme", 0, "priority scheduling");
        r.note("Priority scheduling", "matters only with a priority scheme");
        r.finish();
        return HddParams.Scheduler.FCFS;
    }

    // ---------------------------------------------------------------- diskmodel

    private record ModelParts(Layout layout, Mechanics mech) {
    }

    private ModelParts readModel(Block model) {
        if (!model.type().equals("dm_disk")) {
            throw ConfigException.at(model.origin(), "the disk's Model must be a dm_disk block, got " + model.type());
        }
        BlockReader m = new BlockReader(model, notes);
        int surfaces = (int) m.integer("Number of data surfaces");
        int cylinders = (int) m.integer("Number of cylinders");
        long blockCount = m.integer("Block count");
        Block layoutBlock = m.block("Layout Model");
        Block mechBlock = m.block("Mechanical Model");
        m.finish();
        if (surfaces < 1 || surfaces > 0xFFFF) {
            throw ConfigException.at(m.required("Number of data surfaces").origin(), "'Number of data surfaces' must be 1..65535");
        }
        Layout layout = readLayout(layoutBlock, surfaces);
        if (layout.capacity() != blockCount) {
            notes.add(m.required("Block count").origin() + ": 'Block count = " + blockCount + "' differs from the zones' "
                    + layout.capacity() + " blocks; the zones rule, as in DiskSim");
        }
        if (layout.cylinders() != cylinders) {
            notes.add(m.required("Number of cylinders").origin() + ": 'Number of cylinders = " + cylinders
                    + "' differs from the zones' " + layout.cylinders() + "; the zones rule");
        }
        Mechanics mech = readMech(mechBlock, Math.max(cylinders, layout.cylinders()));
        return new ModelParts(layout, mech);
    }

    private Layout readLayout(Block b, int surfaces) {
        if (!b.type().equals("dm_layout_g1")) {
            throw ConfigException.at(b.origin(), "layout model " + b.type() + " is not supported (only dm_layout_g1)");
        }
        BlockReader r = new BlockReader(b, notes);
        Layout.Mapping mapping = Layout.Mapping.of(r.intIn("LBN-to-PBN mapping scheme", 0, 2));
        Layout.Sparing sparing = Layout.Sparing.of(r.intIn("Sparing scheme used", 0, 10));
        int rangeSize = 1;
        if (sparing == Layout.Sparing.SECTORS_PER_RANGE) {
            Param rs = r.required("Rangesize for sparing");
            long v = r.scalar(rs).integer(rs.name());
            if (v < 1) {
                throw ConfigException.at(rs.origin(), "'Rangesize for sparing' must be at least 1 cylinder");
            }
            rangeSize = (int) v;
        } else {
            r.note("Rangesize for sparing", "matters only to sparing scheme 8");
        }
        String skewUnits = r.has("Skew units") ? r.word("Skew units") : "sectors";
        List<Zone> zones = new ArrayList<>();
        for (Value v : r.list("Zones")) {
            if (!(v instanceof Block zb) || !zb.type().equals("dm_layout_g1_zone")) {
                throw ConfigException.at(v.origin(), "each zone must be a dm_layout_g1_zone block");
            }
            zones.add(readZone(zb, skewUnits, sparing));
        }
        r.finish();
        if (zones.isEmpty()) {
            throw ConfigException.at(b.origin(), "the layout has no zones");
        }
        try {
            return new Layout(surfaces, mapping, sparing, rangeSize, zones);
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(b.origin(), "layout: " + e.getMessage());
        }
    }

    private Zone readZone(Block b, String layoutSkewUnits, Layout.Sparing sparing) {
        BlockReader r = new BlockReader(b, notes);
        int first = (int) r.integer("First cylinder number");
        int last = (int) r.integer("Last cylinder number");
        int spt = (int) r.integer("Blocks per track");
        if (spt < 1 || spt > 0xFFFF) {
            throw ConfigException.at(r.required("Blocks per track").origin(), "'Blocks per track' must be 1..65535");
        }
        String units = r.has("Skew units") ? r.word("Skew units") : layoutSkewUnits;
        boolean revs;
        if (units.equals("revolutions")) {
            revs = true;
        } else if (units.equals("sectors")) {
            revs = false;
        } else {
            throw ConfigException.at(b.origin(), "'Skew units' must be sectors or revolutions, got '" + units + "'");
        }
        double offset = skew(r, "Offset of first block", revs, spt);
        int dead = (int) r.integer("Empty space at zone front");
        double tskew = r.has("Skew for track switch") ? skew(r, "Skew for track switch", revs, spt) : 0;
        double cskew = r.has("Skew for cylinder switch") ? skew(r, "Skew for cylinder switch", revs, spt) : 0;
        int spares = (int) r.integer("Number of spares");
        int[] slips = ints(r, "slips");
        int[] defects = ints(r, "defects");
        r.finish();
        if (defects.length % 2 != 0) {
            throw ConfigException.at(r.required("defects").origin(), "'defects' must list (bad, replacement) pairs");
        }
        try {
            return new Zone(first, last, spt, offset, dead, tskew, cskew, spares, slips, defects);
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(b.origin(), e.getMessage());
        }
    }

    /** DiskSim takes sector-unit skews as whole sectors ((int) value); revolution units scale by sectors per track. */
    private static double skew(BlockReader r, String name, boolean revolutions, int spt) {
        double v = r.number(name);
        return revolutions ? v * spt : (int) v;
    }

    private static int[] ints(BlockReader r, String name) {
        if (!r.has(name)) {
            return new int[0];
        }
        List<Value> items = r.list(name);
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Scalar s)) {
                throw ConfigException.at(items.get(i).origin(), "'" + name + "' must list integers");
            }
            long v = s.integer(name);
            if (v < 0) {
                throw ConfigException.at(s.origin(), "'" + name + "' values must not be negative");
            }
            out[i] = (int) v;
        }
        return out;
    }

    private Mechanics readMech(Block b, int cylinders) {
        if (!b.type().equals("dm_mech_g1")) {
            throw ConfigException.at(b.origin(), "mechanical model " + b.type() + " is not supported (only dm_mech_g1)");
        }
        BlockReader r = new BlockReader(b, notes);
        Param at = r.required("Access time type");
        String access = r.scalar(at).text();
        if (!access.equals("trackSwitchPlusRotation")) {
            throw r.unsupported(at, "only trackSwitchPlusRotation (seek and rotation both modelled) is supported");
        }
        Param st = r.required("Seek type");
        String seekType = r.scalar(st).text();
        if (r.has("Full seek curve")) {
            seekType = "extracted"; // as in DiskSim: a seek file forces the extracted curve
        }
        SeekCurve curve;
        Set<String> usedBy = new LinkedHashSet<>();
        switch (seekType) {
            case "constant" -> {
                curve = new SeekCurve.Constant(r.msNonNegative("Constant seek time"));
                usedBy.add("constant seek time");
            }
            case "linear" -> {
                notes.add(st.origin() + ": seek type linear follows the manual's interpolation; DiskSim 4.0's"
                        + " dm_mech_g1_seek_3pt_line multiplies by integer-divided fractions");
                curve = new SeekCurve.Linear(r.msNonNegative("Single cylinder seek time"), r.msNonNegative("Average seek time"),
                        r.msNonNegative("Full strobe seek time"), cylinders);
                usedBy.addAll(List.of("single cylinder seek time", "average seek time", "full strobe seek time"));
            }
            case "curve" -> {
                notes.add(st.origin() + ": seek type curve follows the manual's three-point equation (Lee); DiskSim 4.0"
                        + " never fits its coefficients (dm_mech_g1_seek_init is unreachable) and uses the three times as them");
                curve = SeekCurve.ThreePoint.fit(r.msNonNegative("Single cylinder seek time"), r.msNonNegative("Average seek time"),
                        r.msNonNegative("Full strobe seek time"), cylinders);
                usedBy.addAll(List.of("single cylinder seek time", "average seek time", "full strobe seek time"));
            }
            case "hpl", "hplplus10" -> {
                List<Value> v = r.list("HPL seek equation values");
                if (v.size() != 6) {
                    throw ConfigException.at(r.required("HPL seek equation values").origin(), "'HPL seek equation values' needs 6 values");
                }
                double[] x = new double[6];
                for (int i = 0; i < 6; i++) {
                    if (!(v.get(i) instanceof Scalar s)) {
                        throw ConfigException.at(v.get(i).origin(), "HPL seek equation values must be numbers");
                    }
                    x[i] = s.number("HPL seek equation values");
                }
                long[] ten = null;
                if (seekType.equals("hplplus10")) {
                    List<Value> t = r.list("First ten seek times");
                    if (t.size() != 10) {
                        throw ConfigException.at(r.required("First ten seek times").origin(), "'First ten seek times' needs 10 values");
                    }
                    ten = new long[10];
                    for (int i = 0; i < 10; i++) {
                        if (!(t.get(i) instanceof Scalar s)) {
                            throw ConfigException.at(t.get(i).origin(), "seek times must be numbers");
                        }
                        ten[i] = Math.round(s.number("First ten seek times") * 1e6);
                    }
                    usedBy.add("first ten seek times");
                }
                long single = x[5] == -1 ? -1 : Math.round(x[5] * 1e6);
                curve = new SeekCurve.Hpl((int) x[0], x[1] * 1e6, x[2] * 1e6, x[3] * 1e6, x[4] * 1e6, single, ten);
                usedBy.add("hpl seek equation values");
            }
            case "extracted" -> {
                Param f = r.required("Full seek curve");
                Path seekFile = ParamFile.resolve(Path.of(f.origin().source()), r.scalar(f).text());
                if (!Files.isRegularFile(seekFile)) {
                    throw ConfigException.at(f.origin(), "'Full seek curve': " + seekFile + " does not exist");
                }
                curve = SeekFile.read(seekFile);
                seekFiles.add(seekFile);
                usedBy.add("full seek curve");
            }
            default -> throw r.unsupported(st, "seek types are constant, linear, curve, hpl, hplplus10 and extracted");
        }
        for (String name : List.of("Single cylinder seek time", "Average seek time", "Full strobe seek time",
                "Constant seek time", "HPL seek equation values", "First ten seek times", "Full seek curve")) {
            if (!usedBy.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                r.note(name, "is not used by seek type " + seekType + " (DiskSim ignores it too)");
            }
        }
        long settle = r.ms("Add. write settling delay");
        long headSwitch = r.msNonNegative("Head switch time");
        long rpm = r.integer("Rotation speed (in rpms)");
        if (rpm <= 0) {
            throw ConfigException.at(r.required("Rotation speed (in rpms)").origin(), "'Rotation speed (in rpms)' must be positive");
        }
        r.requireValue("Percent error in rpms", 0.0, "randomised spindle speed (DiskSim 4.0 disables it as well)");
        r.note("Constant access time", "is used only by access time type constant");
        r.finish();
        return new Mechanics(curve, headSwitch, settle, Mechanics.periodOf(rpm));
    }
}
