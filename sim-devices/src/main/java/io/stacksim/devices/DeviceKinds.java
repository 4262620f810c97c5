package io.stacksim.devices;

import io.stacksim.devices.hdd.HddProfile;
import io.stacksim.devices.latency.LatencyDevice;
import io.stacksim.devices.net.Nic;
import io.stacksim.devices.nvme.NvmeProfile;
import io.stacksim.devices.ram.RamDisk;
import io.stacksim.devices.ssd.SataSsd;
import io.stacksim.devices.zoned.ZonedProfile;
import java.util.List;

/**
 * The device models this build has, by the {@code kind} a profile names. A new model is its
 * own file declaring a {@link DeviceKind} plus one line in {@link #ALL}.
 */
public final class DeviceKinds {
    /** Every kind. */
    public static final List<DeviceKind> ALL = List.of(
            LatencyDevice.KIND,
            RamDisk.KIND,
            NvmeProfile.KIND,
            SataSsd.KIND,
            HddProfile.KIND,
            ZonedProfile.ZNS,
            ZonedProfile.SMR,
            Nic.KIND);

    private DeviceKinds() {
    }

    /** The kind called {@code name}, or null. */
    public static DeviceKind find(String name) {
        for (DeviceKind k : ALL) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }
}
