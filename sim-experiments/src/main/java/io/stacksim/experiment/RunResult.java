package io.stacksim.experiment;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one simulation run: the resolved config and seed that reproduce it, every
 * metric under its dotted name (sorted), and the per-job figures for fio-like reports.
 *
 * @param config  the resolved config, as plain maps and strings
 * @param seed    the master seed
 * @param metrics every statistic of the run, sorted by name
 * @param jobs    per-job summaries (one entry for the whole run when jobs are grouped)
 * @param device  the device's name
 * @param checkViolations what --check found wrong (empty when it was off or all held)
 */
public record RunResult(Object config, long seed, Map<String, Number> metrics, List<JobSummary> jobs, String device,
                        List<String> checkViolations) {
}
