package io.stacksim.devices.ssd;

import io.stacksim.block.Request;
import io.stacksim.devices.dma.DmaTransfer;
import io.stacksim.engine.Event;

/**
 * A command inside the SSD: the host interface's state for one request, pooled and reused so
 * the per-I/O path allocates nothing. The host interface sets {@link #stage} and schedules the
 * command as an event; the back end counts the flash work still outstanding in {@link #pending}.
 */
public final class SsdCommand implements Event {
    /** What the owning host interface does when this command fires as an event. */
    public interface Stages {
        void advance(SsdCommand c);
    }

    private final Stages owner;
    public Request rq;
    /** First mapping unit and number of units the command touches. */
    public int lpn;
    public int units;
    /** Host-interface stage (its own numbering). */
    public int stage;
    /** Host queue (NVMe queue pair) the command came through. */
    public int queue;
    /** Flash chunks or buffer insertions still outstanding. */
    int pending;
    /** Write-buffer position that must be durable before a FUA write or flush completes. */
    long durableSeq;
    /** The command's own data transfer (writes: host to device). */
    public final DmaTransfer dma = new DmaTransfer(this);

    /** Time the back end started on it (after the firmware). */
    public long tBackend;
    /** Device-internal queueing, media time and link time of the chunk that finished last. */
    public long queueNs;
    public long mediaNs;
    public long transferNs;
    /** Bytes the command may still move over the host link (Request#hostBytes: a VERIFY moves none). */
    public long hostLeft;

    SsdCommand(Stages owner) {
        this.owner = owner;
    }

    /** Creates a command owned by {@code owner}. */
    public static SsdCommand create(Stages owner) {
        return new SsdCommand(owner);
    }

    /** Resets the command for {@code rq}, whose data spans mapping units of {@code unitBytes}. */
    public SsdCommand reset(Request rq, int unitBytes) {
        this.hostLeft = rq.hostBytes();
        this.rq = rq;
        long first = (rq.sector << 9) / unitBytes;
        long end = ((rq.endSector() << 9) + unitBytes - 1) / unitBytes;
        this.lpn = (int) first;
        this.units = (int) (end - first);
        this.stage = 0;
        this.pending = 0;
        this.durableSeq = 0;
        this.queueNs = 0;
        this.mediaNs = 0;
        this.transferNs = 0;
        return this;
    }

    @Override
    public void fire() {
        owner.advance(this);
    }
}
