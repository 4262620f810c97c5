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

    // the route (the device the connection goes through)
    /** The other end when the connection is local (over the loopback device), else null (the peer over the NIC). */
    TcpSocket remote;
    /** mss_now: the MSS on the connection's route (the device MTU less 40 B of headers, or TCP_MAXSEG). */
    int mss;
    /** tcp_xmit_size_goal: the largest packet TCP builds (a multiple of the MSS). */
    long sizeGoal;
    /** Fragments one packet may have on the route's device. */
    int maxFrags;
    /** The TSQ rate term on the route (pacing rate >> sk_pacing_shift). */
    long tsqRate;
    /** sk_sndbuf. */
    long sndbuf;
    /** The receive space behind the window this socket advertises (sk_rcvbuf's share for data). */
    long rcvSpace;
    /** TCP_NODELAY: Nagle's algorithm off. */
    boolean nodelay = true;
    /** snd_wnd: the window the other end advertised (bytes beyond snd_una it accepts). */
    long sndWnd = Long.MAX_VALUE / 4;
    /** The right edge of the window this socket advertised last (rcv_wup + rcv_wnd). */
    private long rcvAdvRight = Long.MAX_VALUE / 4;
    /** snd_sml: the end of the last small (sub-MSS) segment sent (Minshall's Nagle check). */
    private long sndSml = 1;
    /** ICSK_ACK_PUSHED: the last data received was pushed or short, so a reader that drains it ACKs. */
    private boolean ackPushed;
    /** inet_csk_in_pingpong_mode: this end answers data with data, so pushed data is not ACKed at once. */
    private boolean pingpongMode;
    private long lastRcvNs = Long.MIN_VALUE / 2;
    // connection state
    /** A FIN arrived: reads return 0 once the queue is empty. */
    boolean finReceived;
    /** The other end reset the connection (it closed with data unread): sends fail with EPIPE. */
    boolean reset;
    /** close() was called on this end. */
    boolean closed;

    TcpSocket(NetStack net, int conn) {
        this.net = net;
        this.conn = conn;
        this.mss = net.mss;
        this.sizeGoal = net.sizeGoal;
        this.maxFrags = net.maxFrags;
        this.tsqRate = net.tsqRateBytes;
        this.sndbuf = net.tcp.sndbuf();
        this.rcvSpace = Long.MAX_VALUE / 4;
    }

    /** Puts the socket on the loopback route to {@code other} (MTU 65536, no TSQ limit from pacing). */
    void routeLocal(TcpSocket other, Loopback lo) {
        this.remote = other;
        // the MSS option of the SYN and SYN-ACK: each end sends no more than the other accepts
        this.mss = Math.min(lo.mss(), Math.min(userMss, other.userMss));
        // tcp_bound_to_half_wnd: at most half the window the handshake offered (a smaller SO_RCVBUF there)
        long offered = Math.min(Loopback.HANDSHAKE_WINDOW, other.advertisedWindow());
        long cutoff = offered > 536 ? offered >> 1 : offered;
        if (cutoff > 0 && mss > cutoff) {
            mss = (int) Math.max(cutoff, 68 - 32);
        }
        this.sizeGoal = Math.min(lo.sizeGoal(mss), Math.max(mss, other.advertisedWindow() / 2 / mss * mss));
        this.maxFrags = NetStack.MAX_SKB_FRAGS;
        this.tsqRate = net.tcp.limitOutputBytes();
    }

    /** TCP_MAXSEG before connect: the MSS is at most {@code bytes} (tcp_sync_mss keeps the smaller). */
    public void setMaxSegment(int bytes) {
        if (bytes > 0) {
            userMss = bytes;
        }
        if (bytes > 0 && bytes < mss) {
            mss = bytes;
            sizeGoal = Math.max(mss, sizeGoal / mss * mss);
        }
    }

    /** TCP_MAXSEG as set (tp->rx_opt.user_mss), or no limit. */
    private int userMss = Integer.MAX_VALUE;

    /** SO_SNDBUF: sk_sndbuf = 2 x val (sock_setsockopt doubles it for the skb overhead), at least SOCK_MIN_SNDBUF. */
    public void setSendBuffer(long val) {
        sndbuf = Math.max(4608, 2 * val);
    }

    /**
     * SO_RCVBUF: sk_rcvbuf = 2 x val, and the window is the data's share of it
     * (tcp_win_from_space with TCP_DEFAULT_SCALING_RATIO, half): {@code val} bytes.
     */
    public void setReceiveBuffer(long val) {
        rcvSpace = Math.max(2304, val);
    }

    /** TCP_NODELAY. */
    public void setNoDelay(boolean on) {
        nodelay = on;
    }

    /** The MSS the connection uses. */
    public int mss() {
        return mss;
    }

    /** True when the connection runs over the loopback device. */
    public boolean isLocal() {
        return remote != null;
    }

    /** tcp_select_window: the free receive space this socket offers now. */
    long advertisedWindow() {
        return Math.max(0, rcvSpace - rcvQueued);
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
        /** Handed to the device (a packet once sent takes no more data). */
        boolean sent;
        /** The FIN rides on this packet (tcp_send_fin appends it to the tail). */
        boolean fin;

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
        if (rcvQueued > 0 || finReceived || reset) {
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
        return reset || sndbuf - wmemQueued >= wmemQueued / 2;
    }

    /** sk_stream_memory_free. */
    private boolean memoryFree() {
        return wmemQueued < sndbuf;
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
            if (reset) {
                // tcp_sendmsg_locked: sk_err (ECONNRESET/EPIPE) after a reset; what was copied counts.
                ownedByUser = false;
                work.spend(t, () -> done.ret(copied > 0 ? copied : -32));
                return;
            }
            if (remaining == 0) {
                // tcp_push at the end of the call (PSH on the tail unless MSG_MORE), release_sock.
                push(!more, more, work, t.cpu());
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
            if (skb.zeroCopy != zc || skb.len >= sizeGoal || skb.sent) {
                return 0;
            }
            long byFrags = (long) maxFrags * skb.pageSize - skb.firstOff - skb.len;
            return Math.min(sizeGoal - skb.len, byFrags);
        }

        private Skb newSkb() {
            Skb skb = skbPool.pollFirst();
            if (skb == null) {
                skb = new Skb();
            }
            skb.seq = writeSeq;
            skb.len = 0;
            skb.psh = false;
            skb.sent = false;
            skb.fin = false;
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
            if (skb.len >= sizeGoal && skb == writeQueue.peekFirst()) {
                writeXmit(false, work, t.cpu()); // tcp_push_one
            }
            work.spend(t, this::step);
        }

        /** sk_stream_wait_memory: push what is queued, then sleep until ACKs free space. */
        private void waitForSpace() {
            if (copied > 0) {
                push(false, false, work, t.cpu());
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
            if (!waiting || (mask & POLLOUT) == 0 || !(memoryFree() || reset)) {
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
            writeXmit(false, w, cpu);
        }
    }

    /** A transmit from softirq context: deferred to release_sock while a task owns the socket. */
    private void softirqXmit(KernelWork w, int cpu) {
        if (ownedByUser) {
            deferredXmit = true;
        } else {
            writeXmit(false, w, cpu);
        }
    }

    /**
     * tcp_push: mark PSH, then send the queue unless autocorking holds the tail back;
     * {@code cork} is MSG_MORE (TCP_NAGLE_CORK: a sub-MSS tail waits for more data).
     */
    private void push(boolean psh, boolean cork, KernelWork w, int cpu) {
        Skb tail = writeQueue.peekLast();
        if (tail == null) {
            return;
        }
        if (psh) {
            tail.psh = true;
        }
        // tcp_should_autocork: a tail below the size goal waits while earlier packets of the
        // socket are still in the device (their completion will send it).
        if (net.tcp.autocorking() && tail.len < sizeGoal && !rtxQueue.isEmpty() && wmemAlloc > tail.len) {
            if (!tsqThrottled) {
                net.autocorks++;
            }
            tsqThrottled = true;
            return;
        }
        writeXmit(cork, w, cpu);
    }

    /**
     * tcp_write_xmit: sends queued packets until TCP small queues, the other end's window
     * (tcp_snd_wnd_test; a packet is cut to fit, tso_fragment) or Nagle's test on the tail
     * (tcp_nagle_test: a sub-MSS last packet waits under MSG_MORE, or without TCP_NODELAY while
     * a small segment is unacknowledged) stops it.
     */
    private void writeXmit(boolean cork, KernelWork w, int cpu) {
        Skb skb;
        while ((skb = writeQueue.peekFirst()) != null) {
            if (smallQueueFull(skb)) {
                if (!tsqThrottled) {
                    net.tsqThrottles++;
                }
                tsqThrottled = true;
                return;
            }
            long room = sndUna + sndWnd - skb.seq;
            if (room <= 0) {
                return; // the window is full: an ACK opening it sends more (tcp_data_snd_check)
            }
            boolean last = writeQueue.size() == 1;
            if (last && skb.len < mss && !skb.psh && (cork || (!nodelay && sndSml > sndUna && sndSml <= sndNxt))) {
                return; // tcp_nagle_check
            }
            if (room < skb.len) {
                skb = split(skb, room);
            } else {
                writeQueue.pollFirst();
            }
            skb.sent = true;
            rtxQueue.addLast(skb);
            sndNxt = skb.seq + skb.len;
            if (skb.len < mss) {
                sndSml = sndNxt; // tcp_minshall_update
            }
            net.xmit(this, skb, w, cpu);
        }
    }

    /** tso_fragment: the first {@code len} bytes of the head packet become a packet of their own. */
    private Skb split(Skb head, long len) {
        Skb first = skbPool.pollFirst();
        if (first == null) {
            first = new Skb();
        }
        first.seq = head.seq;
        first.len = len;
        first.firstOff = head.firstOff;
        first.pageSize = head.pageSize;
        first.zeroCopy = head.zeroCopy;
        first.psh = false;
        head.seq += len;
        head.len -= len;
        head.firstOff = (int) ((head.firstOff + len) % head.pageSize);
        return first;
    }

    /**
     * tcp_small_queue_check: limit = max(2 x skb, pacing_rate >> pacing_shift), capped at
     * tcp_limit_output_bytes; a socket with more than that in the device waits for completions,
     * unless its retransmit queue holds at most one packet.
     */
    private boolean smallQueueFull(Skb skb) {
        long limit = Math.min(Math.max(2 * skb.len, tsqRate), net.tcp.limitOutputBytes());
        return wmemAlloc > limit && rtxQueue.size() > 1;
    }

    /** A packet of this socket has left the device (tcp_wfree; on loopback skb_orphan at xmit): TSQ may send more. */
    void onTransmitted(long len, KernelWork w, int cpu) {
        wmemAlloc -= len;
        if (tsqThrottled) {
            tsqThrottled = false; // tcp_tsq_handler -> tcp_write_xmit
            softirqXmit(w, cpu);
        }
    }

    /**
     * tcp_ack: takes the window {@code wnd} the other end advertises (negative: unchanged),
     * frees what {@code ack} acknowledges and wakes writers if the socket became writeable.
     */
    void onAck(long ack, long wnd, KernelWork w, int cpu) {
        boolean opened = false;
        if (wnd >= 0 && ack >= sndUna) {
            opened = ack + wnd > sndUna + sndWnd;
            sndWnd = wnd; // relative to ack, which becomes snd_una below
        }
        if (ack <= sndUna || ack > sndNxt) {
            if (opened && !writeQueue.isEmpty()) {
                softirqXmit(w, cpu); // a window update
            }
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

    /** The received packets of a local connection not yet read whole: {length, page size}, oldest first. */
    private final ArrayDeque<long[]> rcvSkbs = new ArrayDeque<>();
    /** Bytes of the oldest received packet already read. */
    private long rcvSkbRead;
    /** Sequence number of the next byte to read. */
    private long rcvReadSeq = 1;

    /** A packet of a local connection is queued: its page layout is kept for splice. */
    void onLocalData(long len, int pageSize) {
        if (!closed) {
            rcvSkbs.addLast(new long[] {len, pageSize});
        }
    }

    /** Page pieces the next {@code n} bytes to read lie in. */
    private int pieces(long n) {
        if (remote == null) {
            return (int) ((n + PAGE - 1) / PAGE);
        }
        int count = 0;
        long pos = rcvReadSeq - 1;
        long skip = rcvSkbRead;
        long left = n;
        for (long[] skb : rcvSkbs) {
            if (left <= 0) {
                break;
            }
            long len = Math.min(left, skb[0] - skip);
            int page = skb[1] > 0 ? (int) skb[1] : PAGE;
            skip = 0;
            left -= len;
            while (len > 0) {
                long piece = Math.min(len, page - pos % page);
                pos += piece;
                len -= piece;
                count++;
            }
        }
        return count;
    }

    private void consumed(long n) {
        rcvReadSeq += n;
        long left = n;
        while (left > 0 && !rcvSkbs.isEmpty()) {
            long[] head = rcvSkbs.peekFirst();
            long take = Math.min(left, head[0] - rcvSkbRead);
            rcvSkbRead += take;
            left -= take;
            if (rcvSkbRead == head[0]) {
                rcvSkbs.pollFirst();
                rcvSkbRead = 0;
            }
        }
    }

    /**
     * skb_splice_bits into a pipe with {@code slots} free buffers: the bytes of the queue (from
     * the next to read) whose page pieces - one buffer per piece of each packet's fragments, a
     * packet's bytes lying in its sender's pages (4 KiB spliced user pages, 32 KiB page
     * fragments of copied data) from the stream position on - fit in them.
     */
    long spliceable(int slots) {
        if (remote == null) {
            return Math.min(rcvQueued, (long) slots * PAGE);
        }
        long bytes = 0;
        long pos = rcvReadSeq - 1;
        long skip = rcvSkbRead;
        for (long[] skb : rcvSkbs) {
            long len = skb[0] - skip;
            int page = skb[1] > 0 ? (int) skb[1] : PAGE;
            skip = 0;
            while (len > 0 && slots > 0) {
                long piece = Math.min(len, page - pos % page);
                bytes += piece;
                pos += piece;
                len -= piece;
                slots--;
            }
            if (slots == 0) {
                break;
            }
        }
        return Math.min(bytes, rcvQueued);
    }

    /**
     * Data from the other end reached the socket (tcp_data_queue, tcp_event_data_recv); {@code psh}
     * is its PSH flag. A closed socket that still receives data answers with a reset
     * (tcp_rcv_state_process on a socket past close: tcp_reset of the sender).
     */
    void onData(long len, boolean psh, KernelWork w, int cpu) {
        if (closed) {
            if (remote != null && !remote.reset) {
                remote.resetByPeer(w);
            }
            return;
        }
        rcvNxt += len;
        rcvQueued += len;
        lastRcvNs = net.sim().now();
        // tcp_measure_rcv_mss: a pushed or short segment sets ICSK_ACK_PUSHED.
        ackPushed = psh || len < mss;
        wq.wake(POLLIN, w); // sk_data_ready
        // __tcp_ack_snd_check: ACK now if more than one full segment is unacknowledged.
        if (rcvNxt - rcvWup > mss) {
            net.sendAck(this, w, cpu);
        } else if (delack == null) {
            delackCpu = cpu;
            delack = net.sim().timerAfter(net.tcp.delayedAckNs(), this::delackExpired);
        }
    }

    private void delackExpired() {
        delack = null;
        pingpongMode = false; // tcp_delack_timer_handler: inet_csk_exit_pingpong_mode
        if (rcvNxt != rcvWup) {
            net.delayedAcks++;
            net.timer((w, cpu) -> {
                if (rcvNxt != rcvWup) {
                    net.sendAck(this, w, cpu);
                }
            }, delackCpu);
        }
    }

    /** The other end reset the connection: writers and readers wake to the error. */
    void resetByPeer(KernelWork w) {
        reset = true;
        wq.wake(POLLIN | POLLOUT | POLLHUP, w);
    }

    /** A FIN arrived: after the queued data, reads see end of file. */
    void onFin(KernelWork w) {
        finReceived = true;
        wq.wake(POLLIN | POLLHUP, w);
    }

    /** An outgoing segment carried the ACK of everything received (tcp_event_ack_sent). */
    void ackSent() {
        rcvAdvRight = rcvNxt + advertisedWindow();
        rcvWup = rcvNxt;
        if (delack != null) {
            delack.cancel();
            delack = null;
        }
    }

    /**
     * tcp_recvmsg in task context: copies up to {@code len} queued bytes to the user, waiting for
     * data first unless the socket is non-blocking (then -EAGAIN); 0 at end of file (a FIN and
     * nothing queued), -ECONNRESET after a reset; {@code done} gets the count. After the copy,
     * tcp_cleanup_rbuf ACKs at once when more than a full segment is unacknowledged, or when the
     * reader drained a pushed segment (not in ping-pong mode), or when the window it can now
     * offer is at least twice the one the other end still sees (a window update).
     */
    void recvmsg(Task t, long len, Kernel.Ret done) {
        recvmsg(t, len, true, done);
    }

    /** The pipe buffers the last splice read took (skb_splice_bits: one per page piece). */
    int splicedPieces;
    /** For a splice read: the free pipe buffers it may fill. */
    private int spliceSlots;

    /** The pipe buffers still free after the splice read in progress. */
    int spliceSlotsLeft() {
        return spliceSlots;
    }

    /** tcp_splice_read: up to {@code len} bytes whose page pieces fit in {@code slots} pipe buffers, no copy. */
    void spliceRead(Task t, long len, int slots, Kernel.Ret done) {
        spliceSlots = slots;
        recvmsg(t, len, false, done);
    }

    /**
     * As {@link #recvmsg(Task, long, Kernel.Ret)}; without {@code copy} the data is not copied
     * (tcp_splice_read: the caller references the pages) and the socket charges nothing for it.
     */
    void recvmsg(Task t, long len, boolean copy, Kernel.Ret done) {
        owner = t;
        if (rcvQueued == 0) {
            if (finReceived || closed) {
                done.ret(0);
                return;
            }
            if (reset) {
                done.ret(-104); // ECONNRESET
                return;
            }
            if (nonblocking) {
                done.ret(-11); // EAGAIN
                return;
            }
            // sk_wait_data
            WaitQueue.Entry e = new WaitQueue.Entry() {
                private boolean waiting = true;

                @Override
                public void wake(int mask, KernelWork w) {
                    if (waiting && (mask & (POLLIN | POLLHUP)) != 0) {
                        waiting = false;
                        wq.remove(this);
                        w.then(() -> t.wake(() -> recvmsg(t, len, copy, done)));
                    }
                }
            };
            wq.add(e);
            t.sleep();
            return;
        }
        copyOut(t, len, 0, copy, done);
    }

    /**
     * tcp_recvmsg_locked's loop: copy what is queued; data that arrived meanwhile (queued to
     * the socket's backlog while the reader held the lock) is taken too, up to {@code len},
     * before the call returns.
     */
    private void copyOut(Task t, long len, long copied, boolean copy, Kernel.Ret done) {
        long n = Math.min(len - copied, rcvQueued);
        if (!copy) {
            n = Math.min(n, spliceable(spliceSlots));
            splicedPieces = pieces(n);
            spliceSlots -= splicedPieces;
        }
        rcvQueued -= n;
        consumed(n);
        KernelWork w = new KernelWork();
        if (copy) {
            t.countCopy(n);
            w.charge(net.cost.copyNs(n));
        }
        cleanupRbuf(w, t.cpu());
        long total = copied + n;
        w.spend(t, () -> {
            if (total < len && rcvQueued > 0 && remote != null && (copy || spliceSlots > 0)) {
                copyOut(t, len, total, copy, done);
                return;
            }
            done.ret(total);
        });
    }

    /** tcp_cleanup_rbuf after a read (the receive side of a local connection; the NIC's peer reads at once). */
    private void cleanupRbuf(KernelWork w, int cpu) {
        if (remote == null) {
            return;
        }
        boolean timeToAck = rcvNxt != rcvWup
                && (rcvNxt - rcvWup > mss || (ackPushed && !pingpongMode && rcvQueued == 0));
        if (!timeToAck && !finReceived) {
            long windowNow = rcvAdvRight - rcvNxt; // tcp_receive_window
            if (2 * windowNow <= rcvSpace) {
                long newWindow = advertisedWindow();
                timeToAck = newWindow > 0 && newWindow >= 2 * windowNow;
            }
        }
        if (timeToAck) {
            net.sendAck(this, w, cpu);
        }
    }

    /** tcp_event_data_sent: data sent soon after data arrived puts the socket in ping-pong mode (threshold 1). */
    void dataSent() {
        if (net.sim().now() - lastRcvNs < net.tcp.delayedAckNs()) {
            pingpongMode = true;
        }
    }

    /** Bytes queued in the write and retransmit queues (sk_wmem_queued). */
    public long queuedToSend() {
        return wmemQueued;
    }

    /** True once the other end's FIN arrived. */
    public boolean finReceived() {
        return finReceived;
    }

    /** True once close() was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * close(): with data unread the connection is reset (tcp_close: tcp_send_active_reset); else
     * a FIN follows the data still queued (tcp_send_fin). Charged to {@code w}.
     */
    void close(KernelWork w, int cpu) {
        if (closed) {
            return;
        }
        closed = true;
        if (delack != null) {
            delack.cancel();
            delack = null;
        }
        if (remote == null) {
            return;
        }
        rcvSkbs.clear();
        if (rcvQueued > 0) {
            rcvQueued = 0;
            net.sendReset(this, w, cpu);
            return;
        }
        Skb tail = writeQueue.peekLast();
        if (tail != null) {
            tail.fin = true;
            tail.psh = true;
            writeXmit(false, w, cpu);
        } else {
            net.sendFin(this, w, cpu);
        }
    }
}
