/**
 * Workloads: fio jobs run on simulated tasks ({@link io.stacksim.workload.JobRunner}, its file
 * set-up, I/O unit planner, samples and the ioengines of {@link io.stacksim.workload.IoEngines#ALL}),
 * the request/response server, trace replay, and fio's statistics.
 *
 * <p>Contract: a job does only what fio would do, through the simulated kernel's system calls;
 * what fio measures is measured the way fio measures it. Entry point:
 * {@link io.stacksim.workload.JobRunner}.
 */
package io.stacksim.workload;
