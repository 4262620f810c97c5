package io.stacksim.os;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;

/**
 * CPU costs of the socket, pipe and I/O-multiplexing paths, read from the config section
 * {@code os} next to the {@link CostModel} (kept apart so the file paths' costs stay readable).
 * A syscall's entry and exit, the VFS dispatch, context switches and copies are the
 * {@link CostModel}'s; these are the extra work of the network stack and of select/poll/epoll.
 *
 * <p>"Measured here" means on the reference machine (2-vCPU EPYC VM, Linux 6.18.44) with the
 * programs in {@code docs/measurements/} (thread CPU time, minimum of six runs, idle loopback
 * TCP sockets). The VM was loaded at the time (getppid cost 1.07 us there instead of the
 * 0.26 us a getppid loop measured on the idle machine), so costs are given beyond a getppid measured in the same
 * run. [est] marks estimates.
 *
 * @param socketCallNs    socket-layer work of one send/recv call beyond the syscall frame and
 *                        the copy (sock_sendmsg/tcp_sendmsg_locked or tcp_recvmsg, lock_sock,
 *                        release_sock): 400 ns, measured here (recv of 64 B: 0.45 us beyond getppid)
 * @param skbNs           allocating and charging one skb (tcp_stream_alloc_skb): 200 ns [est]
 * @param txPacketNs      one packet down the stack to the driver (tcp_transmit_skb,
 *                        ip_queue_xmit, dev_queue_xmit, qdisc, ndo_start_xmit): 1 us, measured
 *                        here (a 64 B send on loopback costs 2.0 us beyond getppid for the TX path
 *                        and the loopback RX softirq together; split evenly)
 * @param rxPacketNs      one received packet in NET_RX softirq (driver RX, GRO, ip_rcv,
 *                        tcp_v4_rcv, queueing or ACK processing): 1 us, the other half of that
 * @param txCompletionNs  cleaning one transmitted packet's descriptor and freeing its skb: 200 ns [est]
 * @param pipeBufNs       setting up or releasing one pipe_buffer (page reference, ring slot):
 *                        50 ns [est]
 * @param pollFdNs        select/poll: one descriptor checked in one pass (fdget, vfs_poll ->
 *                        tcp_poll, fdput): 100 ns, measured here (slope of poll() with timeout 0
 *                        over 1,000-8,000 idle TCP sockets, 100-115 ns; 60 ns below 500 while
 *                        cache-resident; select's slope is the same)
 * @param pollWaitNs      a blocking select/poll's wait-queue entry per descriptor (__pollwait
 *                        adds it, poll_freewait removes it): 50 ns, measured here (blocking poll
 *                        with the ready descriptor last less with it first)
 * @param epollWaitNs     epoll_wait's own work beyond the syscall frame (ep_poll, locks): 150 ns,
 *                        measured here (1 ready, timeout 0: 1.34 us against getppid's 1.07 us,
 *                        less one item)
 * @param epollItemNs     one ready-list item in ep_send_events (ep_item_poll -> tcp_poll, copy of
 *                        the epoll_event, level-triggered re-queue): 100 ns, measured here
 *                        (epoll_wait slope from 1 to 64 ready; 130 ns up to 512)
 * @param epollCallbackNs ep_poll_callback in the waker: queue the item, wake the waiter: 100 ns [est]
 * @param epollCtlNs      epoll_ctl's own work (ep_insert / ep_remove): 700 ns, measured here (an
 *                        ADD+DEL pair costs 1.4 us beyond two getppid)
 */
public record NetCosts(long socketCallNs, long skbNs, long txPacketNs, long rxPacketNs, long txCompletionNs,
                       long pipeBufNs, long pollFdNs, long pollWaitNs, long epollWaitNs, long epollItemNs,
                       long epollCallbackNs, long epollCtlNs) {

    static final Tunable<Long> SOCKET_CALL = Tunable.duration("socket_call", 400, 1)
            .help("socket-layer work of one send/recv beyond the syscall frame and the copy, measured here");
    static final Tunable<Long> SKB_ALLOC = Tunable.duration("skb_alloc", 200, 1)
            .help("allocating and charging one skb [est]");
    static final Tunable<Long> NET_TX_PACKET = Tunable.duration("net_tx_packet", 1_000, 1)
            .help("one packet down the stack to the driver, measured here");
    static final Tunable<Long> NET_RX_PACKET = Tunable.duration("net_rx_packet", 1_000, 1)
            .help("one received packet in NET_RX softirq, measured here");
    static final Tunable<Long> NET_TX_COMPLETION = Tunable.duration("net_tx_completion", 200, 1)
            .help("cleaning one transmitted packet [est]");
    static final Tunable<Long> PIPE_BUFFER = Tunable.duration("pipe_buffer", 50, 1)
            .help("one pipe buffer set up or released (splice, sendfile) [est]");
    static final Tunable<Long> POLL_PER_FD = Tunable.duration("poll_per_fd", 100, 1)
            .help("select/poll: one descriptor checked in one pass, measured here");
    static final Tunable<Long> POLL_WAIT_ENTRY = Tunable.duration("poll_wait_entry", 50, 1)
            .help("select/poll: a wait-queue entry added and removed, measured here");
    static final Tunable<Long> EPOLL_WAIT = Tunable.duration("epoll_wait", 150, 1)
            .help("epoll_wait's own work beyond the syscall frame, measured here");
    static final Tunable<Long> EPOLL_PER_READY = Tunable.duration("epoll_per_ready", 100, 1)
            .help("one ready-list item checked in ep_send_events, measured here");
    static final Tunable<Long> EPOLL_CALLBACK = Tunable.duration("epoll_callback", 100, 1)
            .help("ep_poll_callback in the waker [est]");
    static final Tunable<Long> EPOLL_CTL = Tunable.duration("epoll_ctl", 700, 1)
            .help("one epoll_ctl's own work, measured here");

    /** The network and multiplexing costs of the {@code os} section. */
    public static final ConfigSection SECTION = ConfigSection.of("os", "Network and multiplexing CPU costs (`os`)",
            SOCKET_CALL, SKB_ALLOC, NET_TX_PACKET, NET_RX_PACKET, NET_TX_COMPLETION, PIPE_BUFFER, POLL_PER_FD,
            POLL_WAIT_ENTRY, EPOLL_WAIT, EPOLL_PER_READY, EPOLL_CALLBACK, EPOLL_CTL)
            .intro("The socket, pipe and select/poll/epoll paths' own work, beyond the syscall frame, the VFS"
                    + " dispatch and the copies above.");

    public static NetCosts defaults() {
        return from(ConfigNode.emptyRoot("defaults"));
    }

    /** Reads the network keys of the {@code os} section. */
    public static NetCosts from(ConfigNode os) {
        return new NetCosts(
                SOCKET_CALL.read(os),
                SKB_ALLOC.read(os),
                NET_TX_PACKET.read(os),
                NET_RX_PACKET.read(os),
                NET_TX_COMPLETION.read(os),
                PIPE_BUFFER.read(os),
                POLL_PER_FD.read(os),
                POLL_WAIT_ENTRY.read(os),
                EPOLL_WAIT.read(os),
                EPOLL_PER_READY.read(os),
                EPOLL_CALLBACK.read(os),
                EPOLL_CTL.read(os));
    }
}
