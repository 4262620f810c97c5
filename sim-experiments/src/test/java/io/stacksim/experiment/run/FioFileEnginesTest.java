package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.fs.SimFile;
import io.stacksim.workload.JobStats;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's file engines (engines/fileoperations.c, falloc.c, ftruncate.c) on ext4: what each unit
 * does to the file system, and what fio reports - checked against fio 3.33 on this machine
 * (the same jobs in an empty directory, its JSON and {@code ls -ls} of the files):
 * <pre>
 * filecreate nrfiles=8 filesize=4k create_on_open=1 fallocate=none rw=write:
 *     write total_ios 8, io_bytes 32768, clat N 8, lat N 0, slat N 0; 8 files of 0 bytes
 * filestat nrfiles=8 filesize=4k (over those files): read total_ios 8, io_bytes 32768, clat N 8,
 *     lat N 0; the files laid out to 4096 bytes first (a read job's extend_file)
 * filedelete nrfiles=8 filesize=4k: read total_ios 8, io_bytes 32768, clat N 8, lat N 0; no file left
 * falloc size=1m bs=64k rw=write: write total_ios 16, io_bytes 1048576, clat N 16, lat N 16;
 *     1048576 bytes, 1024 KiB allocated
 * ftruncate size=1m bs=64k rw=write: write total_ios 16, io_bytes 1048576, clat N 16, lat N 16;
 *     983040 bytes (the last unit's offset), nothing allocated
 * </pre>
 */
class FioFileEnginesTest {
    @TempDir
    Path dir;

    private static final String EXT4 = "device: {profile: latency-100us, capacity: 1GiB}\nblock: {scheduler: none}\n"
            + "fs: {type: ext4, first_sector: 0}\n";

    private record Run(Stack stack, RunResult result) {
        JobStats job(String name) {
            return FioHarness.job(result, name);
        }
    }

    private Run run(String jobs) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), dir).parse(jobs, "t.fio", dir);
        List<io.stacksim.workload.JobSpec> specs = new ArrayList<>();
        for (JobFile.Section s : f.jobs()) {
            specs.add(JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), false, null).spec());
        }
        ConfigNode root = ConfigNode.parseYaml(new StringReader(EXT4), "stack.yaml");
        Stack stack = new Stack(root, 1);
        return new Run(stack, Simulation.runOn(stack, root, specs, dir));
    }

    private static final String FILES = "[global]\ndirectory=/mnt\nnrfiles=8\nfilesize=4k\n";

    /** The figures fio's JSON has for a direction: total_ios, io_bytes, clat N, lat N, slat N. */
    private static long[] reported(JobStats s, int d) {
        return new long[] {s.totalIos[d], s.bytes[d], s.clatStat[d].samples(), s.latStat[d].samples(), s.slatStat[d].samples()};
    }

    /**
     * filecreate: each file's open(O_CREAT) is the timed operation, one clat sample per file in
     * the write direction; the units count their bytes (FIO_FAKEIO) but add no sample
     * (FIO_NOSTATS); the files are made empty and nothing is written.
     */
    @Test
    void filecreateTimesEachCreationAndCreatesTheFilesEmpty() {
        Run r = run(FILES + "[c]\nioengine=filecreate\ncreate_on_open=1\nfallocate=none\nrw=write\n");
        assertThat(reported(r.job("c"), JobStats.WRITE)).containsExactly(8, 32768, 8, 0, 0);
        assertThat(r.job("c").clatStat[JobStats.WRITE].min()).isPositive();
        for (int i = 0; i < 8; i++) {
            SimFile f = r.stack().fs.lookup("/mnt/c.0." + i);
            assertThat(f).isNotNull();
            assertThat(f.size()).isZero();
        }
    }

    /** filestat: a read job, so setup_files lays the files out first; then each stat is one read clat sample. */
    @Test
    void filestatStatsFilesItLaidOutFirst() {
        Run r = run(FILES + "[s]\nioengine=filestat\n");
        assertThat(reported(r.job("s"), JobStats.READ)).containsExactly(8, 32768, 8, 0, 0);
        for (int i = 0; i < 8; i++) {
            assertThat(r.stack().fs.lookup("/mnt/s.0." + i).size()).isEqualTo(4096);
        }
        Run statx = run(FILES + "[s]\nioengine=filestat\nstat_type=statx\n");
        assertThat(reported(statx.job("s"), JobStats.READ)).containsExactly(8, 32768, 8, 0, 0);
    }

    /** filedelete: each unlink is one read clat sample; no file is left, and their blocks are free again. */
    @Test
    void filedeleteRemovesEveryFile() {
        Run r = run(FILES + "[d]\nioengine=filedelete\n");
        assertThat(reported(r.job("d"), JobStats.READ)).containsExactly(8, 32768, 8, 0, 0);
        for (int i = 0; i < 8; i++) {
            assertThat(r.stack().fs.lookup("/mnt/d.0." + i)).isNull();
        }
    }

    /**
     * falloc: each write unit is fallocate(mode 0) over its range, an ordinary timed I/O; the
     * file ends allocated in full (unwritten extents: nothing was written) at its full size.
     */
    @Test
    void fallocAllocatesEachUnitsRange() {
        Run r = run("[f]\nioengine=falloc\nfilename=/mnt/fa\nsize=1m\nbs=64k\nrw=write\n");
        assertThat(reported(r.job("f"), JobStats.WRITE)).containsExactly(16, 1048576, 16, 16, 0);
        SimFile f = r.stack().fs.lookup("/mnt/fa");
        assertThat(f.size()).isEqualTo(1 << 20);
        assertThat(r.stack().fs.stat(f).blocks()).as("1024 KiB allocated").isEqualTo(2048);
    }

    /**
     * falloc's read direction is FALLOC_FL_KEEP_SIZE: the blocks are allocated but i_size does
     * not move (the layout's fallocate=keep leaves the size at 0 too).
     */
    @Test
    void fallocReadsAllocateWithoutGrowingTheFile() {
        Run r = run("[f]\nioengine=falloc\nfilename=/mnt/fk\nsize=256k\nbs=64k\nrw=read\nfallocate=keep\n");
        SimFile f = r.stack().fs.lookup("/mnt/fk");
        assertThat(reported(r.job("f"), JobStats.READ)).containsExactly(4, 262144, 4, 4, 0);
        assertThat(r.stack().fs.stat(f).blocks()).isEqualTo(512);
    }

    /**
     * ftruncate: each write unit truncates the file to the unit's offset (0, 64k, ... 960k), so
     * the file ends at the last unit's offset with no block allocated; the units count their bytes.
     */
    @Test
    void ftruncateSetsTheSizeToEachUnitsOffset() {
        Run r = run("[t]\nioengine=ftruncate\nfilename=/mnt/tr\nsize=1m\nbs=64k\nrw=write\n");
        assertThat(reported(r.job("t"), JobStats.WRITE)).containsExactly(16, 1048576, 16, 16, 0);
        SimFile f = r.stack().fs.lookup("/mnt/tr");
        assertThat(f.size()).isEqualTo(983040);
        assertThat(r.stack().fs.stat(f).blocks()).isZero();
    }

    /** ftruncate has no read: a read unit fails with EINVAL (fio_ftruncate_queue). */
    @Test
    void ftruncateReadsFailWithEinval() {
        assertThatThrownBy(() -> run("[t]\nioengine=ftruncate\nfilename=/mnt/tr\nsize=64k\nbs=4k\nrw=read\n"))
                .hasMessageContaining("EINVAL");
    }
}
