package io.stacksim.devices.dma;

import io.stacksim.engine.Event;

/**
 * One DMA transfer over a {@link DmaLink}: a reusable object the device owns (one per command
 * or per flash transaction), so that moving data allocates nothing per I/O.
 *
 * <p>The caller sets {@link #bytes}, {@link #toHost} and {@link #done}, then calls
 * {@link DmaLink#start}. When {@code done} fires, {@link #tStart} and {@link #tEnd} say when
 * the transfer was started and finished; {@link #queuedNs} is the time it spent waiting for
 * the link (FIFO links only; on a shared link the slow-down is part of the transfer).
 */
public final class DmaTransfer implements Event {
    /** Payload bytes to move. */
    public long bytes;
    /** Direction: device to host memory (a read's data) or host to device (a write's data). */
    public boolean toHost;
    /** Fired when the last byte has arrived. */
    public Event done;
    /** Time {@link DmaLink#start} was called. */
    public long tStart;
    /** Time the transfer ended. */
    public long tEnd;
    /** Time spent waiting for the link before moving (FIFO links). */
    public long queuedNs;

    // Link-private state.
    SharedLink.Direction server;
    double finishTag;
    int heapIndex = -1;

    /** A transfer with nothing set yet. */
    public DmaTransfer() {
    }

    /** A transfer that fires {@code done} when finished. */
    public DmaTransfer(Event done) {
        this.done = done;
    }

    /** Sets size and direction for the next use; returns this. */
    public DmaTransfer set(long bytes, boolean toHost) {
        this.bytes = bytes;
        this.toHost = toHost;
        return this;
    }

    /** Ends the setup phase on a shared link: joins the bandwidth share. */
    @Override
    public void fire() {
        server.join(this);
    }

    /** Time from start to end. */
    public long durationNs() {
        return tEnd - tStart;
    }
}
