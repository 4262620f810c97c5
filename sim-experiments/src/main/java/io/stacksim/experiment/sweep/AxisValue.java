package io.stacksim.experiment.sweep;

import java.util.List;

/**
 * One value of a sweep axis: the label that names it in tables and charts and the config
 * settings it stands for (one for a plain axis over a path; several for a variant such as
 * "direct-libaio", which sets both {@code workload.direct} and {@code workload.ioengine}).
 *
 * @param label    the value's name in runs.csv and on charts
 * @param settings the overrides applied to the base config
 */
public record AxisValue(String label, List<Setting> settings) {
    public AxisValue {
        settings = List.copyOf(settings);
    }
}
