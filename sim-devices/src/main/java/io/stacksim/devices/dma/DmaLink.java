package io.stacksim.devices.dma;

/**
 * A link between a device and host memory that DMA transfers cross: SATA ({@link HostLink},
 * one transfer at a time) or PCIe ({@link SharedLink}, the transfers in flight share the
 * bandwidth). A transfer of N bytes on an idle link takes {@code setup + wire(N) / rate},
 * where wire(N) adds the per-packet framing of the {@link LinkSpec}.
 */
public sealed interface DmaLink permits HostLink, SharedLink {
    /** Starts {@code t}; its {@code done} event fires when the data has arrived. */
    void start(DmaTransfer t);

    /** Time to move {@code bytes} on an idle link, setup included. */
    long idleTransferTime(long bytes);

    /** Per-transfer setup latency (descriptor fetch, DMA Setup FIS). */
    long setupNs();

    /** Effective payload bandwidth per direction, bytes/s. */
    double dataBytesPerSecond();

    /** Transfers started so far. */
    long transfers();

    /** Payload bytes moved so far. */
    long bytes();

    /** Time the link had at least one transfer moving data (the sum over directions). */
    long busyNs();
}
