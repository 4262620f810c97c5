package io.stacksim.experiment.sweep;

import java.util.List;

/**
 * One point of a sweep: a value of every axis.
 *
 * @param index  position in sweep order (the last axis varies fastest in a cartesian product)
 * @param axes   the sweep's axes
 * @param values the value of each axis, in axis order
 */
public record SweepPoint(int index, List<Axis> axes, List<AxisValue> values) {
    public SweepPoint {
        axes = List.copyOf(axes);
        values = List.copyOf(values);
    }

    /** The label of this point's value on axis {@code name}; null if there is no such axis. */
    public String param(String name) {
        for (int i = 0; i < axes.size(); i++) {
            if (axes.get(i).name().equals(name)) {
                return values.get(i).label();
            }
        }
        return null;
    }

    /** The value on axis {@code name}, or null. */
    public AxisValue value(String name) {
        for (int i = 0; i < axes.size(); i++) {
            if (axes.get(i).name().equals(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /**
     * "iodepth=8, device=ramdisk": names the point in messages and tables, and (being unique
     * within a sweep and independent of the point's position) derives its seeds, so adding a
     * value to an axis leaves the other points' seeds and results unchanged.
     */
    public String key() {
        if (axes.isEmpty()) {
            return "(base)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < axes.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(axes.get(i).name()).append('=').append(values.get(i).label());
        }
        return sb.toString();
    }
}
