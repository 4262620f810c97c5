package io.stacksim.devices.ssd;

import io.stacksim.devices.dma.DmaTransfer;
import io.stacksim.engine.Event;

/**
 * One flash transaction (MQSim's term): a page read for a command, a prefetch read into the
 * controller's read cache, a multi-plane program from the write buffer, a garbage-collection
 * step, or a chunk of read data that needs no NAND (buffer or cache hit, unmapped unit).
 * Pooled; it walks its stages as events.
 */
final class FlashTxn implements Event {
    enum Kind { READ, PREFETCH, PROGRAM, GC_READ, GC_PROGRAM, ERASE, IMMEDIATE }

    static final int WAIT = 0;
    static final int SENSED = 1;
    static final int XFERRED = 2;
    static final int PROGRAMMED = 3;
    static final int LINKED = 4;
    static final int ERASED = 5;
    /** The read command and address cycles hold the channel. */
    static final int COMMANDED = 6;

    private final FlashBackend backend;
    Kind kind;
    int stage;
    int die;
    int plane;
    int readUnit;
    int units;
    /** First logical unit (reads, prefetches) and its physical unit when the read was issued. */
    int lpn;
    long ppn;
    /** Page-granular physical address and page index within its block (its page type). */
    long page;
    int pageInBlock;
    SsdCommand cmd;
    long seqStart;
    /** Arrival order at the die, for chip-level first come first served. */
    long order;
    long tQueued;
    long tStart;
    long tSensed;
    long tChannel;
    long mediaNs;
    /** Next member of the read group waiting for the same sensing. */
    FlashTxn next;
    final DmaTransfer dma = new DmaTransfer(this);

    FlashTxn(FlashBackend backend) {
        this.backend = backend;
    }

    @Override
    public void fire() {
        backend.advance(this);
    }
}
