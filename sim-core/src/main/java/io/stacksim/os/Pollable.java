package io.stacksim.os;

/**
 * A file that select, poll and epoll can watch: its {@code ->poll} readiness mask and the wait
 * queue it wakes when that changes. Sockets and pipe ends are pollable.
 */
public sealed interface Pollable permits TcpSocket, TcpListener, Pipe.End {
    int POLLIN = 0x001;
    int POLLOUT = 0x004;
    int POLLERR = 0x008;
    int POLLHUP = 0x010;

    /** vfs_poll without a poll table: the events ready now. */
    int pollMask();

    /** The wait queue a poller registers on. */
    WaitQueue waitQueue();

    /** The descriptor this file is open as in its process, or -1. */
    int fd();
}
