package io.stacksim.experiment.sweep;

import io.stacksim.config.Origin;
import java.util.List;
import java.util.Map;

/**
 * What a sweep plots. Each chart names the axes and metrics it uses; sweep axes it does not
 * name (and that its {@code where} filter does not fix) split it into one chart per value
 * combination, so a chart never averages over a parameter silently.
 */
public sealed interface ChartSpec {
    /** File stem of the chart (charts/NAME.png and .svg). */
    String name();

    /** Title shown above the chart. */
    String title();

    /** Axis name to the labels kept; axes absent here are not filtered. */
    Map<String, List<String>> where();

    /** Where the chart is defined in the sweep file. */
    Origin origin();

    /** The raw chart entry, for the resolved sweep file. */
    Object plain();

    /** Scale of a numeric chart axis. */
    enum Scale {
        LINEAR, LOG2, LOG10
    }

    /**
     * One or more metrics (mean with 95% CI error bars) against a parameter or a metric, one
     * line per value of {@code series} (and per y metric). When {@code x} is a metric (e.g.
     * {@code iops.total}, for latency against achieved load: the hockey stick), the points of a
     * line are taken in the order of the axis {@code along}.
     *
     * @param x      an axis name or a metric
     * @param y      metrics on the vertical axis
     * @param series axis giving one line per value, or null
     * @param along  axis ordering the points when x is a metric, else null
     */
    record Line(String name, String title, String x, List<String> y, String series, String along,
                Scale xScale, Scale yScale, String xLabel, String yLabel,
                Map<String, List<String>> where, Origin origin, Object plain) implements ChartSpec {
    }

    /**
     * The cumulative distribution of a latency (pooled over replications) on a logarithmic
     * latency axis, one curve per value of {@code series}.
     *
     * @param latency {@code lat.read} or {@code lat.write}
     */
    record Cdf(String name, String title, String latency, String series,
               Map<String, List<String>> where, Origin origin, Object plain) implements ChartSpec {
    }

    /** Where the time of an I/O went (metrics {@code lat.layer.*_us}) as a stacked bar per value of {@code x}. */
    record Layers(String name, String title, String x, Map<String, List<String>> where, Origin origin,
                  Object plain) implements ChartSpec {
    }

    /**
     * A power-of-two latency histogram in microseconds, as bcc's biolatency prints it, pooled
     * over replications; one bar group per value of {@code series}.
     */
    record Histogram(String name, String title, String latency, String series,
                     Map<String, List<String>> where, Origin origin, Object plain) implements ChartSpec {
    }
}
