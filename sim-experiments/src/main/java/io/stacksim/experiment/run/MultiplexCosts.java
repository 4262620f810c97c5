package io.stacksim.experiment.run;

import io.stacksim.os.CostModel;
import io.stacksim.os.NetCosts;
import io.stacksim.workload.ServerSpec;

/**
 * The CPU time per request the cost model implies for a server whose requests each arrive
 * alone (the server is idle, waiting, when one comes), with requests and responses of at most
 * one segment and the client's ACK of the response arriving on its own (delayed ACK).
 *
 * <p>Common to every mode: the request's interrupt and NET_RX processing; the context switch
 * that gives the woken thread a CPU; recvfrom (two mode switches, the socket call, the copy of
 * the request); the service time; sendto (two mode switches, the socket call, an skb, the copy
 * of the response, the packet down the stack); the response's transmit-completion interrupt;
 * the interrupt and NET_RX processing of the client's ACK.
 *
 * <p>On top, per request:
 * <ul>
 *   <li>threads: nothing (the thread sleeps inside recvfrom);</li>
 *   <li>epoll: the epoll callback in the softirq; the epoll_wait that returns (the item checked,
 *       the 12-byte event copied out, the exit) and the next one that sleeps (the entry, its
 *       own work, the level-triggered item checked again and dropped); the scan of 1 event;</li>
 *   <li>poll over n descriptors: the call that sleeps (entry, copy-in of n pollfds, a pass with
 *       a wait-queue entry per descriptor) and its return after the wake-up (a second pass,
 *       copy-out, exit); the application's walk over the n pollfds;</li>
 *   <li>select: as poll, with fd_set bitmaps of nfds bits copied instead of pollfd arrays and
 *       FD_ISSET over every descriptor up to nfds.</li>
 * </ul>
 * So epoll's cost is independent of n, poll's and select's grow as
 * n x (2 x poll_per_fd + poll_wait_entry + user_scan_per_fd) plus the copies.
 */
public final class MultiplexCosts {
    private MultiplexCosts() {
    }

    /** sizeof(struct pollfd), sizeof(struct epoll_event) on x86-64. */
    static final int POLLFD = 8;
    static final int EPOLL_EVENT = 12;

    /** Work every mode does per request (ns). */
    public static long commonNs(ServerSpec s, CostModel c, NetCosts n) {
        long request = c.hardIrqNs() + n.rxPacketNs();
        long recv = 2 * c.modeSwitchNs() + n.socketCallNs() + c.copyNs(s.requestBytes());
        long send = 2 * c.modeSwitchNs() + n.socketCallNs() + n.skbNs() + c.copyNs(s.responseBytes()) + n.txPacketNs();
        long completion = c.hardIrqNs() + n.txCompletionNs();
        long ack = c.hardIrqNs() + n.rxPacketNs();
        return request + c.contextSwitchNs() + recv + s.serviceNs() + send + completion + ack;
    }

    /** The waiting mechanism's own work per request (ns) (the descriptors each worker watches: connections / workers). */
    public static long waitNs(ServerSpec s, CostModel c, NetCosts n, int highestFd) {
        int watched = s.connections() / s.workers();
        return switch (s.mode()) {
            case "threads" -> 0;
            case "epoll" -> n.epollCallbackNs()
                    + n.epollItemNs() + c.copyNs(EPOLL_EVENT) + c.modeSwitchNs()
                    + c.modeSwitchNs() + n.epollWaitNs() + n.epollItemNs()
                    + s.scanNsPerFd();
            case "poll" -> 2 * c.modeSwitchNs() + 2 * c.copyNs((long) watched * POLLFD)
                    + watched * (2 * n.pollFdNs() + n.pollWaitNs() + s.scanNsPerFd());
            case "select" -> {
                long nfds = highestFd + 1L;
                long bitmap = ((nfds + 63) >>> 6) << 3;
                yield 2 * c.modeSwitchNs() + 2 * c.copyNs(bitmap)
                        + watched * (2 * n.pollFdNs() + n.pollWaitNs()) + nfds * s.scanNsPerFd();
            }
            default -> throw new IllegalArgumentException(s.mode());
        };
    }

    /** CPU per request when every request is served alone (ns). */
    public static long lowLoadNs(ServerSpec s, CostModel c, NetCosts n, int highestFd) {
        return commonNs(s, c, n) + waitNs(s, c, n, highestFd);
    }
}
