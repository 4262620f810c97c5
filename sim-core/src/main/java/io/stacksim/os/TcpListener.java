package io.stacksim.os;

import java.util.ArrayDeque;

/**
 * A listening TCP socket (inet_csk listen state) on a local port: a SYN that reaches it over
 * the loopback device is answered with a SYN-ACK (tcp_conn_request); the handshake's final ACK
 * creates the connected child (tcp_check_req, tcp_create_openreq_child) and queues it for
 * accept(2), waking pollers (POLLIN). A SYN finding the accept queue full (more than the
 * listen backlog) is dropped; one finding no listener is answered with a reset (ECONNREFUSED).
 */
public final class TcpListener implements Pollable {
    private final int port;
    private final int backlog;
    private final ArrayDeque<TcpSocket> acceptQueue = new ArrayDeque<>();
    private final WaitQueue wq = new WaitQueue();
    private int fd = -1;
    boolean closed;
    /** The options set on the listening socket (SO_RCVBUF, SO_SNDBUF, TCP_MAXSEG), which each child inherits. */
    private java.util.function.Consumer<TcpSocket> childOptions;

    TcpListener(int port, int backlog) {
        this.port = port;
        this.backlog = backlog;
    }

    public int port() {
        return port;
    }

    /** Sets the options every accepted connection inherits (what setsockopt on the listener sets). */
    public void setChildOptions(java.util.function.Consumer<TcpSocket> options) {
        this.childOptions = options;
    }

    /** inet_csk_clone_lock: a new child takes the listener's options. */
    void inherit(TcpSocket child) {
        if (childOptions != null) {
            childOptions.accept(child);
        }
    }

    /** sk_acceptq_is_full: more than the backlog waiting (the kernel compares with >). */
    boolean acceptQueueFull() {
        return acceptQueue.size() > backlog;
    }

    /** A child is established: queued for accept, pollers woken. */
    void enqueue(TcpSocket child, KernelWork w) {
        acceptQueue.addLast(child);
        wq.wake(POLLIN, w);
    }

    /** The oldest established child, or null. */
    TcpSocket poll() {
        return acceptQueue.pollFirst();
    }

    @Override
    public int pollMask() {
        return acceptQueue.isEmpty() ? 0 : POLLIN;
    }

    @Override
    public WaitQueue waitQueue() {
        return wq;
    }

    @Override
    public int fd() {
        return fd;
    }

    public void setFd(int fd) {
        this.fd = fd;
    }
}
