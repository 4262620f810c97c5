package io.stacksim.os;

import io.stacksim.config.ConfigNode;

/**
 * TCP settings of the simulated host, config section {@code net.tcp}.
 *
 * @param sndbuf           sk_sndbuf, fixed (no autotuning): 4 MiB, tcp_wmem[2], the size
 *                         tcp_sndbuf_expand grows a bulk sender's buffer to on a loss-free LAN;
 *                         16k gives tcp_wmem[1], a new connection's start
 * @param rttNs            round-trip propagation time of the link to the peer (switches, cable),
 *                         excluding serialisation: 20 us [est], one data-centre rack
 * @param limitOutputBytes tcp_limit_output_bytes, the TCP small queues cap on bytes a socket
 *                         has in the qdisc and driver: 4 MiB (net/ipv4/tcp_ipv4.c since 6.16;
 *                         1 MiB before)
 * @param pacingShift      sk_pacing_shift: TSQ allows pacing_rate >> shift bytes (10: ~1 ms)
 * @param autocorking      tcp_autocorking (1): a small tail is held back while earlier packets
 *                         of the socket are still in the device
 * @param delayedAckNs     TCP_DELACK_MIN (HZ/25 = 40 ms): longest wait before a delayed ACK
 */
public record TcpSettings(long sndbuf, long rttNs, long limitOutputBytes, int pacingShift, boolean autocorking,
                          long delayedAckNs) {

    public static TcpSettings defaults() {
        return new TcpSettings(4L << 20, 20_000, 4L << 20, 10, true, 40_000_000L);
    }

    /** Reads the {@code net.tcp} section. */
    public static TcpSettings from(ConfigNode tcp) {
        TcpSettings d = defaults();
        return new TcpSettings(
                tcp.size("sndbuf", d.sndbuf, 4608, 1L << 31), // SOCK_MIN_SNDBUF = 2 x 2304
                tcp.duration("rtt", d.rttNs, 1),
                tcp.size("limit_output_bytes", d.limitOutputBytes, 1, 1L << 31),
                tcp.intValue("pacing_shift", d.pacingShift, 0, 20),
                tcp.bool("autocorking", d.autocorking),
                tcp.duration("delayed_ack", d.delayedAckNs, 1_000_000));
    }
}
