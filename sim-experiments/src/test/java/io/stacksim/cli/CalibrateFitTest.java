package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.experiment.validation.Calibration;
import io.stacksim.experiment.validation.Calibration.Fit;
import io.stacksim.experiment.validation.Calibration.Job;
import io.stacksim.experiment.validation.Calibration.Measured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fit against a synthetic target whose parameters are known: a latency device with wake-ups
 * on its completion path, its load curves, and sequential requests twice as fast, "measured" by
 * simulating the calibration matrix on it. The fit must give back what it was made of, and
 * predict a job outside the matrix as the target runs it.
 */
class CalibrateFitTest {
    static final String TRUTH = """
            name: truth
            kind: latency
            params:
              dev_name: loop0
              capacity: 1073741824
              logical_block_size: 512
              physical_block_size: 512
              queue_depth: 128
              rotational: true
              write_cache: false
              servers: 128
              link_bandwidth: 0
              read_time: uniform:40us:60us
              write_time: uniform:60us:100us
              read_load: "4k@1:20000,32:60000;128k@1:5000,32:8000"
              write_load: "4k@1:12500,32:40000;128k@1:4000,32:6000"
              seq_read_load: "4k@1:40000,32:120000;128k@1:10000,32:16000"
              seq_write_load: "4k@1:12500,32:40000;128k@1:4000,32:6000"
              wake_time: uniform:1500us:2500us
              wake_share: 0.1
              wake_hold: 5us
              write_wake_time: uniform:800us:1200us
              write_wake_share: 0.3
            """;

    @Test
    void aSyntheticTargetsWakeUpsServiceAndCurvesAreRecoveredAndAJobOutsideTheMatrixPredicted(@TempDir Path dir)
            throws Exception {
        Path truth = Files.writeString(dir.resolve("truth.yaml"), TRUTH);
        CalibrateCommand.Target t = new CalibrateCommand.Target("/dev/loop0", "loop0", 1L << 30, 128, 1280, 512, true, "none", "");
        String size = "256m";
        String runtime = "1";
        Map<String, Measured> real = new LinkedHashMap<>();
        for (Job j : Calibration.matrix()) {
            if (!j.fdatasync()) {
                real.put(j.name(), CalibrateCommand.simulate(j, truth, t, dir, size, runtime));
            }
        }
        Path fitted = dir.resolve("fitted.yaml");
        Fit fit = CalibrateCommand.fitTarget(real, "/dev/loop0", t, dir, size, runtime, fitted, "loop0-calibrated", "test",
                line -> { });
        Files.writeString(fitted, Calibration.profileYaml("loop0-calibrated", "/dev/loop0", "loop0", 1L << 30, "", 128, 1280,
                512, true, fit, "test"));
        // the reaper: 10 % of wake-ups wait 2 ms on average; the writes' worker: 30 % wait 1 ms
        assertThat(fit.wake().share()).isCloseTo(0.1, within(0.02));
        assertThat(fit.wake().meanNs()).isCloseTo(2e6, within(0.15 * 2e6));
        assertThat(fit.writeWake().share()).isCloseTo(0.3, within(0.06));
        assertThat(fit.writeWake().meanNs()).isCloseTo(1e6, within(0.2 * 1e6));
        // the body: the reads' service averages 50 us (the kernel's own time taken off)
        assertThat(fit.meanReadNs()).isCloseTo(50e3, within(10e3));
        // sequential 4 KiB reads at depth 1 twice as fast as random ones in the device
        assertThat(fit.seqReadLoad()[0] / fit.readLoad()[0]).isCloseTo(2, within(0.4));
        // a job outside the matrix: 4 KiB random reads at depth 8
        Job qd8 = new Job("randread-4k-qd8", "randread", "4k", 8, false, "");
        Measured a = CalibrateCommand.simulate(qd8, truth, t, dir, size, runtime);
        Measured b = CalibrateCommand.simulate(qd8, fitted, t, dir, size, runtime);
        assertThat(b.iops()).isCloseTo(a.iops(), within(0.15 * a.iops()));
        // its median only within 2x: the load curves are matched on throughput, and at depth 8 the
        // median follows the waiting's shape (recovered from the QD32 tail), not only its mean
        assertThat(b.p50Us() / a.p50Us()).isBetween(0.5, 2.0);
    }
}
