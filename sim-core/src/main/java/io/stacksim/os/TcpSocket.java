package io.stacksim.os;

import io.stacksim.engine.Timer;
import io.stacksim.fs.Mapping;
import java.util.ArrayDeque;

/**
 * A connected TCP socket (struct tcp_sock) of this host: the send side as net/ipv4/tcp.c and
 * tcp_output.c run it, and a receive side for request/response traffic.
 *
 * <p>Send (tcp_sendmsg_locked): data goes into the tail packet (skb) of the write queue while
 * it is below the size goal, else into a new one, which needs send-buffer space
 * (sk_wmem_queued below sk_sndbuf; otherwise the sender sleeps in sk_stream_wait_memory until
 * ACKs free enough: sk_stream_is_writeable, free space at least half of what is queued).
 * Data from a user buffer is copied (copy_from_user into the socket's 32 KiB page fragments);
 * spliced pages (MSG_SPLICE_PAGES: sendfile, splice) are referenced as fragments, no copy.
 * A packet that reaches the size goal at the head of the queue is sent at once
 * (tcp_push_one); at the end of the call tcp_push sends the rest, unless autocorking holds a
 * small tail back while earlier packets are still in the device. Sending stops when TCP small
 * queues says the socket has enough in the qdisc and driver (tcp_small_queue_check); a
 * transmit completion then sends more. ACKs free acknowledged packets (tcp_clean_rtx_queue)
 * and wake writers (sk_stream_write_space).
 *
 * <p>Not modelled: congestion control and the receive window (a loss-free LAN where neither
 * limits), Nagle (sockets behave as with TCP_NODELAY, as servers set it; autocorking still
 * coalesces), retransmission, the skb truesize overhead in the buffer accounting (payload
 * bytes are counted).
 *
 * <p>Receive: arriving data is queued and wakes readers and pollers (sk_data_ready); an ACK
 * goes back at once when more than one full segment is unacknowledged, else it is delayed up to
 * TCP_DELACK_MIN, and any data sent meanwhile carries it.
 */
public final class TcpSocket implements Pollable {
    /** sk_page_frag: copied data is put in page fragments of this size (SKB_FRAG_PAGE_ORDER 3). */
    static final int FRAG_PAGE = 32768;
    static final int PAGE = 4096;

    final NetStack net;
    /** Connection number (the flow hash for RSS). */
    final int conn;
    private int fd = -1;
    private boolean nonblocking;
    private final WaitQueue wq = new WaitQueue();
    /** The task the socket last sent or received for: charged with the DMA and copies it causes. */
    Task owner;

    // send side
    private final ArrayDeque<Skb> writeQueue = new ArrayDeque<>();
    private final ArrayDeque<Skb> rtxQueue = new ArrayDeque<>();
    private final ArrayDeque<Skb> skbPool = new ArrayDeque<>();
    long writeSeq = 1;
    long sndNxt = 1;
    long sndUna = 1;
    /** sk_wmem_queued: bytes in the write and retransmit queues. */
    long wmemQueued;
    /** sk_wmem_alloc: bytes handed to the qdisc and driver and not yet completed. */
    long wmemAlloc;
    private boolean tsqThrottled;
    /** lock_sock held by a task (sock_owned_by_user): softirq transmits wait for release_sock. */
    private boolean ownedByUser;
    /** TCP_TSQ_DEFERRED: a transmit held back while the task owned the socket. */
    private boolean deferredXmit;
    /** Offset in the current 32 KiB page fragment (copied data fills it in order). */
    private int fragOff;

    // receive side
    long rcvNxt = 1;
    private long rcvWup = 1;
    private long rcvQueued;
    private Timer delack;
    private int delackCpu;

    // per-socket counts (the copy-path table reads them)
    long dmaHeaderBytes;

    TcpSocket(NetStack net, int conn) {
        this.net = net;
        this.conn = conn;
    }

    /** One packet of the write or retransmit queue (an skb with its data in page fragments). */
    static final class Skb {
        long seq;
        long len;
        /** Offset of the first byte in its page; pages are {@link #pageSize} bytes. */
        int firstOff;
        int pageSize;
        boolean zeroCopy;
        boolean psh;

        int frags() {
            return spanned(firstOff, len, pageSize);
        }
    }

    /** Pages of {@code pageSize} bytes spanned by {@code len} bytes starting {@code off} into a page. */
    static int spanned(long off, long len, int pageSize) {
        if (len <= 0) {
            return 0;
        }
        long first = off / pageSize;
        long last = (off + len - 1) / pageSize;
        return (int) (last - first + 1);
    }

    // ------------------------------------------------------------------ Pollable

    @Override
    public int pollMask() {
        int mask = 0;
        if (rcvQueued > 0) {
            mask |= POLLIN;
        }
        if (writeable()) {
            mask |= POLLOUT;
        }
        return mask;
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

    /** O_NONBLOCK: a read with nothing queued returns -EAGAIN instead of sleeping. */
    public void setNonblocking(boolean nonblocking) {
        this.nonblocking = nonblocking;
    }

    /** The task that uses the socket (charged with the DMA of data arriving before it first calls). */
    public void setOwner(Task t) {
        this.owner = t;
    }

    public int connection() {
        return conn;
    }

    /** Bytes waiting to be read. */
    public long readable() {
        return rcvQueued;
    }

    /** True when everything sent so far has been acknowledged by the peer. */
    public boolean drained() {
        return writeQueue.isEmpty() && rtxQueue.isEmpty() && wmemAlloc == 0;
    }

    /** Header bytes the NIC fetched by DMA with this socket's data packets. */
    public long dmaHeaderBytes() {
        return dmaHeaderBytes;
    }

    /** __sk_stream_is_writeable: free send space at least half of what is queued. */
    private boolean writeable() {
        return net.tcp.sndbuf() - wmemQueued >= wmemQueued / 2;
    }

    /** sk_stream_memory_free. */
    private boolean memoryFree() {
        return wmemQueued < net.tcp.sndbuf();
    }

    // ------------------------------------------------------------------ send

    /** Where the data of a send comes from. */
    enum Source {
        /** A user buffer: copy_from_user. */
        USER,
        /** A user buffer that is a file mapping: the copy faults its pages in first. */
        MAPPED,
        /** Page references (MSG_SPLICE_PAGES from sendfile or splice): no copy. */
        PAGES
    }

    /**
     * tcp_sendmsg_locked in task context: queues {@code len} bytes (all of them: a blocking
     * socket waits for space), sends what TCP may, then runs {@code done} with the byte count.
     * {@code pageOff} is the offset of the first byte in its page (for PAGES, the file offset);
     * {@code map}/{@code mapOff} locate a MAPPED buffer. {@code more} is MSG_MORE (no push of
     * the tail at the end).
     */
    void sendmsg(Task t, Source src, long len, long pageOff, Mapping map, long mapOff, boolean more,
                 Kernel kernel, Kernel.Ret done) {
        owner = t;
        ownedByUser = true; // lock_sock
        new SendOp(t, src, len, pageOff, map, mapOff, more, kernel, done).step();
    }

    private final class SendOp implements WaitQueue.Entry {
        private final Task t;
        private final Source src;
        private final Mapping map;
        private final boolean more;
        private final Kernel kernel;
        private final Kernel.Ret done;
        private final KernelWork work = new KernelWork();
        private long remaining;
        private long pageOff;
        private long mapOff;
        private long copied;
        private boolean waiting;

        SendOp(Task t, Source src, long len, long pageOff, Mapping map, long mapOff, boolean more,
               Kernel kernel, Kernel.Ret done) {
            this.t = t;
            this.src = src;
            this.remaining = len;
            this.pageOff = pageOff;
            this.map = map;
            this.mapOff = mapOff;
            this.more = more;
            this.kernel = kernel;
            this.done = done;
        }

        void step() {
            if (remaining == 0) {
                // tcp_push at the end of the call (PSH on the tail unless MSG_MORE), release_sock.
                push(!more, work, t.cpu());
                release(work, t.cpu());
                work.spend(t, () -> done.ret(copied));
                return;
            }
            Skb tail = writeQueue.peekLast();
            long room = tail == null ? 0 : roomIn(tail);
            if (room <= 0) {
                if (!memoryFree()) {
                    waitForSpace();
                    return;
                }
                tail = newSkb();
                room = roomIn(tail);
                work.charge(net.nc.skbNs());
            }
            long chunk = Math.min(remaining, room);
            Skb skb = tail;
            if (src == Source.MAPPED) {
                // copy_from_user faults the mapped pages in (minor or major faults, in kernel mode).
                kernel.touch(t, map, mapOff, chunk, false, waited -> add(skb, chunk));
                return;
            }
            add(skb, chunk);
        }

        /** Room left in {@code skb} for this source: the size goal and MAX_SKB_FRAGS. */
        private long roomIn(Skb skb) {
            boolean zc = src == Source.PAGES;
            if (skb.zeroCopy != zc || skb.len >= net.sizeGoal) {
                return 0;
            }
            long byFrags = (long) net.maxFrags * skb.pageSize - skb.firstOff - skb.len;
            return Math.min(net.sizeGoal - skb.len, byFrags);
        }

        private Skb newSkb() {
            Skb skb = skbPool.pollFirst();
            if (skb == null) {
                skb = new Skb();
            }
            skb.seq = writeSeq;
            skb.len = 0;
            skb.psh = false;
            skb.zeroCopy = src == Source.PAGES;
            skb.pageSize = skb.zeroCopy ? PAGE : FRAG_PAGE;
            skb.firstOff = (int) (skb.zeroCopy ? pageOff % PAGE : fragOff);
            writeQueue.addLast(skb);
            return skb;
        }

        private void add(Skb skb, long chunk) {
            if (src == Source.PAGES) {
                // skb_splice_from_iter: a page reference per page piece, no copy.
                work.charge(spanned(pageOff % PAGE, chunk, PAGE) * net.nc.pipeBufNs());
            } else {
                // skb_copy_to_page_nocache into the socket's page fragments.
                work.charge(net.cost.copyNs(chunk));
                t.countCopy(chunk);
                fragOff = (int) ((fragOff + chunk) % FRAG_PAGE);
            }
            skb.len += chunk;
            writeSeq += chunk;
            wmemQueued += chunk;
            remaining -= chunk;
            copied += chunk;
            pageOff += chunk;
            mapOff += chunk;
            if (skb.len >= net.sizeGoal && skb == writeQueue.peekFirst()) {
                writeXmit(work, t.cpu()); // tcp_push_one
            }
            work.spend(t, this::step);
        }

        /** sk_stream_wait_memory: push what is queued, then sleep until ACKs free space. */
        private void waitForSpace() {
            if (copied > 0) {
                push(false, work, t.cpu());
            }
            release(work, t.cpu()); // sk_wait_event sleeps without the socket lock
            work.spend(t, () -> {
                ownedByUser = true;
                if (memoryFree()) {
                    step();
                    return;
                }
                ownedByUser = false;
                waiting = true;
                wq.add(this);
                t.sleep();
            });
        }

        @Override
        public void wake(int mask, KernelWork w) {
            if (!waiting || (mask & POLLOUT) == 0 || !memoryFree()) {
                return;
            }
            waiting = false;
            wq.remove(this);
            w.then(() -> t.wake(() -> {
                ownedByUser = true;
                step();
            }));
        }
    }

    /** release_sock: transmits deferred while the task held the socket run now (tcp_release_cb). */
    private void release(KernelWork w, int cpu) {
        ownedByUser = false;
        if (deferredXmit) {
            deferredXmit = false;
            writeXmit(w, cpu);
        }
    }

    /** A transmit from softirq context: deferred to release_sock while a task owns the socket. */
    private void softirqXmit(KernelWork w, int cpu) {
        if (ownedByUser) {
            deferredXmit = true;
        } else {
            writeXmit(w, cpu);
        }
    }

    /** tcp_push: mark PSH, then send the queue unless autocorking holds the tail back. */
    private void push(boolean psh, KernelWork w, int cpu) {
        Skb tail = writeQueue.peekLast();
        if (tail == null) {
            return;
        }
        if (psh) {
            tail.psh = true;
        }
        // tcp_should_autocork: a tail below the size goal waits while earlier packets of the
        // socket are still in the device (their completion will send it).
        if (net.tcp.autocorking() && tail.len < net.sizeGoal && !rtxQueue.isEmpty() && wmemAlloc > tail.len) {
            if (!tsqThrottled) {
                net.autocorks++;
            }
            tsqThrottled = true;
            return;
        }
        writeXmit(w, cpu);
    }

    /** tcp_write_xmit: sends queued packets until TCP small queues stops it. */
    private void writeXmit(KernelWork w, int cpu) {
        Skb skb;
        while ((skb = writeQueue.peekFirst()) != null) {
            if (smallQueueFull(skb)) {
                if (!tsqThrottled) {
                    net.tsqThrottles++;
                }
                tsqThrottled = true;
                return;
            }
            writeQueue.pollFirst();
            rtxQueue.addLast(skb);
            sndNxt = skb.seq + skb.len;
            net.xmit(this, skb, w, cpu);
        }
    }

    /**
     * tcp_small_queue_check: limit = max(2 x skb, pacing_rate >> pacing_shift), capped at
     * tcp_limit_output_bytes; a socket with more than that in the device waits for completions,
     * unless its retransmit queue holds at most one packet.
     */
    private boolean smallQueueFull(Skb skb) {
        long limit = Math.min(Math.max(2 * skb.len, net.tsqRateBytes), net.tcp.limitOutputBytes());
        return wmemAlloc > limit && rtxQueue.size() > 1;
    }

    /** A packet of this socket has left the device (tcp_wfree): TSQ may send more. */
    void onTransmitted(long len, KernelWork w, int cpu) {
        wmemAlloc -= len;
        if (tsqThrottled) {
            tsqThrottled = false; // tcp_tsq_handler -> tcp_write_xmit
            softirqXmit(w, cpu);
        }
    }

    /** tcp_ack: frees what {@code ack} acknowledges and wakes writers if the socket became writeable. */
    void onAck(long ack, KernelWork w, int cpu) {
        if (ack <= sndUna || ack > sndNxt) {
            return;
        }
        long acked = ack - sndUna;
        sndUna = ack;
        wmemQueued -= acked;
        Skb head;
        while ((head = rtxQueue.peekFirst()) != null && head.seq + head.len <= ack) {
            rtxQueue.pollFirst();
            skbPool.addFirst(head);
        }
        if (head != null && head.seq < ack) {
            long cut = ack - head.seq; // tcp_trim_head
            head.seq = ack;
            head.len -= cut;
            head.firstOff = (int) ((head.firstOff + cut) % head.pageSize);
        }
        if (!writeQueue.isEmpty()) {
            softirqXmit(w, cpu); // tcp_data_snd_check
        }
        if (writeable()) {
            wq.wake(POLLOUT, w); // tcp_check_space -> sk_stream_write_space
        }
    }

    // ------------------------------------------------------------------ receive

    /** Data from the peer reached the socket (tcp_data_queue, tcp_event_data_recv). */
    void onData(long len, KernelWork w, int cpu) {
        rcvNxt += len;
        rcvQueued += len;
        wq.wake(POLLIN, w); // sk_data_ready
        // __tcp_ack_snd_check: ACK now if more than one full segment is unacknowledged.
        if (rcvNxt - rcvWup > net.mss) {
            net.sendAck(this, w, cpu);
        } else if (delack == null) {
            delackCpu = cpu;
            delack = net.sim().timerAfter(net.tcp.delayedAckNs(), this::delackExpired);
        }
    }

    private void delackExpired() {
        delack = null;
        if (rcvNxt != rcvWup) {
            net.delayedAcks++;
            net.timer((w, cpu) -> {
                if (rcvNxt != rcvWup) {
                    net.sendAck(this, w, cpu);
                }
            }, delackCpu);
        }
    }

    /** An outgoing segment carried the ACK of everything received (tcp_event_ack_sent). */
    void ackSent() {
        rcvWup = rcvNxt;
        if (delack != null) {
            delack.cancel();
            delack = null;
        }
    }

    /**
     * tcp_recvmsg in task context: copies up to {@code len} queued bytes to the user, waiting for
     * data first unless the socket is non-blocking (then -EAGAIN); {@code done} gets the count.
     */
    void recvmsg(Task t, long len, Kernel.Ret done) {
        owner = t;
        if (rcvQueued == 0) {
            if (nonblocking) {
                done.ret(-11); // EAGAIN
                return;
            }
            // sk_wait_data
            WaitQueue.Entry e = new WaitQueue.Entry() {
                private boolean waiting = true;

                @Override
                public void wake(int mask, KernelWork w) {
                    if (waiting && (mask & POLLIN) != 0) {
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
        long n = Math.min(len, rcvQueued);
        rcvQueued -= n;
        t.countCopy(n);
        t.compute(net.cost.copyNs(n), true, () -> done.ret(n));
    }
}
