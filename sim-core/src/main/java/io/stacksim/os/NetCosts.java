package io.stacksim.os;

import io.stacksim.config.ConfigNode;

/**
 * CPU costs of the socket, pipe and I/O-multiplexing paths, read from the config section
 * {@code os} next to the {@link CostModel} (kept apart so the file paths' costs stay readable).
 * A syscall's entry and exit, the VFS dispatch, context switches and copies are the
 * {@link CostModel}'s; these are the extra work of the network stack and of select/poll/epoll.
 *
 * <p>"Measured here" means on the reference machine (2-vCPU EPYC VM, Linux 6.18.44) with the
 * programs in {@code docs/measurements/} (thread CPU time, minimum of six runs, idle loopback
 * TCP sockets). The VM was loaded at the time (getppid cost 1.07 us there instead of the
 * 0.26 us of linux-facts section 7), so costs are given beyond a getppid measured in the same
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

    public static NetCosts defaults() {
        return new NetCosts(400, 200, 1_000, 1_000, 200, 50, 100, 50, 150, 100, 100, 700);
    }

    /** Reads the network keys of the {@code os} section. */
    public static NetCosts from(ConfigNode os) {
        NetCosts d = defaults();
        return new NetCosts(
                os.duration("socket_call", d.socketCallNs, 1),
                os.duration("skb_alloc", d.skbNs, 1),
                os.duration("net_tx_packet", d.txPacketNs, 1),
                os.duration("net_rx_packet", d.rxPacketNs, 1),
                os.duration("net_tx_completion", d.txCompletionNs, 1),
                os.duration("pipe_buffer", d.pipeBufNs, 1),
                os.duration("poll_per_fd", d.pollFdNs, 1),
                os.duration("poll_wait_entry", d.pollWaitNs, 1),
                os.duration("epoll_wait", d.epollWaitNs, 1),
                os.duration("epoll_per_ready", d.epollItemNs, 1),
                os.duration("epoll_callback", d.epollCallbackNs, 1),
                os.duration("epoll_ctl", d.epollCtlNs, 1));
    }
}
