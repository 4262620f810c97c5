package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobExtras;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffer-content options (refill_buffers, buffer_compress_percentage, the dedupe family)
 * against fio 3.33's fixup_options and fill_io_buffer: the simulated devices keep no data, so
 * what they change is the CPU fio spends refilling each write's buffer with random data -
 * measured with fio 3.33 here: 8 GiB of 128 KiB null-engine writes take 1646 ms of user time
 * with refill_buffers, 992 ms with buffer_compress_percentage=50, 52 ms with neither.
 */
class FioBufferContentsTest {
    @TempDir
    Path dir;

    private static final String JOB = """
            [w]
            ioengine=null
            size=64m
            bs=128k
            rw=write
            """;

    private long userNs(String extra) {
        return FioHarness.job(FioHarness.run(dir, FioHarness.STACK, JOB + extra), "w").userNs;
    }

    @Test
    void refillingEveryBufferCostsFiosRandomFillRate() {
        long base = userNs("");
        long refill = userNs("refill_buffers\n");
        // 64 MiB of new random data at fio's 5140 MiB/s: 12.45 ms more user time
        double expected = (64.0 * (1 << 20)) / JobExtras.RANDOM_FILL_BYTES_PER_SEC * 1e9;
        assertThat((double) (refill - base)).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void compressionBelowAHundredTurnsRefillOnForItsRandomShare() {
        long base = userNs("");
        long half = userNs("buffer_compress_percentage=50\n");
        long full = userNs("refill_buffers\n");
        assertThat((double) (half - base)).isCloseTo((full - base) / 2.0,
                org.assertj.core.data.Percentage.withPercentage(1));
        // 100 % compressible: zero_buffers once, no refill
        assertThat(userNs("buffer_compress_percentage=100\n")).isEqualTo(base);
        // dedupe alone does not set refill_buffers (fixup_options)
        assertThat(userNs("dedupe_percentage=50\n")).isEqualTo(base);
        // and an explicit refill_buffers=0 wins
        assertThat(userNs("buffer_compress_percentage=50\nrefill_buffers=0\n")).isEqualTo(base);
    }

    @Test
    void theDedupeWorkingSetRulesAreFios() {
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, JOB + "dedupe_percentage=50\n"
                + "dedupe_mode=working_set\ndedupe_working_set_percentage=60\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("impossible to reach expected dedupe percentage 50");
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, JOB.replace("size=64m\n", "")
                + "filename=/dev/sda\ndedupe_percentage=50\ndedupe_mode=working_set\n"))
                .hasMessageContaining("requires size to be set");
    }
}
