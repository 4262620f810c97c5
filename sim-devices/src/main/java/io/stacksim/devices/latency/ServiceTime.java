package io.stacksim.devices.latency;

import io.stacksim.config.Units;
import io.stacksim.engine.RandomStream;
import java.util.Locale;
import org.apache.commons.math3.special.Erf;

/**
 * A service-time distribution, written as text in config:
 * {@code const:100us}, {@code exp:100us} (mean), {@code erlang:K:100us} (mean),
 * {@code uniform:50us:150us}, {@code lognormal:100us:1.5} (mean, coefficient of variation),
 * {@code h2:100us:4} (balanced two-phase hyperexponential: mean, squared CV),
 * {@code empirical:T0,T1,..,Tn} (a measured distribution: its quantiles at 0, 1/n, .., 1, drawn
 * by linear interpolation between them; what {@code stacksim calibrate} fits).
 * Each knows its first two moments, for queueing formulas.
 */
public sealed interface ServiceTime {
    /** Draws one service time in ns. */
    long sample(RandomStream r);

    /** E[S] in ns. */
    double mean();

    /** E[S^2] in ns^2. */
    double secondMoment();

    String spec();

    /** Parses a distribution spec; throws IllegalArgumentException naming the expected form. */
    static ServiceTime parse(String spec) {
        String[] p = spec.trim().split(":");
        String kind = p[0].toLowerCase(Locale.ROOT);
        try {
            switch (kind) {
                case "const":
                case "constant":
                    require(p, 2, spec);
                    return new Constant(ns(p[1]));
                case "exp":
                    require(p, 2, spec);
                    return new Exponential(ns(p[1]));
                case "erlang":
                    require(p, 3, spec);
                    return new Erlang(Integer.parseInt(p[1]), ns(p[2]));
                case "uniform":
                    require(p, 3, spec);
                    return new Uniform(ns(p[1]), ns(p[2]));
                case "lognormal":
                    require(p, 3, spec);
                    return new LogNormal(ns(p[1]), Double.parseDouble(p[2]));
                case "h2":
                    require(p, 3, spec);
                    return new HyperExp(ns(p[1]), Double.parseDouble(p[2]));
                case "empirical":
                    require(p, 2, spec);
                    String[] q = p[1].split(",");
                    double[] v = new double[q.length];
                    for (int i = 0; i < q.length; i++) {
                        v[i] = ns(q[i].trim());
                    }
                    return new Empirical(v);
                default:
                    if (p.length == 1) {
                        return new Constant(ns(p[0])); // a bare duration is a constant
                    }
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("expected const:T, exp:MEAN, erlang:K:MEAN, uniform:LO:HI,"
                + " lognormal:MEAN:CV, h2:MEAN:SCV or empirical:T0,..,Tn (ascending quantiles), got '" + spec + "'");
    }

    private static void require(String[] p, int n, String spec) {
        if (p.length != n) {
            throw new NumberFormatException(spec);
        }
    }

    private static double ns(String s) {
        return Units.parseDuration(s, 1);
    }

    /** Always the same time: M/D/1's server. */
    record Constant(double value) implements ServiceTime {
        public long sample(RandomStream r) {
            return Math.round(value);
        }

        public double mean() {
            return value;
        }

        public double secondMoment() {
            return value * value;
        }

        public String spec() {
            return "const:" + (long) value + "ns";
        }
    }

    /** Exponential with the given mean: M/M/1's server. */
    record Exponential(double mean) implements ServiceTime {
        public long sample(RandomStream r) {
            return Math.round(r.exponential(mean));
        }

        public double secondMoment() {
            return 2 * mean * mean;
        }

        public String spec() {
            return "exp:" + (long) mean + "ns";
        }
    }

    /** Sum of k exponentials, total mean {@code mean}: SCV 1/k. */
    record Erlang(int k, double mean) implements ServiceTime {
        public Erlang {
            if (k < 1) {
                throw new IllegalArgumentException("erlang k must be >= 1");
            }
        }

        public long sample(RandomStream r) {
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += r.exponential(mean / k);
            }
            return Math.round(s);
        }

        public double secondMoment() {
            return mean * mean * (1 + 1.0 / k);
        }

        public String spec() {
            return "erlang:" + k + ":" + (long) mean + "ns";
        }
    }

    /** Uniform on [lo, hi]. */
    record Uniform(double lo, double hi) implements ServiceTime {
        public Uniform {
            if (hi < lo) {
                throw new IllegalArgumentException("uniform hi < lo");
            }
        }

        public long sample(RandomStream r) {
            return Math.round(lo + (hi - lo) * r.nextDouble());
        }

        public double mean() {
            return (lo + hi) / 2;
        }

        public double secondMoment() {
            return (lo * lo + lo * hi + hi * hi) / 3;
        }

        public String spec() {
            return "uniform:" + (long) lo + "ns:" + (long) hi + "ns";
        }
    }

    /** Log-normal with the given mean and coefficient of variation. */
    record LogNormal(double mean, double cv) implements ServiceTime {
        public long sample(RandomStream r) {
            double sigma2 = Math.log(1 + cv * cv);
            double mu = Math.log(mean) - sigma2 / 2;
            // Inversion keeps one uniform per sample, so the stream stays aligned across models.
            double u = r.nextDouble();
            double z = Math.sqrt(2) * Erf.erfInv(2 * Math.max(u, 1e-300) - 1);
            return Math.round(Math.exp(mu + Math.sqrt(sigma2) * z));
        }

        public double secondMoment() {
            return mean * mean * (1 + cv * cv);
        }

        public String spec() {
            return "lognormal:" + (long) mean + "ns:" + cv;
        }
    }

    /**
     * Two-phase hyperexponential with balanced means (p1/mu1 = p2/mu2) and squared coefficient
     * of variation {@code scv} >= 1.
     */
    record HyperExp(double mean, double scv) implements ServiceTime {
        public HyperExp {
            if (scv < 1) {
                throw new IllegalArgumentException("h2 needs a squared CV >= 1");
            }
        }

        public long sample(RandomStream r) {
            double p1 = 0.5 * (1 + Math.sqrt((scv - 1) / (scv + 1)));
            double u = r.nextDouble();
            double m = u < p1 ? mean / (2 * p1) : mean / (2 * (1 - p1));
            return Math.round(r.exponential(m));
        }

        public double secondMoment() {
            return mean * mean * (1 + scv);
        }

        public String spec() {
            return "h2:" + (long) mean + "ns:" + scv;
        }
    }

    /**
     * A measured distribution given by its quantiles at 0, 1/n, .., 1 (ascending): a uniform draw
     * is mapped through the piecewise-linear quantile function.
     */
    record Empirical(double[] quantiles) implements ServiceTime {
        public Empirical {
            if (quantiles.length < 2) {
                throw new IllegalArgumentException("an empirical distribution needs at least 2 quantiles");
            }
            for (int i = 0; i < quantiles.length; i++) {
                if (quantiles[i] < 0 || (i > 0 && quantiles[i] < quantiles[i - 1])) {
                    throw new IllegalArgumentException("empirical quantiles must be non-negative and ascending");
                }
            }
            quantiles = quantiles.clone();
        }

        public long sample(RandomStream r) {
            double x = r.nextDouble() * (quantiles.length - 1);
            int i = Math.min((int) x, quantiles.length - 2);
            double f = x - i;
            return Math.round(quantiles[i] + f * (quantiles[i + 1] - quantiles[i]));
        }

        public double mean() {
            double s = 0;
            for (int i = 0; i + 1 < quantiles.length; i++) {
                s += (quantiles[i] + quantiles[i + 1]) / 2;
            }
            return s / (quantiles.length - 1);
        }

        public double secondMoment() {
            // E[X^2] of each linear piece a..b taken with probability 1/n: (a^2 + ab + b^2) / 3
            double s = 0;
            for (int i = 0; i + 1 < quantiles.length; i++) {
                double a = quantiles[i];
                double b = quantiles[i + 1];
                s += (a * a + a * b + b * b) / 3;
            }
            return s / (quantiles.length - 1);
        }

        public String spec() {
            StringBuilder sb = new StringBuilder("empirical:");
            for (int i = 0; i < quantiles.length; i++) {
                sb.append(i == 0 ? "" : ",").append((long) quantiles[i]).append("ns");
            }
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Empirical e && java.util.Arrays.equals(quantiles, e.quantiles);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(quantiles);
        }

        @Override
        public String toString() {
            return spec();
        }
    }
}
