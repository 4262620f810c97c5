package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's sync_file_range=str:N as fio 3.33 issues it (io_u.c get_rw_ddir: DDIR_SYNC_FILE_RANGE
 * after every N write issues; do_sync_file_range: the range f->first_write .. f->last_write
 * of the writes completed since the last sync, with the option's flags) and what ext4 does
 * with it (fs/sync.c sync_file_range: page writeback of the range only - WB_SYNC_ALL and so
 * REQ_SYNC when all three flags are given, WB_SYNC_NONE otherwise; no journal, no flush).
 */
class FioSyncFileRangeTest {
    @TempDir
    Path dir;

    private static final String EXT4 = """
            run: {seed: 1}
            cpu: {count: 2}
            device: {profile: latency-100us, capacity: 1GiB, rotational: true, servers: 1,
                     read_time: lognormal:13.65us:0.1, write_time: lognormal:13.65us:0.1,
                     flush_time: lognormal:515us:0.3, link_bandwidth: 0, write_cache: true, fua: false,
                     max_hw_sectors_kb: 1280}
            block: {scheduler: none}
            fs: {type: ext4, first_sector: 0}
            """;
    private static final long JOURNAL_FIRST = 131072L * 8;

    private List<JobSpec> specs(String jobs) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), dir).parse(jobs, "t.fio", dir);
        List<JobSpec> specs = new ArrayList<>();
        for (JobFile.Section s : f.jobs()) {
            specs.add(JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), false, null).spec());
        }
        return specs;
    }

    /** Runs {@code job}; returns its D events (rwbs, sector, sectors) and fills {@code stats}. */
    private List<String[]> run(String job, JobStats[] stats) throws IOException {
        Path trace = dir.resolve("t.txt");
        ConfigNode cfg = ConfigNode.parseYaml(new StringReader(EXT4), "stack.yaml");
        RunResult r = Simulation.run(cfg, specs(job), 400, io.stacksim.block.trace.TraceOutput.of(trace, null), false, false, dir);
        stats[0] = r.jobs().get(0).stats();
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            String[] f = line.trim().split("\\s+");
            int d = f.length > 6 && f[5].equals("D") && !f[4].equals("D") ? 5 : 4;
            if (f.length > d + 1 && f[d].equals("D")) {
                out.add(f[d + 1].equals("FN") ? new String[] {"FN", "-1", "0"} : new String[] {f[d + 1], f[d + 2], f[d + 4]});
            }
        }
        return out;
    }

    /**
     * examples/ext4/sync-file-range.fio: 200 appends of 4 KiB, sync_file_range with all three
     * flags every 8. The 24 calls (none after the last write: no I/O follows it) each write the
     * 8 pages the writes since the last call dirtied, one 64-sector REQ_SYNC request, in order
     * from the file's start (fio's first range starts at 0); the fallocated extents' conversion
     * at I/O completion is journalled but nothing commits it (no fsync, and the commit timer's
     * 5 s are past the job), so there is no journal write and no flush.
     */
    @Test
    void everyEighthWriteSyncsTheRangeWrittenSinceTheLastOneAndNothingElse() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String job = Files.readString(root.resolve("examples/ext4/sync-file-range.fio")).replace("${DIR}", "/");
        JobStats[] st = new JobStats[1];
        List<String[]> d = run(job, st);
        assertThat(d).hasSize(24);
        long first = Long.parseLong(d.get(0)[1]);
        for (int i = 0; i < d.size(); i++) {
            assertThat(d.get(i)[0]).isEqualTo("WS");
            assertThat(Long.parseLong(d.get(i)[2])).isEqualTo(64);
            assertThat(Long.parseLong(d.get(i)[1])).isEqualTo(first + 64L * i).isLessThan(JOURNAL_FIRST);
        }
        // fio 3.33's accounting: in the sync latencies, not in sync total_ios; the count shows as the writes' short_ios.
        assertThat(st[0].syncStat.samples()).isEqualTo(24);
        assertThat(st[0].totalIos[JobStats.SYNC]).isZero();
        assertThat(st[0].totalIos[JobStats.SYNC_FILE_RANGE]).isEqualTo(24);
        assertThat(st[0].printedShort(JobStats.WRITE)).isEqualTo(24);
    }

    /** WRITE alone is WB_SYNC_NONE: the same requests without REQ_SYNC. */
    @Test
    void writeAloneStartsAsynchronousWriteback() throws IOException {
        String job = "[w]\nfilename=/w.dat\nrw=write\nbs=4k\nsize=64k\nsync_file_range=write:4\n";
        List<String[]> d = run(job, new JobStats[1]);
        assertThat(d).extracting(e -> e[0]).containsOnly("W");
        assertThat(d).extracting(e -> e[2]).containsOnly("32");
        assertThat(d).hasSize(3); // after writes 4, 8, 12; the last four are left dirty
    }

    /**
     * The range is f->first_write .. f->last_write of the writes completed since the last
     * sync, whatever their order: random writes of 4 KiB over 64 KiB, a call every 4, write
     * only the pages those four dirtied (the range may hold clean pages between them).
     */
    @Test
    void theRangeSpansTheWritesSinceTheLastSync() throws IOException {
        String job = "[w]\nfilename=/w.dat\nrw=randwrite\nbs=4k\nsize=64k\nsync_file_range=wait_before,write,wait_after:4\n";
        JobStats[] st = new JobStats[1];
        List<String[]> d = run(job, st);
        long sectors = d.stream().mapToLong(e -> Long.parseLong(e[2])).sum();
        assertThat(st[0].totalIos[JobStats.SYNC_FILE_RANGE]).isEqualTo(3);
        assertThat(sectors).as("12 pages synced, each once").isEqualTo(12 * 8);
    }

    @Test
    void badFlagsAndUnsupportedEnginesAreOneLineErrors() {
        assertThatThrownBy(() -> specs("[w]\nfilename=/w\nrw=write\nsize=4k\nsync_file_range=flush:8\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.fio:5").hasMessageContaining("expected wait_before, write and/or wait_after");
        assertThatThrownBy(() -> specs("[w]\nfilename=/w\nrw=write\nsize=4k\nioengine=io_uring\nsync_file_range=write:8\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.fio:6").hasMessageContaining("not io_uring");
    }
}
