package io.stacksim.device;

import io.stacksim.block.Request;
import io.stacksim.engine.Stats;

/**
 * The SPI a storage device model implements (module sim-devices). The block layer dispatches
 * at most {@link DeviceLimits#queueDepth()} requests at a time; the device serves them in its
 * own order and calls {@link DeviceHost#complete} for each, having filled in how it spent the
 * time ({@code devQueueNs}, {@code devMediaNs}, {@code devTransferNs}).
 */
public interface BlockDevice {
    /** A short name for traces and results, e.g. "nvme0n1". */
    String name();

    /** The limits the block layer takes as the queue's hardware limits. */
    DeviceLimits limits();

    /** Connects the device to its host; called once before the first request. */
    void attach(DeviceHost host);

    /** Starts serving a dispatched request. */
    void submit(Request rq);

    /**
     * How the host reaches the device ({@link Transport}), which decides the passthrough
     * commands it takes; none by default.
     */
    default Transport transport() {
        return Transport.NONE;
    }

    /**
     * True when the device keeps no reference to a request once it has called
     * {@link DeviceHost#complete} for it (nor reads one it kept), so the block layer may
     * initialise the request again for a later I/O, as the kernel's static requests are. False
     * by default: a model that keeps requests (an HDD's cache segments) must not say true.
     */
    default boolean forgetsCompletedRequests() {
        return false;
    }

    /** Registers the device's statistics (names start with {@code prefix}, e.g. "device."). */
    default void registerStats(Stats stats, String prefix) {
    }

    /**
     * --check at the end of a run: the device audits its own state into {@code inv} (an SSD:
     * every valid mapping of its FTL points to one valid physical page). Nothing by default.
     */
    default void finishChecks(io.stacksim.engine.Invariants inv) {
    }
}
