package io.stacksim.testing;

import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * A test device: serves every request after a fixed latency, any number in parallel, and
 * records what it was asked to do and when.
 */
public final class RecordingDevice implements BlockDevice {
    /** One request as the device saw it. */
    public record Seen(long time, Op op, long sector, int sectors, int flags) {
    }

    private final DeviceLimits limits;
    private final long latencyNs;
    private DeviceHost host;
    public final List<Seen> seen = new ArrayList<>();

    public RecordingDevice(long capacityBytes, long latencyNs, boolean writeCache) {
        this(capacityBytes, latencyNs, writeCache, false);
    }

    /** @param fua the device honours REQ_FUA (with a write cache) */
    public RecordingDevice(long capacityBytes, long latencyNs, boolean writeCache, boolean fua) {
        this.limits = DeviceLimits.builder(capacityBytes >> 9).physicalBlockSize(4096).queueDepth(64)
                .maxHwSectors(2560).volatileWriteCache(writeCache).fua(fua).build();
        this.latencyNs = latencyNs;
    }

    @Override
    public String name() {
        return "rec0";
    }

    @Override
    public DeviceLimits limits() {
        return limits;
    }

    @Override
    public void attach(DeviceHost host) {
        this.host = host;
    }

    @Override
    public void submit(Request rq) {
        seen.add(new Seen(host.sim().now(), rq.op, rq.sector, rq.nrSectors, rq.flags));
        rq.devMediaNs = latencyNs;
        host.sim().after(latencyNs, () -> host.complete(rq));
    }

    public List<Seen> of(Op op) {
        return seen.stream().filter(s -> s.op() == op).toList();
    }
}
