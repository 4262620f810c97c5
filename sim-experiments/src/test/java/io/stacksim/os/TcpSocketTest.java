package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.machine.Stack;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The socket send path and the NIC path against net/ipv4/tcp*.c and net/core/dev.c rules. */
class TcpSocketTest {
    /** A machine with a NIC and one connection to a sink; the sender writes {@code bytes} in one call. */
    private static final class Bench {
        final Stack stack;
        final NetStack net;
        final TcpSocket sock;
        final Task t;
        long received;
        long maxQueued;

        Bench(Map<String, String> sets) {
            ConfigNode root = ConfigNode.emptyRoot("t");
            root.set("net.profile", "nic-10g", Origin.flag("t"));
            sets.forEach((k, v) -> root.set(k, v, Origin.flag("t")));
            stack = new Stack(root, 1);
            net = stack.network();
            sock = net.connect((c, b) -> received += b, false);
            t = stack.cpus.newTask("sender");
        }

        void write(long bytes) {
            Sockets sockets = new Sockets(stack.kernel, net);
            t.start(() -> sockets.write(t, sock, bytes, r -> {
                assertThat(r).isEqualTo(bytes);
                t.exit();
            }));
            sample();
            stack.sim.run();
        }

        private void sample() {
            maxQueued = Math.max(maxQueued, sock.wmemQueued);
            if (!t.isDead() || !sock.drained()) {
                stack.sim.after(5_000, this::sample);
            }
        }

        long metric(String k) {
            return stack.stats.snapshot().get(k).longValue();
        }
    }

    /** tcp_xmit_size_goal: (gso_max_size - MAX_TCP_HEADER - 1) rounded down to whole MSS. */
    private static long sizeGoal(int gsoMax, int mss) {
        return (gsoMax - 320 - 1) / mss * mss;
    }

    @Test
    void withTsoTheNicGetsPacketsOfTheSizeGoal() {
        Bench b = new Bench(Map.of());
        b.write(1 << 20);
        assertThat(b.received).isEqualTo(1 << 20);
        long goal = sizeGoal(65536, 1460);
        assertThat(b.net.sizeGoal).isEqualTo(goal);
        assertThat(b.metric("net.tx.packets")).isEqualTo(((1 << 20) + goal - 1) / goal);
        assertThat(b.metric("net.tx.linearized_bytes")).isZero();
        assertThat(b.t.counters().cpuCopyBytes).isEqualTo(1 << 20); // copy_from_user only
    }

    @Test
    void withoutScatterGatherGsoCutsMssSegmentsAndCopiesThem() {
        Bench b = new Bench(Map.of("net.scatter_gather", "false"));
        b.write(1 << 20);
        assertThat(b.received).isEqualTo(1 << 20);
        int mss = 1500 - 40;
        assertThat(b.metric("net.tx.packets")).isEqualTo(((1 << 20) + mss - 1) / mss);
        assertThat(b.metric("net.tx.linearized_bytes")).isEqualTo(1 << 20);
        assertThat(b.t.counters().cpuCopyBytes).isEqualTo(2L << 20); // copy_from_user + skb_segment
    }

    @Test
    void aWriterSleepsWhenTheSendBufferIsFullAndWakesAsAcksFreeIt() {
        // A long round trip keeps data unacknowledged: 64 KiB of send buffer cannot hold 1 MiB.
        Bench b = new Bench(Map.of("net.tcp.sndbuf", "64k", "net.tcp.rtt", "1ms"));
        b.write(1 << 20);
        assertThat(b.received).isEqualTo(1 << 20);
        assertThat(b.t.counters().voluntarySwitches).isGreaterThanOrEqualTo(1);
        // sk_stream_memory_free is checked before each new packet, so the queue may pass the
        // limit by at most one packet.
        assertThat(b.maxQueued).isLessThanOrEqualTo((64 << 10) + b.net.sizeGoal);
        assertThat(b.maxQueued).isGreaterThan(32 << 10);
        // Sending 1 MiB this way takes about (1 MiB / 64 KiB) round trips.
        assertThat(b.stack.sim.now()).isGreaterThan(8 * 1_000_000L);
    }

    @Test
    void theBulkReceiverAcknowledgesEachPushedPacketOrEverySecondFullSegment() {
        Bench tso = new Bench(Map.of());
        tso.write(1 << 20);
        // every TSO packet carries more than one MSS: one ACK each
        assertThat(tso.metric("net.rx.packets")).isEqualTo(tso.metric("net.tx.packets"));
        Bench mss = new Bench(Map.of("net.scatter_gather", "false"));
        mss.write(1 << 20);
        long segs = mss.metric("net.tx.packets");
        // an ACK when more than one full segment is unacknowledged, and for the final pushed one
        assertThat(mss.metric("net.rx.packets")).isBetween(segs / 2, segs / 2 + 1);
    }

    @Test
    void tcpSmallQueuesBoundsWhatOneSocketHasInTheDevice() {
        Bench b = new Bench(Map.of("net.tcp.limit_output_bytes", "128k"));
        long[] maxInDevice = {0};
        io.stacksim.engine.Event[] probe = new io.stacksim.engine.Event[1];
        probe[0] = () -> {
            maxInDevice[0] = Math.max(maxInDevice[0], b.sock.wmemAlloc);
            if (b.received < (4 << 20)) {
                b.stack.sim.after(1_000, probe[0]);
            }
        };
        b.stack.sim.after(0, probe[0]);
        b.write(4 << 20);
        assertThat(b.metric("net.tcp.tsq_throttled")).isPositive();
        // the check lets a packet go while the device holds up to the limit
        assertThat(maxInDevice[0]).isLessThanOrEqualTo((128 << 10) + b.net.sizeGoal);
    }
}
