package io.stacksim.devices.ssd;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.BlockDeviceBase;
import io.stacksim.devices.dma.HostLink;
import io.stacksim.devices.dma.LinkSpec;
import io.stacksim.devices.dma.ScatterGather;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;

/**
 * A SATA SSD: the {@link FlashBackend} behind an AHCI host bus adapter and a SATA 6 Gb/s link,
 * with native command queueing (NCQ, up to 32 tags).
 *
 * <p>Per command (AHCI 1.3.1 s5; SATA 3.3 s13.6.4 "First-party DMA"): the driver fills a
 * command slot and sets PxCI/PxSACT; the HBA fetches the command header and table (with the
 * PRD scatter-gather list) from host memory ({@code command_fetch}) and sends a Register
 * Host-to-Device FIS. The drive's firmware queues the command; for data it sends a DMA Setup
 * FIS naming the tag, then Data FISes (reads), or the host sends them (writes); at the end a
 * Set Device Bits FIS carries the completion and the HBA interrupts. The link is half duplex:
 * every FIS of every command crosses it one at a time ({@link HostLink}), each paying the
 * FIS handshake ({@code fis_overhead}: X_RDY/R_RDY, R_IP/R_OK and turnaround), which is what
 * caps SATA SSDs near 100K 4 KiB IOPS.
 *
 * <p>A discard is DATA SET MANAGEMENT with the TRIM bit (ACS-3 s7.5), which libata sends as a
 * non-queued command (ATA_CMD_DSM; the queued SEND FPDMA QUEUED form needs SATA 3.1 and a drive
 * libata does not blacklist, ATA_HORKAGE_NO_NCQ_TRIM): ata_std_qc_defer holds it until every NCQ
 * command has finished, and holds every command behind it until it has, so a TRIM drains the
 * queue. Its payload is one 512-byte block of range entries (8 bytes each: a 48-bit LBA and up
 * to 65535 sectors; 64 per block, ATA_MAX_TRIM_RNUM), sent host to device.
 */
public final class SataSsd extends BlockDeviceBase implements SsdCommand.Stages, FlashBackend.HostInterface {
    /** The {@code sata-ssd} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    static final io.stacksim.config.Tunable<Long> FIS_OVERHEAD = io.stacksim.config.Tunable.duration("fis_overhead", 900, 1)
            .help("link time of the handshake around each FIS");
    static final io.stacksim.config.Tunable<Long> COMMAND_FETCH = io.stacksim.config.Tunable.duration("command_fetch", 500, 1)
            .help("HBA fetch of the command header and table from host memory");

    /** The SATA host interface's parameters and the flash back end's. */
    public static final io.stacksim.config.ConfigSection PARAMS = SsdParams.withHost("`kind: sata-ssd` devices (`device`)",
            "AHCI and the SATA link, then the flash behind them (the same keys as `kind: nvme`'s; docs/ssd.md).",
            FIS_OVERHEAD, COMMAND_FETCH);

    public static final io.stacksim.devices.DeviceKind KIND = io.stacksim.devices.DeviceKind.block("sata-ssd", "sda", SataSsd::build)
            .withDerived(p -> SsdFigures.lines(p, false)).withParams(PARAMS);

    private static final int FETCHED = 1;
    private static final int FIRMWARE = 2;
    private static final int DATA_IN = 3;
    private static final int STATUS = 4;
    /** Register Host-to-Device FIS: 5 Dwords. */
    static final int REG_H2D_FIS = 20;
    /** Set Device Bits FIS: 2 Dwords. */
    static final int SDB_FIS = 8;

    private final SsdConfig cfg;
    private final long fisOverheadNs;
    private final long commandFetchNs;
    private final ScatterGather sg;

    private HostLink link;
    private FlashBackend backend;
    private final ArrayDeque<SsdCommand> pool = new ArrayDeque<>();
    private long commands;
    /** Commands the drive holds now. */
    private int inflight;
    /** A non-queued TRIM is on the drive: nothing else starts until it ends. */
    private boolean trimActive;
    /** Commands held back by ata_std_qc_defer: a TRIM waiting for the queue to drain, and those behind it. */
    private final ArrayDeque<Request> deferred = new ArrayDeque<>();
    private long trims;

    /**
     * @param fisOverheadNs  link time of the handshake around each FIS (the link's per-use setup)
     * @param commandFetchNs HBA fetch of the command header and table from host memory
     */
    public SataSsd(String name, DeviceLimits limits, SsdConfig cfg, long fisOverheadNs, long commandFetchNs) {
        super(name, limits);
        if (limits.queueDepth() > 32) {
            throw new IllegalArgumentException("NCQ has 32 tags; queue_depth " + limits.queueDepth() + " is impossible on SATA");
        }
        this.cfg = cfg;
        this.fisOverheadNs = fisOverheadNs;
        this.commandFetchNs = commandFetchNs;
        this.sg = ScatterGather.ahciPrd(limits.maxSegments());
    }

    public FlashBackend backend() {
        return backend;
    }

    public HostLink link() {
        return link;
    }

    @Override
    protected void attached() {
        this.link = new HostLink(sim, LinkSpec.sata3(), fisOverheadNs);
        this.backend = new FlashBackend(sim, cfg, cfg.newFtl(host.random().stream("device." + name + ".precondition"),
                host.random().stream("device." + name + ".gc")), link, this,
                host.random().stream("device." + name + ".nand").nextLong(Long.MAX_VALUE));
    }

    @Override
    public void submit(Request rq) {
        if (rq.op != Op.DISCARD) {
            sg.check(rq);
        }
        commands++;
        if (trimActive || !deferred.isEmpty() || (rq.op == Op.DISCARD && inflight > 0)) {
            deferred.addLast(rq); // ata_std_qc_defer: ATA_DEFER_LINK
            return;
        }
        start(rq);
    }

    private void start(Request rq) {
        inflight++;
        if (rq.op == Op.DISCARD) {
            trimActive = true;
            trims++;
        }
        SsdCommand c = pool.pollFirst();
        if (c == null) {
            c = SsdCommand.create(this);
        }
        c.reset(rq, cfg.geometry().mappingUnit());
        rq.deviceData = c;
        c.stage = FETCHED;
        sim.after(commandFetchNs, c);
    }

    @Override
    public void advance(SsdCommand c) {
        switch (c.stage) {
            case FETCHED -> {
                // Register H2D FIS to the drive, then the firmware queues the command.
                c.stage = FIRMWARE;
                long arrives = link.transfer(REG_H2D_FIS, noop());
                long done = backend.firmware(arrives);
                c.rq.devQueueNs = done - arrives - cfg.commandOverheadNs() + (sim.now() - c.rq.tDispatched) - commandFetchNs;
                sim.schedule(done, c);
            }
            case FIRMWARE -> {
                if (c.rq.op == Op.WRITE || c.rq.op == Op.DISCARD) {
                    c.stage = DATA_IN; // DMA Setup FIS then the host's Data FISes, on the shared link
                    long bytes = c.rq.op == Op.DISCARD ? trimPayloadBytes(c.rq) : c.rq.hostBytes();
                    c.dma.set(bytes, false);
                    if (bytes == 0) {
                        c.dma.tStart = c.dma.tEnd = sim.now();
                        advance(c); // nothing to move (WRITE SAME with NDOB's media step): on to the media
                        return;
                    }
                    link.start(c.dma);
                } else {
                    backend.start(c);
                }
            }
            case DATA_IN -> {
                c.transferNs = c.dma.durationNs();
                backend.start(c);
            }
            case STATUS -> complete(c);
            default -> throw new IllegalStateException("SATA command in stage " + c.stage);
        }
    }

    private static final io.stacksim.engine.Event NOOP = () -> { };

    private static io.stacksim.engine.Event noop() {
        return NOOP;
    }

    @Override
    public void backendDone(SsdCommand c) {
        c.stage = STATUS; // Set Device Bits FIS, then the HBA's interrupt
        link.transfer(SDB_FIS, c);
    }

    private void complete(SsdCommand c) {
        Request rq = c.rq;
        rq.devQueueNs += c.queueNs;
        rq.devMediaNs = c.mediaNs;
        rq.devTransferNs = c.transferNs;
        if (rq.op.hasData() && rq.hostBytes() > 0) {
            host.countDma(rq, rq.hostBytes());
        }
        c.rq = null;
        rq.deviceData = null;
        pool.addFirst(c);
        inflight--;
        if (rq.op == Op.DISCARD) {
            trimActive = false;
        }
        host.complete(rq);
        while (!deferred.isEmpty() && !trimActive && (deferred.peekFirst().op != Op.DISCARD || inflight == 0)) {
            start(deferred.pollFirst());
        }
    }

    /** The TRIM payload: 512-byte blocks of 64 eight-byte range entries of at most 65535 sectors each. */
    static int trimPayloadBytes(Request rq) {
        long[] entries = {0};
        rq.forEachRange((s, n) -> entries[0] += (n + 65534) / 65535);
        return (int) Math.max(1, (entries[0] + 63) / 64) * 512;
    }

    @Override
    public io.stacksim.device.Transport transport() {
        return io.stacksim.device.Transport.SATA;
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> commands);
        stats.counter(prefix + "trims", () -> trims);
        stats.gauge(prefix + "link_busy_ms", () -> link.busyNs() / 1e6);
        backend.registerStats(stats, prefix + "ssd.");
    }

    @Override
    public void finishChecks(io.stacksim.engine.Invariants inv) {
        backend.finishChecks(inv, name());
    }

    /**
     * Builds a SATA SSD from profile parameters: the queue limits ({@link io.stacksim.devices.LimitsReader}),
     * the SSD ({@link SsdConfig}), {@code fis_overhead} and {@code command_fetch}.
     */
    public static SataSsd build(String name, io.stacksim.config.ConfigNode p) {
        DeviceLimits lim = io.stacksim.devices.LimitsReader.read(p, io.stacksim.devices.LimitsReader.DiscardDefaults.SATA);
        if (lim.queueDepth() > 32) {
            throw p.error("queue_depth", "NCQ has 32 tags, so a SATA device's queue_depth is at most 32");
        }
        if (lim.hwQueues() != 1) {
            throw p.error("hw_queues", "AHCI has one command list per port: hw_queues must be 1");
        }
        SsdConfig cfg = SsdConfig.from(p, lim);
        return new SataSsd(name, lim, cfg, FIS_OVERHEAD.read(p), COMMAND_FETCH.read(p));
    }
}
