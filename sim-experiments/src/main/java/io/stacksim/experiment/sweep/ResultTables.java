package io.stacksim.experiment.sweep;

import io.stacksim.engine.Estimate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The sweep's tidy tables, rebuilt from the stored runs in sweep order (point, then
 * replication), never in completion order, so they are byte-identical whatever the number of
 * threads, shards or interruptions:
 * <ul>
 *   <li>runs.csv: one row per run: {@code point, replication, seed}, one column per axis
 *       (its value label), then every metric by dotted name in sorted order;</li>
 *   <li>summary.csv: one row per point and metric: {@code n, mean} and the 95% Student-t
 *       confidence interval across replications ({@code ci95_half, ci95_low, ci95_high},
 *       empty with fewer than two replications).</li>
 * </ul>
 */
public final class ResultTables {
    /** The confidence level of summary.csv. */
    public static final double LEVEL = 0.95;
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    private ResultTables() {
    }

    /** Every metric name present in {@code records}, sorted. */
    public static List<String> metricNames(Iterable<RunRecord> records) {
        TreeSet<String> names = new TreeSet<>();
        for (RunRecord r : records) {
            names.addAll(r.metrics().keySet());
        }
        return new ArrayList<>(names);
    }

    /** runs.csv for the runs of {@code rows} (in their order). */
    public static String runsCsv(Sweep sweep, Map<SweepRun, RunRecord> rows) {
        List<String> metrics = metricNames(rows.values());
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSV)) {
            List<String> header = new ArrayList<>(List.of("point", "replication", "seed"));
            for (Axis a : sweep.spec().axes()) {
                header.add(a.name());
            }
            header.addAll(metrics);
            p.printRecord(header);
            for (Map.Entry<SweepRun, RunRecord> e : rows.entrySet()) {
                SweepRun run = e.getKey();
                List<String> row = new ArrayList<>(header.size());
                row.add(Integer.toString(run.point().index()));
                row.add(Integer.toString(run.replication()));
                row.add(Long.toString(run.seed()));
                for (AxisValue v : run.point().values()) {
                    row.add(v.label());
                }
                for (String m : metrics) {
                    row.add(e.getValue().metrics().getOrDefault(m, ""));
                }
                p.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The estimate of {@code metric} at a point from its replications' records. */
    public static Estimate estimate(List<RunRecord> replications, String metric) {
        double[] v = new double[replications.size()];
        int n = 0;
        for (RunRecord r : replications) {
            double x = r.value(metric);
            if (!Double.isNaN(x)) {
                v[n++] = x;
            }
        }
        return Estimate.of(java.util.Arrays.copyOf(v, n), LEVEL);
    }

    /** summary.csv over the points that have at least one stored run. */
    public static String summaryCsv(Sweep sweep, Map<SweepRun, RunRecord> rows) {
        List<String> metrics = metricNames(rows.values());
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSV)) {
            List<String> header = new ArrayList<>(List.of("point"));
            for (Axis a : sweep.spec().axes()) {
                header.add(a.name());
            }
            header.addAll(List.of("metric", "n", "mean", "ci95_half", "ci95_low", "ci95_high"));
            p.printRecord(header);
            for (SweepPoint pt : sweep.points()) {
                List<RunRecord> reps = new ArrayList<>();
                for (SweepRun r : sweep.runsOf(pt)) {
                    RunRecord rec = rows.get(r);
                    if (rec != null) {
                        reps.add(rec);
                    }
                }
                if (reps.isEmpty()) {
                    continue;
                }
                for (String m : metrics) {
                    Estimate e = estimate(reps, m);
                    if (e.n() == 0) {
                        continue;
                    }
                    List<String> row = new ArrayList<>();
                    row.add(Integer.toString(pt.index()));
                    for (AxisValue v : pt.values()) {
                        row.add(v.label());
                    }
                    row.add(m);
                    row.add(Integer.toString(e.n()));
                    row.add(Double.toString(e.mean()));
                    boolean ci = e.n() >= 2;
                    row.add(ci ? Double.toString(e.halfWidth()) : "");
                    row.add(ci ? Double.toString(e.low()) : "");
                    row.add(ci ? Double.toString(e.high()) : "");
                    p.printRecord(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
