/**
 * The run kinds: fio jobs ({@link io.stacksim.experiment.run.Simulation}), the server, a file sent to
 * a socket, a stdio stream, a trace replay; and what a run yields
 * ({@link io.stacksim.experiment.run.RunResult}: the resolved config, the seed, every metric).
 *
 * <p>Contract: a run is deterministic for its config and seed. Entry point:
 * {@link io.stacksim.experiment.run.Simulation#run}.
 */
package io.stacksim.experiment.run;
