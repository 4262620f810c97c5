package io.stacksim.devices.latency;

import java.util.Arrays;
import java.util.Locale;

/**
 * A flow-equivalent server (Chandy, Herzog and Woo, "Parametric analysis of queueing networks",
 * IBM J. Res. Dev. 19(1), 1975): a device whose throughput with n requests in service, X(n), was
 * measured at a few depths stands in for whatever inside it (queues, threads, a hypervisor's
 * back end) makes latency grow with load. A request that starts with n in service takes its
 * drawn service time times n X(1) / X(n), so a closed loop of n sees n / X(n) per request, as
 * measured. Between measured depths X is interpolated log-log; past the last one the device is
 * saturated (X constant). Written in config as {@code DEPTH:IOPS,DEPTH:IOPS,..}, e.g.
 * {@code 1:11700,32:50700}.
 *
 * @param depths ascending depths, the first 1
 * @param iops   the throughput at each depth
 */
public record LoadCurve(double[] depths, double[] iops) {
    public LoadCurve {
        if (depths.length < 1 || depths.length != iops.length || depths[0] != 1) {
            throw new IllegalArgumentException("a load curve needs DEPTH:IOPS points starting at depth 1");
        }
        for (int i = 0; i < depths.length; i++) {
            if (!(iops[i] > 0) || (i > 0 && depths[i] <= depths[i - 1])) {
                throw new IllegalArgumentException("load-curve depths must ascend and IOPS be positive");
            }
        }
        depths = depths.clone();
        iops = iops.clone();
    }

    /** Parses {@code DEPTH:IOPS,DEPTH:IOPS,..}. */
    public static LoadCurve parse(String spec) {
        String[] pts = spec.trim().split(",");
        double[] d = new double[pts.length];
        double[] x = new double[pts.length];
        try {
            for (int i = 0; i < pts.length; i++) {
                String[] kv = pts[i].trim().split(":");
                if (kv.length != 2) {
                    throw new NumberFormatException(pts[i]);
                }
                d[i] = Double.parseDouble(kv[0]);
                x[i] = Double.parseDouble(kv[1]);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected DEPTH:IOPS,DEPTH:IOPS,.. (e.g. 1:11700,32:50700), got '" + spec + "'");
        }
        return new LoadCurve(d, x);
    }

    /** X(n), interpolated log-log between the measured depths, constant beyond them. */
    public double throughput(int n) {
        if (n <= 1 || depths.length == 1) {
            return n <= 1 ? iops[0] : iops[depths.length - 1];
        }
        for (int i = 1; i < depths.length; i++) {
            if (n <= depths[i]) {
                double f = Math.log(n / depths[i - 1]) / Math.log(depths[i] / depths[i - 1]);
                return Math.exp(Math.log(iops[i - 1]) + f * (Math.log(iops[i]) - Math.log(iops[i - 1])));
            }
        }
        return iops[depths.length - 1];
    }

    /** The factor on a service time that starts with {@code n} in service: n X(1) / X(n). */
    public double multiplier(int n) {
        return n <= 1 ? 1 : n * iops[0] / throughput(n);
    }

    public String spec() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depths.length; i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.0f:%.0f", depths[i], iops[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadCurve c && Arrays.equals(depths, c.depths) && Arrays.equals(iops, c.iops);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(depths) * 31 + Arrays.hashCode(iops);
    }

    @Override
    public String toString() {
        return spec();
    }
}
