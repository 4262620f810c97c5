/**
 * DiskSim 4.0 parameter files and traces: the .parv reader and the disk spec they describe.
 *
 * <p>Contract: a spec read here gives the same disk DiskSim would simulate. Entry point:
 * {@link io.stacksim.devices.hdd.disksim.DiskSimSpec#load}.
 */
package io.stacksim.devices.hdd.disksim;
