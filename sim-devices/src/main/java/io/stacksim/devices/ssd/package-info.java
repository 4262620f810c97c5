/**
 * Flash: the NAND geometry and timing, the page-mapped FTL with garbage collection, the flash
 * back end both SSD front ends share ({@link io.stacksim.devices.ssd.FlashBackend}), and the SATA
 * SSD ({@link io.stacksim.devices.ssd.SataSsd}).
 *
 * <p>Contract: a {@link io.stacksim.device.BlockDevice} of kind {@code sata-ssd}, and the back end
 * of {@code nvme}. Entry point: {@link io.stacksim.devices.ssd.FlashBackend}.
 */
package io.stacksim.devices.ssd;
