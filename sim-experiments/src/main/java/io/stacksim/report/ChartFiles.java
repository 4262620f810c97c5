package io.stacksim.report;

import io.stacksim.experiment.sweep.SweepStore;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Writes a chart as PNG (drawn at {@link ChartStyle#PNG_SCALE}x for sharpness) and SVG (JFreeSVG).
 * Both are deterministic: the SVG's internal ids start with the chart's name instead of the
 * clock-based prefix JFreeSVG would pick, and the PNG carries no time stamp.
 */
public final class ChartFiles {
    static {
        // JFreeChart draws rotated text (the vertical axis title) as glyph outlines to work around
        // a rendering bug of 1990s JDKs (JDK-4312117); with it off, SVG keeps that title as text.
        // A constant, set once, for every chart alike.
        org.jfree.chart.text.TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private ChartFiles() {
    }

    /**
     * A chart written to disk.
     *
     * @param name    file stem
     * @param title   chart title
     * @param png     path of the PNG relative to the output folder
     * @param svg     path of the SVG relative to the output folder
     * @param inline  the SVG element for embedding in HTML (scales with the page)
     */
    public record Written(String name, String title, String png, String svg, String inline) {
    }

    /** Writes charts/NAME.png and charts/NAME.svg under {@code dir}. */
    public static Written write(JFreeChart chart, Path dir, String name, String title) {
        int w = ChartStyle.WIDTH;
        int h = ChartStyle.HEIGHT;
        try {
            java.nio.file.Files.createDirectories(dir.resolve("charts"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SweepStore.writeAtomically(dir.resolve("charts").resolve(name + ".png"), png(chart, w, h));
        SVGGraphics2D svg = new SVGGraphics2D(w, h);
        svg.setDefsKeyPrefix(name.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
        svg.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.draw(svg, new Rectangle2D.Double(0, 0, w, h));
        SweepStore.writeAtomically(dir.resolve("charts").resolve(name + ".svg"), svg.getSVGDocument());
        String inline = svg.getSVGElement("chart-" + name, false, new ViewBox(0, 0, w, h), null, null);
        return new Written(name, title, "charts/" + name + ".png", "charts/" + name + ".svg", inline);
    }

    static byte[] png(JFreeChart chart, int w, int h) {
        int s = ChartStyle.PNG_SCALE;
        BufferedImage img = new BufferedImage(w * s, h * s, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w * s, h * s);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(s, s);
            chart.draw(g, new Rectangle2D.Double(0, 0, w, h));
        } finally {
            g.dispose();
        }
        return encodePng(img, 72 * s);
    }

    /**
     * The image as PNG by the JDK's own encoder (javax.imageio), with a pHYs chunk so that
     * viewers and word processors show the 2x image at its intended size.
     */
    static byte[] encodePng(BufferedImage img, int dpi) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            String ppm = Long.toString(Math.round(dpi / 0.0254));
            IIOMetadataNode phys = new IIOMetadataNode("pHYs");
            phys.setAttribute("pixelsPerUnitXAxis", ppm);
            phys.setAttribute("pixelsPerUnitYAxis", ppm);
            phys.setAttribute("unitSpecifier", "meter");
            IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
            root.appendChild(phys);
            meta.mergeTree("javax_imageio_png_1.0", root);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, meta), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
