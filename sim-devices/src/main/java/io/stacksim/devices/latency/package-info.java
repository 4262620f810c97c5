/**
 * A device whose media time is drawn from a distribution, served by parallel units in arrival
 * order ({@link io.stacksim.devices.latency.LatencyDevice}): the queueing validation's device.
 *
 * <p>Contract: a {@link io.stacksim.device.BlockDevice} of kind {@code latency}. Entry point:
 * {@link io.stacksim.devices.latency.LatencyDevice}.
 */
package io.stacksim.devices.latency;
