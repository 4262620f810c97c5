/**
 * A RAM disk like brd ({@link io.stacksim.devices.ram.RamDisk}): a copy by the submitting CPU.
 *
 * <p>Contract: a {@link io.stacksim.device.BlockDevice} of kind {@code ram}. Entry point:
 * {@link io.stacksim.devices.ram.RamDisk}.
 */
package io.stacksim.devices.ram;
