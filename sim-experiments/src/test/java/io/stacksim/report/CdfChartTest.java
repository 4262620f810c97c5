package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdfChartTest {
    @TempDir
    Path tmp;

    @Test
    void writesAPngOfTheRequestedSizeWithTheCurvesDrawn() throws IOException {
        Path out = tmp.resolve("sub/cdf.png");
        new CdfChart("Drive X", "demerit 0.1 ms", "Service time (ms)")
                .add(new CdfChart.Series("measured", new double[] {0, 5, 10, 20}, new double[] {0, 0.2, 0.8, 1}))
                .add(new CdfChart.Series("simulated", new double[] {0, 6, 11, 20}, new double[] {0, 0.2, 0.8, 1}))
                .writePng(out, 900, 600);
        BufferedImage img = ImageIO.read(out.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        assertThat(img.getHeight()).isEqualTo(600);
        // The second curve is drawn in Okabe-Ito blue (0x0072B2): some pixel must carry it.
        boolean blue = false;
        for (int yy = 0; yy < img.getHeight() && !blue; yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                if ((img.getRGB(xx, yy) & 0xFFFFFF) == 0x0072B2) {
                    blue = true;
                    break;
                }
            }
        }
        assertThat(blue).isTrue();
    }
}
