package io.stacksim.experiment.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The calibration's reading of fio json+ and its fit, against fio's own figures. */
class CalibrationTest {
    static final Path REAL = Path.of("../examples/fio-loop/real-qd1.jsonplus.json");

    @Test
    void quantilesFromJsonPlusBinsAgreeWithFiosOwnPercentiles() {
        Assumptions.assumeTrue(Files.exists(REAL), "examples/fio-loop not found beside the module");
        Calibration.Measured m = Calibration.read(REAL).get(0);
        assertThat(m.dir()).isEqualTo("read");
        // fio's percentiles are bin values too: the bins' quantiles land on them (within a bin's width)
        assertThat(m.quantileNs(0.5) / 1e3).isCloseTo(m.p50Us(), within(0.02 * m.p50Us()));
        assertThat(m.quantileNs(0.99) / 1e3).isCloseTo(m.p99Us(), within(0.05 * m.p99Us()));
    }

    @Test
    void serviceQuantilesTakeTheHostsShareOffAndStayAscending() {
        Assumptions.assumeTrue(Files.exists(REAL), "examples/fio-loop not found beside the module");
        Calibration.Measured m = Calibration.read(REAL).get(0);
        double[] q = Calibration.serviceQuantiles(m, 5_000);
        assertThat(q).hasSize(Calibration.QUANTILES + 1);
        for (int i = 1; i < q.length; i++) {
            assertThat(q[i]).isGreaterThanOrEqualTo(q[i - 1]);
        }
        assertThat(q[Calibration.QUANTILES / 2]).isCloseTo(m.quantileNs(0.5) - 5_000, within(1.0));
    }

    @Test
    void littlesLawGivesTheParallelUnitsAndMediansAreTakenPerFigure() {
        assertThat(Calibration.servers(50_000, 80_000)).isEqualTo(4); // 50 K IOPS x 80 us = 4 busy units
        assertThat(Calibration.servers(1_000, 10_000)).isEqualTo(1);
        Calibration.Measured a = new Calibration.Measured("j", "read", 100, 1, 1, 10, 50, new long[0], new long[0], 0);
        Calibration.Measured b = new Calibration.Measured("j", "read", 300, 3, 3, 30, 20, new long[0], new long[0], 0);
        Calibration.Measured c = new Calibration.Measured("j", "read", 200, 2, 2, 20, 90, new long[0], new long[0], 0);
        Calibration.Measured med = Calibration.median(List.of(a, b, c));
        assertThat(med.iops()).isEqualTo(200);
        assertThat(med.p50Us()).isEqualTo(20);
        assertThat(med.p99Us()).isEqualTo(50);
    }

    @Test
    void theMatrixIsQd1AndQd32TimesTwoSizesTimesRandomAndSequentialTimesReadAndWritePlusTheFlush() {
        List<Calibration.Job> m = Calibration.matrix();
        assertThat(m).hasSize(17);
        assertThat(m).extracting(Calibration.Job::iodepth).containsOnly(1, 32);
        assertThat(m.get(16).fdatasync()).isTrue();
        assertThat(m.get(0).fioText("/dev/x", "1g", "3")).contains("filename=/dev/x", "rw=randread", "bs=4k", "iodepth=1",
                "direct=1", "ioengine=libaio");
    }

    @Test
    void aQd1TailBeyondTheKneeIsReadAsStallsEachMetByOneRequestNearItsStart() {
        // 900 completions at 100 us, 100 spread evenly over 2.1 .. 4.1 ms: the body's median is 100 us,
        // the knee 600 us, the tail 10 %; a stall costs its request its whole length (2 .. 4 ms), and one
        // request meets each, so the time between stalls is nine bodies' worth (0.9 ms)
        long[] v = new long[101];
        long[] c = new long[101];
        v[0] = 100_000;
        c[0] = 900;
        for (int i = 1; i <= 100; i++) {
            v[i] = 2_100_000 + 20_000L * (i - 1);
            c[i] = 1;
        }
        Calibration.Measured m = new Calibration.Measured("j", "read", 1, 1, 1, 100, 4000, v, c, 0);
        assertThat(Calibration.kneeNs(m)).isEqualTo(600_000);
        assertThat(Calibration.shareAbove(m, Calibration.kneeNs(m))).isCloseTo(0.1, within(1e-9));
        Calibration.Stalls s = Calibration.stalls(m, 50);
        assertThat(s.quantilesNs()[0]).isCloseTo(2_000_000, within(25_000.0));
        assertThat(s.quantilesNs()[50]).isCloseTo(3_980_000, within(25_000.0));
        assertThat(s.upNs()).isCloseTo(900_000, within(1_000.0));
        // body quantiles leave the tail out
        double[] body = Calibration.serviceQuantiles(m, 0, 0.1);
        assertThat(body[Calibration.QUANTILES]).isEqualTo(100_000);
    }
}
