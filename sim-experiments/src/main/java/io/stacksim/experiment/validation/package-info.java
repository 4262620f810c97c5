/**
 * Checks of the models against independent truths: queueing theory
 * ({@link io.stacksim.experiment.validation.QueueingValidation}), DiskSim's validated disks,
 * Little's law over sweeps, greedy GC's write amplification, and the demerit figure.
 *
 * <p>Contract: each check states its truth and its tolerance. Entry point:
 * {@link io.stacksim.experiment.validation.QueueingValidation#run}.
 */
package io.stacksim.experiment.validation;
