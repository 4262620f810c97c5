package io.stacksim.report;

import io.stacksim.devices.ssd.GreedyGcModel;
import io.stacksim.experiment.validation.WriteAmplificationExperiment.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The SSD write-amplification chart: simulated points over the analytical greedy-GC curves.
 * Colours are from the Okabe-Ito palette (safe for colour-blind readers), and the series also
 * differ by marker and dash, so the chart reads in grey too.
 */
public final class WriteAmplificationChart {
    private static final Color BLUE = new Color(0x00, 0x72, 0xB2);
    private static final Color VERMILLION = new Color(0xD5, 0x5E, 0x00);
    private static final Color GREY = new Color(0x55, 0x55, 0x55);

    private WriteAmplificationChart() {
    }

    /** Draws the chart to {@code png} (written atomically). */
    public static void writePng(List<Point> points, int unitsPerBlock, Path png) {
        XYSeries sim = new XYSeries("Simulated: page-mapped FTL, greedy GC (" + unitsPerBlock + " pages/block)");
        XYSeries meanField = new XYSeries("Analytical: greedy mean-field model (Van Houdt 2013), same block size");
        XYSeries limit = new XYSeries("Analytical: large-block limit (Desnoyers 2014)");
        for (Point p : points) {
            sim.add(100 * p.op(), p.simulated());
        }
        double lo = points.stream().mapToDouble(Point::op).min().orElse(0.05);
        double hi = points.stream().mapToDouble(Point::op).max().orElse(1.0);
        for (int i = 0; i <= 200; i++) {
            double op = lo + (hi - lo) * i / 200;
            meanField.add(100 * op, GreedyGcModel.writeAmplification(unitsPerBlock, op));
            limit.add(100 * op, GreedyGcModel.largeBlockLimit(op));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(meanField);
        data.addSeries(limit);
        data.addSeries(sim);

        NumberAxis x = new NumberAxis("Over-provisioning (spare capacity / user capacity, %)");
        NumberAxis y = new NumberAxis("Write amplification (flash writes / host writes)");
        double top = Math.max(points.stream().mapToDouble(Point::simulated).max().orElse(2),
                GreedyGcModel.largeBlockLimit(lo));
        y.setRange(1.0, Math.ceil(top + 0.5));
        x.setRange(0, Math.ceil(100 * hi / 10) * 10 + 2);
        Font label = new Font("SansSerif", Font.PLAIN, 17);
        Font tick = new Font("SansSerif", Font.PLAIN, 15);
        x.setLabelFont(label);
        y.setLabelFont(label);
        x.setTickLabelFont(tick);
        y.setTickLabelFont(tick);

        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesPaint(0, BLUE);
        r.setSeriesStroke(0, new BasicStroke(2.5f));
        r.setSeriesShapesVisible(0, false);
        r.setSeriesPaint(1, GREY);
        r.setSeriesStroke(1, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        r.setSeriesShapesVisible(1, false);
        r.setSeriesPaint(2, VERMILLION);
        r.setSeriesLinesVisible(2, false);
        r.setSeriesShape(2, new Ellipse2D.Double(-6, -6, 12, 12));
        r.setSeriesShapesFilled(2, true);

        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        JFreeChart chart = new JFreeChart(null, new Font("SansSerif", Font.BOLD, 19), plot, true);
        chart.setTitle(new TextTitle("SSD write amplification under uniform random 4 KiB writes (steady state)",
                new Font("SansSerif", Font.BOLD, 19)));
        chart.getLegend().setItemFont(new Font("SansSerif", Font.PLAIN, 15));
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), "wa", ".png.tmp");
            ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 1100, 720);
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
