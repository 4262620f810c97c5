/**
 * NVMe SSDs: the controller, its queue pairs and interrupt coalescing in front of the flash
 * back end ({@link io.stacksim.devices.nvme.NvmeController}), read from a profile by
 * {@link io.stacksim.devices.nvme.NvmeProfile}.
 *
 * <p>Contract: a {@link io.stacksim.device.BlockDevice} of kind {@code nvme}. Entry point:
 * {@link io.stacksim.devices.nvme.NvmeController#submit}.
 */
package io.stacksim.devices.nvme;
