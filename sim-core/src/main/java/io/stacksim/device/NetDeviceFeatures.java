package io.stacksim.device;

/**
 * A network device's capabilities (netdev features and limits).
 *
 * @param linkBitsPerSecond line rate, e.g. 10e9
 * @param mtu               IP MTU in bytes (1500 standard, 9000 jumbo)
 * @param scatterGather     NETIF_F_SG: transmit from a list of fragments without linearising
 * @param maxFragments      page fragments per packet (MAX_SKB_FRAGS = 17 with 4 KiB pages)
 * @param tso               NETIF_F_TSO: the device segments a large TCP packet into MSS frames
 * @param gsoMaxSize        largest packet handed to a TSO device (GSO_MAX_SIZE 65536)
 */
public record NetDeviceFeatures(double linkBitsPerSecond, int mtu, boolean scatterGather, int maxFragments,
                                boolean tso, int gsoMaxSize) {
    /** IPv4 + TCP header bytes without options. */
    public static final int TCP_IP_HEADERS = 40;
    /** Ethernet bytes per frame beyond the IP packet: preamble+SFD 8, header 14, FCS 4, inter-frame gap 12. */
    public static final int ETHERNET_OVERHEAD = 38;

    public NetDeviceFeatures {
        if (linkBitsPerSecond <= 0 || mtu < 576 || maxFragments < 1 || gsoMaxSize < mtu) {
            throw new IllegalArgumentException("impossible network device features");
        }
    }

    /** TCP maximum segment size: MTU less IPv4 and TCP headers. */
    public int mss() {
        return mtu - TCP_IP_HEADERS;
    }

    /** Bytes on the wire (incl. Ethernet overhead) to carry a TCP payload of {@code payload} bytes cut at the MSS. */
    public long wireBytes(long payload) {
        long frames = Math.max(1, (payload + mss() - 1) / mss());
        return payload + frames * (TCP_IP_HEADERS + ETHERNET_OVERHEAD);
    }
}
