package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fill_device (fill_fs) against fio 3.33 (init.c fixup_options: size -1; filesetup.c: no
 * fallocate; backend.c break_on_this_error and do_io: ENOSPC is cleared and ends the job).
 * Real fio 3.33 on this machine, surface-scan.fio on a fresh 256 MiB ext4 loop device: 3615
 * writes of 64 KiB issued, the last failing with "fio: io_u error on file datafile.tmp: No space
 * left on device: write offset=236847104, buflen=65536", err=0, then the verify phase reads the
 * 3614 written blocks back.
 */
class FioFillDeviceTest {
    @TempDir
    Path dir;

    private static final String EXT4 = "device: {profile: latency-100us, servers: 8, capacity: 64m}\n"
            + "block: {scheduler: none}\nfs: {type: ext4}\n";

    private static final String SCAN = """
            [global]
            bs=64k
            direct=1
            ioengine=sync
            [write-phase]
            filename=datafile.tmp
            rw=write
            fill_device=1
            [verify-phase]
            stonewall
            create_serialize=0
            filename=datafile.tmp
            rw=read
            """;

    @Test
    void aFileIsWrittenUntilEnospcWhichEndsTheJobWithoutAnError() {
        RunResult r = FioHarness.run(dir, EXT4, SCAN);
        JobStats w = FioHarness.job(r, "write-phase");
        assertThat(w.extra.jobError).isZero();
        // every write but the one that met ENOSPC completed; that one was issued and logged
        assertThat(w.totalIos[1]).isEqualTo(w.ios[1] + 1);
        assertThat(w.bytes[1]).isEqualTo(w.ios[1] * 65536);
        assertThat(w.extra.log).containsExactly("fio: io_u error on file datafile.tmp: No space left on device: write"
                + " offset=" + w.bytes[1] + ", buflen=65536");
        // a 64 MiB file system holds less than 64 MiB of data, and most of it is filled
        assertThat(w.bytes[1]).isBetween(48L << 20, 64L << 20);
        // the next job reads what the file holds (its size: no size= needed)
        JobStats v = FioHarness.job(r, "verify-phase");
        assertThat(v.bytes[0]).isEqualTo(w.bytes[1]);
    }

    @Test
    void aBlockDeviceIsWrittenToItsEnd() {
        JobStats w = FioHarness.job(FioHarness.run(dir, "device: {profile: latency-100us, servers: 8, capacity: 32m}\n"
                + "block: {scheduler: none}\n", """
                [w]
                filename=/dev/sda
                rw=write
                bs=64k
                direct=1
                offset=1m
                fill_device=1
                """), "w");
        // fill_io_u: the I/O past real_file_size ends the file; no error
        assertThat(w.bytes[1]).isEqualTo(31L << 20);
        assertThat(w.extra.jobError).isZero();
    }

    @Test
    void aNewFileOnRawTakesTheFreeSpace() {
        JobStats w = FioHarness.job(FioHarness.run(dir, "device: {profile: latency-100us, servers: 8, capacity: 32m}\n"
                + "block: {scheduler: none}\nfs: {type: raw}\n", """
                [w]
                filename=f
                rw=write
                bs=64k
                direct=1
                fill_fs=1
                """), "w");
        assertThat(w.bytes[1]).isGreaterThan(30L << 20).isLessThanOrEqualTo(32L << 20);
    }
}
