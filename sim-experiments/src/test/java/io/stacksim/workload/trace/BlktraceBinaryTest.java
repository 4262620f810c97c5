package io.stacksim.workload.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.block.trace.TraceOutput;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.SharedData;
import io.stacksim.experiment.run.Simulation;
import java.io.File;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blktrace's binary format, out of a run and back in, against real blkparse and its documented layout. */
class BlktraceBinaryTest {
    private static List<TraceRecord> all(TraceReader r) {
        List<TraceRecord> out = new ArrayList<>();
        for (TraceRecord t; (t = r.next()) != null; ) {
            out.add(t);
        }
        r.close();
        return out;
    }

    private static void runWithTraces(Path text, Path bin, String extra) {
        Simulation.run(ConfigNode.parseYaml(new StringReader("""
                run: {seed: 7}
                fs: {type: raw}   # the trace's record layout, not a file system's I/O
                device: {profile: nvme-gen4}
                block: {scheduler: mq-deadline}
                workload: {rw: randrw, bs: 4k, size: 64m, ioengine: libaio, iodepth: 4, direct: 1, number_ios: 400%s}
                """.formatted(extra)), "t.yaml"), TraceOutput.of(text, bin), false);
    }

    /**
     * The loop0 capture as real blkparse printed it (text) and as v7 binary files (per CPU): both
     * readers give the same bios, pids and commands.
     */
    @Test
    void theBinaryReaderReadsTheLoop0CaptureAsBlkparseDid() {
        Path dir = SharedData.file("samples/loop0-blktrace-bin");
        List<TraceRecord> text = all(TraceReader.open(SharedData.file("samples/loop0.blkparse.txt"), "blkparse"));
        List<TraceRecord> perCpu = all(TraceReader.open(dir.resolve("loop0.blktrace.0"), "auto"));
        List<TraceRecord> folder = all(TraceReader.open(dir, "auto"));
        // the text's times are relative to its first event; the binary's are the kernel clock's
        long base = folder.get(0).timeNs();
        List<TraceRecord> rebased = folder.stream().map(r -> new TraceRecord(r.timeNs() - base, r.op(), r.flags(),
                r.sector(), r.sectors(), r.pid(), r.isUnplug() ? null : r.comm())).toList();
        assertThat(rebased).isEqualTo(text);
        assertThat(perCpu).hasSameSizeAs(folder); // CPU1 holds completions only
    }

    /** A run's binary trace reads back as the same bios as its blkparse text. */
    @Test
    void aRunsBinaryTraceReadsBackAsItsText(@TempDir Path dir) {
        runWithTraces(dir.resolve("t.txt"), dir.resolve("bin"), "");
        List<TraceRecord> text = all(TraceReader.open(dir.resolve("t.txt"), "auto"));
        List<TraceRecord> bin = all(TraceReader.open(dir.resolve("bin"), "auto"));
        long base = bin.get(0).timeNs();
        assertThat(bin.stream().map(r -> new TraceRecord(r.timeNs() - base, r.op(), r.flags(), r.sector(), r.sectors(),
                r.pid(), r.comm())).toList()).isEqualTo(text);
        assertThat(text).hasSize(400 + (int) text.stream().filter(TraceRecord::isUnplug).count());
    }

    /**
     * The layout of include/uapi/linux/blktrace_api.h: 48-byte records, magic 0x65617407, the
     * first record the pid's BLK_TN_PROCESS note (NOTIFY category) with its 16-byte comm, then a
     * queue event with action __BLK_TA_QUEUE | BLK_TC_QUEUE and the direction's category.
     */
    @Test
    void recordsHaveTheKernelsLayout(@TempDir Path dir) throws Exception {
        runWithTraces(null, dir, "");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("nvme0n1.blktrace.0"))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0x65617407);
        assertThat(b.getInt(28)).isEqualTo(1 << (10 + 16)); // BLK_TC_NOTIFY, __BLK_TN_PROCESS
        assertThat(b.getShort(46)).isEqualTo((short) 16);
        assertThat(new String(b.array(), 48, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("fio");
        int q = 48 + 16;
        assertThat(b.getInt(q)).isEqualTo(0x65617407);
        assertThat(b.getInt(q + 4)).isEqualTo(1); // the CPU's first sequence number
        assertThat(b.getInt(q + 24)).isEqualTo(8 * 512 / 2 * 2); // bytes of a 4 KiB bio
        int action = b.getInt(q + 28);
        assertThat(action & 0xffff).isEqualTo(1); // __BLK_TA_QUEUE
        assertThat(action & (1 << (4 + 16))).isNotZero(); // BLK_TC_QUEUE
        assertThat(action & (3 << 16)).isIn(1 << 16, 2 << 16); // BLK_TC_READ or BLK_TC_WRITE
        assertThat(b.getInt(q + 36)).isEqualTo(259 << 20); // dev_t of nvme0n1: MAJOR << 20 | MINOR
    }

    /** Where blkparse is installed, its text from the binary files is StackSim's own text, line for line. */
    @Test
    void blkparseOfTheBinaryFilesPrintsStackSimsText(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("blkparse"), "blkparse (Debian blktrace) is not installed: test skipped");
        runWithTraces(dir.resolve("t.txt"), dir.resolve("bin"), "");
        assertThat(blkparse(dir)).isEqualTo(Files.readAllLines(dir.resolve("t.txt")));
    }

    /**
     * Two jobs on two CPUs, on ext4 (its layout writes and journal thread): blkparse prints StackSim's text line for line, ties of one nanosecond on two
     * CPUs included, since the text is merged from its per-CPU streams as blkparse merges the
     * per-CPU files.
     */
    @Test
    void blkparseOfTwoCpusFilesPrintsStackSimsText(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("blkparse"), "blkparse (Debian blktrace) is not installed: test skipped");
        Simulation.run(ConfigNode.parseYaml(new StringReader("""
                run: {seed: 7}
                cpu: {count: 4}
                device: {profile: nvme-gen4}
                workload: {rw: randrw, bs: 4k, size: 16m, ioengine: libaio, iodepth: 4, direct: 1, number_ios: 400, numjobs: 2}
                """), "t.yaml"), TraceOutput.of(dir.resolve("t.txt"), dir.resolve("bin")), false);
        List<String> ours = Files.readAllLines(dir.resolve("t.txt"));
        assertThat(ours).contains("Total (nvme0n1):");
        assertThat(blkparse(dir)).isEqualTo(ours);
    }

    private static List<String> blkparse(Path dir) throws Exception {
        Process p = new ProcessBuilder("blkparse", "-i", "nvme0n1", "-D", dir.resolve("bin").toString(), "-o",
                dir.resolve("p.txt").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readAllLines(dir.resolve("p.txt"));
    }

    @Test
    void theDetectorTellsEachFormatAndRefusesWhatFitsNone(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("a.csv"), "time_ns,op,sector,sectors\n0,W,2048,8\n");
        Path csv2 = Files.writeString(dir.resolve("b.csv"), "0,R,2048,8\n");
        Path msr = Files.writeString(dir.resolve("m.csv"), "128166372003061629,wdev,3,Write,3535761408,4096,1331\n");
        Path ds = Files.writeString(dir.resolve("d.trace"), "0.000000 0 1024 8 1\n");
        Path bp = Files.writeString(dir.resolve("p.txt"), "  8,0    0        1     0.000000000  1001  Q   R 8 + 8 [fio]\n");
        assertThat(TraceDetector.detect(csv)).isEqualTo("csv");
        assertThat(TraceDetector.detect(csv2)).isEqualTo("csv");
        assertThat(TraceDetector.detect(msr)).isEqualTo("msr");
        assertThat(TraceDetector.detect(ds)).isEqualTo("disksim");
        assertThat(TraceDetector.detect(bp)).isEqualTo("blkparse");
        Path junk = Files.writeString(dir.resolve("junk.txt"), "hello world\n");
        assertThatThrownBy(() -> TraceDetector.detect(junk)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("junk.txt: cannot tell the trace format (line 1 fits none of them); name it with --trace-format")
                .hasMessageNotContaining("hello");
        Path bin = Files.write(dir.resolve("x.bin"), new byte[] {1, 0, 2, 0});
        assertThatThrownBy(() -> TraceDetector.detect(bin)).hasMessageContaining("binary but has no blktrace magic");
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        assertThatThrownBy(() -> TraceDetector.detect(empty)).hasMessageContaining("the trace is empty");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        assertThatThrownBy(() -> TraceDetector.detect(folder)).hasMessageContaining("is a folder");
    }

    @Test
    void aCutShortBinaryTraceIsRefusedNamingTheByte(@TempDir Path dir) throws Exception {
        runWithTraces(null, dir.resolve("bin"), "");
        byte[] all = Files.readAllBytes(dir.resolve("bin/nvme0n1.blktrace.0"));
        Path cut = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(all, 48 + 16 + 48 + 20));
        assertThatThrownBy(() -> all(TraceReader.open(cut, "auto"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cut.bin: byte 112: expected a blktrace record (struct blk_io_trace version 7), got 20 bytes");
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, cmd))) {
                return true;
            }
        }
        return false;
    }
}
