package io.stacksim.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * The colours, markers and line styles every chart uses, in the same order, so a series keeps
 * its look from chart to chart. Colours are Okabe and Ito's palette (Color Universal Design,
 * 2008), distinguishable with the common colour-vision deficiencies; markers and dashes add a
 * second cue that survives greyscale printing.
 */
public final class Palette {
    /** Okabe-Ito, ordered for contrast on white (yellow, the faintest, last). */
    private static final Color[] COLORS = {
        new Color(0x00, 0x72, 0xB2), // blue
        new Color(0xD5, 0x5E, 0x00), // vermillion
        new Color(0x00, 0x9E, 0x73), // bluish green
        new Color(0xCC, 0x79, 0xA7), // reddish purple
        new Color(0xE6, 0x9F, 0x00), // orange
        new Color(0x56, 0xB4, 0xE9), // sky blue
        new Color(0x00, 0x00, 0x00), // black
        new Color(0xF0, 0xE4, 0x42), // yellow
    };
    private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}};

    /** Grid lines and frames. */
    public static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    /** Axis lines and text. */
    public static final Color TEXT = new Color(0x22, 0x22, 0x22);

    private Palette() {
    }

    public static Color color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    /** Number of distinct colours before they repeat. */
    public static int size() {
        return COLORS.length;
    }

    /** A line stroke: solid for style 0, then dashed patterns. */
    public static Stroke line(int style) {
        float[] d = DASHES[Math.floorMod(style, DASHES.length)];
        return d == null ? new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                : new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, d, 0f);
    }

    /** A marker: circle, square, triangle up, diamond, triangle down. */
    public static Shape marker(int i) {
        double s = 7;
        double h = s / 2;
        return switch (Math.floorMod(i, 5)) {
            case 0 -> new Ellipse2D.Double(-h, -h, s, s);
            case 1 -> new Rectangle2D.Double(-h * 0.9, -h * 0.9, s * 0.9, s * 0.9);
            case 2 -> polygon(new double[] {0, h, -h}, new double[] {-h, h, h});
            case 3 -> polygon(new double[] {0, h, 0, -h}, new double[] {-h, 0, h, 0});
            default -> polygon(new double[] {-h, h, 0}, new double[] {-h, -h, h});
        };
    }

    private static Shape polygon(double[] x, double[] y) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x[0], y[0]);
        for (int i = 1; i < x.length; i++) {
            p.lineTo(x[i], y[i]);
        }
        p.closePath();
        return p;
    }
}
