package io.stacksim.devices.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.device.NetworkHost;
import io.stacksim.device.Packet;
import io.stacksim.devices.Profiles;
import io.stacksim.engine.Simulator;
import org.junit.jupiter.api.Test;

class NicTest {
    static class Host implements NetworkHost {
        final Simulator sim = new Simulator();
        long dma;
        long dmaBytes;
        Packet sent;
        Packet got;

        public Simulator sim() {
            return sim;
        }

        public void transmitted(Packet p) {
            sent = p;
        }

        public void received(Packet p) {
            got = p;
        }

        public void countDma(Packet p, long bytes) {
            dma++;
            dmaBytes += bytes;
        }
    }

    private static Nic nic(String profile, String... kv) {
        ConfigNode s = ConfigNode.emptyRoot("test");
        s.set("profile", profile, Origin.of("test", 0));
        for (String x : kv) {
            s.set(x.substring(0, x.indexOf('=')), x.substring(x.indexOf('=') + 1), Origin.of("test", 0));
        }
        return (Nic) Profiles.builtIn().createNetwork(s, profile);
    }

    @Test
    void aTsoPacketLeavesAsMssFramesAtLineRateAfterOneDma() {
        Nic n = nic("nic-10g");
        Host h = new Host();
        n.attach(h);
        Packet p = new Packet();
        p.payloadBytes = 65_160; // 45 x 1448-byte segments
        p.fragments = 16;
        n.transmit(p);
        h.sim.run();
        assertThat(h.sent).isSameAs(p);
        assertThat(p.frames).isEqualTo(45);
        // 65,160 B payload + 45 x (40 B TCP/IP + 38 B Ethernet) at 10 Gb/s
        long wire = (long) Math.ceil((65_160 + 45 * 78) * 8 / 10.0);
        assertThat(p.tDone - p.tQueued).isGreaterThan(wire).isLessThan(wire + 500 + 20_000);
        assertThat(h.dma).isEqualTo(1);
        assertThat(h.dmaBytes).isEqualTo(65_200);
    }

    @Test
    void withoutGatherOrTsoTheKernelMustLineariseOrSegmentFirst() {
        Nic noSg = nic("nic-10g", "scatter_gather=false", "tso=false");
        noSg.attach(new Host());
        Packet frag = new Packet();
        frag.payloadBytes = 1000;
        frag.fragments = 1;
        assertThatThrownBy(() -> noSg.transmit(frag)).hasMessageContaining("linearise");
        Packet big = new Packet();
        big.payloadBytes = 3000;
        assertThatThrownBy(() -> noSg.transmit(big)).hasMessageContaining("TSO");
    }

    @Test
    void receivedFramesAreDmaedAfterTheirLastBitArrives() {
        Nic n = nic("nic-100g");
        Host h = new Host();
        n.attach(h);
        Packet p = new Packet();
        p.payloadBytes = 1448;
        n.receive(p);
        h.sim.run();
        assertThat(h.got).isSameAs(p);
        long wire = (long) Math.ceil((1448 + 78) * 8 / 100.0);
        assertThat(p.tDone - p.tQueued).isGreaterThan(wire + 500);
        assertThat(h.dma).isEqualTo(1);
    }

    @Test
    void packetsLeaveInTheOrderTheyWerePostedEvenWhenAShortOnesDmaFinishesFirst() {
        Nic n = nic("nic-10g");
        java.util.List<Packet> order = new java.util.ArrayList<>();
        Host h = new Host() {
            @Override
            public void transmitted(Packet p) {
                order.add(p);
            }
        };
        n.attach(h);
        Packet big = new Packet();
        big.payloadBytes = 65_160;
        big.fragments = 16;
        Packet small = new Packet();
        small.payloadBytes = 100;
        n.transmit(big);
        n.transmit(small); // its DMA shares the link with the big one's and ends first
        h.sim.run();
        assertThat(order).containsExactly(big, small);
        assertThat(small.tDone).isGreaterThan(big.tDone);
    }
}
