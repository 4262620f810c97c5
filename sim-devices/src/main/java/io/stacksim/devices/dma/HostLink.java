package io.stacksim.devices.dma;

import io.stacksim.engine.Event;
import io.stacksim.engine.Simulator;

/**
 * The link between a device and host memory (SATA, PCIe): transfers cross it one after
 * another at its effective bandwidth, each paying a fixed setup time first.
 * A transfer of N bytes on an idle link takes {@code setup + N / bandwidth}.
 */
public final class HostLink {
    private final Simulator sim;
    private final double bytesPerNs;
    private final long setupNs;
    private long busyUntil;
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
        this.bytesPerNs = bytesPerSecond / 1e9;
        this.setupNs = setupNs;
    }

    /** Time to move {@code n} bytes on an idle link. */
    public long transferTime(long n) {
        return setupNs + (bytesPerNs == 0 ? 0 : (long) Math.ceil(n / bytesPerNs));
    }

    /**
     * Queues a transfer of {@code n} bytes behind those already on the link; {@code done}
     * fires when it ends. Returns the end time.
     */
    public long transfer(long n, Event done) {
        long start = Math.max(sim.now(), busyUntil);
        long dur = transferTime(n);
        busyUntil = start + dur;
        transfers++;
        bytes += n;
        busyNs += dur;
        sim.schedule(busyUntil, done);
        return busyUntil;
    }

    public long transfers() {
        return transfers;
    }

    public long bytes() {
        return bytes;
    }

    public long busyNs() {
        return busyNs;
    }
}
