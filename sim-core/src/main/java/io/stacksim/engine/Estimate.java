package io.stacksim.engine;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * A mean across independent replications with the half-width of its confidence interval
 * (Student t with n-1 degrees of freedom).
 *
 * @param mean      sample mean
 * @param halfWidth half-width of the interval (0 when n &lt; 2)
 * @param n         number of replications
 * @param level     confidence level, e.g. 0.95
 */
public record Estimate(double mean, double halfWidth, int n, double level) {

    /** The mean of {@code samples} with a {@code level} (e.g. 0.95) confidence interval. */
    public static Estimate of(double[] samples, double level) {
        SummaryStatistics s = new SummaryStatistics();
        for (double v : samples) {
            s.addValue(v);
        }
        int n = (int) s.getN();
        if (n < 2) {
            return new Estimate(n == 0 ? Double.NaN : s.getMean(), 0, n, level);
        }
        double t = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + level / 2);
        return new Estimate(s.getMean(), t * s.getStandardDeviation() / Math.sqrt(n), n, level);
    }

    public double low() {
        return mean - halfWidth;
    }

    public double high() {
        return mean + halfWidth;
    }

    /** True when {@code value} lies inside the interval. */
    public boolean contains(double value) {
        return value >= low() && value <= high();
    }
}
