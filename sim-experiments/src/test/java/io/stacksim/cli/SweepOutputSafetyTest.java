package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.experiment.sweep.SweepStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep's output folder is never damaged by a sweep that cannot run: every point is checked
 * before the folder is touched, and a folder another sweep is writing is refused.
 */
class SweepOutputSafetyTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private Path sweep(String name, String axisPath) throws IOException {
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, """
                name: safety
                base:
                  device: {profile: ramdisk}
                  workload: {rw: randread, bs: 4k, size: 16m, ioengine: psync, direct: 1, number_ios: 200}
                axes: [{name: bs, path: %s, values: [4k, 8k]}]
                """.formatted(axisPath));
        return f;
    }

    /** Every file under {@code dir} with the digest of its bytes and its modification time. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d) + " " + Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    @Test
    void aRerunWithAMisspeltAxisPathLeavesTheResultsFolderExactlyAsItWas() throws Exception {
        Path out = tmp.resolve("results");
        Result first = run("sweep", sweep("good", "workload.bs").toString(), "--out", out.toString(), "--jobs", "1");
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, String> before = snapshot(out);
        assertThat(before).containsKeys("runs.csv", "summary.csv", "report.md", "sweep.yaml");
        assertThat(before.keySet()).anyMatch(k -> k.startsWith("runs/") && k.endsWith(".json"));

        Result bad = run("sweep", sweep("bad", "workload.bz").toString(), "--out", out.toString(), "--jobs", "1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("bad.yaml:").contains("'base.workload.bz'").contains("not touched");
        assertThat(bad.err().lines().count()).isEqualTo(1);
        assertThat(snapshot(out)).isEqualTo(before);
    }

    @Test
    void aBadValueOnOneAxisPointIsRefusedBeforeTheFolderIsMade() throws Exception {
        Path f = tmp.resolve("neg.yaml");
        Files.writeString(f, """
                name: neg
                base:
                  device: {profile: ramdisk}
                  workload: {rw: randread, bs: 4k, size: 16m, ioengine: psync, direct: 1, number_ios: 200}
                axes: [{name: bs, path: workload.bs, values: [4k, -8k]}]
                """);
        Path out = tmp.resolve("never");
        Result r = run("sweep", f.toString(), "--out", out.toString(), "--jobs", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("neg.yaml:5").contains("bs=-8k");
        assertThat(out).doesNotExist();
    }

    @Test
    void aSecondSweepIntoAFolderInUseIsRefusedInOneLine() throws Exception {
        Path out = tmp.resolve("busy");
        try (SweepStore.Lock held = new SweepStore(out).lock("--out")) {
            Result r = run("sweep", sweep("good", "workload.bs").toString(), "--out", out.toString(), "--jobs", "1");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).startsWith("stacksim: --out " + out + ": another sweep is writing this folder");
            assertThat(r.err().lines().count()).isEqualTo(1);
            assertThat(out.resolve("runs.csv")).doesNotExist();
        }
        Result after = run("sweep", sweep("good", "workload.bs").toString(), "--out", out.toString(), "--jobs", "1");
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(out.resolve("runs.csv")).isNotEmptyFile();
    }

    @Test
    void aQuickExperimentWithoutOutWritesUnderTheScratchFolderNotResults() {
        Path dir = SweepExecution.defaultOut("queue-depth", true);
        assertThat(dir.toAbsolutePath().normalize().toString())
                .startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().toString())
                .doesNotContain("/results/");
        assertThat(SweepExecution.defaultOut("queue-depth", false)).isEqualTo(Path.of("results", "queue-depth"));
    }
}
