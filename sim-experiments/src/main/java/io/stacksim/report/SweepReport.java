package io.stacksim.report;

import io.stacksim.engine.Estimate;
import io.stacksim.experiment.sweep.Axis;
import io.stacksim.experiment.sweep.AxisValue;
import io.stacksim.experiment.sweep.ChartSpec;
import io.stacksim.experiment.sweep.Setting;
import io.stacksim.experiment.sweep.Sweep;
import io.stacksim.experiment.sweep.SweepPoint;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.experiment.sweep.SweepRun;
import io.stacksim.experiment.sweep.SweepSpec;
import io.stacksim.experiment.sweep.SweepStore;
import io.stacksim.experiment.validation.LittlesLaw;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The research report of a sweep, as a self-contained report.html (charts inline as SVG, no
 * network needed) and report.md (charts linked as PNG): the question, the stack and workload,
 * what varied, the table of results with 95% confidence intervals, the checks, the charts, and
 * the exact command, version and seeds that reproduce it. Nothing in it depends on the clock.
 */
public final class SweepReport {
    private final SweepResults results;
    private final List<ChartFiles.Written> charts;
    private final List<String> commands;
    private final String version;

    /**
     * @param commands the command lines that produced the results (one, or the shards' and the merge)
     */
    public SweepReport(SweepResults results, List<ChartFiles.Written> charts, List<String> commands, String version) {
        this.results = results;
        this.charts = charts;
        this.commands = commands;
        this.version = version;
    }

    // ------------------------------------------------------------------ shared content

    private SweepSpec spec() {
        return results.spec();
    }

    /** One row of the results table. */
    private record Row(SweepPoint point, List<String> cells) {
    }

    private List<String> tableHeader() {
        List<String> h = new ArrayList<>();
        for (Axis a : spec().axes()) {
            h.add(a.name());
        }
        h.add("runs");
        for (String m : spec().metrics()) {
            h.add(MetricLabels.label(m));
        }
        return h;
    }

    private List<Row> tableRows() {
        List<Row> rows = new ArrayList<>();
        for (SweepPoint p : results.sweep().points()) {
            List<String> cells = new ArrayList<>();
            for (AxisValue v : p.values()) {
                cells.add(v.label());
            }
            cells.add(Integer.toString(results.replications(p).size()));
            for (String m : spec().metrics()) {
                cells.add(format(results.estimate(p, m)));
            }
            rows.add(new Row(p, cells));
        }
        return rows;
    }

    /** "12.3 ± 0.4" with the CI's half-width, or the mean alone for one replication. */
    static String format(Estimate e) {
        if (e.n() == 0 || Double.isNaN(e.mean())) {
            return "–";
        }
        int decimals = decimals(e.mean());
        String mean = String.format(Locale.ROOT, "%,." + decimals + "f", e.mean());
        if (e.n() < 2) {
            return mean;
        }
        return mean + " ± " + String.format(Locale.ROOT, "%,." + Math.max(decimals, decimals(e.halfWidth())) + "f", e.halfWidth());
    }

    /** Decimals that keep about four significant digits (none from 1000 up). */
    static int decimals(double v) {
        double a = Math.abs(v);
        if (a == 0 || a >= 1000) {
            return 0;
        }
        if (a >= 100) {
            return 1;
        }
        if (a >= 10) {
            return 2;
        }
        if (a >= 1) {
            return 3;
        }
        return Math.min(6, 3 + (int) Math.ceil(-Math.log10(a)));
    }

    /** The whole base config, as YAML: the stack and the workload every point starts from. */
    private String baseSummary() {
        String yaml = io.stacksim.experiment.sweep.Sweep.yaml(spec().base().toPlain()).strip();
        return yaml.startsWith("---") ? yaml.substring(3).strip() : yaml;
    }

    private String settingsOf(AxisValue v) {
        List<String> s = new ArrayList<>();
        for (Setting st : v.settings()) {
            s.add(st.path() + "=" + st.value());
        }
        return String.join(", ", s);
    }

    private String seedRule() {
        return spec().commonRandomNumbers()
                ? "replication r of every point runs with seed = seedFor(master, \"sweep/replication r\") (common random numbers)"
                : "each run's seed = seedFor(master, \"sweep/<point>/replication r\"), SHA-256 based (RandomStreams.seedFor)";
    }

    private List<String> histogramTexts(ChartSpec.Histogram c) {
        List<String> out = new ArrayList<>();
        SweepCharts sc = new SweepCharts(results, null);
        String dir = c.latency().substring(4);
        for (SweepCharts.Facet f : sc.facets(c)) {
            for (SweepPoint p : f.points()) {
                Histogram h = results.histogram(p, dir);
                if (h == null || h.getTotalCount() == 0) {
                    continue;
                }
                out.add(p.key() + " (" + dir + ", " + results.replications(p).size() + " runs pooled)\n"
                        + Log2Histogram.of(h).text());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ Markdown

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(mdText(spec().title())).append("\n\n");
        if (!spec().question().isEmpty()) {
            md.append("**Question.** ").append(mdText(spec().question())).append("\n\n");
        }
        if (!spec().description().isEmpty()) {
            md.append("## What it shows\n\n").append(spec().description()).append("\n\n");
        }
        md.append("## Stack and workload\n\nEvery point starts from this base config (resolved in `sweep.yaml`; each point's full config is in `points/`):\n\n```\n")
                .append(baseSummary()).append("\n```\n\n");
        md.append("## What varied\n\n");
        if (spec().axes().isEmpty()) {
            md.append("Nothing: one point, replicated.\n\n");
        } else {
            md.append("| axis | values | sets |\n|---|---|---|\n");
            for (Axis a : spec().axes()) {
                md.append("| ").append(mdCell(a.name())).append(" | ")
                        .append(mdCell(String.join(", ", a.values().stream().map(AxisValue::label).toList()))).append(" | ")
                        .append(mdCell(axisSettings(a))).append(" |\n");
            }
            md.append('\n');
        }
        md.append(String.format(Locale.ROOT, "%d points (%s), %s each, %d runs. Master seed %d; %s.%n%n",
                results.sweep().points().size(), spec().combine().name().toLowerCase(Locale.ROOT), replications(spec().replications()),
                results.sweep().runs().size(), spec().seed(), mdText(seedRule())));

        md.append("## Results\n\n").append(intervalNote()).append(" "
                + "Every metric of every run is in `runs.csv`; every metric's mean and interval per point in `summary.csv`.\n\n");
        List<String> header = tableHeader();
        md.append("| ").append(String.join(" | ", header.stream().map(SweepReport::mdCell).toList())).append(" |\n|");
        md.append("---|".repeat(header.size())).append('\n');
        for (Row r : tableRows()) {
            md.append("| ").append(String.join(" | ", r.cells().stream().map(SweepReport::mdCell).toList())).append(" |\n");
        }
        md.append('\n');

        if (spec().checks().contains(SweepSpec.Check.LITTLES_LAW)) {
            md.append(littleMarkdown());
        }

        if (!charts.isEmpty()) {
            md.append("## Charts\n\n").append(chartNote()).append(" "
                    + "Each chart is also in SVG for papers (same name, `.svg`).\n\n");
            for (ChartFiles.Written c : charts) {
                md.append("### ").append(mdText(c.title())).append("\n\n![").append(mdText(c.title()).replace("]", "\\]")).append("](").append(c.png())
                        .append(")\n\n[PNG](").append(c.png()).append(") · [SVG](").append(c.svg()).append(")\n\n");
            }
            for (ChartSpec c : spec().charts()) {
                if (c instanceof ChartSpec.Histogram h) {
                    md.append("### ").append(mdText(h.title())).append(" (as biolatency prints it)\n\n");
                    for (String t : histogramTexts(h)) {
                        md.append("```\n").append(t).append("```\n\n");
                    }
                }
            }
        }

        md.append("## Reproduce\n\n");
        for (String c : commands) {
            md.append("```\n").append(c).append("\n```\n\n");
        }
        md.append("- StackSim version: `").append(version).append("`\n");
        md.append("- master seed `").append(spec().seed()).append("`, ").append(replications(spec().replications()))
                .append("; ").append(mdText(seedRule())).append('\n');
        md.append("- `stacksim sweep sweep.yaml` reruns this exact sweep from the resolved sweep file in this folder; "
                + "`stacksim run points/point-NNN.yaml --set run.seed=SEED` reruns one run (seeds below and in runs.csv)\n\n");
        md.append("| point | replication | seed |\n|---|---|---|\n");
        for (SweepRun r : results.rows().keySet()) {
            md.append("| ").append(mdCell(r.point().key())).append(" | ").append(r.replication()).append(" | ")
                    .append(r.seed()).append(" |\n");
        }
        md.append('\n');
        return md.toString();
    }

    /** "1 replication", "3 replications". */
    public static String replications(int n) {
        return n == 1 ? "1 replication" : n + " replications";
    }

    /** What the table's figures are; a single replication claims no interval. */
    private String intervalNote() {
        int n = spec().replications();
        if (n < 2) {
            return "One replication per point: each figure is that run's value, and no confidence interval can be given "
                    + "(it needs 2 or more replications).";
        }
        return String.format(Locale.ROOT, "Mean over %d replications ± half-width of the 95%% confidence interval "
                + "(Student t, %d degree%s of freedom).", n, n - 1, n == 2 ? "" : "s");
    }

    /** What the charts' error bars are, matching {@link SweepCharts#MIN_REPLICATIONS_FOR_BARS}. */
    private String chartNote() {
        int n = spec().replications();
        if (n < 2) {
            return "One replication per point: the charts have no error bars.";
        }
        if (n < SweepCharts.MIN_REPLICATIONS_FOR_BARS) {
            return "Two replications per point are too few for a 95% interval worth drawing (Student t with one "
                    + "degree of freedom is 12.7), so the charts have no error bars; the table gives the intervals.";
        }
        return "Error bars are 95% confidence intervals across " + n + " replications.";
    }

    private String axisSettings(Axis a) {
        boolean single = a.values().stream().allMatch(v -> v.settings().size() == 1)
                && a.values().stream().map(v -> v.settings().get(0).path()).distinct().count() == 1
                && a.values().stream().allMatch(v -> v.settings().get(0).value().equals(v.label()));
        if (single) {
            return a.values().get(0).settings().get(0).path();
        }
        List<String> s = new ArrayList<>();
        for (AxisValue v : a.values()) {
            s.add(v.label() + ": " + settingsOf(v));
        }
        return String.join("; ", s);
    }

    /** A table cell: the text escaped, and its pipes, which would end the cell. */
    private static String mdCell(String s) {
        return mdText(s).replace("|", "\\|");
    }

    /**
     * Text from a sweep file (titles, labels, values) as Markdown shows it literally: HTML's
     * {@code &}, {@code <} and {@code >} as entities, so a {@code <script>} or {@code <img onerror>}
     * in a title is text in every Markdown renderer, as report.html escapes it.
     */
    static String mdText(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private String littleMarkdown() {
        StringBuilder md = new StringBuilder("## Little's law\n\n");
        md.append(littleIntro()).append("\n\n");
        List<String> head = new ArrayList<>();
        for (Axis a : spec().axes()) {
            head.add(a.name());
        }
        head.addAll(LITTLE_COLUMNS);
        md.append("| ").append(String.join(" | ", head)).append(" |\n|").append("---|".repeat(head.size())).append('\n');
        List<LittlesLaw.Row> rows = LittlesLaw.check(results);
        for (LittlesLaw.Row r : rows) {
            md.append("| ");
            for (AxisValue v : r.point().values()) {
                md.append(mdCell(v.label())).append(" | ");
            }
            md.append(r.target()).append(" | ")
                    .append(format(r.throughput())).append(" | ").append(format(r.latencyUs())).append(" | ")
                    .append(format(r.appInFlight())).append(" | ").append(String.format(Locale.ROOT, "%.3f", r.appRatio()))
                    .append(" | ").append(format(r.blockInFlight())).append(" | ").append(format(r.blockXW()))
                    .append(" | ").append(String.format(Locale.ROOT, "%+.2f%%", 100 * r.blockError())).append(" |\n");
        }
        md.append('\n').append(littleVerdict(rows)).append("\n\n");
        return md.toString();
    }

    private static final List<String> LITTLE_COLUMNS = List.of("target in flight", "X (IOPS)", "W (µs)", "L = X·W",
            "X·W / target", "block aqu-sz", "block X·W", "difference");

    private static String littleIntro() {
        return "Little's law says the mean number of I/Os in flight equals throughput times mean latency, L = X·W, "
                + "for any stable system. At the application, X is iops.total and W the mean completion latency (fio's "
                + "clat), so X·W is the mean number of I/Os between submission and completion: at most the number the jobs "
                + "keep in flight (fio's iodepth for libaio, 1 for psync, times numjobs); the rest of its time a slot "
                + "spends in the application or in a submission that does the work synchronously. At the block layer "
                + "two independent measurements must agree: aqu-sz, the time-average of the in-flight count (diskstats "
                + "time_in_queue over the window), and the request rate times the mean request time "
                + "(r/s·r_await + w/s·w_await).";
    }

    private static String littleVerdict(List<LittlesLaw.Row> rows) {
        double worst = 0;
        int agree = 0;
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        for (LittlesLaw.Row r : rows) {
            worst = Math.max(worst, Math.abs(r.blockError()));
            agree += r.blockAgrees() ? 1 : 0;
            minRatio = Math.min(minRatio, r.appRatio());
            maxRatio = Math.max(maxRatio, r.appRatio());
        }
        return String.format(Locale.ROOT, "Block layer: the two measurements of L agree within %.0f%% at %d of %d points "
                        + "(largest difference %.3f%%). Application: X·W is %.3f to %.3f of the target in-flight count.",
                100 * LittlesLaw.TOLERANCE, agree, rows.size(), 100 * worst, minRatio, maxRatio);
    }

    // ------------------------------------------------------------------ HTML

    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(esc(spec().title())).append(" - StackSim</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<h1>").append(esc(spec().title())).append("</h1>\n");
        h.append("<p class=\"meta\">StackSim ").append(esc(version)).append(" · sweep <code>").append(esc(spec().name()))
                .append("</code> · ").append(results.sweep().points().size()).append(" points × ")
                .append(replications(spec().replications())).append("</p>\n");
        if (!spec().question().isEmpty()) {
            h.append("<p class=\"question\"><strong>Question.</strong> ").append(inline(spec().question())).append("</p>\n");
        }
        if (!spec().description().isEmpty()) {
            h.append("<h2>What it shows</h2>\n").append(paragraphs(spec().description()));
        }
        h.append("<h2>Stack and workload</h2>\n<p>Every point starts from this base config (resolved in <code>sweep.yaml</code>; "
                + "each point's full config is in <code>points/</code>):</p>\n<pre>").append(esc(baseSummary())).append("</pre>\n");
        h.append("<h2>What varied</h2>\n");
        if (spec().axes().isEmpty()) {
            h.append("<p>Nothing: one point, replicated.</p>\n");
        } else {
            h.append("<table><thead><tr><th>axis</th><th>values</th><th>sets</th></tr></thead><tbody>\n");
            for (Axis a : spec().axes()) {
                h.append("<tr><td>").append(esc(a.name())).append("</td><td>")
                        .append(esc(String.join(", ", a.values().stream().map(AxisValue::label).toList())))
                        .append("</td><td><code>").append(esc(axisSettings(a))).append("</code></td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append(String.format(Locale.ROOT, "<p>%d points (%s), %s each, %d runs. Master seed %d; %s.</p>%n",
                results.sweep().points().size(), spec().combine().name().toLowerCase(Locale.ROOT), replications(spec().replications()),
                results.sweep().runs().size(), spec().seed(), esc(seedRule())));

        h.append("<h2>Results</h2>\n<p>").append(esc(intervalNote())).append(" "
                + "Every metric of every run is in <a href=\"runs.csv\">runs.csv</a>; means and intervals of every metric per "
                + "point in <a href=\"summary.csv\">summary.csv</a>.</p>\n<div class=\"scroll\"><table class=\"num\"><thead><tr>");
        for (String c : tableHeader()) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (Row r : tableRows()) {
            h.append("<tr>");
            for (String c : r.cells()) {
                h.append("<td>").append(esc(c)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");

        if (spec().checks().contains(SweepSpec.Check.LITTLES_LAW)) {
            List<LittlesLaw.Row> rows = LittlesLaw.check(results);
            h.append("<h2>Little's law</h2>\n<p>").append(esc(littleIntro())).append("</p>\n");
            h.append("<div class=\"scroll\"><table class=\"num\"><thead><tr>");
            for (Axis a : spec().axes()) {
                h.append("<th>").append(esc(a.name())).append("</th>");
            }
            for (String c : LITTLE_COLUMNS) {
                h.append("<th>").append(esc(c)).append("</th>");
            }
            h.append("</tr></thead><tbody>\n");
            for (LittlesLaw.Row r : rows) {
                h.append("<tr>");
                for (AxisValue v : r.point().values()) {
                    h.append("<td>").append(esc(v.label())).append("</td>");
                }
                h.append("<td>").append(r.target()).append("</td><td>")
                        .append(esc(format(r.throughput()))).append("</td><td>").append(esc(format(r.latencyUs())))
                        .append("</td><td>").append(esc(format(r.appInFlight()))).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.3f", r.appRatio())).append("</td><td>")
                        .append(esc(format(r.blockInFlight()))).append("</td><td>").append(esc(format(r.blockXW())))
                        .append("</td><td class=\"").append(r.blockAgrees() ? "ok" : "bad").append("\">")
                        .append(String.format(Locale.ROOT, "%+.2f%%", 100 * r.blockError())).append("</td></tr>\n");
            }
            h.append("</tbody></table></div>\n<p>").append(esc(littleVerdict(rows))).append("</p>\n");
        }

        if (!charts.isEmpty()) {
            h.append("<h2>Charts</h2>\n<p>").append(esc(chartNote())).append("</p>\n");
            for (ChartFiles.Written c : charts) {
                h.append("<figure>\n").append(c.inline()).append("\n<figcaption>").append(esc(c.title()))
                        .append(" · <a href=\"").append(esc(c.png())).append("\">PNG</a> · <a href=\"").append(esc(c.svg()))
                        .append("\">SVG</a></figcaption>\n</figure>\n");
            }
            for (ChartSpec c : spec().charts()) {
                if (c instanceof ChartSpec.Histogram hc) {
                    h.append("<details><summary>").append(esc(c.title())).append(" as biolatency prints it</summary>\n");
                    for (String t : histogramTexts(hc)) {
                        h.append("<pre>").append(esc(t)).append("</pre>\n");
                    }
                    h.append("</details>\n");
                }
            }
        }

        h.append("<h2>Reproduce</h2>\n");
        for (String c : commands) {
            h.append("<pre>").append(esc(c)).append("</pre>\n");
        }
        h.append("<ul><li>StackSim version <code>").append(esc(version)).append("</code></li>")
                .append("<li>master seed <code>").append(spec().seed()).append("</code>, ").append(replications(spec().replications()))
                .append("; ").append(esc(seedRule())).append("</li>")
                .append("<li><code>stacksim sweep sweep.yaml</code> reruns this exact sweep from the resolved sweep file in this "
                        + "folder; <code>stacksim run points/point-NNN.yaml --set run.seed=SEED</code> reruns one run.</li></ul>\n");
        h.append("<details><summary>Seeds of all ").append(results.rows().size()).append(" runs</summary>\n<table class=\"num\"><thead>"
                + "<tr><th>point</th><th>replication</th><th>seed</th></tr></thead><tbody>\n");
        for (SweepRun r : results.rows().keySet()) {
            h.append("<tr><td>").append(esc(r.point().key())).append("</td><td>").append(r.replication()).append("</td><td>")
                    .append(r.seed()).append("</td></tr>\n");
        }
        h.append("</tbody></table></details>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#222;background:#fff;"
                    + "margin:0;line-height:1.5}",
            "main{max-width:1120px;margin:0 auto;padding:24px 28px 64px}",
            "h1{font-size:1.9em;margin:.2em 0 .1em}h2{font-size:1.35em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}",
            ".meta{color:#666;margin-top:0}.question{font-size:1.1em;background:#f4f8fb;border-left:4px solid #0072B2;padding:.6em .9em}",
            "code,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.9em}",
            "pre{background:#f6f6f6;padding:.7em .9em;overflow-x:auto;border-radius:4px}",
            "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}",
            "th,td{border-bottom:1px solid #e3e3e3;padding:.3em .7em;text-align:left;vertical-align:top}",
            "th{background:#fafafa;font-weight:600}table.num td{font-variant-numeric:tabular-nums;white-space:nowrap}",
            ".scroll{overflow-x:auto}td.ok{color:#009E73}td.bad{color:#D55E00;font-weight:600}",
            "figure{margin:1.6em 0;text-align:center}figure svg{width:100%;height:auto;max-width:880px}",
            "figcaption{color:#555;font-size:.92em}details{margin:1em 0}summary{cursor:pointer;color:#0072B2}",
            "a{color:#0072B2}",
            "");

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Escaped text with `code` and **bold** spans. */
    static String inline(String s) {
        String e = esc(s);
        e = e.replaceAll("`([^`]+)`", "<code>$1</code>");
        e = e.replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
        return e;
    }

    /** Markdown paragraphs and "- " lists as HTML (the subset catalog texts use). */
    static String paragraphs(String md) {
        StringBuilder out = new StringBuilder();
        for (String block : md.trim().split("\\n\\s*\\n")) {
            String[] lines = block.split("\\n");
            if (lines[0].trim().startsWith("- ")) {
                out.append("<ul>\n");
                StringBuilder item = null;
                for (String l : lines) {
                    if (l.trim().startsWith("- ")) {
                        if (item != null) {
                            out.append("<li>").append(inline(item.toString())).append("</li>\n");
                        }
                        item = new StringBuilder(l.trim().substring(2));
                    } else if (item != null) {
                        item.append(' ').append(l.trim());
                    }
                }
                if (item != null) {
                    out.append("<li>").append(inline(item.toString())).append("</li>\n");
                }
                out.append("</ul>\n");
            } else {
                out.append("<p>").append(inline(String.join(" ", java.util.Arrays.stream(lines).map(String::trim).toList())))
                        .append("</p>\n");
            }
        }
        return out.toString();
    }

    /** Writes report.html and report.md into the store's folder. */
    public void write(SweepStore store) {
        store.writeText("report.md", markdown());
        store.writeText("report.html", html());
    }

    /** The sweep of the results, for callers that only hold the report. */
    public Sweep sweep() {
        return results.sweep();
    }
}
