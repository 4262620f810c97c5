package io.stacksim.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;

/**
 * A logarithmic axis whose ticks fall on round numbers: powers of two for base 2 (1, 2, 4 ...
 * 1024), and 1-2-5 steps for base 10 (10, 20, 50, 100 ...), thinned to decades or every other
 * octave when the range is wide. JFreeChart's own LogAxis places ticks at equal steps of the
 * exponent, which gives labels such as 125.893 on a narrow range.
 */
final class NiceLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    NiceLogAxis(String label, double base) {
        super(label);
        setBase(base);
        setSmallestValue(1e-9);
        setMinorTickMarksVisible(false);
    }

    /**
     * JFreeChart's range for near-constant data spans a fraction of a percent, which reads as
     * a wild swing; at least a factor of two around the data keeps a flat line flat.
     */
    @Override
    protected void autoAdjustRange() {
        super.autoAdjustRange();
        Range r = getRange();
        if (r.getLowerBound() > 0 && r.getUpperBound() / r.getLowerBound() < 2) {
            double mid = Math.sqrt(r.getLowerBound() * r.getUpperBound());
            r = new Range(mid / Math.sqrt(2), mid * Math.sqrt(2));
            setRange(r, false, false);
        }
        // The lowest lines must have a label near them: when the bottom quarter of the axis has
        // no tick, the axis starts at the round value just below the data instead.
        List<Double> t = tickValues(r);
        double lo = r.getLowerBound();
        double hi = r.getUpperBound();
        if (lo > 0 && !t.isEmpty() && Math.log(t.get(0) / lo) > 0.25 * Math.log(hi / lo)) {
            double below = t.size() >= 2 ? Math.floor(lo / (t.get(1) - t.get(0))) * (t.get(1) - t.get(0)) : 0;
            if (below > 0 && below < lo) {
                setRange(new Range(below, hi), false, false);
            }
        }
    }

    /** The tick values inside {@code range}. */
    List<Double> tickValues(Range range) {
        List<Double> out = new ArrayList<>();
        double lo = range.getLowerBound();
        double hi = range.getUpperBound();
        if (!(lo > 0) || !(hi > lo)) {
            return out;
        }
        double eps = 1e-9;
        if (getBase() == 2) {
            int a = (int) Math.floor(Math.log(lo) / Math.log(2));
            int b = (int) Math.ceil(Math.log(hi) / Math.log(2));
            int step = Math.max(1, (b - a + 11) / 12);
            for (int e = a - Math.floorMod(a, step); e <= b; e += step) {
                double v = Math.pow(2, e);
                if (v >= lo * (1 - eps) && v <= hi * (1 + eps)) {
                    out.add(v);
                }
            }
        } else {
            int a = (int) Math.floor(Math.log10(lo));
            int b = (int) Math.ceil(Math.log10(hi));
            double decades = Math.log10(hi / lo);
            double[] mantissas = decades > 4 ? new double[] {1} : decades > 2.5 ? new double[] {1, 3} : new double[] {1, 2, 5};
            for (int e = a; e <= b; e++) {
                for (double m : mantissas) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo * (1 - eps) && v <= hi * (1 + eps)) {
                        out.add(v);
                    }
                }
            }
        }
        if (out.size() < (getBase() == 2 ? 2 : 3)) {
            // a range narrower than the steps above: a few evenly spaced values, rounded
            out.clear();
            double step = niceStep((hi - lo) / 4);
            for (double v = Math.ceil(lo / step) * step; v <= hi * (1 + eps); v += step) {
                out.add(v);
            }
        }
        return out;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private String text(double v) {
        NumberFormat f = getNumberFormatOverride() != null ? getNumberFormatOverride() : ChartStyle.plain();
        return f.format(v);
    }

    @Override
    protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        List<NumberTick> ticks = new ArrayList<>();
        TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        for (double v : tickValues(getRange())) {
            ticks.add(new NumberTick(TickType.MAJOR, v, text(v), anchor, TextAnchor.CENTER, 0.0));
        }
        return ticks;
    }

    @Override
    protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        List<NumberTick> ticks = new ArrayList<>();
        TextAnchor anchor = edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT : TextAnchor.CENTER_RIGHT;
        for (double v : tickValues(getRange())) {
            ticks.add(new NumberTick(TickType.MAJOR, v, text(v), anchor, TextAnchor.CENTER, 0.0));
        }
        return ticks;
    }
}
