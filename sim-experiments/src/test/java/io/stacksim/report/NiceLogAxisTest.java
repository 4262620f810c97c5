package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.jfree.data.Range;
import org.junit.jupiter.api.Test;

class NiceLogAxisTest {

    @Test
    void base2TicksArePowersOfTwo() {
        assertThat(new NiceLogAxis("x", 2).tickValues(new Range(0.9, 130))).containsExactly(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0);
    }

    @Test
    void base10TicksAreOneTwoFiveOnANarrowRangeAndDecadesOnAWideOne() {
        assertThat(new NiceLogAxis("x", 10).tickValues(new Range(90, 900))).containsExactly(100.0, 200.0, 500.0);
        assertThat(new NiceLogAxis("x", 10).tickValues(new Range(1, 1e6))).containsExactly(1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6);
    }

    @Test
    void aRangeInsideOneStepStillGetsRoundTicks() {
        assertThat(new NiceLogAxis("x", 10).tickValues(new Range(104, 107))).containsExactly(104.0, 105.0, 106.0, 107.0);
    }

    /**
     * Read p99 lines at about 105 and 250 ms (the schedulers experiment on hdd-7200): the
     * axis starts at the round value below the lowest line, so it has a label beside it, and a
     * span of less than half a decade is labelled in even steps.
     */
    @Test
    void theLowestLineHasALabelBesideIt() {
        org.jfree.data.xy.XYSeries s = new org.jfree.data.xy.XYSeries("p99");
        s.add(1, 106_000);
        s.add(16, 108_000);
        s.add(2, 252_000);
        NiceLogAxis y = new NiceLogAxis("y", 10);
        new org.jfree.chart.plot.XYPlot(new org.jfree.data.xy.XYSeriesCollection(s), new org.jfree.chart.axis.NumberAxis("x"), y,
                new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer());
        assertThat(y.getRange().getLowerBound()).isEqualTo(100_000.0);
        assertThat(y.tickValues(y.getRange())).containsExactly(100_000.0, 150_000.0, 200_000.0, 250_000.0);
    }
}
