/**
 * fio's job-file language: the parser ({@link io.stacksim.workload.fio.JobFileParser}), fio's
 * option list and what StackSim does with each ({@link io.stacksim.workload.fio.FioOptions}), and
 * the translation to a {@link io.stacksim.workload.JobSpec}.
 *
 * <p>Contract: a job file means what it means to fio 3.33; an option StackSim does not simulate
 * is an error naming its line. Entry point: {@link io.stacksim.workload.fio.JobTranslator}.
 */
package io.stacksim.workload.fio;
