package io.stacksim.devices.nvme;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.LimitsReader;
import io.stacksim.devices.dma.LinkSpec;
import io.stacksim.devices.dma.ScatterGather;
import io.stacksim.devices.ssd.SsdConfig;

/**
 * Reads an NVMe profile ({@code kind: nvme}): the queue limits, the SSD behind the controller
 * ({@link SsdConfig}) and the host interface: {@code pcie_gen}, {@code pcie_lanes},
 * {@code pcie_lane_bandwidth} (per lane after encoding; default the generation's),
 * {@code max_payload}, {@code dma_setup}, {@code doorbell}, {@code cq_post},
 * {@code prp_list_fetch}, {@code arbitration_burst}, {@code sqe_fetch_interval},
 * {@code interrupt_coalescing_threshold},
 * {@code interrupt_coalescing_time}.
 */
public final class NvmeProfile {
    /** The {@code nvme} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    static final Tunable<Integer> PCIE_GEN = Tunable.integer("pcie_gen", 3, 1, 5).help("PCIe generation (1-5)");
    static final Tunable<Integer> PCIE_LANES = Tunable.integer("pcie_lanes", 4, 1, 16).help("PCIe lanes: 1, 2, 4, 8 or 16");
    static final Tunable<Double> PCIE_LANE_BANDWIDTH = Tunable.rate("pcie_lane_bandwidth", 0)
            .range("a rate; unset = the generation's").help("per-lane rate after encoding (MQSim's PCIe_Lane_Bandwidth)");
    static final Tunable<Long> MAX_PAYLOAD = Tunable.size("max_payload", 256, 128, 4096).help("TLP Max_Payload_Size");
    static final Tunable<Long> DMA_SETUP = Tunable.duration("dma_setup", 200, 1).help("latency before a DMA moves data");
    static final Tunable<Long> DOORBELL = Tunable.duration("doorbell", 1000, 1)
            .help("doorbell write reaching the controller plus the SQE fetch round trip");
    static final Tunable<Long> CQ_POST = Tunable.duration("cq_post", 500, 1).help("CQE write plus the MSI-X message");
    static final Tunable<Long> PRP_LIST_FETCH = Tunable.duration("prp_list_fetch", 1000, 1).help("fetching a PRP list");
    static final Tunable<Integer> ARBITRATION_BURST = Tunable.integer("arbitration_burst", 1, 1, 128)
            .help("entries fetched from one submission queue per arbitration turn (AB)");
    static final Tunable<Long> SQE_FETCH_INTERVAL = Tunable.duration("sqe_fetch_interval", 0, 1)
            .help("the fetch engine starts a fetch this often (pipelined PCIe reads)");
    static final Tunable<Integer> IC_THRESHOLD = Tunable.integer("interrupt_coalescing_threshold", 1, 1, 256)
            .help("completions per interrupt (NVMe Interrupt Coalescing; 1 = off)");
    static final Tunable<Long> IC_TIME = Tunable.duration("interrupt_coalescing_time", 0, 1)
            .help("longest wait of a pending completion, in 100 us steps");

    /** The NVMe host interface's parameters and, with them, the flash back end's ({@link io.stacksim.devices.ssd.SsdParams}). */
    public static final ConfigSection PARAMS = io.stacksim.devices.ssd.SsdParams.withHost("`kind: nvme` devices (`device`)",
            "The NVMe host interface on PCIe, then the flash behind it (the same keys as `kind: sata-ssd`'s; docs/ssd.md).",
            PCIE_GEN, PCIE_LANES, PCIE_LANE_BANDWIDTH, MAX_PAYLOAD, DMA_SETUP, DOORBELL, CQ_POST, PRP_LIST_FETCH,
            ARBITRATION_BURST, SQE_FETCH_INTERVAL, IC_THRESHOLD, IC_TIME);

    public static final io.stacksim.devices.DeviceKind KIND = io.stacksim.devices.DeviceKind.block("nvme", "nvme0n1", NvmeProfile::build)
            .withDerived(p -> io.stacksim.devices.ssd.SsdFigures.lines(p, true)).withParams(PARAMS);

    private NvmeProfile() {
    }

    /** The PCIe link of an NVMe profile: generation, lanes, Max_Payload_Size and optionally a per-lane rate. */
    public static LinkSpec pcieLink(ConfigNode p) {
        int gen = PCIE_GEN.read(p);
        int lanes = PCIE_LANES.read(p);
        int payload = (int) (long) MAX_PAYLOAD.read(p);
        if (PCIE_LANE_BANDWIDTH.isSet(p)) {
            return LinkSpec.pcie(gen, lanes, payload, PCIE_LANE_BANDWIDTH.read(p));
        }
        return LinkSpec.pcie(gen, lanes, payload);
    }

    public static NvmeController build(String name, ConfigNode p) {
        DeviceLimits lim = LimitsReader.read(p, LimitsReader.DiscardDefaults.NVME);
        SsdConfig cfg = SsdConfig.from(p, lim);
        LinkSpec pcie;
        try {
            pcie = pcieLink(p);
        } catch (IllegalArgumentException e) {
            throw p.error("pcie_lanes", e.getMessage());
        }
        InterruptCoalescing ic;
        try {
            ic = new InterruptCoalescing(IC_THRESHOLD.read(p), IC_TIME.read(p));
        } catch (IllegalArgumentException e) {
            throw p.error("interrupt_coalescing_time", e.getMessage());
        }
        NvmeController c = new NvmeController(name, lim, cfg, pcie,
                DMA_SETUP.read(p),
                DOORBELL.read(p),
                CQ_POST.read(p),
                ScatterGather.nvmePrp(lim.maxSegments(), PRP_LIST_FETCH.read(p)),
                ic);
        c.setCommandFetch(ARBITRATION_BURST.read(p), SQE_FETCH_INTERVAL.read(p));
        return c;
    }
}
