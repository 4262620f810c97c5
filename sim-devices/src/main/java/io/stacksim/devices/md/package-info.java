/**
 * md software RAID (drivers/md): arrays built on other block targets of the machine, each a
 * {@link io.stacksim.block.BlockTarget}. {@link io.stacksim.devices.md.Md} reads an
 * {@code md.NAME} section and builds the personality: {@code Raid0} (raid0.c) and the others
 * as they are added. Resync and recovery never run: arrays are clean.
 */
package io.stacksim.devices.md;
