/**
 * Host links and DMA: PCIe and SATA link rates ({@link io.stacksim.devices.dma.LinkSpec}), a link
 * shared by concurrent transfers ({@link io.stacksim.devices.dma.SharedLink}), scatter-gather
 * limits.
 *
 * <p>Contract: a device moves each request's data over its link and reports the transfer time
 * in the request. Entry point: {@link io.stacksim.devices.dma.HostLink}.
 */
package io.stacksim.devices.dma;
