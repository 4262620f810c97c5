package io.stacksim.devices.net;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.device.NetDeviceFeatures;
import io.stacksim.device.NetworkDevice;
import io.stacksim.device.NetworkHost;
import io.stacksim.device.Packet;
import io.stacksim.devices.dma.DmaTransfer;
import io.stacksim.devices.dma.LinkSpec;
import io.stacksim.devices.dma.SharedLink;
import io.stacksim.engine.Event;
import io.stacksim.engine.Simulator;
import java.util.ArrayDeque;

/**
 * An Ethernet NIC on a PCIe link.
 *
 * <p>Transmit (ndo_start_xmit): the driver posts one descriptor per DMA segment (the linear
 * header part and each page fragment); the NIC fetches them ({@code dma_setup}) and reads the
 * data from host memory over PCIe (one DMA transfer for the packet, counted once, its bytes the
 * headers and payload). With TSO it then cuts the payload into MSS-sized frames, replicating the
 * headers; each frame costs payload + 40 B TCP/IP + 38 B Ethernet (preamble, header, FCS,
 * inter-frame gap) at line rate. Frames leave in the order the driver posted them (the TX ring is
 * serviced in order: a short packet whose DMA finishes first still waits for the packets ahead of
 * it). When the last bit has left, the TX completion is reported.
 *
 * <p>Receive: a frame's bits arrive at line rate, then the NIC writes it into a posted RX buffer
 * by DMA and reports it; completions are reported in ring order, as frames arrived.
 *
 * <p>Rules the caller must keep ({@link NetworkDevice}): several fragments only with gather,
 * a payload above the MSS only with TSO, at most {@code gso_max_size}.
 */
public final class Nic implements NetworkDevice {
    private final String name;
    private final NetDeviceFeatures features;
    private final LinkSpec pcie;
    private final long dmaSetupNs;
    private NetworkHost host;
    private Simulator sim;
    private SharedLink link;
    private long txWireFreeAt;
    private long rxWireFreeAt;
    private final ArrayDeque<Ctx> pool = new ArrayDeque<>();
    /** Transmit contexts in ring order, from the oldest not yet on the wire. */
    private final ArrayDeque<Ctx> txRing = new ArrayDeque<>();
    /** Receive contexts in ring order, from the oldest not yet reported. */
    private final ArrayDeque<Ctx> rxRing = new ArrayDeque<>();
    private long txPackets;
    private long txFrames;
    private long rxPackets;

    public Nic(String name, NetDeviceFeatures features, LinkSpec pcie, long dmaSetupNs) {
        this.name = name;
        this.features = features;
        this.pcie = pcie;
        this.dmaSetupNs = dmaSetupNs;
    }

    static final Tunable<Double> LINK_RATE = Tunable.rate("link_rate", 1.25e9).help("the wire's data rate");
    static final Tunable<Integer> MTU = Tunable.integer("mtu", 1500, 576, 65535).help("the link's MTU");
    static final Tunable<Boolean> SCATTER_GATHER = Tunable.flag("scatter_gather", true)
            .help("NETIF_F_SG: the NIC gathers a packet from several pages (sendfile and splice need no copy)");
    static final Tunable<Integer> MAX_FRAGMENTS = Tunable.integer("max_fragments", 17, 1, 1024)
            .help("MAX_SKB_FRAGS: page fragments per packet");
    static final Tunable<Boolean> TSO = Tunable.flag("tso", true).help("TCP segmentation offload");
    static final Tunable<Long> GSO_MAX_SIZE = Tunable.size("gso_max_size", 65536, 1500, 1 << 20)
            .help("largest segment handed to the NIC with TSO");
    static final Tunable<Integer> PCIE_GEN = Tunable.integer("pcie_gen", 3, 1, 5).help("PCIe generation of the NIC");
    static final Tunable<Integer> PCIE_LANES = Tunable.integer("pcie_lanes", 8, 1, 16).help("PCIe lanes");
    static final Tunable<Long> MAX_PAYLOAD = Tunable.size("max_payload", 256, 128, 4096)
            .help("PCIe max payload size per TLP");
    static final Tunable<Long> DMA_SETUP = Tunable.duration("dma_setup", 500, 1)
            .help("mapping and descriptor set-up per DMA");

    /** The {@code nic} kind's parameters, under {@code net}. */
    public static final ConfigSection PARAMS = ConfigSection.of("net", "`kind: nic` network devices (`net`)",
            LINK_RATE, MTU, SCATTER_GATHER, MAX_FRAGMENTS, TSO, GSO_MAX_SIZE, PCIE_GEN, PCIE_LANES, MAX_PAYLOAD,
            DMA_SETUP);

    /** The {@code nic} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final io.stacksim.devices.DeviceKind KIND = io.stacksim.devices.DeviceKind.network("nic", "eth0", Nic::build)
            .withParams(PARAMS);

    /** Builds a NIC from profile parameters ({@code kind: nic}). */
    public static Nic build(String name, ConfigNode p) {
        NetDeviceFeatures f;
        LinkSpec spec;
        try {
            f = new NetDeviceFeatures(LINK_RATE.read(p) * 8, MTU.read(p), SCATTER_GATHER.read(p), MAX_FRAGMENTS.read(p),
                    TSO.read(p), (int) (long) GSO_MAX_SIZE.read(p));
            spec = LinkSpec.pcie(PCIE_GEN.read(p), PCIE_LANES.read(p), (int) (long) MAX_PAYLOAD.read(p));
        } catch (IllegalArgumentException e) {
            throw LINK_RATE.error(p, e.getMessage());
        }
        return new Nic(name, f, spec, DMA_SETUP.read(p));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NetDeviceFeatures features() {
        return features;
    }

    @Override
    public void attach(NetworkHost host) {
        this.host = host;
        this.sim = host.sim();
        this.link = new SharedLink(sim, pcie, dmaSetupNs);
    }

    /** Line time of {@code payload} bytes of TCP data, framed. */
    public long wireNs(long payload) {
        return (long) Math.ceil(features.wireBytes(payload) * 8 * 1e9 / features.linkBitsPerSecond());
    }

    @Override
    public void transmit(Packet p) {
        if (p.fragments > 0 && !features.scatterGather()) {
            throw new IllegalArgumentException(name + " cannot gather: the packet must be linearised first (skb_linearize)");
        }
        if (p.fragments > features.maxFragments()) {
            throw new IllegalArgumentException(name + ": " + p.fragments + " fragments, more than MAX_SKB_FRAGS " + features.maxFragments());
        }
        if (p.payloadBytes > features.mss() && !features.tso()) {
            throw new IllegalArgumentException(name + " has no TSO: segment to the MSS (" + features.mss() + " B) in software first");
        }
        if (p.payloadBytes > features.gsoMaxSize()) {
            throw new IllegalArgumentException(name + ": packet of " + p.payloadBytes + " B exceeds gso_max_size");
        }
        txPackets++;
        p.tQueued = sim.now();
        Ctx c = ctx(p, true);
        txRing.addLast(c);
        c.dma.set(p.headerBytes + p.payloadBytes, false); // device reads host memory
        link.start(c.dma);
        host.countDma(p, p.headerBytes + p.payloadBytes);
    }

    @Override
    public void receive(Packet p) {
        rxPackets++;
        p.tQueued = sim.now();
        Ctx c = ctx(p, false);
        rxRing.addLast(c);
        long start = Math.max(sim.now(), rxWireFreeAt);
        rxWireFreeAt = start + wireNs(p.payloadBytes);
        p.frames = frames(p.payloadBytes);
        c.stage = 1;
        sim.schedule(rxWireFreeAt, c);
    }

    private int frames(long payload) {
        return (int) Math.max(1, (payload + features.mss() - 1) / features.mss());
    }

    private Ctx ctx(Packet p, boolean tx) {
        Ctx c = pool.pollFirst();
        if (c == null) {
            c = new Ctx();
        }
        c.packet = p;
        c.tx = tx;
        c.stage = 0;
        return c;
    }

    /** Per-packet state: DMA, then wire (TX) or wire, then DMA (RX). */
    private final class Ctx implements Event {
        Packet packet;
        boolean tx;
        int stage;
        final DmaTransfer dma = new DmaTransfer(this);

        @Override
        public void fire() {
            Packet p = packet;
            if (tx && stage == 0) {
                // data fetched: onto the wire behind the frames already queued, in ring order
                stage = 1;
                while (!txRing.isEmpty() && txRing.peekFirst().stage == 1) {
                    txRing.pollFirst().toWire();
                }
            } else if (tx) {
                p.tDone = sim.now();
                release();
                host.transmitted(p);
            } else if (stage == 1) {
                stage = 2; // frame received: DMA into the posted RX buffer
                dma.set(p.headerBytes + p.payloadBytes, true);
                link.start(dma);
                host.countDma(p, p.headerBytes + p.payloadBytes);
            } else {
                p.tDone = sim.now();
                stage = 3;
                while (!rxRing.isEmpty() && rxRing.peekFirst().stage == 3) {
                    Ctx done = rxRing.pollFirst();
                    Packet q = done.packet;
                    done.release();
                    host.received(q);
                }
            }
        }

        private void toWire() {
            Packet p = packet;
            stage = 2;
            long start = Math.max(sim.now(), txWireFreeAt);
            txWireFreeAt = start + wireNs(p.payloadBytes);
            p.frames = frames(p.payloadBytes);
            txFrames += p.frames;
            sim.schedule(txWireFreeAt, this);
        }

        private void release() {
            packet = null;
            pool.addFirst(this);
        }
    }

    public long txPackets() {
        return txPackets;
    }

    public long txFrames() {
        return txFrames;
    }

    public long rxPackets() {
        return rxPackets;
    }
}
