package io.stacksim.devices.hdd;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.BlockDeviceBase;
import io.stacksim.engine.Stats;

/**
 * A disk drive in the manner of DiskSim's validated disk model (Ganger, Worthington, Patt;
 * DiskSim 4.0 src/disksim_diskctlr.c and disksim_diskcache.c): zoned geometry, mechanics with
 * the platter angle following simulated time, and the drive firmware's controller and buffer
 * cache, whose rules decide when the arm moves, when the drive connects to the bus and what the
 * buffer already holds.
 *
 * <p>How a command is served. It arrives over the bus ({@link BusInterface}: the drive holds the
 * bus while it takes the command), pays the command overhead, and either stays connected to move
 * data at once (a cache hit, or a write the drive can take now) or disconnects. The actuator
 * ({@link Actuator}) serves one command at a time, chosen by the drive's scheduler
 * ({@link CommandScheduler}) among the queued ones: it seeks (after the command overhead), waits
 * for the first sector to come round, and moves data between media and a buffer segment
 * ({@link BufferCache}). The drive reconnects to the host when enough data is buffered (the
 * high/low water marks), streams it at the bus rate, and sends completion after the completion
 * overhead. After a read the drive keeps reading ahead into the segment until the prefetch limit,
 * the segment's end or a new command stops it; later reads that find their data in a segment are
 * hits. Writes complete when their data reaches the media, or, with write-back, once it is in the
 * buffer; FLUSH waits for the media, and a write with FUA always goes to the media first.
 *
 * <p>Not modelled (the DiskSim reader rejects specs that need them): preseeking, sneaky and
 * intermediate read hits, segment recycling and prepending writes to a dirty segment.
 */
public final class HddModel extends BlockDeviceBase {
    private final HddParams params;
    private final BufferCache cache;
    private final CommandScheduler scheduler;
    private final Actuator actuator;
    private final BusInterface bus;
    private long nextSeq;
    private long commands;
    private final io.stacksim.device.Transport transport;

    public HddModel(String name, DeviceLimits limits, HddParams params) {
        this(name, limits, params, io.stacksim.device.Transport.SATA);
    }

    /** A drive reached over {@code transport} (SATA behind libata, or SAS). */
    public HddModel(String name, DeviceLimits limits, HddParams params, io.stacksim.device.Transport transport) {
        super(name, limits);
        if (!transport.scsi()) {
            throw new IllegalArgumentException("a disk drive is reached over SATA or SAS, not " + transport);
        }
        this.transport = transport;
        this.params = params;
        Layout layout = params.layout();
        if (limits.capacitySectors() > layout.capacity()) {
            // The host may see less than the geometry holds (a datasheet capacity), never more.
            throw new IllegalArgumentException("limits capacity " + limits.capacitySectors() + " exceeds the geometry's " + layout.capacity());
        }
        if (limits.queueDepth() > params.queueDepth()) {
            throw new IllegalArgumentException("queue depth exceeds the drive's");
        }
        this.cache = new BufferCache(params);
        this.scheduler = new CommandScheduler(params);
        this.actuator = new Actuator(params);
        this.bus = new BusInterface(params);
    }

    /** The drive's parameters. */
    public HddParams params() {
        return params;
    }

    @Override
    protected void attached() {
        cache.connect(actuator, bus, scheduler);
        scheduler.connect(sim, host, cache, actuator);
        actuator.connect(sim, cache, bus, scheduler);
        bus.connect(sim, host, cache, actuator, scheduler);
    }

    @Override
    public void submit(Request rq) {
        commands++;
        if (rq.op == Op.FLUSH) {
            scheduler.flushArrive(rq, nextSeq++);
            return;
        }
        if (rq.op == Op.DISCARD) {
            // Disks have no TRIM: acknowledge without touching the media.
            rq.devQueueNs = 0;
            sim.after(params.firmware().writeComplete(), () -> host.complete(rq));
            return;
        }
        if (rq.nrSectors <= 0 || rq.endSector() > params.layout().capacity()) {
            throw new IllegalArgumentException("request outside the disk: " + rq);
        }
        bus.submit(new DriveCommand(rq, nextSeq++, sim.now(), params.cache().writeBackEnabled()));
    }

    @Override
    public io.stacksim.device.Transport transport() {
        return transport;
    }

    // ================================================================ statistics

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> commands);
        stats.counter(prefix + "hdd.read_hits_full", () -> bus.readHitsWhole);
        stats.counter(prefix + "hdd.read_hits_partial", () -> bus.readHitsPartial);
        stats.counter(prefix + "hdd.read_misses", () -> bus.readMisses);
        stats.counter(prefix + "hdd.writes", () -> bus.writes);
        stats.counter(prefix + "hdd.seeks", () -> actuator.seeks);
        stats.gauge(prefix + "hdd.seek_distance_mean", this::meanSeekDistance);
        stats.gauge(prefix + "hdd.seek_time_mean_ms", this::meanSeekMs);
        stats.counter(prefix + "hdd.media_sectors", () -> actuator.mediaSectors);
        stats.counter(prefix + "hdd.sectors_written", () -> actuator.sectorsWritten);
        stats.counter(prefix + "hdd.bus_sectors", () -> bus.busSectors);
    }

    /** Sectors written to the media so far. */
    public long sectorsWritten() {
        return actuator.sectorsWritten;
    }

    /** Read commands that found all their data in the buffer. */
    public long readHitsWhole() {
        return bus.readHitsWhole;
    }

    /** Read commands that found the start of their data in the buffer. */
    public long readHitsPartial() {
        return bus.readHitsPartial;
    }

    /** Mean seek distance (cylinders) of the repositionings that started an access. */
    public double meanSeekDistance() {
        return actuator.seeks == 0 ? 0 : (double) actuator.seekDistanceSum / actuator.seeks;
    }

    /** Mean seek time (ms) of the repositionings that started an access. */
    public double meanSeekMs() {
        return actuator.seeks == 0 ? 0 : actuator.seekNsSum / 1e6 / actuator.seeks;
    }
}
