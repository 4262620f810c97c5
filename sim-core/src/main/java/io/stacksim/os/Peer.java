package io.stacksim.os;

import io.stacksim.engine.Simulator;
import io.stacksim.engine.Timer;

/**
 * The machine on the other side of the link, seen only through its TCP endpoints: it receives
 * what this host sends, hands it to its application, and acknowledges it the way a Linux
 * receiver does (__tcp_ack_snd_check): at once when more than one full segment is
 * unacknowledged, or when a pushed segment has been read by an application that is not
 * exchanging requests and responses (tcp_cleanup_rbuf's ICSK_ACK_PUSHED rule); otherwise after
 * TCP_DELACK_MIN, unless data it sends first carries the ACK. Its CPU is not simulated: it
 * reads everything as soon as it arrives.
 */
public final class Peer {
    /** The peer's application on one connection. */
    public interface App {
        /** {@code bytes} more of this host's data have arrived on connection {@code conn}. */
        void received(int conn, long bytes);
    }

    private final NetStack net;
    private final Simulator sim;
    private final java.util.Map<Integer, Conn> conns = new java.util.HashMap<>();

    private static final class Conn {
        TcpSocket local;
        App app;
        boolean pingpong;
        long rcvNxt = 1;
        long acked = 1;
        long sndNxt = 1;
        Timer delack;
    }

    Peer(NetStack net) {
        this.net = net;
        this.sim = net.sim();
    }

    void open(TcpSocket s, App app, boolean pingpong) {
        Conn c = new Conn();
        c.local = s;
        c.app = app;
        c.pingpong = pingpong;
        conns.put(s.conn, c);
    }

    /** One of this host's segments reached the peer. */
    void deliver(TcpSocket s, long seq, long len, long ack, boolean psh) {
        if (len == 0) {
            return; // a pure ACK: the peer's send state is not modelled
        }
        Conn c = conns.get(s.conn);
        c.rcvNxt = Math.max(c.rcvNxt, seq + len);
        if (c.app != null) {
            c.app.received(s.conn, len);
        }
        if (c.rcvNxt - c.acked > net.mss || (psh && !c.pingpong)) {
            ack(c);
        } else if (c.delack == null) {
            c.delack = sim.timerAfter(net.tcp.delayedAckNs(), () -> {
                c.delack = null;
                if (c.rcvNxt != c.acked) {
                    ack(c);
                }
            });
        }
    }

    private void ack(Conn c) {
        c.acked = c.rcvNxt;
        if (c.delack != null) {
            c.delack.cancel();
            c.delack = null;
        }
        net.fromPeer(c.local, c.sndNxt, 0, c.rcvNxt, false);
    }

    /**
     * The peer's application sends {@code bytes} on connection {@code conn} (e.g. a request):
     * MSS-sized segments, the last pushed, each carrying the ACK of what the peer has received.
     */
    public void send(int conn, long bytes) {
        Conn c = conns.get(conn);
        c.acked = c.rcvNxt;
        if (c.delack != null) {
            c.delack.cancel();
            c.delack = null;
        }
        long left = bytes;
        while (left > 0) {
            long n = Math.min(left, net.mss);
            left -= n;
            net.fromPeer(c.local, c.sndNxt, n, c.rcvNxt, left == 0);
            c.sndNxt += n;
        }
    }
}
