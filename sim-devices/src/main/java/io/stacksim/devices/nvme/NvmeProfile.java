package io.stacksim.devices.nvme;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.LimitsReader;
import io.stacksim.devices.dma.LinkSpec;
import io.stacksim.devices.dma.ScatterGather;
import io.stacksim.devices.ssd.SsdConfig;

/**
 * Reads an NVMe profile ({@code kind: nvme}): the queue limits, the SSD behind the controller
 * ({@link SsdConfig}) and the host interface: {@code pcie_gen}, {@code pcie_lanes},
 * {@code max_payload}, {@code dma_setup}, {@code doorbell}, {@code cq_post},
 * {@code prp_list_fetch}, {@code interrupt_coalescing_threshold},
 * {@code interrupt_coalescing_time}.
 */
public final class NvmeProfile {
    /** The {@code nvme} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final io.stacksim.devices.DeviceKind KIND = io.stacksim.devices.DeviceKind.block("nvme", "nvme0n1", NvmeProfile::build).withDerived(p -> io.stacksim.devices.ssd.SsdFigures.lines(p, true));

    private NvmeProfile() {
    }

    public static NvmeController build(String name, ConfigNode p) {
        DeviceLimits lim = LimitsReader.read(p);
        SsdConfig cfg = SsdConfig.from(p, lim);
        LinkSpec pcie;
        try {
            pcie = LinkSpec.pcie(p.intValue("pcie_gen", 3, 1, 5), p.intValue("pcie_lanes", 4, 1, 16),
                    (int) p.size("max_payload", 256, 128, 4096));
        } catch (IllegalArgumentException e) {
            throw p.error("pcie_lanes", e.getMessage());
        }
        InterruptCoalescing ic;
        try {
            ic = new InterruptCoalescing(p.intValue("interrupt_coalescing_threshold", 1, 1, 256),
                    p.duration("interrupt_coalescing_time", 0, 1));
        } catch (IllegalArgumentException e) {
            throw p.error("interrupt_coalescing_time", e.getMessage());
        }
        return new NvmeController(name, lim, cfg, pcie,
                p.duration("dma_setup", 200, 1),
                p.duration("doorbell", 1000, 1),
                p.duration("cq_post", 500, 1),
                ScatterGather.nvmePrp(lim.maxSegments(), p.duration("prp_list_fetch", 1000, 1)),
                ic);
    }
}
