package io.stacksim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stacksim.config.ConfigException;
import io.stacksim.experiment.validation.Demerit;
import io.stacksim.workload.FioHistogram;
import io.stacksim.workload.JobStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A simulated run beside a real fio run ({@code stacksim fio JOB --compare REAL.json}): per job
 * and direction, IOPS, bandwidth, clat mean, p50 and p99, and the disk's merges and utilisation,
 * each with the ratio simulated / real; and, when the real output is json+ (it has clat bins),
 * the demerit figure between the two clat distributions ({@link Demerit}), in milliseconds and
 * as a share of the real mean.
 *
 * @param rows     one line per figure
 * @param demerits one line per direction with distributions on both sides
 * @param notes    what could not be compared, and why
 */
public record FioCompare(List<Row> rows, List<String> demerits, List<String> notes) {

    /** One compared figure. */
    public record Row(String job, String figure, double simulated, double real) {
        public double ratio() {
            return real == 0 ? Double.NaN : simulated / real;
        }
    }

    /** Compares {@code report} with the fio JSON (json or json+) in {@code realJson}. */
    public static FioCompare compare(FioReport report, Path realJson) {
        JsonNode real;
        try {
            String text = io.stacksim.config.InputFiles.readText(realJson, "fio's JSON output");
            int brace = text.indexOf('{');
            if (brace < 0) {
                throw new ConfigException(realJson + ": not fio JSON output (no '{')");
            }
            // fio may print notes before the JSON ("note: both iodepth >= 1 and ...").
            real = new ObjectMapper().readTree(text.substring(brace));
        } catch (IOException e) {
            throw new ConfigException(realJson + ": not fio JSON output (invalid JSON"
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? " at line " + j.getLocation().getLineNr() : "") + ")");
        }
        JsonNode jobs = real.path("jobs");
        if (!jobs.isArray() || jobs.isEmpty()) {
            throw new ConfigException(realJson + ": expected fio JSON with a \"jobs\" array");
        }
        List<Row> rows = new ArrayList<>();
        List<String> demerits = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<FioReport.Thread> sims = report.threads();
        for (int i = 0; i < sims.size(); i++) {
            FioReport.Thread t = sims.get(i);
            JsonNode rj = match(jobs, t.name(), i, sims.size());
            if (rj == null) {
                notes.add("job '" + t.name() + "' is not in " + realJson);
                continue;
            }
            for (int d = 0; d < JobStats.DIRS; d++) {
                String dir = d == 0 ? "read" : d == 1 ? "write" : "trim";
                JsonNode r = rj.path(dir);
                JobStats s = t.stats();
                if (s.totalIos[d] == 0 && r.path("total_ios").asLong() == 0) {
                    continue;
                }
                String job = t.name() + " " + dir;
                long runt = s.runtimeMs[d];
                double simIops = runt > 0 ? 1000.0 * s.totalIos[d] / runt : 0;
                double simBw = runt > 0 ? (double) s.bytes[d] * 1000 / runt / 1024 : 0;
                rows.add(new Row(job, "IOPS", simIops, r.path("iops").asDouble()));
                rows.add(new Row(job, "bandwidth (KiB/s)", simBw, r.path("bw").asDouble()));
                rows.add(new Row(job, "clat mean (us)", s.clatStat[d].mean() / 1e3, r.path("clat_ns").path("mean").asDouble() / 1e3));
                FioHistogram h = s.clatHistogram(d);
                for (double p : new double[] {50, 99}) {
                    double sim = h.percentiles(List.of(p), s.clatStat[d].samples())[0] / 1e3;
                    double rv = realPercentile(r.path("clat_ns"), p);
                    if (Double.isNaN(rv)) {
                        notes.add(job + ": the real clat has no " + (int) p + "th percentile");
                        continue;
                    }
                    rows.add(new Row(job, "clat p" + (int) p + " (us)", sim, rv / 1e3));
                }
                JsonNode bins = r.path("clat_ns").path("bins");
                if (bins.isObject() && bins.size() > 0 && s.clatStat[d].samples() > 0) {
                    Demerit.Histogram realHist = histogram(bins);
                    Demerit.Histogram sim = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
                    long[] b = h.bins();
                    for (int k = 0; k < b.length; k++) {
                        if (b[k] > 0) {
                            sim.add(FioHistogram.value(k) / 1e6, b[k]);
                        }
                    }
                    double rms = Demerit.rms(sim.curve(), realHist.curve());
                    double realMeanMs = r.path("clat_ns").path("mean").asDouble() / 1e6;
                    demerits.add(String.format(Locale.ROOT, "%s: demerit %.4f ms = %.1f%% of the real clat mean (%.4f ms)",
                            job, rms, realMeanMs > 0 ? 100 * rms / realMeanMs : Double.NaN, realMeanMs));
                } else {
                    notes.add(job + ": no demerit (the real run needs --output-format=json+ for clat bins)");
                }
            }
        }
        JsonNode du = real.path("disk_util");
        if (du.isArray() && du.size() > 0) {
            JsonNode d0 = du.get(0);
            String job = "disk " + report.result().device() + " vs " + d0.path("name").asText();
            rows.add(new Row(job, "read ios", report.count("diskstats.read.ios"), d0.path("read_ios").asDouble()));
            rows.add(new Row(job, "write ios", report.count("diskstats.write.ios"), d0.path("write_ios").asDouble()));
            rows.add(new Row(job, "read merges", report.count("diskstats.read.merges"), d0.path("read_merges").asDouble()));
            rows.add(new Row(job, "write merges", report.count("diskstats.write.merges"), d0.path("write_merges").asDouble()));
            rows.add(new Row(job, "util (%)", Math.min(100, report.metric("iostat.util_pct")), d0.path("util").asDouble()));
        } else {
            notes.add("the real run has no disk_util");
        }
        return new FioCompare(rows, demerits, notes);
    }

    /** The real job of the same name, or by position when both runs have the same number of jobs. */
    private static JsonNode match(JsonNode jobs, String name, int index, int simCount) {
        for (JsonNode j : jobs) {
            if (name.equals(j.path("jobname").asText())) {
                return j;
            }
        }
        return jobs.size() == simCount ? jobs.get(index) : null;
    }

    /** The real percentile from fio's list, or from its bins (json+) when the list lacks it. */
    private static double realPercentile(JsonNode clat, double p) {
        JsonNode v = clat.path("percentile").path(String.format(Locale.ROOT, "%f", p));
        if (v.isNumber()) {
            return v.asDouble();
        }
        JsonNode bins = clat.path("bins");
        if (!bins.isObject() || bins.size() == 0) {
            return Double.NaN;
        }
        long n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = bins.fields(); it.hasNext(); ) {
            n += it.next().getValue().asLong();
        }
        long sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = bins.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sum += e.getValue().asLong();
            if (sum >= p / 100.0 * n) {
                return Double.parseDouble(e.getKey());
            }
        }
        return Double.NaN;
    }

    /** fio's clat_ns bins (value in ns: count) in DiskSim's access-time buckets. */
    private static Demerit.Histogram histogram(JsonNode bins) {
        Demerit.Histogram h = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
        for (Iterator<Map.Entry<String, JsonNode>> it = bins.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            h.add(Long.parseLong(e.getKey()) / 1e6, e.getValue().asLong());
        }
        return h;
    }

    /** The table as text. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("\nSimulated vs real fio run:\n");
        sb.append(String.format(Locale.ROOT, "  %-34s %-20s %14s %14s %8s%n", "job", "figure", "simulated", "real", "sim/real"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "  %-34s %-20s %14.2f %14.2f %8s%n", r.job(), r.figure(), r.simulated(),
                    r.real(), Double.isNaN(r.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.ratio())));
        }
        for (String d : demerits) {
            sb.append("  ").append(d).append('\n');
        }
        for (String n : notes) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }
}
