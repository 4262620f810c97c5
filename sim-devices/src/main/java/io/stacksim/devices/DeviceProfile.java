package io.stacksim.devices;

import io.stacksim.config.ConfigNode;
import java.util.Map;

/**
 * A named device preset: the model kind and every parameter, with where the numbers come
 * from. Config selects one with {@code device.profile} and overrides parameters field by
 * field under {@code device}.
 *
 * @param name        e.g. "nvme-gen4"
 * @param kind        the model: latency, ram, hdd, ssd, nvme, ...
 * @param description one line for listings
 * @param source      datasheet or paper the parameters come from
 * @param params      parameter name to value text, in the profile file's order
 * @param origin      the file it was read from
 */
public record DeviceProfile(String name, String kind, String description, String source,
                            Map<String, String> params, String origin) {

    /** The profile's parameters as a config tree, overlaid with the user's {@code device} section. */
    public ConfigNode parameters(ConfigNode overrides) {
        ConfigNode node = ConfigNode.emptyRoot("profile " + name);
        params.forEach((k, v) -> node.set(k, v, io.stacksim.config.Origin.of(origin, 0)));
        if (overrides != null) {
            node.overlay(overrides);
        }
        return node;
    }
}
