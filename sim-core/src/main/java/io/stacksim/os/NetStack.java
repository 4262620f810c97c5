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
        emit(s, s.sndNxt, 0, 0, false, w, cpu);
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
        sim.after(oneWayNs, () -> peer.deliver(s, seq, len, ack, psh));
        softirqs[seg.txCpu].raise(seg, true);
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
        if (seg.ack > 0) {
            s.onAck(seg.ack, w, cpu);
        }
        if (seg.len > 0) {
            s.onData(seg.len, w, cpu);
        }
        release(seg);
    }

    /** A transmitted packet's descriptor is cleaned and its skb freed (tcp_wfree). */
    void transmitDone(Segment seg, KernelWork w, int cpu) {
        w.charge(nc.txCompletionNs());
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
        for (Softirq s : softirqs) {
            s.hardIrqs = s.items = 0;
        }
    }
}
