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
}
