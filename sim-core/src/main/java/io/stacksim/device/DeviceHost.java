package io.stacksim.device;

import io.stacksim.block.Request;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;

/** What a device sees of the host it is plugged into. */
public interface DeviceHost {
    Simulator sim();

    /** The run's random streams; a device names its own (e.g. "device.nvme0n1"). */
    RandomStreams random();

    /**
     * The device has finished {@code rq} and posts its completion (raises the interrupt).
     * The host then runs the completion path on a CPU.
     */
    void complete(Request rq);

    /**
     * The device posts several completions with one interrupt (NVMe interrupt coalescing): the
     * host runs the completion path of every request in {@code batch} from a single interrupt.
     * The host copies what it needs; the device may reuse the list after the call.
     * The default raises one interrupt per request.
     */
    default void completeAll(java.util.List<Request> batch) {
        for (Request rq : batch) {
            complete(rq);
        }
    }

    /** Counts one DMA transfer of {@code bytes} for {@code rq} in the copy counters. */
    void countDma(Request rq, long bytes);
}
