/**
 * md software RAID (drivers/md): arrays built on other block targets of the machine, each a
 * {@link io.stacksim.block.BlockTarget}. {@link io.stacksim.devices.md.Md} reads an
 * {@code md.NAME} section and builds the personality: {@code Raid0} (raid0.c), {@code Raid1} (raid1.c,
 * read_balance), {@code Raid10} (raid10.c, near layout) and {@code Raid5} (raid5.c, RAID-5 and
 * RAID-6 through the stripe cache). Resync and recovery never run: arrays are clean.
 */
package io.stacksim.devices.md;
