package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A buffered write smaller than a page, inside i_size, over a block ext4 has not written: a hole
 * (fallocate=truncate, fallocate=none's sparse tail) or an unwritten extent (fallocate=native).
 * block_write_begin / iomap_write_begin zero-fill such a page without reading it (IOMAP_HOLE,
 * IOMAP_UNWRITTEN), so the job writes every byte and no read reaches the device.
 */
class PartialPageWriteTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"native", "truncate", "none"})
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the bug this guards was a hang
    void subPageWritesOverBlocksExt4HasNotWrittenCompleteWithoutReadingThem(String fallocate) {
        RunResult r = FioHarness.run(dir, "device: {profile: nvme-gen4}\nfs: {type: ext4}\n",
                "[w]\nrw=write\nbs=1000\nsize=64000\nioengine=psync\nfallocate=" + fallocate + "\n");
        JobStats w = FioHarness.job(r, "w");
        assertThat(w.bytes[JobStats.WRITE]).isEqualTo(64000);
        assertThat(w.ios[JobStats.WRITE]).isEqualTo(64);
        assertThat(r.metrics().get("diskstats.read.ios").longValue()).isZero();
    }
}
