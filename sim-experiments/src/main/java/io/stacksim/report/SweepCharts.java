package io.stacksim.report;

import io.stacksim.engine.Estimate;
import io.stacksim.experiment.Parallel;
import io.stacksim.experiment.sweep.Axis;
import io.stacksim.experiment.sweep.AxisValue;
import io.stacksim.experiment.sweep.ChartSpec;
import io.stacksim.experiment.sweep.SweepPoint;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.workload.JobStats;
import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a sweep's charts from its results. Sweep axes that a chart neither plots, uses for its
 * series nor fixes with {@code where} split it into one chart per combination of their values
 * (named in the subtitle), so no chart mixes points that differ in an unshown parameter.
 */
public final class SweepCharts {
    private final SweepResults results;
    private final Path dir;

    public SweepCharts(SweepResults results, Path dir) {
        this.results = results;
        this.dir = dir;
    }

    /** Draws every chart of the sweep on one thread; returns them in sweep order. */
    public List<ChartFiles.Written> drawAll() {
        return drawAll(1);
    }

    /**
     * Draws every chart of the sweep, {@code threads} at a time (each chart is drawn by one
     * thread, so the files do not depend on the number); returns them in sweep order.
     */
    public List<ChartFiles.Written> drawAll(int threads) {
        List<Map.Entry<ChartSpec, Facet>> jobs = new ArrayList<>();
        for (ChartSpec c : results.spec().charts()) {
            for (Facet f : facets(c)) {
                if (!f.points.isEmpty()) {
                    jobs.add(Map.entry(c, f));
                }
            }
        }
        List<ChartFiles.Written> out = new ArrayList<>();
        for (ChartFiles.Written w : Parallel.map(jobs, threads, j -> draw(j.getKey(), j.getValue()))) {
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    /** Draws one chart of one facet; null when it has nothing to show. */
    private ChartFiles.Written draw(ChartSpec c, Facet f) {
        JFreeChart chart;
        if (c instanceof ChartSpec.Line l) {
            chart = line(l, f);
        } else if (c instanceof ChartSpec.Cdf d) {
            chart = cdf(d, f);
        } else if (c instanceof ChartSpec.Layers l) {
            chart = layers(l, f);
        } else {
            chart = histogram((ChartSpec.Histogram) c, f);
        }
        if (chart == null) {
            return null;
        }
        ChartStyle.apply(chart, withBarNote(c, f.subtitle() + filterNote(c, f)));
        return ChartFiles.write(chart, dir, c.name() + f.suffix(), title(c) + (f.fixed.isEmpty() ? "" : " (" + f.subtitle() + ")"));
    }

    /**
     * Error bars need this many replications: from two, Student t's 12.7 makes intervals that
     * say nothing and cross zero on a linear axis.
     */
    static final int MIN_REPLICATIONS_FOR_BARS = 3;

    /** The filters of {@code where} that the facet's own fixed values do not already name. */
    private String filterNote(ChartSpec c, Facet f) {
        List<String> parts = new ArrayList<>();
        c.where().forEach((axis, kept) -> {
            if (!f.fixed().containsKey(axis)) {
                parts.add(kept.size() == 1 ? axis + " = " + kept.get(0) : axis + " in {" + String.join(", ", kept) + "}");
            }
        });
        if (parts.isEmpty()) {
            return "";
        }
        return (f.fixed().isEmpty() ? "" : ", ") + String.join(", ", parts);
    }

    /** A line chart whose points have too few replications for bars says so. */
    private String withBarNote(ChartSpec c, String subtitle) {
        int n = results.spec().replications();
        if (!(c instanceof ChartSpec.Line) || n >= MIN_REPLICATIONS_FOR_BARS) {
            return subtitle;
        }
        String note = n < 2 ? "1 replication per point: no error bars" : n + " replications per point: too few for error bars";
        return subtitle.isEmpty() ? note : subtitle + "; " + note;
    }

    /** The chart's title; a line chart without one is "Y against X". */
    String title(ChartSpec c) {
        if (c.title() != null) {
            return c.title();
        }
        ChartSpec.Line l = (ChartSpec.Line) c;
        Axis x = results.spec().axis(l.x());
        String y = l.y().size() == 1 ? MetricLabels.label(l.y().get(0)) : yLabel(l);
        return stripUnit(y) + " against " + (x != null ? stripUnit(x.label()) : stripUnit(MetricLabels.label(l.x())));
    }

    private static String stripUnit(String label) {
        return label.replaceAll("\\s*\\([^)]*\\)$", "");
    }

    // ------------------------------------------------------------------ facets

    /** The points of one chart: those matching its filter and one combination of the free axes. */
    record Facet(Map<String, String> fixed, List<SweepPoint> points) {
        String subtitle() {
            List<String> parts = new ArrayList<>();
            fixed.forEach((k, v) -> parts.add(k + " = " + v));
            return String.join(", ", parts);
        }

        String suffix() {
            StringBuilder sb = new StringBuilder();
            fixed.forEach((k, v) -> sb.append('-').append(k).append('-').append(v.replaceAll("[^A-Za-z0-9._]+", "_")));
            return sb.toString();
        }
    }

    List<Facet> facets(ChartSpec c) {
        List<String> used = new ArrayList<>();
        if (c instanceof ChartSpec.Line l) {
            used.add(l.x());
            used.add(l.series());
            used.add(l.along());
        } else if (c instanceof ChartSpec.Cdf d) {
            used.add(d.series());
        } else if (c instanceof ChartSpec.Layers l) {
            used.add(l.x());
        } else if (c instanceof ChartSpec.Histogram h) {
            used.add(h.series());
        }
        List<Axis> split = new ArrayList<>();
        for (Axis a : results.spec().axes()) {
            List<String> kept = c.where().get(a.name());
            int n = kept == null ? a.values().size() : kept.size();
            if (!used.contains(a.name()) && n > 1) {
                split.add(a);
            }
        }
        Map<String, Facet> facets = new LinkedHashMap<>();
        for (SweepPoint p : results.sweep().points()) {
            if (!matches(p, c.where()) || results.replications(p).isEmpty()) {
                continue;
            }
            Map<String, String> fixed = new LinkedHashMap<>();
            for (Axis a : split) {
                fixed.put(a.name(), p.param(a.name()));
            }
            facets.computeIfAbsent(fixed.toString(), k -> new Facet(fixed, new ArrayList<>())).points.add(p);
        }
        return new ArrayList<>(facets.values());
    }

    private static boolean matches(SweepPoint p, Map<String, List<String>> where) {
        for (Map.Entry<String, List<String>> e : where.entrySet()) {
            if (!e.getValue().contains(p.param(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The series values in axis order (a single null when there is no series axis). */
    private List<AxisValue> seriesValues(String series, Facet f) {
        List<AxisValue> out = new ArrayList<>();
        if (series == null) {
            out.add(null);
            return out;
        }
        for (AxisValue v : results.spec().axis(series).values()) {
            if (f.points.stream().anyMatch(p -> p.value(series) == v)) {
                out.add(v);
            }
        }
        return out;
    }

    private String seriesName(String series, AxisValue v) {
        if (v == null) {
            return "";
        }
        Axis a = results.spec().axis(series);
        return a.kind() == Axis.Kind.CATEGORY ? v.label() : series + " " + v.label();
    }

    // ------------------------------------------------------------------ line charts

    private JFreeChart line(ChartSpec.Line c, Facet f) {
        Axis xAxis = results.spec().axis(c.x());
        if (xAxis != null && xAxis.kind() == Axis.Kind.CATEGORY) {
            return categoryLine(c, f, xAxis);
        }
        List<AxisValue> seriesValues = seriesValues(c.series(), f);
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDefaultLinesVisible(true);
        r.setDefaultShapesVisible(true);
        r.setCapLength(7);
        r.setErrorStroke(new BasicStroke(1.4f));
        r.setDrawXError(xAxis == null);
        int k = 0;
        for (int si = 0; si < seriesValues.size(); si++) {
            AxisValue sv = seriesValues.get(si);
            for (int yi = 0; yi < c.y().size(); yi++) {
                String y = c.y().get(yi);
                XYIntervalSeries s = new XYIntervalSeries(lineName(c, sv, y), false, true);
                for (SweepPoint p : ordered(f, c, sv)) {
                    Estimate ye = results.estimate(p, y);
                    double x;
                    double xl;
                    double xh;
                    if (xAxis != null) {
                        x = xAxis.numeric(p.value(c.x()));
                        xl = x;
                        xh = x;
                    } else {
                        Estimate xe = results.estimate(p, c.x());
                        x = xe.mean();
                        xl = xe.low();
                        xh = xe.high();
                    }
                    if (Double.isNaN(x) || Double.isNaN(ye.mean())) {
                        continue;
                    }
                    boolean bars = ye.n() >= MIN_REPLICATIONS_FOR_BARS;
                    s.add(x, xl, xh, ye.mean(), bars ? ye.low() : ye.mean(), bars ? ye.high() : ye.mean());
                }
                data.addSeries(s);
                int color = c.series() != null ? si : yi;
                r.setSeriesPaint(k, Palette.color(color));
                r.setSeriesStroke(k, Palette.line(yi));
                r.setSeriesShape(k, Palette.marker(c.series() != null && c.y().size() > 1 ? yi : color));
                k++;
            }
        }
        String xLabel = c.xLabel() != null ? c.xLabel() : xAxis != null ? xAxis.chartLabel() : MetricLabels.label(c.x());
        ValueAxis xa = ChartStyle.valueAxis(xLabel, c.xScale(), false);
        ValueAxis ya = ChartStyle.valueAxis(yLabel(c), c.yScale(), true);
        if (xAxis != null && c.xScale() == ChartSpec.Scale.LINEAR && xa instanceof NumberAxis na && xAxis.values().size() <= 12) {
            na.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        if (c.yScale() == ChartSpec.Scale.LINEAR && ya instanceof NumberAxis ny
                && c.y().stream().allMatch(y -> MetricLabels.unit(y).equals(" (count)"))) {
            ny.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // a count has no 0.05 steps
        }
        XYPlot plot = new XYPlot(data, xa, ya, r);
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD); // later lines on top
        boolean legend = c.series() != null || c.y().size() > 1;
        return new JFreeChart(title(c), ChartStyle.TITLE, plot, legend);
    }

    private JFreeChart categoryLine(ChartSpec.Line c, Facet f, Axis xAxis) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        StatisticalLineAndShapeRenderer r = new StatisticalLineAndShapeRenderer(true, true);
        List<AxisValue> seriesValues = seriesValues(c.series(), f);
        int k = 0;
        for (int si = 0; si < seriesValues.size(); si++) {
            AxisValue sv = seriesValues.get(si);
            for (int yi = 0; yi < c.y().size(); yi++) {
                String y = c.y().get(yi);
                String name = lineName(c, sv, y);
                for (SweepPoint p : ordered(f, c, sv)) {
                    Estimate e = results.estimate(p, y);
                    data.add(e.mean(), e.n() >= MIN_REPLICATIONS_FOR_BARS ? e.halfWidth() : 0, name, p.param(c.x()));
                }
                int color = c.series() != null ? si : yi;
                r.setSeriesPaint(k, Palette.color(color));
                r.setSeriesStroke(k, Palette.line(c.series() != null ? yi : 0));
                r.setSeriesShape(k, Palette.marker(color));
                k++;
            }
        }
        r.setErrorIndicatorStroke(new BasicStroke(1.4f));
        CategoryAxis xa = new CategoryAxis(c.xLabel() != null ? c.xLabel() : xAxis.chartLabel());
        ValueAxis ya = ChartStyle.valueAxis(yLabel(c), c.yScale(), true);
        CategoryPlot plot = new CategoryPlot(data, xa, ya, r);
        return new JFreeChart(title(c), ChartStyle.TITLE, plot, c.series() != null || c.y().size() > 1);
    }

    /** The facet's points of series value {@code sv}, in the order of x (an axis) or of {@code along}. */
    private List<SweepPoint> ordered(Facet f, ChartSpec.Line c, AxisValue sv) {
        List<SweepPoint> pts = new ArrayList<>();
        for (SweepPoint p : f.points) {
            if (sv == null || p.value(c.series()) == sv) {
                pts.add(p);
            }
        }
        String order = results.spec().axis(c.x()) != null ? c.x() : c.along();
        if (order != null) {
            List<AxisValue> values = results.spec().axis(order).values();
            pts.sort((a, b) -> Integer.compare(values.indexOf(a.value(order)), values.indexOf(b.value(order))));
        }
        return pts;
    }

    private String lineName(ChartSpec.Line c, AxisValue sv, String y) {
        String yName = c.y().size() > 1 ? shortMetric(c.y(), y) : "";
        String s = seriesName(c.series(), sv);
        if (s.isEmpty()) {
            return yName.isEmpty() ? MetricLabels.label(y) : yName;
        }
        return yName.isEmpty() ? s : s + ", " + yName;
    }

    /** "p99" for latency metrics of one direction; the full label otherwise. */
    private static String shortMetric(List<String> ys, String y) {
        boolean latency = ys.stream().allMatch(m -> m.startsWith(y.substring(0, Math.max(0, y.indexOf('.', 4) + 1)))
                && m.startsWith("lat.") && m.endsWith("_us"));
        return latency ? MetricLabels.statistic(y) : MetricLabels.label(y);
    }

    private static String yLabel(ChartSpec.Line c) {
        if (c.yLabel() != null) {
            return c.yLabel();
        }
        if (c.y().size() == 1) {
            return MetricLabels.label(c.y().get(0));
        }
        String first = c.y().get(0);
        if (first.startsWith("lat.") && c.y().stream().allMatch(m -> m.endsWith("_us"))) {
            String dir = first.substring(4, first.indexOf('.', 4));
            return c.y().stream().allMatch(m -> m.startsWith("lat." + dir + ".")) ? dir + " latency (µs)" : "latency (µs)";
        }
        return String.join(", ", c.y().stream().map(MetricLabels::label).toList());
    }

    /** A point's pooled latency histogram with its series value and that value's index (colour). */
    private record SeriesHistogram(AxisValue value, int index, Histogram histogram) {
    }

    /** The non-empty histograms of a facet's points, series by series (all points when no series). */
    private List<SeriesHistogram> seriesHistograms(String series, Facet f, String dir) {
        List<AxisValue> seriesValues = seriesValues(series, f);
        List<SeriesHistogram> out = new ArrayList<>();
        for (int si = 0; si < seriesValues.size(); si++) {
            AxisValue sv = seriesValues.get(si);
            for (SweepPoint p : f.points) {
                if (sv != null && p.value(series) != sv) {
                    continue;
                }
                Histogram h = results.histogram(p, dir);
                if (h != null && h.getTotalCount() > 0) {
                    out.add(new SeriesHistogram(sv, si, h));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ latency CDF

    private JFreeChart cdf(ChartSpec.Cdf c, Facet f) {
        String dir = c.latency().substring(4);
        XYSeriesCollection data = new XYSeriesCollection();
        // a CDF is a step function: flat up to the next recorded latency, then a jump
        XYStepRenderer r = new XYStepRenderer();
        r.setDefaultShapesVisible(false);
        int k = 0;
        for (SeriesHistogram sh : seriesHistograms(c.series(), f, dir)) {
            String name = sh.value() == null ? dir + " latency" : seriesName(c.series(), sh.value());
            XYSeries s = new XYSeries(name, false, true);
            cdfPoints(sh.histogram(), s);
            data.addSeries(s);
            r.setSeriesPaint(k, Palette.color(sh.index()));
            r.setSeriesStroke(k, Palette.line(sh.index() / Palette.size()));
            k++;
        }
        if (k == 0) {
            return null;
        }
        ValueAxis xa = ChartStyle.valueAxis(dir + " completion latency (µs, log scale)", ChartSpec.Scale.LOG10, false);
        NumberAxis ya = new NumberAxis("I/Os completed within that latency (%)");
        ya.setRange(0, 100);
        ya.setNumberFormatOverride(ChartStyle.plain());
        XYPlot plot = new XYPlot(data, xa, ya, r);
        return new JFreeChart(c.title(), ChartStyle.TITLE, plot, c.series() != null);
    }

    /**
     * The CDF of {@code h} (ns) as (µs, %) points: one per distinct recorded value, thinned to
     * steps of at least 0.2% in probability or 1% in latency, so a curve has a few hundred points.
     */
    static void cdfPoints(Histogram h, XYSeries s) {
        double total = h.getTotalCount();
        long cum = 0;
        double lastX = -1;
        double lastY = -1;
        double firstX = h.lowestEquivalentValue(h.getMinValue()) / 1e3;
        s.add(Math.max(firstX, 1e-3), 0.0);
        HistogramIterationValue last = null;
        for (HistogramIterationValue v : h.recordedValues()) {
            cum += v.getCountAtValueIteratedTo();
            double x = h.highestEquivalentValue(v.getValueIteratedTo()) / 1e3;
            double y = 100.0 * cum / total;
            last = v;
            if (lastX < 0 || y - lastY >= 0.2 || x >= lastX * 1.01 || cum == h.getTotalCount()) {
                s.add(x, y);
                lastX = x;
                lastY = y;
            }
        }
        if (last == null) {
            s.clear();
        }
    }

    // ------------------------------------------------------------------ where the time went

    private JFreeChart layers(ChartSpec.Layers c, Facet f) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setMaximumBarWidth(0.08);
        r.setItemMargin(0);
        Axis xAxis = results.spec().axis(c.x());
        List<SweepPoint> pts = new ArrayList<>(f.points);
        pts.sort((a, b) -> Integer.compare(xAxis.values().indexOf(a.value(c.x())), xAxis.values().indexOf(b.value(c.x()))));
        int k = 0;
        for (JobStats.Layer layer : JobStats.Layer.values()) {
            String metric = "lat.layer." + layer.key + "_us";
            boolean any = false;
            for (SweepPoint p : pts) {
                any |= results.estimate(p, metric).mean() > 0;
            }
            if (!any) {
                continue;
            }
            for (SweepPoint p : pts) {
                data.addValue(results.estimate(p, metric).mean(), MetricLabels.layer(layer.key), category(xAxis, p.value(c.x())));
            }
            r.setSeriesPaint(k, Palette.color(layer.ordinal()));
            k++;
        }
        if (k == 0) {
            return null;
        }
        CategoryAxis xa = new CategoryAxis(xAxis.chartLabel());
        if (pts.size() > 10) {
            xa.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis ya = new NumberAxis("mean time per I/O (µs)");
        ya.setNumberFormatOverride(ChartStyle.plain());
        CategoryPlot plot = new CategoryPlot(data, xa, ya, r);
        return new JFreeChart(c.title(), ChartStyle.TITLE, plot, true);
    }

    /** A value as a category label: sizes in KiB, to match the axis title; others as written. */
    private static String category(Axis a, AxisValue v) {
        return a.kind() == Axis.Kind.SIZE ? ChartStyle.plain().format(a.numeric(v)) : v.label();
    }

    // ------------------------------------------------------------------ log2 histogram

    private JFreeChart histogram(ChartSpec.Histogram c, Facet f) {
        String dir = c.latency().substring(4);
        List<String> names = new ArrayList<>();
        List<Log2Histogram> hists = new ArrayList<>();
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (SeriesHistogram sh : seriesHistograms(c.series(), f, dir)) {
            Log2Histogram l = Log2Histogram.of(sh.histogram());
            names.add(sh.value() == null ? dir + " I/Os" : seriesName(c.series(), sh.value()));
            hists.add(l);
            lo = Math.min(lo, l.first());
            hi = Math.max(hi, l.last());
        }
        if (hists.isEmpty()) {
            return null;
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setItemMargin(0.05);
        double max = 0;
        for (int s = 0; s < hists.size(); s++) {
            Log2Histogram l = hists.get(s);
            for (int i = lo; i <= hi; i++) {
                double share = 100.0 * l.counts()[i] / l.total();
                data.addValue(share, names.get(s), Log2Histogram.label(i));
                max = Math.max(max, share);
            }
            r.setSeriesPaint(s, Palette.color(s));
        }
        CategoryAxis xa = new CategoryAxis(dir + " completion latency (µs, power-of-two buckets)");
        NumberAxis ya = new NumberAxis("share of I/Os (%)");
        ya.setNumberFormatOverride(ChartStyle.plain());
        ya.setRange(0, Math.min(100, Math.ceil(max * 1.08 / 5) * 5));
        CategoryPlot plot = new CategoryPlot(data, xa, ya, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(org.jfree.chart.axis.AxisLocation.BOTTOM_OR_LEFT);
        return new JFreeChart(c.title(), ChartStyle.TITLE, plot, c.series() != null);
    }
}
