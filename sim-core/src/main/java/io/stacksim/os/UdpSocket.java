package io.stacksim.os;

import java.util.ArrayDeque;

/**
 * A UDP socket (net/ipv4/udp.c) of this host: datagrams, no connection, no ACKs, no flow
 * control. sendto builds one skb per datagram, copying the user data into it (ip_make_skb),
 * and sends it down the stack; a receiver queues whole datagrams (__udp_enqueue_schedule_skb),
 * dropping one that would take the queue's memory (skb truesize) beyond sk_rcvbuf, and recvfrom
 * copies one datagram (its excess beyond the buffer is discarded) or waits for one.
 *
 * <p>A socket bound to a port receives the unicast datagrams for it and, after
 * IP_ADD_MEMBERSHIP, the multicast datagrams of the group it joined; with SO_REUSEPORT several
 * sockets share a port, and every member bound to the port gets its own copy of a multicast
 * datagram (__udp4_lib_mcast_deliver). A socket that sends before binding gets an ephemeral
 * port (inet_autobind).
 */
public final class UdpSocket {
    /** The IPv4 and UDP headers of each datagram. */
    static final int UDP_IP_HEADERS = 28;
    /**
     * sizeof(struct sk_buff) + sizeof(struct skb_shared_info) on x86-64 (232 + 320): the part of
     * a small skb's truesize beyond its kmalloc'd data, which is the headroom, headers and data
     * rounded up to a power of two (SKB_TRUESIZE).
     */
    static final int SKB_OVERHEAD = 552;
    /** Headroom ip_make_skb reserves before the headers (hh_len rounded, plus 16 B of NET_SKB_PAD slack) [est]. */
    static final int HEADROOM = 80;

    /** An application datagram, and fio's link open and close messages (what their bytes would say). */
    public static final int DATA = 0;
    public static final int OPEN = 1;
    public static final int CLOSE = 2;

    final NetStack net;
    int port;
    String group;
    /** sk_rcvbuf: net.core.rmem_default. */
    long rcvbuf;
    private final ArrayDeque<long[]> queue = new ArrayDeque<>();
    private final WaitQueue wq = new WaitQueue();
    private long rmem;
    long drops;
    private String lastSource;
    private int lastSourcePort;
    private int lastKind;
    private long lastSeq;
    Task owner;

    UdpSocket(NetStack net, long rcvbuf) {
        this.net = net;
        this.rcvbuf = rcvbuf;
    }

    /** skb->truesize of a datagram of {@code len} payload bytes. */
    static long truesize(long len) {
        long data = len + UDP_IP_HEADERS + HEADROOM;
        return SKB_OVERHEAD + Long.highestOneBit(Math.max(1, data - 1)) * 2;
    }

    /** Datagrams waiting to be read. */
    public int queued() {
        return queue.size();
    }

    /** A datagram reached the socket: queued (and readers woken) or dropped when the receive buffer is full. */
    void enqueue(long len, int fromPort, int kind, long seq, KernelWork w) {
        long ts = truesize(len);
        // __udp_enqueue_schedule_skb: dropped when the memory already charged exceeds sk_rcvbuf
        // (so the queue may pass it by one datagram)
        if (rmem > rcvbuf) {
            drops++; // UDP_MIB_RCVBUFERRORS
            return;
        }
        rmem += ts;
        queue.addLast(new long[] {len, fromPort, kind, seq});
        wq.wake(Pollable.POLLIN, w);
    }

    /** udp_recvmsg: the oldest datagram, copied up to {@code len}; waits for one. */
    void recvmsg(Task t, long len, Kernel.Ret done) {
        owner = t;
        long[] d = queue.pollFirst();
        if (d == null) {
            WaitQueue.Entry e = new WaitQueue.Entry() {
                private boolean waiting = true;

                @Override
                public void wake(int mask, KernelWork w) {
                    if (waiting && (mask & Pollable.POLLIN) != 0) {
                        waiting = false;
                        wq.remove(this);
                        w.then(() -> t.wake(() -> recvmsg(t, len, done)));
                    }
                }
            };
            wq.add(e);
            t.sleep();
            return;
        }
        rmem -= truesize(d[0]);
        long n = Math.min(len, d[0]);
        lastSource = "127.0.0.1";
        lastSourcePort = (int) d[1];
        lastKind = (int) d[2];
        lastSeq = d[3];
        t.countCopy(n);
        t.compute(net.cost.copyNs(n), true, () -> done.ret(n));
    }

    /** The port of the datagram last read (recvfrom's source address). */
    public int lastSourcePort() {
        return lastSourcePort;
    }

    /** The address of the datagram last read. */
    public String lastSource() {
        return lastSource;
    }

    /** What the datagram last read was: {@link #DATA}, {@link #OPEN} or {@link #CLOSE}. */
    public int lastKind() {
        return lastKind;
    }

    /** The sequence number the sender put in the datagram last read (fio's udp_seq trailer). */
    public long lastSeq() {
        return lastSeq;
    }

    /** Datagrams dropped because the receive buffer was full. */
    public long drops() {
        return drops;
    }

    public int port() {
        return port;
    }
}
