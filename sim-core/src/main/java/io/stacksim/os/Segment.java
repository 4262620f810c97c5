package io.stacksim.os;

import io.stacksim.device.Packet;

/**
 * The TCP view of one packet on the link (the part of an skb's header the simulation needs):
 * which connection, which bytes, the cumulative ACK it carries, PSH. It owns the
 * {@link Packet} handed to the NIC, and is also the softirq work item its arrival or transmit
 * completion raises. Pooled by the {@link NetStack}.
 */
final class Segment implements Softirq.Item {
    final Packet packet = new Packet();
    NetStack net;
    TcpSocket socket;
    /** Sent by the peer (arriving here) rather than by this host. */
    boolean fromPeer;
    /** Sequence number of the first payload byte (in the sender's byte stream). */
    long seq;
    long len;
    /** Cumulative acknowledgement carried (0 = none). */
    long ack;
    boolean psh;
    /** The core that transmitted it (its completion interrupt goes there: XPS). */
    int txCpu;
    /** Crossed the loopback device: {@link #socket} is the receiving end, {@link #from} the sender. */
    boolean local;
    TcpSocket from;
    /** The receive window the sender advertises with it (-1: none, the NIC's peer never limits). */
    long wnd = -1;
    /** The size of the pages its payload sits in (4 KiB for spliced pages, 32 KiB page fragments for copied data). */
    int pageSize;
    /** TCP flags beyond ACK and PSH. */
    boolean syn;
    boolean fin;
    boolean rst;
    /** A UDP datagram out through the NIC (no socket on this side waits for its completion). */
    boolean udp;
    /** A SYN or SYN-ACK of a connect to the peer: told when the connection is established. */
    java.util.function.LongConsumer onEstablished;

    Segment() {
        packet.hostData = this;
    }

    @Override
    public void run(KernelWork work, int cpu) {
        if (local) {
            net.receiveLocal(this, work, cpu);
        } else if (fromPeer) {
            net.receiveSegment(this, work, cpu);
        } else {
            net.transmitDone(this, work, cpu);
        }
    }
}
