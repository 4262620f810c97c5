package io.stacksim.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A cumulative distribution chart (PNG): several CDFs of one quantity on shared axes, drawn as
 * step-free lines through their (x, fraction below x) points, in the Okabe-Ito colour-blind-safe
 * palette with distinct dash patterns so the curves stay apart in grey too.
 */
public final class CdfChart {
    /** Okabe and Ito's palette (the first curve is drawn grey): black, blue, vermillion, bluish green, orange, reddish purple. */
    private static final Color[] PALETTE = {
        new Color(0x000000), new Color(0x0072B2), new Color(0xD55E00),
        new Color(0x009E73), new Color(0xE69F00), new Color(0xCC79A7)};

    private static final float[][] DASHES = {null, {10f, 5f}, {3f, 4f}, {12f, 4f, 3f, 4f}};

    /** The x axis ends where every curve has reached this fraction (the rare tail beyond is clipped). */
    private static final double TAIL = 0.999;

    /** One curve: its legend label and points (x ascending, fraction in [0, 1]). */
    public record Series(String label, double[] x, double[] fraction) {
        public Series {
            if (x.length != fraction.length) {
                throw new IllegalArgumentException("x and fraction lengths differ");
            }
        }
    }

    private final String title;
    private final String subtitle;
    private final String xLabel;
    private final List<Series> series = new ArrayList<>();

    public CdfChart(String title, String subtitle, String xLabel) {
        this.title = title;
        this.subtitle = subtitle;
        this.xLabel = xLabel;
    }

    public CdfChart add(Series s) {
        series.add(s);
        return this;
    }

    /** Writes the chart as a PNG of {@code width} x {@code height} pixels (atomically). */
    public void writePng(Path file, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        double xmax = 0;
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.label(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                xy.add(s.x()[i], s.fraction()[i]);
                if (s.fraction()[i] <= TAIL) {
                    xmax = Math.max(xmax, s.x()[i]);
                }
            }
            data.addSeries(xy);
        }
        Font tick = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
        NumberAxis x = new NumberAxis(xLabel);
        x.setRange(0, Math.max(5, Math.ceil(xmax / 5) * 5));
        x.setLabelFont(label);
        x.setTickLabelFont(tick);
        NumberAxis y = new NumberAxis("Fraction of requests below x");
        y.setRange(0, 1.0);
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
        y.setLabelFont(label);
        y.setTickLabelFont(tick);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            float[] dash = DASHES[i % DASHES.length];
            // The first curve (the reference) is drawn wide underneath; the others on top of it.
            r.setSeriesStroke(i, dash == null
                    ? new BasicStroke(i == 0 ? 4.5f : 2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                    : new BasicStroke(2.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        }
        if (!series.isEmpty()) {
            r.setSeriesPaint(0, new Color(0x999999));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xD0D0D0));
        plot.setRangeGridlinePaint(new Color(0xD0D0D0));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 20), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setRenderingHints(new RenderingHints(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON));
        if (subtitle != null && !subtitle.isEmpty()) {
            chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 15)));
        }
        LegendTitle legend = chart.getLegend();
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        legend.setPosition(RectangleEdge.BOTTOM);
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + file.getFileName() + ".", ".tmp"); // unique per process
            ChartUtils.saveChartAsPNG(tmp.toFile(), chart, width, height);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
