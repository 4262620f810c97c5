package io.stacksim.experiment.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stacksim.experiment.run.LatencyHistograms;
import io.stacksim.experiment.run.RunResult;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The stored outcome of one sweep run (one JSON file under the output folder's {@code runs/}):
 * which run it is, every metric already formatted as runs.csv writes it (so tables rebuilt from
 * these files are byte-identical however and whenever the runs were made), and optionally the
 * latency histograms.
 *
 * @param id          the run's config hash ({@link SweepRun#id()})
 * @param point       the point's key (for humans; the id is what identifies the run)
 * @param replication replication number
 * @param seed        the run's seed
 * @param version     the StackSim version that made it
 * @param metrics     metric name to its text, sorted by name
 * @param latency     direction to encoded histogram ({@link LatencyHistograms#encode}); may be empty
 */
public record RunRecord(String id, String point, int replication, long seed, String version,
                        Map<String, String> metrics, Map<String, String> latency) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunRecord {
        metrics = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metrics));
        latency = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(latency));
    }

    /** The record of {@code run} from its result. */
    public static RunRecord of(SweepRun run, RunResult r, boolean histograms, String version) {
        Map<String, String> m = new LinkedHashMap<>();
        r.metrics().forEach((k, v) -> m.put(k, format(v)));
        Map<String, String> lat = new LinkedHashMap<>();
        if (histograms) {
            for (Map.Entry<String, Histogram> e : LatencyHistograms.of(r).entrySet()) {
                lat.put(e.getKey(), LatencyHistograms.encode(e.getValue()));
            }
        }
        return new RunRecord(run.id(), run.point().key(), run.replication(), run.seed(), version, m, lat);
    }

    /** A metric's text in runs.csv: integers as such, reals as Java's shortest round-trip form. */
    public static String format(Number n) {
        if (n instanceof Double || n instanceof Float) {
            return Double.toString(n.doubleValue());
        }
        return Long.toString(n.longValue());
    }

    /** The metric's value as a double, or NaN when absent or not a number. */
    public double value(String metric) {
        String s = metrics.get(metric);
        if (s == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("point", point);
        root.put("replication", replication);
        root.put("seed", seed);
        root.put("version", version);
        ObjectNode m = root.putObject("metrics");
        metrics.forEach(m::put);
        ObjectNode l = root.putObject("latency_histograms");
        latency.forEach(l::put);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a run file; throws IllegalArgumentException when it is not one. */
    public static RunRecord fromJson(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            Map<String, String> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("metrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
            Map<String, String> lat = new LinkedHashMap<>();
            JsonNode l = root.get("latency_histograms");
            if (l != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    lat.put(e.getKey(), e.getValue().asText());
                }
            }
            return new RunRecord(root.get("id").asText(), root.get("point").asText(), root.get("replication").asInt(),
                    root.get("seed").asLong(), root.get("version").asText(), m, lat);
        } catch (IOException | NullPointerException e) {
            throw new IllegalArgumentException("not a run file: " + e.getMessage(), e);
        }
    }
}
