package io.stacksim.experiment.sweep;

import io.stacksim.config.Origin;

/**
 * One config override a sweep point applies: {@code path} (dotted, as {@code --set} takes it)
 * gets {@code value}. The origin is the sweep file's line, so a bad value is reported there.
 *
 * @param path   dotted config path, e.g. {@code workload.iodepth}
 * @param value  the scalar text
 * @param origin where the value was written
 */
public record Setting(String path, String value, Origin origin) {
}
