package io.stacksim.devices.ssd;

import io.stacksim.devices.dma.DmaTransfer;
import io.stacksim.engine.Event;

/**
 * One flash transaction (MQSim's term): a page read for a command, a multi-plane program from
 * the write buffer, a garbage-collection step, or a chunk of read data that needs no NAND
 * (buffer hit, unmapped unit). Pooled; it walks its stages as events.
 */
final class FlashTxn implements Event {
    enum Kind { READ, PROGRAM, GC_READ, GC_PROGRAM, ERASE, IMMEDIATE }

    static final int WAIT = 0;
    static final int SENSED = 1;
    static final int XFERRED = 2;
    static final int PROGRAMMED = 3;
    static final int LINKED = 4;
    static final int ERASED = 5;

    private final FlashBackend backend;
    Kind kind;
    int stage;
    int die;
    int readUnit;
    int units;
    SsdCommand cmd;
    long seqStart;
    long tQueued;
    long tStart;
    long tSensed;
    long tChannel;
    long mediaNs;
    final DmaTransfer dma = new DmaTransfer(this);

    FlashTxn(FlashBackend backend) {
        this.backend = backend;
    }

    @Override
    public void fire() {
        backend.advance(this);
    }
}
