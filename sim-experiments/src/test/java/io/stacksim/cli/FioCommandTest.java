package io.stacksim.cli;

import static io.stacksim.cli.RunCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stacksim.experiment.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FioCommandTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** Every key path of a JSON document; the keys under "bins" are data (latencies), not structure. */
    static TreeSet<String> keyPaths(JsonNode n, String prefix, TreeSet<String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = prefix + "/" + e.getKey();
                out.add(p);
                if (!e.getKey().equals("bins")) {
                    keyPaths(e.getValue(), p, out);
                }
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                keyPaths(c, prefix + "[]", out);
            }
        }
        return out;
    }

    static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text.substring(text.indexOf('{')));
    }

    @Test
    void everySampleJobFileRunsAndItsJsonHasEveryKeyPathOfTheRealFioOutput() throws Exception {
        Path samples = SharedData.dir().resolve("samples");
        List<Path> jobs;
        try (Stream<Path> s = Files.list(samples)) {
            jobs = s.filter(p -> p.toString().endsWith(".fio") && !p.getFileName().toString().startsWith("common"))
                    .sorted().toList();
        }
        assertThat(jobs).isNotEmpty();
        for (Path job : jobs) {
            String base = job.getFileName().toString().replace(".fio", "");
            Path plus = samples.resolve(base + ".jsonplus.json");
            Path plain = samples.resolve(base + ".json");
            boolean isPlus = Files.exists(plus);
            RunCommandTest.Outcome o = cli("fio", job.toString(), "--output-format", isPlus ? "json+" : "json",
                    "--log-dir", dir.toString(), "--env", "FIO_SIZE=32m");
            assertThat(o.code()).as(base + ": " + o.err()).isZero();
            Path real = isPlus ? plus : plain;
            if (!Files.exists(real)) {
                continue;
            }
            TreeSet<String> want = keyPaths(json(Files.readString(real)), "", new TreeSet<>());
            TreeSet<String> got = keyPaths(json(o.out()), "", new TreeSet<>());
            TreeSet<String> missing = new TreeSet<>(want);
            missing.removeAll(got);
            assertThat(missing).as(base + ": key paths of the real fio JSON missing from StackSim's").isEmpty();
            assertThat(got).as(base).contains("/stacksim", "/stacksim/metrics");
        }
    }

    @Test
    void aTypoInAnOptionNameExitsTwoNamingTheFileAndLine() throws IOException {
        Path job = file("typo.fio", "[global]\nsize=16m\n\n[job]\nrw=randread\niodepht=8\n");
        RunCommandTest.Outcome o = cli("fio", job.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().trim()).isEqualTo("stacksim: " + job + ":6: unknown fio option 'iodepht'; did you mean 'iodepth'?");
    }

    @Test
    void anUnmodelledOptionExitsTwoUnlessLenientWhichRecordsAWarning() throws IOException {
        Path job = file("v.fio", "[j]\nsize=16m\nrw=write\nexperimental_verify=1\nnumber_ios=100\n");
        RunCommandTest.Outcome strict = cli("fio", job.toString());
        assertThat(strict.code()).isEqualTo(2);
        assertThat(strict.err()).contains(job + ":4: option 'experimental_verify' is not modelled by StackSim");
        RunCommandTest.Outcome lenient = cli("fio", job.toString(), "--lenient", "--output-format", "json");
        assertThat(lenient.code()).isZero();
        assertThat(lenient.err()).contains("warning").contains("verify");
        JsonNode w = json(lenient.out()).path("stacksim").path("warnings");
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.get(0).asText()).contains("v.fio:4").contains("verify");
    }

    @Test
    void theJsonIsByteForByteRepeatableAndStartsAtTheSimulatedEpoch() throws IOException {
        Path job = file("r.fio", "[j]\nsize=16m\nrw=randrw\nioengine=libaio\ndirect=1\niodepth=4\nnumber_ios=2000\n");
        RunCommandTest.Outcome a = cli("fio", job.toString(), "--output-format", "json+");
        RunCommandTest.Outcome b = cli("fio", job.toString(), "--output-format", "json+");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        JsonNode root = json(a.out());
        assertThat(root.path("timestamp").asLong()).isZero();
        assertThat(root.path("time").asText()).isEqualTo("Thu Jan  1 00:00:00 1970");
        assertThat(root.path("jobs").get(0).path("read").path("clat_ns").path("bins").size()).isPositive();
    }

    @Test
    void normalAndTerseOutputsReadLikeFios() throws IOException {
        Path job = file("n.fio", "[j]\nsize=16m\nrw=randread\ndirect=1\nnumber_ios=2000\n");
        // The 100 us generic device, so clat percentiles print in usec as fio would pick.
        RunCommandTest.Outcome o = cli("fio", job.toString(), "--output-format", "normal,terse",
                "--set", "device.profile=latency-100us");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("j: (g=0): rw=randread, bs=(R) 4096B-4096B")
                .contains("j: (groupid=0, jobs=1): err= 0:").contains("  read: IOPS=")
                .contains("    clat percentiles (usec):").contains("Run status group 0 (all jobs):")
                .contains("Disk stats (read/write):");
        String terse = o.out().lines().filter(l -> l.startsWith("3;fio-3.33;j;0;0;")).findFirst().orElseThrow();
        // Terse v3: 5 header fields, 41 per direction (4 totals, slat 4, clat 4, 20 percentiles,
        // lat 4, bw 5), 5 cpu, 7 depths, 10 + 12 latency buckets, then 9 disk fields - fio 3.33
        // prints the same 121 fields before the disk ones (checked with ioengine=null here).
        assertThat(terse.split(";")).hasSize(5 + 2 * 41 + 5 + 7 + 10 + 12 + 9);
    }

    @Test
    void compareWithARealRunPrintsRatiosAndTheDemeritFromJsonPlusBins() throws Exception {
        Path samples = SharedData.dir().resolve("samples");
        Path job = samples.resolve("fio-job3-buffered-write-fsync.fio");
        Path real = samples.resolve("fio-job3-buffered-write-fsync.jsonplus.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(job) && Files.exists(real), "job 3 sample absent");
        RunCommandTest.Outcome o = cli("fio", job.toString(), "--env", "FIO_SIZE=32m", "--compare", real.toString(),
                "--output", dir.resolve("sim.txt").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("Simulated vs real fio run:")
                .contains("buffered-seqwrite-sync write").contains("IOPS").contains("clat p99 (us)")
                .contains("uring-randread-thinktime read").contains("demerit").contains("% of the real clat mean")
                .contains("write merges").contains("util (%)");
    }

    @Test
    void theLoopExampleRunsBesideItsRealFioRun() {
        Path ex = Path.of("../examples/fio-loop");
        RunCommandTest.Outcome o = cli("fio", ex.resolve("randread-libaio-qd8.fio").toString(), "--stack",
                ex.resolve("loop0.yaml").toString(), "--env", "LOOPDEV=/dev/loop0", "--compare",
                ex.resolve("real-qd8.jsonplus.json").toString(), "--output", dir.resolve("sim.txt").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("randread-qd8 read").contains("disk loop0 vs loop0")
                .contains("demerit").contains("sim/real");
    }

    /**
     * fio --blktrace / --blktrace-binary write the job's block trace as run does: 16 direct 64 KiB
     * writes of a sequential job are 16 dispatched 128-sector writes in order, then end_fsync's
     * journal commit of the file fio made in the run (ext4_create and the writes' allocation):
     * the journal superblock (the first commit since mount), the descriptor, the five metadata
     * blocks (inode and block bitmaps, group descriptor, inode table block, directory block),
     * then the commit block with PREFLUSH|FUA, which carries the fsync's flush on this
     * FUA-capable NVMe profile; the binary files
     * read back as the same records as the text, and the JSON's end_fsync counts in neither
     * sync.total_ios nor sync.lat_ns.N (fio 3.33 here: both 0).
     */
    @Test
    void fioWritesTheBlockTraceAsRunDoesAndLeavesEndFsyncUncounted() throws Exception {
        Path job = file("w.fio", """
                [w]
                filename=data
                size=1m
                bs=64k
                rw=write
                direct=1
                end_fsync=1
                """);
        Path text = dir.resolve("w.blktrace.txt");
        Path bin = dir.resolve("bin");
        RunCommandTest.Outcome o = cli("fio", job.toString(), "--output-format", "json", "--blktrace", text.toString(),
                "--blktrace-binary", bin.toString(), "--set", "block.scheduler=none");
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode sync = json(o.out()).path("jobs").get(0).path("sync");
        assertThat(sync.path("total_ios").asLong()).isZero();
        assertThat(sync.path("lat_ns").path("N").asLong()).isZero();
        List<io.stacksim.workload.trace.TraceRecord> fromText = new java.util.ArrayList<>();
        io.stacksim.workload.trace.TraceReader r = io.stacksim.workload.trace.TraceReader.open(text, "auto");
        for (io.stacksim.workload.trace.TraceRecord t; (t = r.next()) != null; ) {
            fromText.add(t);
        }
        r.close();
        List<io.stacksim.workload.trace.TraceRecord> writes = fromText.stream()
                .filter(t -> !t.isUnplug() && t.op() == io.stacksim.block.Op.WRITE && t.sectors() > 0).toList();
        // 16 data writes, then the commit: journal superblock, descriptor, six metadata blocks (the
        // five of the file's creation and allocation, and block 0: the mount's first open records
        // s_last_mounted, ext4_sample_last_mounted), commit block.
        assertThat(writes).hasSize(16 + 9);
        List<io.stacksim.workload.trace.TraceRecord> journal = writes.subList(16, 25);
        for (int i = 0; i < journal.size(); i++) {
            assertThat(journal.get(i).sectors()).isEqualTo(8);
            assertThat(journal.get(i).comm()).startsWith("jbd2/");
            assertThat(journal.get(i).sector()).isEqualTo(journal.get(0).sector() + 8L * i);
        }
        // the commit block comes last and carries end_fsync's flush (the default device has a
        // volatile write cache and FUA): no separate flush is sent
        int barrier = io.stacksim.block.Bio.PREFLUSH | io.stacksim.block.Bio.FUA;
        assertThat(journal.get(8).flags() & barrier).isEqualTo(barrier);
        assertThat(fromText.get(fromText.size() - 1)).isEqualTo(journal.get(8));
        assertThat(fromText).filteredOn(t -> !t.isUnplug() && t.sectors() == 0).isEmpty();
        for (int i = 0; i < 16; i++) {
            assertThat(writes.get(i).sectors()).isEqualTo(128);
            assertThat(writes.get(i).sector()).isEqualTo(writes.get(0).sector() + 128L * i);
        }
        List<io.stacksim.workload.trace.TraceRecord> fromBin = new java.util.ArrayList<>();
        r = io.stacksim.workload.trace.TraceReader.open(bin, "auto");
        for (io.stacksim.workload.trace.TraceRecord t; (t = r.next()) != null; ) {
            fromBin.add(t);
        }
        r.close();
        assertThat(fromBin).hasSameSizeAs(fromText);
        assertThat(fromBin.stream().map(t -> t.sector() + "+" + t.sectors() + t.op()).toList())
                .isEqualTo(fromText.stream().map(t -> t.sector() + "+" + t.sectors() + t.op()).toList());
    }
}
