/**
 * device-mapper (drivers/md/dm.c) with the {@code linear} (dm-linear.c) and {@code striped}
 * (dm-stripe.c) targets; {@link io.stacksim.devices.dm.Dm} reads a {@code dm.NAME} section's
 * table in dmsetup syntax and builds the device.
 */
package io.stacksim.devices.dm;
