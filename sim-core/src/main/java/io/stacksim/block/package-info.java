/**
 * The block layer: bios and requests, the per-task plug, blk-mq submission and dispatch
 * ({@link io.stacksim.block.BlockQueue}), splitting and merging ({@link io.stacksim.block.MergeRules}),
 * tags ({@link io.stacksim.block.Tags}), the flush machinery, diskstats, and the I/O schedulers,
 * chosen by name from {@link io.stacksim.block.Schedulers#ALL}.
 *
 * <p>Contract: above, the file system, page cache, direct I/O and trace replay see a device as a
 * {@link io.stacksim.block.BlockTarget} ({@code struct block_device}: {@code submit_bio}, the
 * {@link io.stacksim.block.QueueLimits}); {@link io.stacksim.block.BlockQueue} implements it for one
 * device and stacking drivers (md, dm) will implement it over several. Below, a queue drives a
 * {@link io.stacksim.device.BlockDevice} and is its {@link io.stacksim.device.DeviceHost}. A
 * scheduler is an {@link io.stacksim.block.IoScheduler} (usually an {@link io.stacksim.block.Elevator})
 * registered with one line. Entry points: {@link io.stacksim.block.BlockTarget},
 * {@link io.stacksim.block.BlockQueue#submitBio}.
 */
package io.stacksim.block;
