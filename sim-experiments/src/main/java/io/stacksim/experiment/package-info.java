/**
 * Experiments, in four sub-packages whose dependencies point one way:
 * {@code machine} (the composition root) &lt;- {@code run} (the run kinds) &lt;- {@code sweep}
 * (parameter sweeps and the catalog) &lt;- {@code validation} (checks against independent
 * truths); {@link io.stacksim.experiment.Parallel} runs independent simulations on N threads.
 *
 * <p>Contract: results never depend on the thread count. Entry point:
 * {@link io.stacksim.experiment.run.Simulation#run}.
 */
package io.stacksim.experiment;
