package io.stacksim.os;

import io.stacksim.device.NetDeviceFeatures;
import io.stacksim.device.NetworkDevice;
import io.stacksim.device.NetworkHost;
import io.stacksim.device.Packet;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's network stack between its TCP sockets and one NIC, and the link to the peer on the
 * other side.
 *
 * <p>Transmit (dev_queue_xmit after tcp_transmit_skb): TCP always builds GSO packets of up to
 * the size goal, because sk_setup_caps gives every TCP socket NETIF_F_SG and software GSO
 * whatever the device can do. validate_xmit_skb then fits each packet to the device: with TSO
 * (which netdev_fix_features only leaves on together with SG) it goes whole; without TSO, GSO
 * cuts it into MSS-sized segments (skb_segment), which reference the packet's page fragments
 * when the device can gather and are <em>copied</em> into linear buffers when it cannot; a
 * single-segment packet with fragments is linearised (a copy) for a device without SG. Each
 * packet handed to the driver costs {@link NetCosts#txPacketNs}; the NIC fetches it by DMA.
 *
 * <p>Receive and completion: the NIC's interrupts go to one core per flow (RSS hashing for
 * received packets; transmit completions to the core that sent, as XPS maps queues), where
 * the {@link Softirq} processes them: TCP input (data, ACKs) or the cleaning of transmitted
 * packets, which lets TCP small queues send more.
 *
 * <p>The link carries frames after the NIC's serialisation with a fixed propagation delay
 * (half of {@link TcpSettings#rttNs}) to the {@link Peer}; the peer's frames arrive through the
 * NIC's receive side.
 */
public final class NetStack implements NetworkHost {
    /** MAX_TCP_HEADER on x86-64 (128 + MAX_HEADER, cache aligned): subtracted from gso_max_size. */
    static final int MAX_TCP_HEADER = 320;
    /** MAX_SKB_FRAGS (include/linux/skbuff.h, default CONFIG_MAX_SKB_FRAGS). */
    static final int MAX_SKB_FRAGS = 17;

    private final Simulator sim;
    final Cpus cpus;
    final CostModel cost;
    final NetCosts nc;
    final TcpSettings tcp;
    private final NetworkDevice nic;
    final NetDeviceFeatures features;
    private final Softirq[] softirqs;
    private final Peer peer;
    private final List<TcpSocket> sockets = new ArrayList<>();
    private final ArrayDeque<Segment> pool = new ArrayDeque<>();
    /** TCP maximum segment size on the link. */
    final int mss;
    /** tcp_xmit_size_goal: the largest packet TCP builds (a multiple of the MSS). */
    final int sizeGoal;
    /** Fragments one packet may have: MAX_SKB_FRAGS, or fewer if the device says so. */
    final int maxFrags;
    /** The TSQ rate term: sk_pacing_rate >> sk_pacing_shift, with the link rate as pacing rate. */
    final long tsqRateBytes;
    private final long oneWayNs;
    private final boolean hwGso;
    /** The loopback device, for connections between this host's own sockets. */
    final Loopback lo = new Loopback();
    /** Listening TCP sockets by local port. */
    private final java.util.Map<Integer, TcpListener> listeners = new java.util.HashMap<>();

    long txPackets;
    long txPayloadBytes;
    long txHeaderBytes;
    long gsoSegments;
    long linearizedBytes;
    long rxPackets;
    long rxPayloadBytes;
    long pureAcks;
    long delayedAcks;
    long autocorks;
    long tsqThrottles;

    public NetStack(Simulator sim, Cpus cpus, NetworkDevice nic, NetCosts nc, TcpSettings tcp) {
        this.sim = sim;
        this.cpus = cpus;
        this.cost = cpus.cost();
        this.nc = nc;
        this.tcp = tcp;
        this.nic = nic;
        this.features = nic.features();
        this.mss = features.mss();
        int gsoMax = features.gsoMaxSize() - (MAX_TCP_HEADER + 1);
        this.sizeGoal = Math.max(mss, gsoMax / mss * mss);
        this.maxFrags = Math.min(MAX_SKB_FRAGS, features.maxFragments());
        this.tsqRateBytes = (long) (features.linkBitsPerSecond() / 8) >> tcp.pacingShift();
        this.oneWayNs = tcp.rttNs() / 2;
        this.hwGso = features.tso() && features.scatterGather();
        this.softirqs = new Softirq[cpus.count()];
        for (int i = 0; i < softirqs.length; i++) {
            softirqs[i] = new Softirq(cpus, i, cost.hardIrqNs());
        }
        this.peer = new Peer(this);
        nic.attach(this);
    }

    /** The NIC's offload features (what the stack may hand it). */
    public NetDeviceFeatures features() {
        return features;
    }

    public NetworkDevice device() {
        return nic;
    }

    public NetCosts costs() {
        return nc;
    }

    public TcpSettings settings() {
        return tcp;
    }

    /** The host on the other side of the link. */
    public Peer peer() {
        return peer;
    }

    public int mss() {
        return mss;
    }

    /**
     * Opens an established TCP connection to the peer. {@code app} is what the peer does with
     * the data it receives; {@code pingpong} says the peer answers with data of its own
     * (request/response), so it delays its ACKs to piggyback them instead of acknowledging
     * every pushed segment at once.
     */
    public TcpSocket connect(Peer.App app, boolean pingpong) {
        TcpSocket s = new TcpSocket(this, sockets.size());
        sockets.add(s);
        peer.open(s, app, pingpong);
        return s;
    }

    /**
     * connect(2) of {@code s} to the peer over the NIC, with the three-way handshake: the SYN
     * leaves on {@code w} through the NIC, the peer answers with a SYN-ACK one round trip later,
     * and its arrival (NET_RX softirq) establishes the socket, which sends the handshake's ACK;
     * {@code result} gets 0 then. Data sent at once reaches the peer after a further half round
     * trip, 1.5 RTT after the SYN left.
     */
    void connectRemote(TcpSocket s, Peer.App app, boolean pingpong, KernelWork w, int cpu,
                       java.util.function.LongConsumer result) {
        peer.open(s, app, pingpong);
        Segment seg = segment();
        seg.socket = s;
        seg.fromPeer = false;
        seg.syn = true;
        seg.seq = 0;
        seg.len = 0;
        seg.ack = 0;
        seg.psh = false;
        seg.txCpu = cpu;
        seg.onEstablished = result;
        Packet p = seg.packet;
        p.headerBytes = NetDeviceFeatures.TCP_IP_HEADERS + 20; // the SYN's options (MSS, SACK, timestamps, wscale)
        p.payloadBytes = 0;
        p.fragments = 0;
        p.owner = null;
        txPackets++;
        txHeaderBytes += p.headerBytes;
        w.charge(nc.txPacketNs());
        w.then(() -> nic.transmit(p));
    }

    /** A TCP socket not yet connected (socket(2)); connect or accept puts it on its route. */
    public TcpSocket newSocket() {
        TcpSocket s = new TcpSocket(this, sockets.size());
        sockets.add(s);
        return s;
    }

    /** listen(2) on {@code port}: null if another socket listens there already (EADDRINUSE). */
    public TcpListener listen(int port, int backlog) {
        if (listeners.containsKey(port)) {
            return null;
        }
        TcpListener l = new TcpListener(port, backlog);
        listeners.put(port, l);
        return l;
    }

    /** close(2) of a listening socket: the port is free again. */
    public void closeListener(TcpListener l) {
        l.closed = true;
        listeners.remove(l.port(), l);
    }

    /** net.core.rmem_default: a UDP socket's sk_rcvbuf. */
    static final long RMEM_DEFAULT = 212_992;
    /** The first port of ip_local_port_range (32768-60999): where inet_autobind starts. */
    static final int EPHEMERAL_FIRST = 32768;
    private final java.util.Map<Integer, java.util.List<UdpSocket>> udpPorts = new java.util.HashMap<>();
    private int nextEphemeral = EPHEMERAL_FIRST;
    long udpDrops;

    /** True for an address of this host: localhost, 127.0.0.0/8, ::1. */
    public static boolean isLocalAddress(String host) {
        return host.equals("localhost") || host.equals("ip6-localhost") || host.equals("::1") || host.startsWith("127.")
                || host.equals("0.0.0.0");
    }

    /** True for an IPv4 multicast address (224.0.0.0 to 239.255.255.255, fio_netio_is_multicast). */
    public static boolean isMulticast(String host) {
        String[] q = host.split("\\.");
        if (q.length != 4) {
            return false;
        }
        try {
            int a = Integer.parseInt(q[0]);
            return a >= 224 && a <= 239;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** socket(AF_INET, SOCK_DGRAM, 0). */
    public UdpSocket udpSocket() {
        return new UdpSocket(this, RMEM_DEFAULT);
    }

    /** bind(2) to {@code port} (SO_REUSEPORT: the port may be shared), and IP_ADD_MEMBERSHIP of {@code group} if not null. */
    void bindUdp(UdpSocket u, int port, String group) {
        u.port = port;
        u.group = group;
        udpPorts.computeIfAbsent(port, p -> new java.util.ArrayList<>()).add(u);
    }

    /**
     * udp_sendmsg of {@code len} bytes to {@code host}:{@code port} from {@code u} (bound to an
     * ephemeral port first if it is not): the data is copied into one skb and sent down the
     * stack on {@code w}. To this host it goes over lo to the socket bound to the port; to a
     * multicast group, ip_mc_output loops a copy back to this host's members of the group
     * (IP_MULTICAST_LOOP, dev_loopback_xmit: each member socket gets its own clone) and sends it
     * out through the NIC as well; to another host, out through the NIC.
     */
    void sendUdp(UdpSocket u, Task t, String host, int port, long len, int kind, long seq, KernelWork w, int cpu) {
        if (u.port == 0) {
            u.port = nextEphemeral++;
            udpPorts.computeIfAbsent(u.port, p -> new java.util.ArrayList<>()).add(u);
        }
        w.charge(cost.copyNs(len)); // ip_make_skb -> ip_generic_getfrag: copy (checksum offloaded)
        t.countCopy(len);
        w.charge(nc.txPacketNs());
        int from = u.port;
        boolean mc = isMulticast(host);
        if (mc || isLocalAddress(host)) {
            w.then(() -> loopback(UdpSocket.UDP_IP_HEADERS + len, cpu, (w1, cpu1) -> {
                w1.charge(nc.rxPacketNs()); // ip_rcv -> udp_rcv
                java.util.List<UdpSocket> bound = udpPorts.getOrDefault(port, java.util.List.of());
                boolean first = true;
                for (UdpSocket r : bound) {
                    if (mc ? host.equals(r.group) : (r.group == null || first)) {
                        if (!first) {
                            w1.charge(nc.skbNs()); // skb_clone for each further member
                        }
                        first = false;
                        long before = r.drops;
                        r.enqueue(len, from, kind, seq, w1);
                        udpDrops += r.drops - before;
                        if (!mc) {
                            break;
                        }
                    }
                }
            }));
        }
        if (!mc && isLocalAddress(host)) {
            return;
        }
        // out through the NIC: IP fragments of at most the MTU when the datagram is larger (ip_fragment)
        int fragPayload = features.mtu() - UdpSocket.UDP_IP_HEADERS;
        long left = len;
        do {
            long n = Math.min(left, fragPayload);
            left -= n;
            Segment seg = segment();
            seg.socket = null;
            seg.udp = true;
            seg.fromPeer = false;
            seg.txCpu = cpu;
            seg.len = n;
            Packet p = seg.packet;
            p.headerBytes = UdpSocket.UDP_IP_HEADERS;
            p.payloadBytes = n;
            p.fragments = 0;
            p.owner = t;
            txPackets++;
            txPayloadBytes += n;
            txHeaderBytes += p.headerBytes;
            if (left > 0) {
                w.charge(nc.txPacketNs()); // each further fragment down to the driver
            }
            w.then(() -> nic.transmit(p));
        } while (left > 0);
    }

    /** The loopback device's transmitted packets and bytes (lo's tx counters). */
    public long loopbackPackets() {
        return lo.txPackets;
    }

    public long loopbackBytes() {
        return lo.txBytes;
    }

    /**
     * The three-way handshake of {@code c} with the listener on local {@code port} over lo
     * (tcp_v4_connect -> tcp_connect, tcp_conn_request, tcp_rcv_synsent_state_process,
     * tcp_check_req): the SYN leaves on {@code w} (the connecting task's work), the rest runs in
     * the NET_RX softirq of core {@code cpu}, each packet one trip down the stack and one through
     * the backlog. {@code result} gets 0 once the SYN-ACK is in (connect returns: one RTT), or
     * -ECONNREFUSED (a reset: no listener); the child is queued for accept when the ACK arrives
     * (one and a half RTTs).
     */
    void connectLocal(TcpSocket c, int port, KernelWork w, int cpu, java.util.function.LongConsumer result) {
        w.charge(nc.txPacketNs()); // SYN
        w.then(() -> loopback(NetDeviceFeatures.TCP_IP_HEADERS + 20, cpu, (w1, cpu1) -> {
            w1.charge(nc.rxPacketNs());
            TcpListener l = listeners.get(port);
            if (l == null) {
                w1.charge(nc.txPacketNs()); // tcp_v4_send_reset
                w1.then(() -> loopback(NetDeviceFeatures.TCP_IP_HEADERS, cpu1, (w2, cpu2) -> {
                    w2.charge(nc.rxPacketNs());
                    w2.then(() -> result.accept(-111));
                }));
                return;
            }
            if (l.acceptQueueFull()) {
                return; // tcp_conn_request drops it (the client would retransmit after 1 s)
            }
            TcpSocket child = newSocket();
            l.inherit(child);
            w1.charge(nc.txPacketNs()); // SYN-ACK
            w1.then(() -> loopback(NetDeviceFeatures.TCP_IP_HEADERS + 20, cpu1, (w2, cpu2) -> {
                w2.charge(nc.rxPacketNs());
                c.routeLocal(child, lo);
                child.routeLocal(c, lo);
                c.sndWnd = child.advertisedWindow();
                child.sndWnd = c.advertisedWindow();
                w2.charge(nc.txPacketNs()); // the handshake's ACK
                w2.then(() -> loopback(NetDeviceFeatures.TCP_IP_HEADERS, cpu2, (w3, cpu3) -> {
                    w3.charge(nc.rxPacketNs());
                    if (l.closed) {
                        c.resetByPeer(w3);
                        return;
                    }
                    l.enqueue(child, w3);
                }));
                w2.then(() -> result.accept(0));
            }));
        }));
    }

    /** loopback_xmit of a packet of {@code bytes} on core {@code cpu}: its receive work joins that core's backlog. */
    private void loopback(long bytes, int cpu, Softirq.Item rx) {
        lo.count(bytes);
        softirqs[cpu].raise(rx, false);
    }

    /** The core the flow's received packets interrupt (RSS: a hash of the connection). */
    int rssCpu(int conn) {
        int h = conn * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), softirqs.length);
    }

    private Segment segment() {
        Segment s = pool.pollFirst();
        if (s == null) {
            s = new Segment();
            s.net = this;
        }
        return s;
    }

    private void release(Segment s) {
        s.socket = null;
        s.from = null;
        s.local = false;
        s.fin = false;
        s.syn = false;
        s.udp = false;
        s.onEstablished = null;
        s.wnd = -1;
        s.packet.owner = null;
        pool.addFirst(s);
    }

    // ------------------------------------------------------------------ transmit

    /**
     * Hands one TCP packet (skb) to the device, as validate_xmit_skb fits it: whole with TSO,
     * else GSO segments (copied when the device cannot gather); charged to {@code w} on {@code cpu}.
     */
    void xmit(TcpSocket s, TcpSocket.Skb skb, KernelWork w, int cpu) {
        long len = skb.len;
        if (s.remote != null) {
            // lo has NETIF_F_SG and GSO_SOFTWARE: the packet passes whole, its fragments referenced.
            emitLocal(s, skb.seq, len, skb.psh, skb.fin, skb.pageSize, w, cpu);
            return;
        }
        boolean sg = features.scatterGather();
        if (len <= mss || hwGso) {
            int frags = skb.frags();
            if (frags > 0 && !sg) {
                linearize(s, len, w); // __skb_linearize
                frags = 0;
            }
            emit(s, skb.seq, len, frags, skb.psh, w, cpu);
            return;
        }
        // Software GSO (skb_segment): MSS-sized segments; PSH only on the last.
        for (long off = 0; off < len; off += mss) {
            long n = Math.min(mss, len - off);
            int frags;
            if (sg) {
                frags = TcpSocket.spanned(skb.firstOff + off, n, skb.pageSize);
            } else {
                linearize(s, n, w);
                frags = 0;
            }
            gsoSegments++;
            emit(s, skb.seq + off, n, frags, skb.psh && off + n >= len, w, cpu);
        }
    }

    /** A copy of payload into a linear buffer, made for a device that cannot gather. */
    private void linearize(TcpSocket s, long bytes, KernelWork w) {
        w.charge(cost.copyNs(bytes));
        linearizedBytes += bytes;
        if (s.owner != null) {
            s.owner.countCopy(bytes);
        }
    }

    /** A pure ACK of everything received on {@code s} (tcp_send_ack). */
    void sendAck(TcpSocket s, KernelWork w, int cpu) {
        pureAcks++;
        if (s.remote != null) {
            emitLocal(s, s.sndNxt, 0, false, false, 0, w, cpu);
            return;
        }
        emit(s, s.sndNxt, 0, 0, false, w, cpu);
    }

    /** A FIN with nothing queued before it (tcp_send_fin on an empty write queue). */
    void sendFin(TcpSocket s, KernelWork w, int cpu) {
        emitLocal(s, s.sndNxt, 0, false, true, 0, w, cpu);
    }

    /** A reset (tcp_send_active_reset: close with unread data). */
    void sendReset(TcpSocket s, KernelWork w, int cpu) {
        TcpSocket r = s.remote;
        w.charge(nc.txPacketNs());
        w.then(() -> loopback(NetDeviceFeatures.TCP_IP_HEADERS, cpu, (w1, cpu1) -> {
            w1.charge(nc.rxPacketNs());
            r.resetByPeer(w1);
        }));
    }

    /**
     * A segment over lo to the other end of {@code s}: one trip down the stack
     * ({@link NetCosts#txPacketNs}), then loopback_xmit; skb_orphan frees its send-buffer charge
     * at once, so it never counts against TCP small queues.
     */
    private void emitLocal(TcpSocket s, long seq, long len, boolean psh, boolean fin, int pageSize, KernelWork w,
                           int cpu) {
        Segment seg = segment();
        seg.local = true;
        seg.from = s;
        seg.socket = s.remote;
        seg.fromPeer = false;
        seg.seq = seq;
        seg.len = len;
        seg.ack = s.rcvNxt;
        seg.wnd = s.advertisedWindow();
        seg.psh = psh;
        seg.fin = fin;
        seg.pageSize = pageSize;
        seg.txCpu = cpu;
        s.ackSent();
        if (len > 0) {
            s.dataSent();
        }
        w.charge(nc.txPacketNs());
        w.then(() -> loopback(NetDeviceFeatures.TCP_IP_HEADERS + len, cpu, seg));
    }

    /** A segment over lo reached its socket (process_backlog -> tcp_v4_rcv). */
    void receiveLocal(Segment seg, KernelWork w, int cpu) {
        w.charge(nc.rxPacketNs());
        TcpSocket s = seg.socket;
        s.onAck(seg.ack, seg.wnd, w, cpu);
        if (seg.len > 0) {
            s.onLocalData(seg.len, seg.pageSize);
            s.onData(seg.len, seg.psh || seg.fin, w, cpu);
        }
        if (seg.fin && !s.closed) {
            s.onFin(w);
        }
        release(seg);
    }

    private void emit(TcpSocket s, long seq, long len, int frags, boolean psh, KernelWork w, int cpu) {
        Segment seg = segment();
        seg.socket = s;
        seg.fromPeer = false;
        seg.seq = seq;
        seg.len = len;
        seg.ack = s.rcvNxt;
        seg.psh = psh;
        seg.txCpu = cpu;
        Packet p = seg.packet;
        p.headerBytes = NetDeviceFeatures.TCP_IP_HEADERS;
        p.payloadBytes = len;
        p.fragments = frags;
        p.owner = len > 0 ? s.owner : null;
        txPackets++;
        txPayloadBytes += len;
        txHeaderBytes += p.headerBytes;
        s.wmemAlloc += len;
        s.dmaHeaderBytes += len > 0 ? p.headerBytes : 0;
        s.ackSent(); // every segment carries the ACK (tcp_event_ack_sent)
        w.charge(nc.txPacketNs());
        w.then(() -> nic.transmit(p));
    }

    // ------------------------------------------------------------------ NetworkHost

    @Override
    public Simulator sim() {
        return sim;
    }

    @Override
    public void transmitted(Packet p) {
        Segment seg = (Segment) p.hostData;
        TcpSocket s = seg.socket;
        long seq = seg.seq;
        long len = seg.len;
        long ack = seg.ack;
        boolean psh = seg.psh;
        if (seg.udp) {
            softirqs[seg.txCpu].raise(seg, true); // the peer ignores UDP: only the completion remains
            return;
        }
        if (seg.syn) {
            // tcp_conn_request at the peer: its SYN-ACK comes back through the NIC.
            java.util.function.LongConsumer done = seg.onEstablished;
            sim.after(oneWayNs, () -> synAck(s, done));
        } else {
            sim.after(oneWayNs, () -> peer.deliver(s, seq, len, ack, psh));
        }
        softirqs[seg.txCpu].raise(seg, true);
    }

    /** The peer's SYN-ACK to {@code s}: it crosses the link and enters through the NIC. */
    private void synAck(TcpSocket s, java.util.function.LongConsumer done) {
        Segment seg = segment();
        seg.socket = s;
        seg.fromPeer = true;
        seg.syn = true;
        seg.seq = 0;
        seg.len = 0;
        seg.ack = 1;
        seg.psh = false;
        seg.onEstablished = done;
        Packet p = seg.packet;
        p.headerBytes = NetDeviceFeatures.TCP_IP_HEADERS + 20;
        p.payloadBytes = 0;
        p.fragments = 0;
        p.owner = null;
        sim.after(oneWayNs, () -> nic.receive(p));
    }

    @Override
    public void received(Packet p) {
        Segment seg = (Segment) p.hostData;
        rxPackets++;
        rxPayloadBytes += seg.len;
        softirqs[rssCpu(seg.socket.conn)].raise(seg, true);
    }

    @Override
    public void countDma(Packet p, long bytes) {
        if (p.owner != null) {
            p.owner.countDma(bytes);
        }
    }

    // ------------------------------------------------------------------ softirq work

    /** A segment from the peer has reached host memory: TCP input (tcp_rcv_established). */
    void receiveSegment(Segment seg, KernelWork w, int cpu) {
        w.charge(nc.rxPacketNs());
        TcpSocket s = seg.socket;
        if (seg.syn) {
            // tcp_rcv_synsent_state_process: established; the ACK goes out, connect() returns.
            java.util.function.LongConsumer done = seg.onEstablished;
            release(seg);
            sendAck(s, w, cpu);
            w.then(() -> done.accept(0));
            return;
        }
        if (seg.ack > 0) {
            s.onAck(seg.ack, -1, w, cpu);
        }
        if (seg.len > 0) {
            s.onData(seg.len, seg.psh, w, cpu);
        }
        release(seg);
    }

    /** A transmitted packet's descriptor is cleaned and its skb freed (tcp_wfree). */
    void transmitDone(Segment seg, KernelWork w, int cpu) {
        w.charge(nc.txCompletionNs());
        if (seg.syn || seg.udp) {
            release(seg);
            return;
        }
        seg.socket.onTransmitted(seg.len, w, cpu);
        release(seg);
    }

    /** A TCP timer of {@code s} expired on {@code cpu}: its work runs in that core's softirq. */
    void timer(Softirq.Item item, int cpu) {
        softirqs[cpu].raise(item, false);
    }

    /** The peer sends a segment to this host: it crosses the link and enters through the NIC. */
    void fromPeer(TcpSocket s, long seq, long len, long ack, boolean psh) {
        Segment seg = segment();
        seg.socket = s;
        seg.fromPeer = true;
        seg.seq = seq;
        seg.len = len;
        seg.ack = ack;
        seg.psh = psh;
        Packet p = seg.packet;
        p.headerBytes = NetDeviceFeatures.TCP_IP_HEADERS;
        p.payloadBytes = len;
        p.fragments = 0;
        p.owner = len > 0 ? s.owner : null;
        sim.after(oneWayNs, () -> nic.receive(p));
    }

    // ------------------------------------------------------------------ statistics

    /** Registers {@code net.*} statistics. */
    public void registerStats(Stats stats) {
        stats.counter("net.tx.packets", () -> txPackets);
        stats.counter("net.tx.payload_bytes", () -> txPayloadBytes);
        stats.counter("net.tx.gso_segments", () -> gsoSegments);
        stats.counter("net.tx.linearized_bytes", () -> linearizedBytes);
        stats.counter("net.rx.packets", () -> rxPackets);
        stats.counter("net.rx.payload_bytes", () -> rxPayloadBytes);
        stats.counter("net.tcp.pure_acks", () -> pureAcks);
        stats.counter("net.tcp.delayed_acks", () -> delayedAcks);
        stats.counter("net.tcp.autocorks", () -> autocorks);
        stats.counter("net.tcp.tsq_throttled", () -> tsqThrottles);
        stats.counter("net.udp.rcvbuf_errors", () -> udpDrops);
        stats.counter("net.lo.packets", () -> lo.txPackets);
        stats.counter("net.lo.bytes", () -> lo.txBytes);
        stats.counter("net.hardirqs", () -> {
            long n = 0;
            for (Softirq s : softirqs) {
                n += s.hardIrqs;
            }
            return n;
        });
        stats.counter("net.softirq_items", () -> {
            long n = 0;
            for (Softirq s : softirqs) {
                n += s.items;
            }
            return n;
        });
    }

    /** Forgets the counts so far (end of warm-up). */
    public void resetStats() {
        txPackets = txPayloadBytes = txHeaderBytes = gsoSegments = linearizedBytes = 0;
        rxPackets = rxPayloadBytes = pureAcks = delayedAcks = autocorks = tsqThrottles = 0;
        lo.txPackets = lo.txBytes = 0;
        udpDrops = 0;
        for (Softirq s : softirqs) {
            s.hardIrqs = s.items = 0;
        }
    }
}
