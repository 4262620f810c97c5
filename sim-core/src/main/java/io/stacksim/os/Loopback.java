package io.stacksim.os;

/**
 * The loopback device (drivers/net/loopback.c) between this host's own sockets: no NIC, no
 * DMA, no wire. loopback_xmit orphans the packet (skb_orphan runs its destructor, tcp_wfree, so
 * TCP small queues never waits for it) and hands it to __netif_rx, which queues it on the
 * sending core's backlog (enqueue_to_backlog on smp_processor_id, no RPS) and raises NET_RX
 * there; process_backlog then runs the receive path (ip_rcv, tcp_v4_rcv or udp_rcv) on that
 * core, as softirq work stolen from whatever runs on it (on the sending task's return from
 * dev_queue_xmit, in the kernel). No hard interrupt is taken.
 *
 * <p>lo's features (loopback_setup): MTU 65536; NETIF_F_SG, NETIF_F_GSO_SOFTWARE (so TCP's GSO
 * packets pass whole, never segmented), NETIF_F_HW_CSUM and NETIF_F_RXCSUM (no checksum is
 * computed on either side); it has no NAPI, so no GRO either (netif_rx, process_backlog).
 */
final class Loopback {
    /** lo's MTU (loopback_setup: 64 KiB). */
    static final int MTU = 65536;
    /** lo's gso_max_size (GSO_LEGACY_MAX_SIZE; gso_ipv4_max_size defaults to it too). */
    static final int GSO_MAX_SIZE = 65536;
    /**
     * The MSS of a TCP connection over lo: tcp_sync_mss bounds it to half the largest window the
     * other end offered (tcp_bound_to_half_wnd), and the window of the handshake is 65483 bytes
     * (tcp_rmem[1] = 131072, half of it as window, rounded down to the MSS the MTU allows), so
     * 32741 - what TCP_MAXSEG reads on a loopback connection of this machine's kernel.
     */
    static final int TCP_MSS = 32741;
    /** The window a loopback handshake offers with the default buffers (half of tcp_rmem[1], in whole MSS of the MTU). */
    static final int HANDSHAKE_WINDOW = 65483;

    long txPackets;
    long txBytes;

    /** The MSS of a TCP connection over lo. */
    int mss() {
        return TCP_MSS;
    }

    /** tcp_xmit_size_goal on lo: sk_gso_max_size (gso_max_size less MAX_TCP_HEADER + 1) in whole MSS, at least one. */
    long sizeGoal(int mss) {
        long gso = GSO_MAX_SIZE - (NetStack.MAX_TCP_HEADER + 1);
        return Math.max(mss, gso / mss * mss);
    }

    /** loopback_xmit's counters (lo's tx packets and bytes, the payload and headers). */
    void count(long bytes) {
        txPackets++;
        txBytes += bytes;
    }
}
