/**
 * Parameter sweeps: sweep files, axes and points, replications, the runner that shards and
 * resumes, the store of finished runs, result tables, chart specs, and the shipped catalog.
 *
 * <p>Contract: a sweep interrupted half way resumes from what it wrote; no output is left half
 * written. Entry point: {@link io.stacksim.experiment.sweep.SweepRunner}.
 */
package io.stacksim.experiment.sweep;
