package io.stacksim.devices.dma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.engine.Simulator;
import org.junit.jupiter.api.Test;

class LinkTest {

    @Test
    void encodingAndFramingGiveThePublishedRates() {
        // PCIe 3.0 x4: 8 GT/s x 4 x 128/130 / 8 = 3.938 GB/s; gen4 doubles it (Wikipedia PCI_Express).
        assertThat(LinkSpec.pcie(3, 4, 256).encodedBytesPerSecond()).isCloseTo(3.938e9, within(1e6));
        assertThat(LinkSpec.pcie(4, 4, 256).encodedBytesPerSecond()).isCloseTo(7.877e9, within(1e6));
        assertThat(LinkSpec.pcie(5, 16, 256).encodedBytesPerSecond()).isCloseTo(63.015e9, within(1e7));
        // 256 B payload per 280 B TLP
        assertThat(LinkSpec.pcie(4, 4, 256).dataBytesPerSecond()).isCloseTo(7.877e9 * 256 / 280, within(1e6));
        // SATA 6 Gb/s with 8b/10b: 600 MB/s of symbols
        assertThat(LinkSpec.sata3().encodedBytesPerSecond()).isEqualTo(600e6);
    }

    @Test
    void aTransferOfNBytesTakesSetupPlusNOverTheEffectiveBandwidth() {
        // whole packets (256 B TLPs, 8 KiB Data FISes), where the effective bandwidth is exact
        for (long n : new long[] {8192, 131072, 1 << 20}) {
            Simulator sim = new Simulator();
            LinkSpec spec = LinkSpec.pcie(4, 4, 256);
            SharedLink link = new SharedLink(sim, spec, 200);
            DmaTransfer t = new DmaTransfer(() -> { }).set(n, true);
            link.start(t);
            sim.run();
            long expected = 200 + (long) Math.ceil(n / (spec.dataBytesPerSecond() / 1e9));
            assertThat(t.durationNs()).as("n=%d", n).isBetween(expected - 1, expected);

            Simulator sim2 = new Simulator();
            HostLink sata = new HostLink(sim2, LinkSpec.sata3(), 900);
            DmaTransfer s = new DmaTransfer(() -> { }).set(n, true);
            sata.start(s);
            sim2.run();
            long expectedSata = 900 + (long) Math.ceil(n / (LinkSpec.sata3().dataBytesPerSecond() / 1e9));
            assertThat(s.durationNs()).isBetween(expectedSata - 1, expectedSata);
        }
    }

    @Test
    void transfersInFlightShareThePcieBandwidthEqually() {
        Simulator sim = new Simulator();
        SharedLink link = new SharedLink(sim, LinkSpec.pcie(3, 4, 256), 0);
        long single = link.idleTransferTime(1 << 20);
        DmaTransfer a = new DmaTransfer(() -> { }).set(1 << 20, true);
        DmaTransfer b = new DmaTransfer(() -> { }).set(1 << 20, true);
        DmaTransfer w = new DmaTransfer(() -> { }).set(1 << 20, false);
        link.start(a);
        link.start(b);
        link.start(w);
        sim.run();
        // two reads share one direction: each takes twice as long; the write has the other direction
        assertThat(a.tEnd).isBetween(2 * single - 2, 2 * single + 2);
        assertThat(b.tEnd).isBetween(2 * single - 2, 2 * single + 2);
        assertThat(w.tEnd).isBetween(single - 1, single + 1);
    }

    @Test
    void aShortTransferOvertakesALongOneOnPcieButWaitsOnSata() {
        Simulator sim = new Simulator();
        SharedLink pcie = new SharedLink(sim, LinkSpec.pcie(3, 4, 256), 0);
        DmaTransfer big = new DmaTransfer(() -> { }).set(1 << 20, true);
        DmaTransfer small = new DmaTransfer(() -> { }).set(4096, true);
        pcie.start(big);
        pcie.start(small);
        sim.run();
        assertThat(small.tEnd).isLessThan(big.tEnd);
        assertThat(small.tEnd).isBetween(2 * pcie.idleTransferTime(4096) - 2, 2 * pcie.idleTransferTime(4096) + 2);

        Simulator sim2 = new Simulator();
        HostLink sata = new HostLink(sim2, LinkSpec.sata3(), 0);
        DmaTransfer big2 = new DmaTransfer(() -> { }).set(1 << 20, true);
        DmaTransfer small2 = new DmaTransfer(() -> { }).set(4096, true);
        sata.start(big2);
        sata.start(small2);
        sim2.run();
        assertThat(small2.tEnd).isEqualTo(big2.tEnd + sata.idleTransferTime(4096));
        assertThat(small2.queuedNs).isEqualTo(sata.idleTransferTime(1 << 20));
    }
}
