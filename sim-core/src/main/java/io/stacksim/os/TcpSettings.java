package io.stacksim.os;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;

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

    /** SOCK_MIN_SNDBUF = 2 x 2304 bytes. */
    static final Tunable<Long> SNDBUF = Tunable.size("sndbuf", 4L << 20, 4608, 1L << 31)
            .help("sk_sndbuf, fixed: tcp_wmem[2], what autotuning reaches for a bulk sender (16k = tcp_wmem[1])");
    static final Tunable<Long> RTT = Tunable.duration("rtt", 20_000, 1)
            .help("round-trip propagation time to the peer, excluding serialisation [est: one rack]");
    static final Tunable<Long> LIMIT_OUTPUT_BYTES = Tunable.size("limit_output_bytes", 4L << 20, 1, 1L << 31)
            .help("tcp_limit_output_bytes, the TCP small queues cap (4 MiB since 6.16)");
    static final Tunable<Integer> PACING_SHIFT = Tunable.integer("pacing_shift", 10, 0, 20)
            .help("sk_pacing_shift: TSQ allows pacing_rate >> shift bytes (~1 ms of data)");
    static final Tunable<Boolean> AUTOCORKING = Tunable.flag("autocorking", true)
            .help("tcp_autocorking: a small tail waits while earlier packets are still in the device");
    static final Tunable<Long> DELAYED_ACK = Tunable.duration("delayed_ack", 40_000_000L, 1_000_000)
            .help("TCP_DELACK_MIN (HZ/25): the longest wait before a delayed ACK");

    /** The {@code net.tcp} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("net.tcp", "TCP (`net.tcp`)",
            SNDBUF, RTT, LIMIT_OUTPUT_BYTES, PACING_SHIFT, AUTOCORKING, DELAYED_ACK);

    public static TcpSettings defaults() {
        return from(ConfigNode.emptyRoot("defaults"));
    }

    /** Reads the {@code net.tcp} section. */
    public static TcpSettings from(ConfigNode tcp) {
        return new TcpSettings(
                SNDBUF.read(tcp),
                RTT.read(tcp),
                LIMIT_OUTPUT_BYTES.read(tcp),
                PACING_SHIFT.read(tcp),
                AUTOCORKING.read(tcp),
                DELAYED_ACK.read(tcp));
    }
}
