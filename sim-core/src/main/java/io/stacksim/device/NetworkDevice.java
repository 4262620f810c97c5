package io.stacksim.device;

/**
 * The SPI a network interface card implements (module sim-devices), the network counterpart of
 * {@link BlockDevice}. The socket layer hands the driver one {@link Packet} (an skb) at a time;
 * the NIC fetches its data by DMA (one DMA per fragment when it can gather, so no CPU copy is
 * needed to linearise page-cache pages: what makes sendfile's last copy disappear), cuts it into
 * MTU-sized frames itself when it does TSO, puts them on the wire, and reports completion. Frames
 * arriving from the wire are DMAed into host memory and passed up.
 *
 * <p>The caller respects {@link #features()}: a packet with several fragments only when the
 * device can gather ({@code NETIF_F_SG}; otherwise the kernel linearises it, a CPU copy, in
 * validate_xmit_skb / skb_linearize), and a payload above the MSS only with TSO
 * ({@code NETIF_F_TSO}; otherwise the kernel segments in software, GSO).
 */
public interface NetworkDevice {
    /** Interface name, e.g. "eth0". */
    String name();

    /** What the device can do, as the kernel's netdev features and limits. */
    NetDeviceFeatures features();

    /** Connects the device to its host; called once before the first packet. */
    void attach(NetworkHost host);

    /** ndo_start_xmit: transmit {@code p}; {@link NetworkHost#transmitted} follows when it has left. */
    void transmit(Packet p);

    /** A frame arrives from the wire (the peer's side); {@link NetworkHost#received} follows. */
    void receive(Packet p);
}
