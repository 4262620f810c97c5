/**
 * The device SPI: what a block device implements ({@link io.stacksim.device.BlockDevice}: take a
 * request, report its completion to its {@link io.stacksim.device.DeviceHost}), what it tells the
 * block layer about itself ({@link io.stacksim.device.DeviceLimits}), the interrupt controller
 * completions go through, and the network device SPI.
 *
 * <p>Contract: sim-core names no concrete device; sim-devices implements this package. Entry
 * points: {@link io.stacksim.device.BlockDevice}, {@link io.stacksim.device.DeviceHost}.
 */
package io.stacksim.device;
