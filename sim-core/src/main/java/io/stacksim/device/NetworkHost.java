package io.stacksim.device;

import io.stacksim.engine.Simulator;

/** What a network device sees of its host (the network stack). */
public interface NetworkHost {
    Simulator sim();

    /** The packet has left (TX completion): its buffers may be freed. Runs from the NIC's interrupt. */
    void transmitted(Packet p);

    /** A packet has arrived in host memory (RX). Runs from the NIC's interrupt. */
    void received(Packet p);

    /** Counts one DMA transfer of {@code bytes} for {@code p} in the copy counters. */
    void countDma(Packet p, long bytes);
}
