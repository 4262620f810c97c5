package io.stacksim.device;

import io.stacksim.block.IoOwner;

/**
 * A packet handed to or received from a {@link NetworkDevice} (an skb): a linear part with the
 * protocol headers and the payload, either linear too or in page fragments.
 * Mutable and reusable, like {@code block.Request}.
 */
public final class Packet {
    /** Protocol header bytes in the linear part (40 for IPv4 + TCP). */
    public int headerBytes = NetDeviceFeatures.TCP_IP_HEADERS;
    /** Payload bytes (all MSS segments together for a TSO packet). */
    public long payloadBytes;
    /** Page fragments holding the payload (skb_shinfo->nr_frags); 0 = payload in the linear part. */
    public int fragments;
    /** Who sent or receives it, charged with the DMA. May be null. */
    public IoOwner owner;
    /** The network stack's own state. */
    public Object hostData;
    /** Time handed to the driver / first bit arrived from the wire. */
    public long tQueued;
    /** Time the last bit left (TX) or the data reached host memory (RX). */
    public long tDone;
    /** Ethernet frames it took on the wire. */
    public int frames;

    /** DMA scatter-gather entries needed: the linear part plus each fragment. */
    public int dmaSegments() {
        return 1 + fragments;
    }
}
