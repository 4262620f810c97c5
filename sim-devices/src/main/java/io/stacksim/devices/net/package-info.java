/**
 * The network interface card ({@link io.stacksim.devices.net.Nic}): link rate, MTU, offloads and
 * its PCIe DMA.
 *
 * <p>Contract: a {@link io.stacksim.device.NetworkDevice} of kind {@code nic}. Entry point:
 * {@link io.stacksim.devices.net.Nic#build}.
 */
package io.stacksim.devices.net;
