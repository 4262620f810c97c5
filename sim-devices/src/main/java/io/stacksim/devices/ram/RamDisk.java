package io.stacksim.devices.ram;

import io.stacksim.block.Request;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.BlockDeviceBase;
import io.stacksim.devices.DeviceKind;
import io.stacksim.devices.LimitsReader;
import io.stacksim.engine.Stats;

/**
 * A RAM disk like Linux's brd (drivers/block/brd.c): each request is a memory copy at memory
 * bandwidth plus a small per-request cost, done by the submitting CPU, so requests from
 * different CPUs proceed in parallel and no DMA is involved.
 *
 * <p>Like brd, it allocates a page on a block's first write (brd_insert_page) and a discard
 * frees the pages it covers whole (brd_do_discard: from the first page boundary in the range,
 * whole pages only; a partial page keeps its data); a read of a freed page returns zeroes.
 * {@code ram.pages} counts the pages held.
 */
public final class RamDisk extends BlockDeviceBase {
    static final Tunable<Double> MEMORY_BANDWIDTH = Tunable.rate("memory_bandwidth", 7.5e9)
            .help("one core's memory copy bandwidth");
    static final Tunable<Long> PER_REQUEST = Tunable.duration("per_request", 300, 1)
            .help("driver cost per request (the page lookup in brd's xarray)");

    /** The {@code ram} kind's own parameters. */
    public static final ConfigSection PARAMS = ConfigSection.of("device", "`kind: ram` devices (`device`)",
            MEMORY_BANDWIDTH, PER_REQUEST)
            .intro("A RAM disk like brd: each request is a copy by the submitting CPU, no DMA.");

    /** The {@code ram} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final DeviceKind KIND = DeviceKind.block("ram", "ram0", (devName, p) -> new RamDisk(devName,
            LimitsReader.read(p, LimitsReader.DiscardDefaults.RAM), MEMORY_BANDWIDTH.read(p), PER_REQUEST.read(p))).withParams(PARAMS);

    private final double bytesPerNs;
    private final long perRequestNs;
    private long served;
    /** Pages holding data (brd's xarray). */
    private final java.util.BitSet pages = new java.util.BitSet();
    private long freedPages;

    /**
     * @param memBytesPerSec memory copy bandwidth of one core
     * @param perRequestNs   per-request driver cost (page lookup in the brd xarray)
     */
    public RamDisk(String name, DeviceLimits limits, double memBytesPerSec, long perRequestNs) {
        super(name, limits);
        this.bytesPerNs = memBytesPerSec / 1e9;
        this.perRequestNs = perRequestNs;
    }

    @Override
    protected void attached() {
    }

    @Override
    public void submit(Request rq) {
        if (rq.op == io.stacksim.block.Op.WRITE) {
            pages.set((int) (rq.sector >> 3), (int) ((rq.endSector() + 7) >> 3));
        } else if (rq.op == io.stacksim.block.Op.DISCARD) {
            rq.forEachRange((s, n) -> {
                int first = (int) ((s + 7) >> 3);
                int end = (int) ((s + n) >> 3);
                if (first < end) {
                    freedPages += pages.get(first, end).cardinality();
                    pages.clear(first, end);
                }
            });
        }
        long copy = rq.op.hasData() ? (long) Math.ceil(rq.bytes() / bytesPerNs) : 0;
        rq.devQueueNs = 0;
        rq.devMediaNs = copy;
        rq.devTransferNs = 0;
        host.sim().after(perRequestNs + copy, () -> {
            served++;
            host.complete(rq);
        });
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> served);
        stats.counter(prefix + "ram.pages", () -> pages.cardinality());
        stats.counter(prefix + "ram.freed_pages", () -> freedPages);
    }
}
