/**
 * The simulation kernel: virtual time in nanoseconds, the event queue ({@link io.stacksim.engine.Simulator}
 * schedules callbacks at absolute times; ties fire in scheduling order), cancellable timers,
 * named random streams derived from one seed ({@link io.stacksim.engine.RandomStreams}), and the
 * statistics every component registers ({@link io.stacksim.engine.Stats}: counters, gauges,
 * HdrHistogram latencies, time-weighted averages).
 *
 * <p>Contract: one thread runs one simulation; the same config and seed give the same events in
 * the same order. Entry point: {@link io.stacksim.engine.Simulator}.
 */
package io.stacksim.engine;
