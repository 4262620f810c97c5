package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.machine.Stack;
import org.junit.jupiter.api.Test;

/** UDP over lo against net/ipv4/udp.c: receive-buffer drops, multicast delivery to every member. */
class UdpSocketTest {
    private final Stack stack = new Stack(ConfigNode.emptyRoot("t"), 1);
    private final NetStack net = stack.network();
    private final Sockets sockets = new Sockets(stack.kernel, net);

    private void blast(Task t, UdpSocket from, String host, int port, int n, Runnable then) {
        if (n == 0) {
            then.run();
            return;
        }
        sockets.sendtoUdp(t, from, host, port, 64, UdpSocket.DATA, n, r -> blast(t, from, host, port, n - 1, then));
    }

    @Test
    void anUnreadSocketQueuesUntilItsMemoryPassesRcvbufAndDropsTheRest() {
        UdpSocket rx = net.udpSocket();
        UdpSocket tx = net.udpSocket();
        Task t = stack.cpus.newTask("tx");
        t.start(() -> sockets.bindUdp(t, rx, 10000, null, r -> blast(t, tx, "127.0.0.1", 10000, 1000, t::exit)));
        stack.sim.run();
        // truesize of a 64-byte datagram: 64 + 28 headers + 80 headroom in a 256-byte kmalloc, plus
        // sk_buff and skb_shared_info (552): 808. __udp_enqueue_schedule_skb drops once the memory
        // charged exceeds rmem_default 212992: 264 datagrams queued (264 x 808 = 213312).
        assertThat(UdpSocket.truesize(64)).isEqualTo(808);
        assertThat(rx.queued()).isEqualTo(212_992 / 808 + 1);
        assertThat(rx.drops()).isEqualTo(1000 - rx.queued());
        assertThat(stack.stats.snapshot().get("net.udp.rcvbuf_errors").longValue()).isEqualTo(rx.drops());
        assertThat(stack.stats.snapshot().get("net.tx.packets").longValue()).isZero(); // unicast to this host: lo only
    }

    @Test
    void aMulticastDatagramReachesEveryMemberOfTheGroupOnThePortAndLeavesThroughTheNic() {
        UdpSocket a = net.udpSocket();
        UdpSocket b = net.udpSocket();
        UdpSocket other = net.udpSocket();
        UdpSocket tx = net.udpSocket();
        Task t = stack.cpus.newTask("tx");
        t.start(() -> sockets.bindUdp(t, a, 10000, "239.0.0.0", r1 -> sockets.bindUdp(t, b, 10000, "239.0.0.0",
                r2 -> sockets.bindUdp(t, other, 10000, "239.1.1.1", r3 -> blast(t, tx, "239.0.0.0", 10000, 10, t::exit)))));
        stack.sim.run();
        assertThat(a.queued()).isEqualTo(10);
        assertThat(b.queued()).isEqualTo(10);
        assertThat(other.queued()).isZero(); // not a member of that group
        assertThat(stack.stats.snapshot().get("net.tx.packets").longValue()).isEqualTo(10);
        assertThat(tx.port()).isGreaterThanOrEqualTo(32768); // inet_autobind: an ephemeral port
    }
}
