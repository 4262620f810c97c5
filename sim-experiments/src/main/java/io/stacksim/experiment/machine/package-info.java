/**
 * The composition root: {@link io.stacksim.experiment.machine.Stack} builds one simulated machine -
 * CPUs and cost model, the device from its profile, its queue and scheduler, the file system,
 * the kernel and page cache, and on demand the NIC and network stack - from one config.
 *
 * <p>Contract: the only place that knows every layer; everything shares one simulator and one
 * set of random streams. Entry point: {@link io.stacksim.experiment.machine.Stack}.
 */
package io.stacksim.experiment.machine;
