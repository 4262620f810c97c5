package io.stacksim.experiment.run;

import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;

/**
 * One job's (or group's) results, with the spec it ran.
 *
 * @param spec  the job as configured
 * @param jobs  number of clones summed into {@code stats}
 * @param stats the measured figures
 */
public record JobSummary(JobSpec spec, int jobs, JobStats stats) {
}
