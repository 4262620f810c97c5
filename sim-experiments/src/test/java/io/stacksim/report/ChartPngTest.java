package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartPngTest {

    @Test
    void aStandardDecoderReadsBackEveryPixel() throws IOException {
        BufferedImage img = new BufferedImage(301, 97, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 301, 97);
        for (int i = 0; i < 40; i++) {
            g.setColor(Palette.color(i));
            g.drawLine(i * 7, 0, 300 - i * 3, 96);
        }
        g.dispose();
        img.setRGB(0, 0, 0x123456);
        img.setRGB(300, 96, 0xFEDCBA);
        byte[] png = ChartFiles.encodePng(img, 144);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(back.getWidth()).isEqualTo(301);
        assertThat(back.getHeight()).isEqualTo(97);
        for (int y = 0; y < 97; y++) {
            for (int x = 0; x < 301; x++) {
                assertThat(back.getRGB(x, y) & 0xFFFFFF).as("pixel %d,%d", x, y).isEqualTo(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        // the resolution chunk: 144 dpi = 5669 pixels per metre
        var meta = ImageIO.getImageReadersByFormatName("png").next();
        meta.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
        var tree = (javax.imageio.metadata.IIOMetadataNode) meta.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
        var phys = (javax.imageio.metadata.IIOMetadataNode) tree.getElementsByTagName("pHYs").item(0);
        assertThat(phys.getAttribute("pixelsPerUnitXAxis")).isEqualTo("5669");
    }
}
