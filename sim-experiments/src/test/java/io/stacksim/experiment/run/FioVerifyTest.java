package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.workload.JobStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's verify family against fio 3.33's rules (backend.c do_verify, io_u.c check_get_verify,
 * iolog.c log_io_piece) and this machine's real fio: a write job with verify reads every block
 * back after its write phase (real fio, 16 MiB in 4 KiB psync writes: 4096 writes, 4096 verify
 * reads, crc32c and md5 alike); verify_backlog=N reads N blocks after every N writes; without
 * a random map a block written twice is read once; the checksum costs the job's CPU at fio's
 * measured rates; verify_only writes nothing; do_verify=0 reads nothing.
 */
class FioVerifyTest {
    @TempDir
    Path dir;

    private RunResult run(String jobs) {
        return FioHarness.run(dir, FioHarness.STACK, jobs);
    }

    private static JobStats job(RunResult r, String name) {
        return FioHarness.job(r, name);
    }

    private static long metric(RunResult r, String key) {
        return r.metrics().get(key).longValue();
    }

    @Test
    void aWriteJobReadsEveryBlockBackAfterItsWritePhaseFromTheDevice() {
        RunResult r = run("""
                [seqw]
                filename=data
                size=16m
                bs=4k
                rw=write
                verify=crc32c
                """);
        JobStats s = job(r, "seqw");
        assertThat(s.totalIos[JobStats.WRITE]).isEqualTo(4096);
        assertThat(s.totalIos[JobStats.READ]).isEqualTo(4096);
        assertThat(s.bytes[JobStats.READ]).isEqualTo(16L << 20);
        // do_verify synced and dropped the cache first: the reads went to the device.
        assertThat(metric(r, "diskstats.read.sectors")).isGreaterThanOrEqualTo((16L << 20) / 512);
    }

    @Test
    void verifyBacklogReadsNBlocksAfterEveryNWrites() throws IOException {
        run("""
                [randw]
                filename=data
                size=4m
                bs=4k
                rw=randwrite
                verify=md5
                verify_backlog=16
                write_iolog=randw.iolog
                """);
        List<String> actions = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("randw.iolog"))) {
            String[] f = line.split(" ");
            if (f.length == 5) {
                actions.add(f[2]);
            }
        }
        assertThat(actions).hasSize(2048);
        for (int i = 0; i < actions.size(); i++) {
            assertThat(actions.get(i)).as("I/O " + i).isEqualTo((i / 16) % 2 == 0 ? "write" : "read");
        }
    }

    @Test
    void withoutARandomMapABlockWrittenTwiceIsVerifiedOnceInOffsetOrder() throws IOException {
        RunResult r = run("""
                [norandmap]
                filename=data
                size=4m
                bs=4k
                rw=randwrite
                norandommap
                verify=md5
                write_iolog=n.iolog
                """);
        Set<Long> written = new HashSet<>();
        List<Long> reads = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("n.iolog"))) {
            String[] f = line.split(" ");
            if (f.length == 5 && f[2].equals("write")) {
                written.add(Long.parseLong(f[3]));
            } else if (f.length == 5 && f[2].equals("read")) {
                reads.add(Long.parseLong(f[3]));
            }
        }
        assertThat(job(r, "norandmap").totalIos[JobStats.READ]).isEqualTo(written.size());
        assertThat(written.size()).isLessThan(1024);
        assertThat(reads).isSorted();
    }

    @Test
    void theChecksumCostsTheJobsCpuAtFiosMeasuredRate() {
        String job = """
                [w]
                filename=data
                size=32m
                bs=64k
                rw=write
                direct=1
                verify=%s
                """;
        JobStats md5 = job(run(job.formatted("md5")), "w");
        JobStats crc = job(run(job.formatted("crc32c")), "w");
        // Each byte checksummed twice (written, read back): md5 at 706 MiB/s, crc32c at 6800.
        double expected = 2 * (32.0 / 706 - 32.0 / 6800) * 1e9;
        assertThat((double) (md5.userNs - crc.userNs)).isCloseTo(expected, within(expected * 0.03));
    }

    @Test
    void verifyOnlyWritesNoDataAndReadsEveryBlock() {
        RunResult r = run("""
                [vo]
                filename=data
                size=8m
                bs=4k
                rw=write
                verify=crc32c
                verify_only
                """);
        // Nothing of the 8 MiB was written (do_verify's fsync may write the inode's metadata).
        assertThat(metric(r, "diskstats.write.sectors")).isLessThan((8L << 20) / 512 / 100);
        assertThat(job(r, "vo").totalIos[JobStats.READ]).isEqualTo(2048);
    }

    @Test
    void doVerifyOffReadsNothing() {
        RunResult r = run("""
                [nv]
                filename=data
                size=8m
                bs=4k
                rw=write
                verify=crc32c
                do_verify=0
                """);
        assertThat(job(r, "nv").totalIos[JobStats.READ]).isZero();
        assertThat(job(r, "nv").totalIos[JobStats.WRITE]).isEqualTo(2048);
    }
}
