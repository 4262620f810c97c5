package io.stacksim.devices;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.NetworkDevice;
import java.util.List;

/**
 * One device model a profile can name with {@code kind:} (latency, ram, nvme, sata-ssd, hdd,
 * nic): how to build it from the profile's parameters and, for {@code stacksim profiles NAME},
 * the figures that follow from them. Each model declares its kind in its own file;
 * {@link DeviceKinds#ALL} lists them.
 *
 * @param name           the {@code kind} value
 * @param defaultDevName the device's name when the profile sets no {@code dev_name}
 * @param block          builds a block device, or null for a network device
 * @param network        builds a network device, or null for a block device
 * @param derived        figures that follow from the parameters (may list none)
 * @param params         the kind's own declared parameters (beyond {@link LimitsReader#SECTION} for
 *                       block devices), or null for a model that has not declared them yet
 */
public record DeviceKind(String name, String defaultDevName, BlockFactory block, NetworkFactory network,
                         Derived derived, ConfigSection params) {
    /** Builds the block device named {@code devName} from profile parameters {@code p}. */
    @FunctionalInterface
    public interface BlockFactory {
        BlockDevice build(String devName, ConfigNode p);
    }

    /** Builds the network device named {@code devName} from profile parameters {@code p}. */
    @FunctionalInterface
    public interface NetworkFactory {
        NetworkDevice build(String devName, ConfigNode p);
    }

    /** Figures derived from profile parameters {@code p}, one line each. */
    @FunctionalInterface
    public interface Derived {
        List<String> lines(ConfigNode p);
    }

    /** A block device kind without derived figures. */
    public static DeviceKind block(String name, String defaultDevName, BlockFactory factory) {
        return new DeviceKind(name, defaultDevName, factory, null, p -> List.of(), null);
    }

    /** A network device kind. */
    public static DeviceKind network(String name, String defaultDevName, NetworkFactory factory) {
        return new DeviceKind(name, defaultDevName, null, factory, p -> List.of(), null);
    }

    /** This kind with {@code figures} for {@code stacksim profiles NAME}. */
    public DeviceKind withDerived(Derived figures) {
        return new DeviceKind(name, defaultDevName, block, network, figures, params);
    }

    /** This kind with its declared parameters. */
    public DeviceKind withParams(ConfigSection section) {
        return new DeviceKind(name, defaultDevName, block, network, derived, section);
    }

    public boolean isBlock() {
        return block != null;
    }
}
