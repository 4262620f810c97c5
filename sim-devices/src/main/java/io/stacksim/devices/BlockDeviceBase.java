package io.stacksim.devices;

import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.Simulator;

/**
 * What every device model shares: its name and limits, and the host (with its simulator) it
 * is attached to once, before its first request. A model extends it, builds what needs the
 * host in {@link #attached()}, and names its random streams with {@link #stream}.
 */
public abstract class BlockDeviceBase implements BlockDevice {
    /** The device's name ("nvme0n1"), as in traces, diskstats and its random streams. */
    protected final String name;
    /** The limits the block layer takes as the queue's hardware limits. */
    protected final DeviceLimits limits;
    /** The host, once attached. */
    protected DeviceHost host;
    /** The host's simulator, once attached. */
    protected Simulator sim;

    protected BlockDeviceBase(String name, DeviceLimits limits) {
        this.name = name;
        this.limits = limits;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final DeviceLimits limits() {
        return limits;
    }

    @Override
    public final void attach(DeviceHost host) {
        if (this.host != null) {
            throw new IllegalStateException(name + " is already attached");
        }
        this.host = host;
        this.sim = host.sim();
        attached();
    }

    /** Builds what needs the host (links, back ends, the random streams); called once by {@link #attach}. */
    protected void attached() {
    }

    /** The device's random stream {@code device.NAME.suffix}. */
    protected RandomStream stream(String suffix) {
        return host.random().stream("device." + name + "." + suffix);
    }
}
