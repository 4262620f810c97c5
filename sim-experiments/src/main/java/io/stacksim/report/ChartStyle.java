package io.stacksim.report;

import io.stacksim.experiment.sweep.ChartSpec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * One look for every chart: sans-serif type sized to stay readable when a chart is shrunk to a
 * column width, a white plot with light grid lines, the legend below, and numeric axes that
 * print plain numbers (no exponents, log axes labelled 1, 2, 4 ... or 10, 100, 1000).
 */
public final class ChartStyle {
    /** Logical size of every chart in points (PNG is drawn at {@link #PNG_SCALE} times this). */
    public static final int WIDTH = 880;
    public static final int HEIGHT = 540;
    /** PNG pixels per point: 1760 x 1080 images, sharp on high-density screens and in print. */
    public static final int PNG_SCALE = 2;

    static final String FAMILY = Font.SANS_SERIF;
    static final Font TITLE = new Font(FAMILY, Font.BOLD, 19);
    static final Font SUBTITLE = new Font(FAMILY, Font.PLAIN, 14);
    static final Font AXIS_LABEL = new Font(FAMILY, Font.PLAIN, 15);
    static final Font TICK = new Font(FAMILY, Font.PLAIN, 13);
    static final Font LEGEND = new Font(FAMILY, Font.PLAIN, 13);

    private ChartStyle() {
    }

    /** Applies the house style to a finished chart. */
    public static void apply(JFreeChart chart, String subtitle) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        TextTitle t = chart.getTitle();
        if (t != null) {
            t.setFont(TITLE);
            t.setPaint(Palette.TEXT);
        }
        if (subtitle != null && !subtitle.isEmpty()) {
            TextTitle st = new TextTitle(subtitle, SUBTITLE);
            st.setPaint(Palette.TEXT);
            st.setPadding(new RectangleInsets(2, 0, 6, 0));
            chart.addSubtitle(st);
        }
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(LEGEND);
            legend.setFrame(BlockBorder.NONE);
            legend.setBackgroundPaint(Color.WHITE);
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 12));
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Palette.GRID);
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Palette.GRID);
            xy.setRangeGridlinePaint(Palette.GRID);
            xy.setDomainGridlineStroke(new BasicStroke(0.8f));
            xy.setRangeGridlineStroke(new BasicStroke(0.8f));
            xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
            style(xy.getDomainAxis());
            style(xy.getRangeAxis());
        } else if (plot instanceof CategoryPlot cp) {
            cp.setRangeGridlinePaint(Palette.GRID);
            cp.setRangeGridlineStroke(new BasicStroke(0.8f));
            cp.setDomainGridlinesVisible(false);
            cp.setAxisOffset(RectangleInsets.ZERO_INSETS);
            style(cp.getDomainAxis());
            style(cp.getRangeAxis());
        }
    }

    private static void style(Axis a) {
        if (a == null) {
            return;
        }
        a.setLabelFont(AXIS_LABEL);
        a.setLabelPaint(Palette.TEXT);
        a.setTickLabelFont(TICK);
        a.setTickLabelPaint(Palette.TEXT);
        a.setAxisLinePaint(Palette.TEXT);
        a.setTickMarkPaint(Palette.TEXT);
    }

    /** A numeric axis on {@code scale}, labelled {@code label}, printing plain numbers. */
    public static ValueAxis valueAxis(String label, ChartSpec.Scale scale, boolean includeZero) {
        if (scale == ChartSpec.Scale.LINEAR) {
            NumberAxis a = new LinearAxis(label);
            a.setAutoRangeIncludesZero(includeZero);
            a.setNumberFormatOverride(plain());
            return a;
        }
        NiceLogAxis a = new NiceLogAxis(label, scale == ChartSpec.Scale.LOG2 ? 2 : 10);
        a.setNumberFormatOverride(plain());
        return a;
    }

    /**
     * A linear axis that gives a flat series a range a reader can use. JFreeChart widens a
     * zero-width data range by its minimum size around the value, so a series that is 0
     * everywhere (no merges, no errors) gets ticks from -0.000000005 to 0.000000005, printed
     * as a column of "-0" and "0". Here a flat series at 0 spans [0, 1] and a flat series at v
     * spans 0 to 2v (or v with a tenth of margin either side when zero is not included).
     */
    private static final class LinearAxis extends NumberAxis {
        private static final long serialVersionUID = 1L;

        LinearAxis(String label) {
            super(label);
        }

        @Override
        protected void autoAdjustRange() {
            super.autoAdjustRange();
            if (!(getPlot() instanceof org.jfree.chart.plot.ValueAxisPlot p)) {
                return;
            }
            org.jfree.data.Range data = p.getDataRange(this);
            if (data == null || data.getLength() > 0 || Double.isNaN(data.getLowerBound())) {
                return;
            }
            double v = data.getLowerBound();
            if (v == 0) {
                setRange(new org.jfree.data.Range(0, 1), false, false);
            } else if (getAutoRangeIncludesZero()) {
                setRange(new org.jfree.data.Range(Math.min(0, 2 * v), Math.max(0, 2 * v)), false, false);
            } else {
                double m = Math.abs(v) / 10;
                setRange(new org.jfree.data.Range(v - m, v + m), false, false);
            }
        }
    }

    /** 1,234.5 style (grouped, up to 3 decimals), fixed to the ROOT locale for reproducible output. */
    public static DecimalFormat plain() {
        return new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }
}
