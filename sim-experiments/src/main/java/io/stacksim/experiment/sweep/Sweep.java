package io.stacksim.experiment.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.common.hash.Hashing;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.engine.RandomStreams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A sweep expanded into points and runs. Each run's seed is derived from the master seed and
 * the point's key and replication ({@link RandomStreams#seedFor}), so seeds are distinct,
 * recorded, and do not depend on the order or the thread a run happens to execute on.
 */
public final class Sweep {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private final SweepSpec spec;
    private final List<SweepPoint> points;
    private final List<SweepRun> runs;

    public Sweep(SweepSpec spec) {
        this.spec = spec;
        this.points = Collections.unmodifiableList(expand(spec));
        List<SweepRun> rs = new ArrayList<>();
        Set<Long> seeds = new HashSet<>();
        for (SweepPoint p : points) {
            for (int r = 0; r < spec.replications(); r++) {
                long seed = seed(spec, p, r);
                if (!seeds.add(seed) && !spec.commonRandomNumbers()) {
                    throw new IllegalStateException("seed collision at " + p.key() + " replication " + r);
                }
                String id = Hashing.sha256().hashString(yaml(config(p, seed).toPlain()), StandardCharsets.UTF_8)
                        .toString().substring(0, 24);
                rs.add(new SweepRun(rs.size(), p, r, seed, id));
            }
        }
        this.runs = Collections.unmodifiableList(rs);
    }

    public SweepSpec spec() {
        return spec;
    }

    public List<SweepPoint> points() {
        return points;
    }

    public List<SweepRun> runs() {
        return runs;
    }

    /** The runs of point {@code p}, by replication. */
    public List<SweepRun> runsOf(SweepPoint p) {
        int r = spec.replications();
        return runs.subList(p.index() * r, p.index() * r + r);
    }

    /** The seed of replication {@code replication} at point {@code p}. */
    public static long seed(SweepSpec spec, SweepPoint p, int replication) {
        String name = spec.commonRandomNumbers() ? "sweep/replication " + replication
                : "sweep/" + p.key() + "/replication " + replication;
        return RandomStreams.seedFor(spec.seed(), name);
    }

    /** The point's config: a copy of the base with the point's settings applied. */
    public ConfigNode config(SweepPoint p) {
        ConfigNode c = spec.base().copy();
        for (AxisValue v : p.values()) {
            for (Setting s : v.settings()) {
                c.set(s.path(), s.value(), s.origin());
            }
        }
        return c;
    }

    /** The run's config: the point's, with {@code run.seed} set to the run's seed. */
    public ConfigNode config(SweepRun run) {
        return config(run.point(), run.seed());
    }

    private ConfigNode config(SweepPoint p, long seed) {
        ConfigNode c = config(p);
        c.set("run.seed", Long.toString(seed), Origin.flag("sweep seed"));
        return c;
    }

    /** Plain maps and lists as YAML (deterministic: maps keep their order). */
    public static String yaml(Object plain) {
        try {
            return YAML.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<SweepPoint> expand(SweepSpec spec) {
        List<Axis> axes = spec.axes();
        List<SweepPoint> out = new ArrayList<>();
        if (axes.isEmpty()) {
            out.add(new SweepPoint(0, axes, List.of()));
            return out;
        }
        if (spec.combine() == SweepSpec.Combine.ZIP) {
            int n = axes.get(0).values().size();
            for (int i = 0; i < n; i++) {
                List<AxisValue> vs = new ArrayList<>();
                for (Axis a : axes) {
                    vs.add(a.values().get(i));
                }
                out.add(new SweepPoint(i, axes, vs));
            }
        } else {
            long total = 1;
            for (Axis a : axes) {
                total *= a.values().size();
                if (total > 1_000_000) {
                    throw ConfigException.at(a.origin(), "the sweep has more than a million points; split it");
                }
            }
            int[] idx = new int[axes.size()];
            for (int i = 0; i < total; i++) {
                List<AxisValue> vs = new ArrayList<>();
                for (int k = 0; k < axes.size(); k++) {
                    vs.add(axes.get(k).values().get(idx[k]));
                }
                out.add(new SweepPoint(i, axes, vs));
                for (int k = axes.size() - 1; k >= 0; k--) {
                    if (++idx[k] < axes.get(k).values().size()) {
                        break;
                    }
                    idx[k] = 0;
                }
            }
        }
        // a zipped sweep (or variants setting the same path) may repeat a config: harmless, but
        // two points with the same key would share seeds
        Set<String> keys = new HashSet<>();
        for (SweepPoint p : out) {
            if (!keys.add(p.key())) {
                throw new ConfigException(spec.source() + ": two points are both " + p.key());
            }
        }
        return out;
    }
}
