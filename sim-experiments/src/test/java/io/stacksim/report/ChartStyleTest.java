package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.experiment.sweep.ChartSpec;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

class ChartStyleTest {

    private static ValueAxis yAxisOf(boolean includeZero, double... ys) {
        XYSeries s = new XYSeries("s");
        for (int i = 0; i < ys.length; i++) {
            s.add(i + 1, ys[i]);
        }
        ValueAxis y = ChartStyle.valueAxis("y", ChartSpec.Scale.LINEAR, includeZero);
        new XYPlot(new XYSeriesCollection(s), ChartStyle.valueAxis("x", ChartSpec.Scale.LINEAR, false), y, new XYLineAndShapeRenderer());
        return y;
    }

    @Test
    void aSeriesThatIsZeroEverywhereGetsAnAxisFromZeroToOneWithNoNegativeTicks() {
        ValueAxis y = yAxisOf(true, 0, 0, 0, 0);
        assertThat(y.getLowerBound()).isEqualTo(0.0);
        assertThat(y.getUpperBound()).isEqualTo(1.0);
    }

    @Test
    void aFlatNonZeroSeriesIsDrawnAtMidHeightOfAZeroBasedAxis() {
        ValueAxis y = yAxisOf(true, 250, 250, 250);
        assertThat(y.getLowerBound()).isEqualTo(0.0);
        assertThat(y.getUpperBound()).isEqualTo(500.0);
    }

    @Test
    void aSeriesThatVariesKeepsJFreeChartsOwnAutoRange() {
        ValueAxis y = yAxisOf(true, 10, 20, 30);
        assertThat(y.getLowerBound()).isEqualTo(0.0);
        assertThat(y.getUpperBound()).isGreaterThanOrEqualTo(30.0).isLessThan(40.0);
    }
}
