package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.machine.Stack;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TCP between two sockets of one host over the loopback device, and the handshake over the NIC,
 * against TCP's own rules (RFC 793's three-way handshake, the window, Nagle/cork) and
 * drivers/net/loopback.c (no NIC, no DMA, no interrupt).
 */
class LoopbackTcpTest {
    private static Stack stack(Map<String, String> sets) {
        ConfigNode root = ConfigNode.emptyRoot("t");
        sets.forEach((k, v) -> root.set(k, v, Origin.flag("t")));
        return new Stack(root, 1);
    }

    /** A listening server task and a client task connected to it over lo. */
    private static final class Pair {
        final Stack stack;
        final NetStack net;
        final Sockets sockets;
        final Task server;
        final Task client;
        TcpSocket accepted;
        TcpSocket connected;
        long connectStart = -1;
        long connectDone = -1;
        long acceptDone = -1;
        long connectResult;

        Pair(Stack stack) {
            this.stack = stack;
            this.net = stack.network();
            this.sockets = new Sockets(stack.kernel, net);
            this.server = stack.cpus.newTask("server");
            this.client = stack.cpus.newTask("client");
        }

        /** The server listens on {@code port}, the client connects at {@code connectAt}; each then runs its part. */
        void run(int port, long connectAt, Runnable serverThen, Runnable clientThen) {
            server.start(() -> sockets.listen(server, port, 10, l -> sockets.accept(server, l, c -> {
                accepted = c;
                acceptDone = stack.sim.now();
                serverThen.run();
            })));
            stack.sim.after(connectAt, () -> client.start(() -> sockets.socket(client, s -> {
                connected = s;
                connectStart = stack.sim.now();
                sockets.connectLocal(client, s, port, r -> {
                    connectResult = r;
                    connectDone = stack.sim.now();
                    clientThen.run();
                });
            })));
            stack.sim.run();
        }
    }

    @Test
    void connectReturnsAfterOneRoundTripAndTheServerHasTheConnectionAfterOneAndAHalf() {
        Pair p = new Pair(stack(Map.of()));
        p.run(8888, 1_000_000, () -> p.server.exit(), () -> p.client.exit());
        NetCosts c = p.net.costs();
        long trip = c.txPacketNs() + c.rxPacketNs(); // one packet down the stack and up again: lo's one-way time
        long modeSwitch = p.stack.cpus.cost().modeSwitchNs();
        assertThat(p.connectResult).isZero();
        // SYN out, SYN-ACK back: one round trip (two trips), then the syscall's exit.
        long connectTime = p.connectDone - p.connectStart;
        // beyond the round trip: the syscall frame, the handshake's ACK going out and (same core's
        // backlog, before the woken task runs) coming in, and the wake-up's context switch
        long wake = p.stack.cpus.cost().contextSwitchNs();
        assertThat(connectTime).isBetween(2 * trip, 2 * trip + c.socketCallNs() + 3 * modeSwitch + trip + wake);
        // The ACK's trip completes the handshake at the server: 1.5 RTT after the SYN.
        assertThat(p.acceptDone - p.connectStart).isGreaterThanOrEqualTo(3 * trip);
        // Over lo nothing touches the NIC.
        assertThat(p.stack.stats.snapshot().get("net.tx.packets").longValue()).isZero();
        assertThat(p.net.loopbackPackets()).isEqualTo(3); // SYN, SYN-ACK, ACK
    }

    @Test
    void connectingWithNothingListeningIsRefused() {
        Pair p = new Pair(stack(Map.of()));
        p.client.start(() -> p.sockets.socket(p.client, s -> p.sockets.connectLocal(p.client, s, 9999, r -> {
            p.connectResult = r;
            p.client.exit();
        })));
        p.stack.sim.run();
        assertThat(p.connectResult).isEqualTo(-111); // ECONNREFUSED: the SYN was answered with a reset
    }

    @Test
    void aBulkTransferOverLoNeverTouchesTheNicAndGoesInPacketsOfOneMss() {
        Pair p = new Pair(stack(Map.of()));
        long bytes = 8L << 20;
        long[] got = {0};
        p.run(8888, 0, () -> readAll(p, bytes, got), () -> p.sockets.write(p.client, p.connected, bytes, r -> {
            assertThat(r).isEqualTo(bytes);
            p.client.exit();
        }));
        assertThat(got[0]).isEqualTo(bytes);
        Map<String, Number> m = p.stack.stats.snapshot();
        assertThat(m.get("net.tx.packets").longValue()).isZero();
        assertThat(m.get("net.rx.packets").longValue()).isZero();
        assertThat(m.get("net.hardirqs").longValue()).isZero();
        assertThat(p.client.counters().dmaBytes + p.server.counters().dmaBytes).isZero();
        // tcp_xmit_size_goal: (gso_max_size 65536 - MAX_TCP_HEADER - 1) holds one MSS of 32741, so each packet is one MSS.
        assertThat(p.connected.mss()).isEqualTo(32741);
        long dataPackets = (bytes + 32741 - 1) / 32741;
        long lo = p.net.loopbackPackets() - 3; // less the handshake
        assertThat(lo).isGreaterThanOrEqualTo(dataPackets);
        // the rest are ACKs: at least one per two full segments (__tcp_ack_snd_check), never more than one per segment
        assertThat(lo - dataPackets).isBetween(dataPackets / 2 - 1, dataPackets);
        // copies: the sender's copy_from_user and the receiver's copy_to_user, nothing else (checksums offloaded)
        assertThat(p.client.counters().cpuCopyBytes).isEqualTo(bytes);
        assertThat(p.server.counters().cpuCopyBytes).isEqualTo(bytes);
    }

    private static void readAll(Pair p, long bytes, long[] got) {
        p.sockets.read(p.server, p.accepted, 1 << 20, r -> {
            got[0] += r;
            if (r > 0 && got[0] < bytes) {
                readAll(p, bytes, got);
            } else {
                p.server.exit();
            }
        });
    }

    @Test
    void theSenderNeverHasMoreUnacknowledgedThanTheWindowTheReceiverOffers() {
        Pair p = new Pair(stack(Map.of()));
        long window = 16 << 10;
        long bytes = 2L << 20;
        long[] got = {0};
        long[] maxInFlight = {0};
        p.server.start(() -> p.sockets.listen(p.server, 8888, 10, l -> {
            l.setChildOptions(c -> c.setReceiveBuffer(window));
            p.sockets.accept(p.server, l, c -> {
                p.accepted = c;
                readSlowly(p, bytes, got);
            });
        }));
        p.client.start(() -> p.sockets.socket(p.client, s -> {
            p.connected = s;
            p.sockets.connectLocal(p.client, s, 8888, r -> p.sockets.write(p.client, s, bytes, w -> p.client.exit()));
        }));
        sampleInFlight(p, maxInFlight);
        p.stack.sim.run();
        assertThat(got[0]).isEqualTo(bytes);
        // tcp_snd_wnd_test: snd_nxt never passes snd_una + snd_wnd
        assertThat(maxInFlight[0]).isPositive().isLessThanOrEqualTo(window);
    }

    /** A reader that thinks 20 us between 4 KiB reads, so the window, not the sender, paces the flow. */
    private static void readSlowly(Pair p, long bytes, long[] got) {
        p.sockets.read(p.server, p.accepted, 4096, r -> {
            got[0] += r;
            if (r > 0 && got[0] < bytes) {
                p.server.compute(20_000, false, () -> readSlowly(p, bytes, got));
            } else {
                p.server.exit();
            }
        });
    }

    private static void sampleInFlight(Pair p, long[] max) {
        if (p.connected != null) {
            max[0] = Math.max(max[0], p.connected.sndNxt - p.connected.sndUna);
        }
        if (p.connected == null || !p.client.isDead() || !p.connected.drained()) {
            p.stack.sim.after(1_000, () -> sampleInFlight(p, max));
        }
    }

    @Test
    void msgMoreHoldsASubMssTailUntilASendWithoutIt() {
        Pair p = new Pair(stack(Map.of()));
        long[] loAfterMore = {-1};
        p.run(8888, 0, () -> p.server.exit(), () -> p.sockets.sendto(p.client, p.connected, 4096, true, r -> {
            loAfterMore[0] = p.net.loopbackPackets();
            p.sockets.sendto(p.client, p.connected, 4096, false, r2 -> p.client.exit());
        }));
        // tcp_push with MSG_MORE (TCP_NAGLE_CORK): the 4 KiB tail waits; the handshake's 3 packets only
        assertThat(loAfterMore[0]).isEqualTo(3);
        // the send without MSG_MORE pushes both in one packet (8 KiB, one skb)
        assertThat(p.connected.sndNxt - 1).isEqualTo(8192);
    }

    @Test
    void closingWithDataUnreadResetsTheConnectionAndTheWriterGetsEpipe() {
        Pair p = new Pair(stack(Map.of()));
        long[] second = {0};
        p.run(8888, 0, () -> p.server.compute(200_000, false, () -> p.sockets.close(p.server, p.accepted,
                r -> p.server.exit())), () -> p.sockets.write(p.client, p.connected, 64 << 10, r -> p.client.compute(
                        400_000, false, () -> p.sockets.write(p.client, p.connected, 64 << 10, r2 -> {
                            second[0] = r2;
                            p.client.exit();
                        }))));
        assertThat(p.connected.reset).isTrue();
        assertThat(second[0]).isEqualTo(-32); // EPIPE
    }

    @Test
    void theNicHandshakeTakesOneRoundTripBeforeConnectReturnsAndDataArrivesAfterOneAndAHalf() {
        Stack s = stack(Map.of("net.tcp.rtt", "1ms"));
        NetStack net = s.network();
        Sockets sockets = new Sockets(s.kernel, net);
        Task t = s.cpus.newTask("client");
        long[] firstData = {-1};
        long[] connected = {-1};
        t.start(() -> sockets.socket(t, sock -> sockets.connectRemote(t, sock, (conn, bytes) -> {
            if (firstData[0] < 0) {
                firstData[0] = s.sim.now();
            }
        }, false, r -> {
            connected[0] = s.sim.now();
            sockets.write(t, sock, 1000, w -> t.exit());
        })));
        long start = s.sim.now();
        s.sim.run();
        // the wire and the stack add a few microseconds to the propagation
        assertThat((double) connected[0] - start).isCloseTo(1_000_000, within(50_000.0));
        assertThat((double) firstData[0] - start).isCloseTo(1_500_000, within(50_000.0));
        assertThat(connected[0] - start).isGreaterThanOrEqualTo(1_000_000);
        assertThat(firstData[0] - start).isGreaterThanOrEqualTo(1_500_000);
    }

    @Test
    void aSendBufferLimitsTheThroughputToItsSizeOverTheRoundTrip() {
        Stack s = stack(Map.of("net.tcp.rtt", "2ms"));
        NetStack net = s.network();
        Sockets sockets = new Sockets(s.kernel, net);
        Task t = s.cpus.newTask("client");
        long sndbufOpt = 64 << 10; // SO_SNDBUF 64 KiB: sk_sndbuf 128 KiB
        long bytes = 16L << 20;
        long[] done = {-1};
        long[] begin = {-1};
        t.start(() -> sockets.socket(t, sock -> {
            sock.setSendBuffer(sndbufOpt);
            sockets.connectRemote(t, sock, (c, b) -> { }, false, r -> {
                begin[0] = s.sim.now();
                sockets.write(t, sock, bytes, w -> {
                    done[0] = s.sim.now();
                    t.exit();
                });
            });
        }));
        s.sim.run();
        double seconds = (done[0] - begin[0]) / 1e9;
        double rate = bytes / seconds;
        double bound = 2.0 * sndbufOpt / 2e-3; // window / RTT, the window being what the buffer holds unacknowledged
        assertThat(rate).isLessThanOrEqualTo(bound * 1.05).isGreaterThan(bound * 0.6);
        // far below the 10 Gb/s link: the buffer, not the wire, is the limit
        assertThat(rate).isLessThan(1.25e9 / 10);
    }
}
