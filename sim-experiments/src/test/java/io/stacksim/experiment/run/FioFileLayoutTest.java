package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.fs.SimFile;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * fio's file layout in the run (filesetup.c setup_files / extend_file / fallocate_file,
 * backend.c's unlink paths) through ext4's calls: checked against fio's rules for what each
 * option does to the file, and against the real traces of docs/measurements/ext4 (Linux 6.18,
 * fio 3.33 on ext4 over loop0) request by request in kind and count.
 */
class FioFileLayoutTest {
    @TempDir
    Path dir;

    /** A 1 GiB ext4 on a device with a volatile cache and no FUA, as loop0 in the captures. */
    private static final String EXT4 = """
            run: {seed: 1}
            cpu: {count: 2}
            device: {profile: latency-100us, capacity: 1GiB, rotational: true, servers: 1,
                     read_time: lognormal:13.65us:0.1, write_time: lognormal:13.65us:0.1,
                     flush_time: lognormal:515us:0.3, link_bandwidth: 0, write_cache: true, fua: false,
                     max_hw_sectors_kb: 1280}
            block: {scheduler: none}
            fs: {type: ext4, first_sector: 0%s}
            """;

    private static String stack(String fsExtra) {
        return EXT4.formatted(fsExtra);
    }

    private static List<JobSpec> specs(Path dir, String jobs) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), dir).parse(jobs, "t.fio", dir);
        List<JobSpec> specs = new ArrayList<>();
        for (JobFile.Section s : f.jobs()) {
            specs.add(JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), false, null).spec());
        }
        return specs;
    }

    /** Runs {@code jobs} on the stack and hands back the stack, to look at its files. */
    private Stack runOn(String stackYaml, String jobs) {
        ConfigNode root = ConfigNode.parseYaml(new StringReader(stackYaml), "stack.yaml");
        Stack stack = new Stack(root, 1);
        Simulation.runOn(stack, root, specs(dir, jobs), dir);
        return stack;
    }

    /** Extent rows (logical, physical, length, unwritten) of {@code f}. */
    private static List<long[]> extents(Stack s, SimFile f) {
        return s.fs.ext4().extents(f);
    }

    private static long blocks(List<long[]> ext, boolean unwritten) {
        return ext.stream().filter(e -> (e[3] == 1) == unwritten).mapToLong(e -> e[2]).sum();
    }

    // ------------------------------------------------------------------ fallocate= and the layout

    /**
     * fallocate_file with create_only=1 (setup_files, then no I/O): native and posix are
     * fallocate mode 0 over [0, size) - unwritten extents and i_size set (ext4_fallocate);
     * keep the same with FALLOC_FL_KEEP_SIZE - i_size stays 0; truncate an ftruncate - i_size
     * set, no block allocated; none leaves the file empty. A write job without overwrite
     * writes nothing at layout time (extend_file's new_layout is 0).
     */
    @ParameterizedTest
    @CsvSource({"native, 262144, 64", "posix, 262144, 64", "keep, 0, 64", "truncate, 262144, 0", "none, 0, 0"})
    void fallocateModesLayAWriteJobsNewFileOutAsFallocateFileDoes(String mode, long size, long unwrittenBlocks) {
        Stack s = runOn(stack(""), "[w]\nfilename=/mnt/f\nrw=write\nsize=256k\ncreate_only=1\nfallocate=" + mode + "\n");
        SimFile f = s.fs.lookup("/mnt/f");
        assertThat(f).isNotNull();
        assertThat(f.size()).isEqualTo(size);
        List<long[]> ext = extents(s, f);
        assertThat(blocks(ext, true)).isEqualTo(unwrittenBlocks);
        assertThat(blocks(ext, false)).isZero();
    }

    /**
     * extend_file's new layout for a read job: the file is created, fallocated, truncated to
     * its size and written in full with the largest write block size, then synced
     * (create_fsync=1): every block written, none unwritten; the job's reads then find it on
     * the device (its pages were dropped by the layout's POSIX_FADV_DONTNEED).
     */
    @Test
    void aReadJobOnANewFileIsWrittenOutInFullBeforeItReads() throws IOException {
        Path trace = dir.resolve("t.txt");
        ConfigNode root = ConfigNode.parseYaml(new StringReader(stack("")), "stack.yaml");
        Simulation.run(root, specs(dir, "[r]\nfilename=/mnt/r\nrw=read\nbs=64k\nsize=256k\n"), 400,
                io.stacksim.block.trace.TraceOutput.of(trace, null), false, false, dir);
        long dataWriteSectors = 0;
        long readSectors = 0;
        for (String[] d : dEvents(Files.readAllLines(trace))) {
            long sector = Long.parseLong(d[1]);
            if (d[0].contains("W") && sector < JOURNAL_FIRST) {
                dataWriteSectors += Long.parseLong(d[2]);
            } else if (d[0].contains("R") && !d[0].contains("M")) {
                readSectors += Long.parseLong(d[2]);
            }
        }
        assertThat(dataWriteSectors).as("the layout's zeroes").isEqualTo(256 * 2);
        assertThat(readSectors).as("the job's reads, from the device").isEqualTo(256 * 2);
        Stack s = runOn(stack(""), "[r]\nfilename=/mnt/r\nrw=read\nbs=64k\nsize=256k\n");
        List<long[]> ext = extents(s, s.fs.lookup("/mnt/r"));
        assertThat(blocks(ext, false)).isEqualTo(64);
        assertThat(blocks(ext, true)).isZero();
    }

    /**
     * create_on_open=1: setup_files lays nothing out (no FIO_FILE_EXTEND), so create_only finds
     * no file made; without create_only the job's open (O_CREAT) makes each file empty, with
     * no fallocate, so its buffered writes are delayed allocations: no block mapped yet.
     */
    @Test
    void createOnOpenLeavesTheFileToTheJobsOpenWithNoFallocate() {
        Stack only = runOn(stack(""), "[c]\ndirectory=/mnt\nnrfiles=3\nfilesize=8k\nrw=write\ncreate_on_open=1\ncreate_only=1\n");
        assertThat(only.fs.lookup("/mnt/c.0.0")).isNull();
        Stack run = runOn(stack(""), "[c]\ndirectory=/mnt\nnrfiles=3\nfilesize=8k\nrw=write\ncreate_on_open=1\n");
        Stack fallocated = runOn(stack(""), "[c]\ndirectory=/mnt\nnrfiles=3\nfilesize=8k\nrw=write\n");
        for (int i = 0; i < 3; i++) {
            SimFile f = run.fs.lookup("/mnt/c.0." + i);
            assertThat(f.size()).isEqualTo(8192);
            assertThat(extents(run, f)).isEmpty();
            assertThat(blocks(extents(fallocated, fallocated.fs.lookup("/mnt/c.0." + i)), true)).isEqualTo(2);
        }
    }

    /**
     * file_append: get_start_offset is the file's size, so the region is [size, size + io),
     * laid out by fallocate past the end without unlinking the file (extend_file keeps it).
     */
    @Test
    void fileAppendWritesPastTheExistingEnd() {
        Stack s = runOn(stack(", files: [{path: /mnt/a, size: 64k}]"),
                "[a]\nfilename=/mnt/a\nrw=write\nsize=32k\nfile_append=1\nend_fsync=1\n");
        SimFile f = s.fs.lookup("/mnt/a");
        assertThat(f.size()).isEqualTo(96 * 1024);
        List<long[]> ext = extents(s, f);
        assertThat(blocks(ext, false)).isEqualTo(24);
        assertThat(blocks(ext, true)).isZero();
    }

    /** A write job without overwrite unlinks a file too small for it and makes it anew (extend_file's unlink_file). */
    @Test
    void aWriteJobRemakesAnExistingFileThatIsTooSmall() {
        Stack s = runOn(stack(", files: [{path: /mnt/s, size: 16k}]"), "[s]\nfilename=/mnt/s\nrw=write\nsize=64k\ncreate_only=1\n");
        SimFile f = s.fs.lookup("/mnt/s");
        assertThat(f.size()).isEqualTo(65536);
        List<long[]> ext = extents(s, f);
        assertThat(blocks(ext, true)).as("all fallocated anew").isEqualTo(16);
        assertThat(blocks(ext, false)).isZero();
    }

    // ------------------------------------------------------------------ unlink

    /** unlink=1: close_and_free_files removes every file of the job at its end. */
    @Test
    void unlinkRemovesTheJobsFilesAtItsEnd() {
        Stack s = runOn(stack(""), "[u]\ndirectory=/mnt\nnrfiles=2\nsize=64k\nrw=write\nunlink=1\n");
        assertThat(s.fs.lookup("/mnt/u.0.0")).isNull();
        assertThat(s.fs.lookup("/mnt/u.0.1")).isNull();
        assertThat(s.fs.ext4().freeBlocks()).isEqualTo(runOn(stack(""), "[n]\nrw=write\nsize=4k\nfilename=/mnt/x\n"
                + "create_only=1\nfallocate=none\n").fs.ext4().freeBlocks());
    }

    /**
     * unlink_each_loop=1: between loops the files go (unlink_all_files), and the next loop's
     * open creates them empty, with no fallocate: the second loop's writes are delayed
     * allocations, so no block is mapped at the end, where without it the fallocated blocks stay
     * (written back by the second open's POSIX_FADV_DONTNEED, or still unwritten).
     */
    @Test
    void unlinkEachLoopMakesTheFileAnewForTheNextLoop() {
        Stack each = runOn(stack(""), "[l]\nfilename=/mnt/l\nrw=write\nsize=64k\nloops=2\nunlink_each_loop=1\n");
        Stack kept = runOn(stack(""), "[l]\nfilename=/mnt/l\nrw=write\nsize=64k\nloops=2\n");
        SimFile f = each.fs.lookup("/mnt/l");
        assertThat(f.size()).isEqualTo(65536);
        assertThat(extents(each, f)).isEmpty();
        List<long[]> k = extents(kept, kept.fs.lookup("/mnt/l"));
        assertThat(blocks(k, true) + blocks(k, false)).as("fallocated once, kept").isEqualTo(16);
    }

    // ------------------------------------------------------------------ against the real traces

    private static final long JOURNAL_FIRST = 1048576;
    private static final long JOURNAL_SECTORS = 65536;

    /** The D events of a blkparse text trace (real ftrace blk_classic or StackSim's): {rwbs, sector, sectors}. */
    private static List<String[]> dEvents(List<String> lines) {
        List<String[]> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            int d = f.length > 6 && f[5].equals("D") && !f[4].equals("D") ? 5 : 4;
            if (f.length <= d + 1 || !f[d].equals("D")) {
                continue;
            }
            String rwbs = f[d + 1];
            if (rwbs.equals("FN")) {
                out.add(new String[] {rwbs, "-1", "0"});
            } else {
                out.add(new String[] {rwbs, f[d + 2], f[d + 4]});
            }
        }
        return out;
    }

    /** data writes, journal writes, write sectors, flushes, FUA writes: summarise.py's counts. */
    private static long[] counts(List<String[]> events) {
        long[] c = new long[5];
        for (String[] e : events) {
            String rwbs = e[0];
            if (rwbs.equals("FN")) {
                c[3]++;
                continue;
            }
            if (!rwbs.contains("W")) {
                continue;
            }
            if (rwbs.substring(rwbs.indexOf('W') + 1).contains("F")) {
                c[4]++;
            }
            long sector = Long.parseLong(e[1]);
            c[sector >= JOURNAL_FIRST && sector < JOURNAL_FIRST + JOURNAL_SECTORS ? 1 : 0]++;
            c[2] += Long.parseLong(e[2]);
        }
        return c;
    }

    private static List<String> gz(Path p) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    /**
     * The patterns whose real counts the simulation reproduces exactly, totals over the whole
     * trace: the append job's file is made in the run and fallocated (every fsync commits the
     * extent conversion: 2 journal writes and 2 flushes); the overwrites of a file laid out
     * before the run (capture.sh prelayout: fs.files here) commit nothing with fdatasync or
     * O_DSYNC; the 1000 small files commit their creation each (the first with the superblock's
     * s_last_mounted), grow the root directory into an htree (7 leaf splits of 24 sectors each,
     * with the default all-zero hash seed here as with the capture's random one) and checkpoint
     * 20 times once the log is two thirds full; the 256 MiB file's one commit logs a revoke
     * block (the extent index block that conversion grew and merged back) and 8 metadata blocks;
     * sync_file_range every 8 appends writes each range (WB_SYNC_ALL) and nothing else.
     */
    @ParameterizedTest
    @CsvSource({"append-fsync, ''", "overwrite-fdatasync, /over.dat", "dsync, /over.dat", "small-files, ''",
            "seq-256m, ''", "sync-file-range, ''"})
    void theSimulatedTraceHasTheRealTracesCounts(String job, String present) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path real = root.resolve("docs/measurements/ext4/" + job + ".D.txt.gz");
        // The captures ran in the file system's root (DIR = the mount point).
        String text = Files.readString(root.resolve("examples/ext4/" + job + ".fio")).replace("${DIR}", "/");
        String fs = present.isEmpty() ? "" : ", files: [{path: " + present + ", size: 800k}]";
        Path trace = dir.resolve(job + ".txt");
        ConfigNode cfg = ConfigNode.parseYaml(new StringReader(stack(fs)), "stack.yaml");
        Simulation.run(cfg, specs(dir, text), 400, io.stacksim.block.trace.TraceOutput.of(trace, null), false, false, dir);
        long[] sim = counts(dEvents(Files.readAllLines(trace)));
        long[] want = counts(dEvents(gz(real)));
        assertThat(sim).as(job + ": data, journal, sectors, flushes, FUA").containsExactly(want);
    }

    /** The D events' times (s) and rwbs of a blkparse text trace: {time, rwbs, sector}. */
    private static List<String[]> timedD(List<String> lines) {
        List<String[]> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            boolean seq = f.length > 6 && f[5].equals("D") && !f[4].equals("D"); // blkparse: a sequence number
            int d = seq ? 5 : 4;
            if (f.length <= d + 1 || !f[d].equals("D")) {
                continue;
            }
            out.add(new String[] {f[seq ? 3 : 2], f[d + 1], f[d + 1].equals("FN") ? "-1" : f[d + 2]});
        }
        return out;
    }

    /**
     * loop's flush time as a capture measured it (examples/ext4/flush-quantiles.py): from each
     * empty flush's dispatch to the next request's, its quantiles at 0, 1/40, .., 1.
     */
    private static String measuredFlushTime(List<String[]> real) {
        List<Double> d = new ArrayList<>();
        for (int i = 0; i + 1 < real.size(); i++) {
            if (real.get(i)[1].equals("FN")) {
                d.add(Double.parseDouble(real.get(i + 1)[0]) - Double.parseDouble(real.get(i)[0]));
            }
        }
        d.sort(null);
        StringBuilder sb = new StringBuilder("empirical:");
        for (int k = 0; k <= 40; k++) {
            double x = d.get(Math.min(d.size() - 1, (int) Math.round(k * (d.size() - 1) / 40.0)));
            sb.append(k == 0 ? "" : ",").append(Math.max(1, Math.round(x * 1e6))).append("us");
        }
        return sb.toString();
    }

    private static boolean nearTick(long ns, long jiffy) {
        long in = ns % jiffy;
        return in < 200_000 || in > jiffy - 200_000;
    }

    /** Per data write of {@code events}: whether a journal write follows it before the next data write. */
    private static List<double[]> writesAndCommits(List<String[]> events) {
        List<double[]> w = new ArrayList<>();
        for (String[] e : events) {
            if (e[1].equals("FN") || !e[1].contains("W")) {
                continue;
            }
            long sector = Long.parseLong(e[2]);
            boolean journal = sector >= JOURNAL_FIRST && sector < JOURNAL_FIRST + JOURNAL_SECTORS;
            if (!journal) {
                w.add(new double[] {Double.parseDouble(e[0]), 0});
            } else if (!w.isEmpty()) {
                w.get(w.size() - 1)[1] = 1;
            }
        }
        return w;
    }

    /**
     * O_DIRECT|O_SYNC overwrites (generic_write_sync with fsync semantics) commit exactly when
     * the write changed mtime: file_update_time takes the coarse clock, which ticks once a jiffy
     * (4 ms at HZ=250), so a write commits iff a tick fell since the previous write. The real
     * captures follow that rule with no exception on a 4 ms grid (docs/ext4.md), so the commit
     * count follows the time a write takes, mostly loop's flush (an fsync of the backing file,
     * whose time is the host's): with the capture's own flush times the simulation commits
     * about as often as the capture did (103 of 200).
     */
    @Test
    void directSyncWritesCommitExactlyWhenTheCoarseClockTickedSinceThePreviousWrite() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String[]> real = timedD(gz(root.resolve("docs/measurements/ext4/direct-sync.D.txt.gz")));
        String text = Files.readString(root.resolve("examples/ext4/direct-sync.fio")).replace("${DIR}", "/");
        String yaml = stack(", files: [{path: /over.dat, size: 800k}]")
                .replace("lognormal:515us:0.3", "'" + measuredFlushTime(real) + "'");
        Path trace = dir.resolve("direct-sync.txt");
        ConfigNode cfg = ConfigNode.parseYaml(new StringReader(yaml), "stack.yaml");
        Simulation.run(cfg, specs(dir, text), 400, io.stacksim.block.trace.TraceOutput.of(trace, null), false, false, dir);
        List<double[]> w = writesAndCommits(timedD(Files.readAllLines(trace)));
        assertThat(w).hasSize(200);
        long jiffy = io.stacksim.fs.FileTimes.JIFFY_NS;
        int commits = 0;
        for (int i = 1; i < w.size(); i++) {
            long prev = Math.round(w.get(i - 1)[0] * 1e9);
            long now = Math.round(w.get(i)[0] * 1e9);
            commits += (int) w.get(i)[1];
            if (nearTick(now, jiffy) || nearTick(prev, jiffy)) {
                continue; // the trace's times start at its first event, a few us into the run: either way
            }
            boolean ticked = now / jiffy != prev / jiffy;
            assertThat(w.get(i)[1] == 1).as("write %d at %d ns, previous at %d ns", i, now, prev).isEqualTo(ticked);
        }
        int realCommits = (int) writesAndCommits(real).stream().skip(1).filter(x -> x[1] == 1).count();
        assertThat(realCommits).isEqualTo(102);
        assertThat(commits).as("commits of writes 2-200, real %d", realCommits).isBetween(88, 118);
    }
}
