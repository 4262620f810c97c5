/**
 * The device models and the named profiles: {@link io.stacksim.devices.Profiles} reads the shipped
 * profiles (or a profile file, or a DiskSim spec) and builds the model a profile's {@code kind}
 * names from {@link io.stacksim.devices.DeviceKinds#ALL}; every block device's queue limits are
 * read by {@link io.stacksim.devices.LimitsReader}.
 *
 * <p>Contract: a new model is its own file declaring a {@link io.stacksim.devices.DeviceKind} and one
 * line in {@link io.stacksim.devices.DeviceKinds#ALL}. Entry point:
 * {@link io.stacksim.devices.Profiles#create}.
 */
package io.stacksim.devices;
