package io.stacksim.experiment.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.workload.ValidateTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemeritTest {

    private static String[] resultRow(Path dir, String name, String[] headOut) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("expected/results.csv"), StandardCharsets.UTF_8);
        String[] head = lines.get(0).split(",");
        System.arraycopy(head, 0, headOut, 0, head.length);
        for (String l : lines.subList(1, lines.size())) {
            if (l.startsWith(name + ",")) {
                return l.split(",");
            }
        }
        throw new AssertionError(name + " not in results.csv");
    }

    private static double field(String[] head, String[] row, String col) {
        for (int i = 0; i < head.length; i++) {
            if (col.equals(head[i])) {
                return Double.parseDouble(row[i]);
            }
        }
        throw new AssertionError("no column " + col);
    }

    @Test
    void binnedSamplesShiftedByTwoMillisecondsHaveADemeritOfTwoMilliseconds() {
        // As fio --compare bins clat logs: about 1 % wide buckets (50-110 us here) blur a 2 ms
        // shift by less than a bucket; identical samples give exactly zero.
        Demerit.Histogram a = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
        Demerit.Histogram same = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
        Demerit.Histogram shifted = new Demerit.Histogram(Demerit.Buckets.DISKSIM_ACCESS_TIME);
        for (int i = 0; i < 200; i++) {
            double ms = 5 + i * 0.02; // 5 ms .. 9 ms
            a.add(ms, 3);
            same.add(ms, 3);
            shifted.add(ms + 2, 3);
        }
        assertThat(Demerit.rms(a.curve(), same.curve())).isZero();
        assertThat(Demerit.rms(shifted.curve(), a.curve())).isCloseTo(2.0, within(0.1));
    }

    @Test
    void demeritOfTwoCurvesOneMillisecondApartIsOneMillisecond() {
        // A uniform distribution on [2, 12] ms and the same shifted by 1 ms: every quantile differs by 1.
        double[] x = {2, 12};
        double[] y = {0, 1};
        Demerit.Curve a = new Demerit.Curve(x, y);
        Demerit.Curve b = new Demerit.Curve(new double[] {3, 13}, y);
        assertThat(Demerit.rms(a, b)).isCloseTo(1.0, within(1e-9));
        assertThat(Demerit.rms(a, a)).isZero();
        assertThat(a.quantile(0.5)).isCloseTo(7.0, within(1e-9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hp_c2247a", "hp_c3323a", "hp_c2490a", "dec_rz26"})
    void rmsOfMeasuredAndDiskSimCurvesReproducesDiskSimsDemerit(String name) throws IOException {
        Path dir = DiskSimData.dir();
        String[] head = new String[64];
        String[] row = resultRow(dir, name, head);
        Path cdf = dir.resolve("expected/" + name + ".cdf.csv");
        Demerit.Curve measured = DiskSimValidation.readCdf(cdf, "measured_cum");
        Demerit.Curve disksim = DiskSimValidation.readCdf(cdf, "disksim40_cum");
        assertThat(Demerit.rms(disksim, measured)).isCloseTo(field(head, row, "disksim40_rms"), within(2e-6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hp_c2247a", "dec_rz26"})
    void measuredHistogramOfTheTraceMatchesDiskSimsMeasuredCurveAndMean(String name) throws IOException {
        Path dir = DiskSimData.dir();
        Demerit.Histogram h = new Demerit.Histogram(Demerit.Buckets.fromStatDefs(dir.resolve("statdefs"), "Trace access time"));
        try (ValidateTrace t = ValidateTrace.open(dir.resolve(name + ".trace"))) {
            for (ValidateTrace.Entry e = t.next(); e != null; e = t.next()) {
                h.add(e.measuredMs());
            }
        }
        String[] head = new String[64];
        String[] row = resultRow(dir, name, head);
        assertThat(h.mean()).isCloseTo(field(head, row, "measured_mean_ms"), within(1e-6));
        Demerit.Curve ours = h.curve();
        Demerit.Curve theirs = DiskSimValidation.readCdf(dir.resolve("expected/" + name + ".cdf.csv"), "measured_cum");
        assertThat(Demerit.rms(ours, theirs)).isLessThan(1e-9);
    }
}
