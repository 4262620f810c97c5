package io.stacksim.experiment.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiskSimValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // case, DiskSim 4.0's demerit as % of the measured mean (Ganger et al.'s Table 2 drives)
        "hp_c2247a, 0.59",
        "hp_c3323a, 1.94",
        "hp_c2490a, 2.02",
        "dec_rz26, 2.15"})
    void closedLoopReplayOfTheMeasuredTraceStaysWithinThreePercentDemerit(String name, double disksimPercent) {
        Path dir = DiskSimData.dir();
        DiskSimValidation.Result r = DiskSimValidation.run(
                DiskSimValidation.caseOf(dir.resolve(name + ".parv"), dir.resolve(name + ".trace")));
        assertThat(r.demeritPercent()).as("demerit %% of measured mean").isLessThanOrEqualTo(3.0);
        // The model is DiskSim's disk: its mean service time stays within 1% of DiskSim 4.0's on the same replay.
        assertThat(r.simulatedMean()[0]).isCloseTo(r.reference().meanMs(), within(0.01 * r.measuredMean()[0]));
        assertThat(r.reference().rmsMs() / r.measuredMean()[0] * 100).as("DiskSim's own demerit %").isCloseTo(disksimPercent, within(0.01));
    }
}
