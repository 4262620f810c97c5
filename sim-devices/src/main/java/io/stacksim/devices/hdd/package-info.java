/**
 * Hard disks: geometry and zones, seek curves, rotation, the drive's cache and queueing
 * ({@link io.stacksim.devices.hdd.HddModel}), built from a datasheet or a DiskSim spec by
 * {@link io.stacksim.devices.hdd.HddProfile}.
 *
 * <p>Contract: a {@link io.stacksim.device.BlockDevice} of kind {@code hdd}. Entry point:
 * {@link io.stacksim.devices.hdd.HddProfile#build}.
 */
package io.stacksim.devices.hdd;
