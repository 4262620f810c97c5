package io.stacksim.devices.dma;

import io.stacksim.engine.Event;
import io.stacksim.engine.Simulator;

/**
 * A link on which DMA transfers cross one after another (first come, first served), each
 * paying a fixed setup time first, as on SATA: the link is half duplex and the device moves
 * one command's data at a time (a DMA Setup FIS, then its Data FISes; SATA 3.3 s13.6.4 and
 * s10.5.9), so a second transfer waits for the first. A transfer of N bytes on an idle link
 * takes {@code setup + wire(N) / rate}.
 *
 * <p>Built from a bare bandwidth (no framing) or from a {@link LinkSpec}; a full-duplex spec
 * keeps one queue per direction.
 */
public final class HostLink implements DmaLink {
    private final Simulator sim;
    private final LinkSpec spec;
    private final double bytesPerNs;
    private final long setupNs;
    private final long[] busyUntil = new long[2];
    private long transfers;
    private long bytes;
    private long busyNs;

    /**
     * @param bytesPerSecond effective bandwidth after encoding overhead; 0 = infinitely fast
     * @param setupNs        per-transfer setup time (DMA descriptor fetch, FIS or TLP headers)
     */
    public HostLink(Simulator sim, double bytesPerSecond, long setupNs) {
        if (bytesPerSecond < 0 || setupNs < 0) {
            throw new IllegalArgumentException("negative link parameter");
        }
        this.sim = sim;
        this.spec = null;
        this.bytesPerNs = bytesPerSecond / 1e9;
        this.setupNs = setupNs;
    }

    /** A link with the spec's encoding and framing, and {@code setupNs} per transfer. */
    public HostLink(Simulator sim, LinkSpec spec, long setupNs) {
        if (setupNs < 0) {
            throw new IllegalArgumentException("negative link setup");
        }
        this.sim = sim;
        this.spec = spec;
        this.bytesPerNs = spec.encodedBytesPerSecond() / 1e9;
        this.setupNs = setupNs;
    }

    /** Time to move {@code n} bytes on an idle link. */
    public long transferTime(long n) {
        long wire = spec == null ? n : spec.wireBytes(n);
        return setupNs + (bytesPerNs == 0 ? 0 : (long) Math.ceil(wire / bytesPerNs));
    }

    @Override
    public long idleTransferTime(long n) {
        return transferTime(n);
    }

    /**
     * Queues a transfer of {@code n} bytes behind those already on the link; {@code done}
     * fires when it ends. Returns the end time.
     */
    public long transfer(long n, Event done) {
        return reserve(n, true, done);
    }

    @Override
    public void start(DmaTransfer t) {
        long now = sim.now();
        t.tStart = now;
        long end = reserve(t.bytes, t.toHost, t.done);
        t.tEnd = end;
        t.queuedNs = end - transferTime(t.bytes) - now;
    }

    private long reserve(long n, boolean toHost, Event done) {
        int dir = spec != null && spec.fullDuplex() && !toHost ? 1 : 0;
        long start = Math.max(sim.now(), busyUntil[dir]);
        long dur = transferTime(n);
        busyUntil[dir] = start + dur;
        transfers++;
        bytes += n;
        busyNs += dur;
        sim.schedule(busyUntil[dir], done);
        return busyUntil[dir];
    }

    /** Time the link (the direction {@code toHost} uses) is booked until. */
    public long busyUntil(boolean toHost) {
        return busyUntil[spec != null && spec.fullDuplex() && !toHost ? 1 : 0];
    }

    @Override
    public long setupNs() {
        return setupNs;
    }

    @Override
    public double dataBytesPerSecond() {
        return spec == null ? bytesPerNs * 1e9 : spec.dataBytesPerSecond();
    }

    @Override
    public long transfers() {
        return transfers;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public long busyNs() {
        return busyNs;
    }
}
