package io.stacksim.devices.ssd;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.LimitsReader;
import io.stacksim.devices.dma.LinkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What follows from an SSD profile's parameters, for {@code stacksim profiles NAME}: the host
 * link's effective rate, raw and user capacity, over-provisioning, and the two 4 KiB
 * random-read ceilings (NAND read units, firmware cores).
 */
public final class SsdFigures {
    private SsdFigures() {
    }

    /** The figures of an SSD behind PCIe ({@code pcie}: nvme) or SATA 3. */
    public static List<String> lines(ConfigNode p, boolean pcie) {
        List<String> out = new ArrayList<>();
        DeviceLimits lim = LimitsReader.read(p);
        SsdConfig c = SsdConfig.from(p, lim);
        FlashGeometry g = c.geometry();
        LinkSpec link = pcie ? io.stacksim.devices.nvme.NvmeProfile.pcieLink(p) : LinkSpec.sata3();
        out.add(String.format(Locale.ROOT, "host link: %s, %.3f GB/s after encoding, %.3f GB/s of data",
                link.name(), link.encodedBytesPerSecond() / 1e9, link.dataBytesPerSecond() / 1e9));
        out.add(String.format(Locale.ROOT, "NAND: %d dies (%d channels), %d planes, raw %.1f GiB, user %.1f GiB,"
                + " over-provisioning %.1f%%", g.dies(), g.channels(), g.planes(), g.rawBytes() / (double) (1L << 30),
                lim.capacityBytes() / (double) (1L << 30), 100 * c.overProvisioning()));
        int units = !c.dieInterleave() ? g.channels() * g.chipsPerChannel()
                : c.independentPlaneReads() ? g.planes() : g.dies();
        double perRead = c.timing().meanReadNs() + c.timing().channelNs(g.channelBytes(1));
        out.add(String.format(Locale.ROOT, "4 KiB random-read ceilings: %d read units%s / (tR + transfer) = %.0f K IOPS; %s",
                units, c.dieInterleave() ? "" : " (chips: die_interleave false)", units * 1e6 / perRead,
                c.commandOverheadNs() == 0 ? "no firmware time per command" : String.format(Locale.ROOT,
                        "firmware %d cores / %d ns = %.0f K IOPS", c.controllerCores(), c.commandOverheadNs(),
                        c.controllerCores() * 1e6 / c.commandOverheadNs())));
        return out;
    }
}
