package io.stacksim.devices.latency;

import java.util.Arrays;
import java.util.Locale;

/**
 * A flow-equivalent server (Chandy, Herzog and Woo, "Parametric analysis of queueing networks",
 * IBM J. Res. Dev. 19(1), 1975): a device whose throughput with n requests in service, X(n), was
 * measured at a few depths stands in for whatever inside it (queues, threads, a hypervisor's
 * back end) makes latency grow with load. A request that starts with n in service takes its
 * drawn service time times n X(1) / X(n), so a closed loop of n sees n / X(n) per request, as
 * measured. Between measured depths the response time n / X(n) is interpolated linearly in n;
 * past the last one the device is saturated (X constant). Written in config as {@code DEPTH:IOPS,DEPTH:IOPS,..}, e.g.
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

    /**
     * X(n) between the measured depths: the mean response time n / X(n) linear in n, as a closed
     * loop around a queueing centre gives it (R(n) = R(1) + (n - 1) / X at a saturating centre
     * of throughput X: Lazowska et al., "Quantitative System Performance", 1984, ch. 5's
     * asymptotic bounds); constant beyond the last depth.
     */
    public double throughput(int n) {
        if (n <= 1 || depths.length == 1) {
            return n <= 1 ? iops[0] : iops[depths.length - 1];
        }
        for (int i = 1; i < depths.length; i++) {
            if (n <= depths[i]) {
                double f = (n - depths[i - 1]) / (depths[i] - depths[i - 1]);
                double r = (1 - f) * depths[i - 1] / iops[i - 1] + f * depths[i] / iops[i];
                return n / r;
            }
        }
        return iops[depths.length - 1];
    }

    /**
     * Throughput curves measured at several request sizes: the response time n / X(n, bytes) is
     * interpolated linearly in the size between the two nearest measured sizes (clamped outside
     * them: a per-request cost plus one per byte), so a request's
     * time follows both the depth and its size. Written {@code SIZE@DEPTH:IOPS,..;SIZE@..}, e.g.
     * {@code 4k@1:11700,32:50700;128k@1:4100,32:8600}; a curve without a size serves every size.
     *
     * @param bytes  ascending request sizes
     * @param curves the curve at each size
     */
    public record Sized(long[] bytes, LoadCurve[] curves) {
        public Sized {
            if (bytes.length < 1 || bytes.length != curves.length) {
                throw new IllegalArgumentException("a sized load needs SIZE@curve entries");
            }
            for (int i = 1; i < bytes.length; i++) {
                if (bytes[i] <= bytes[i - 1]) {
                    throw new IllegalArgumentException("load-curve sizes must ascend");
                }
            }
            bytes = bytes.clone();
            curves = curves.clone();
        }

        /** Parses {@code SIZE@DEPTH:IOPS,..;..} or a plain {@code DEPTH:IOPS,..} curve. */
        public static Sized parse(String spec) {
            String[] parts = spec.trim().split(";");
            long[] b = new long[parts.length];
            LoadCurve[] c = new LoadCurve[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].trim();
                int at = p.indexOf('@');
                if (at < 0 && parts.length > 1) {
                    throw new IllegalArgumentException("expected SIZE@DEPTH:IOPS,.. for each of several curves, got '" + p + "'");
                }
                b[i] = at < 0 ? 4096 : io.stacksim.config.Units.parseSize(p.substring(0, at).trim());
                c[i] = LoadCurve.parse(at < 0 ? p : p.substring(at + 1));
            }
            return new Sized(b, c);
        }

        /** X(n) for requests of {@code size} bytes. */
        public double throughput(int n, long size) {
            if (bytes.length == 1 || size <= bytes[0]) {
                return curves[0].throughput(n);
            }
            for (int i = 1; i < bytes.length; i++) {
                if (size <= bytes[i]) {
                    // the response time affine in the size: a per-request cost plus one per byte
                    double f = (double) (size - bytes[i - 1]) / (bytes[i] - bytes[i - 1]);
                    double r = (1 - f) * n / curves[i - 1].throughput(n) + f * n / curves[i].throughput(n);
                    return Math.max(1, n) / r;
                }
            }
            return curves[bytes.length - 1].throughput(n);
        }

        /**
         * The factor on a service time drawn for the smallest size at depth 1, for a request of
         * {@code size} that starts with {@code n} in service: n X(1, smallest) / X(n, size).
         */
        public double multiplier(int n, long size) {
            return multiplier(n, size, curves[0].throughput(1));
        }

        /**
         * As above against a reference throughput {@code refIops} (another curve's smallest size at
         * depth 1, whose service times the drawn ones are): n refIops / X(n, size).
         */
        public double multiplier(int n, long size, double refIops) {
            return Math.max(1, n) * refIops / throughput(Math.max(1, n), size);
        }

        /** True when curves at more than one size make the request size part of the time. */
        public boolean sized() {
            return bytes.length > 1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sized s && Arrays.equals(bytes, s.bytes) && Arrays.equals(curves, s.curves);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + Arrays.hashCode(curves);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < bytes.length; i++) {
                sb.append(i == 0 ? "" : ";").append(bytes[i]).append('@').append(curves[i].spec());
            }
            return sb.toString();
        }
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
