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

    Segment() {
        packet.hostData = this;
    }

    @Override
    public void run(KernelWork work, int cpu) {
        if (fromPeer) {
            net.receiveSegment(this, work, cpu);
        } else {
            net.transmitDone(this, work, cpu);
        }
    }
}
