package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCliTest {
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

    private Path sweepFile() throws IOException {
        Path f = tmp.resolve("small.yaml");
        Files.writeString(f, """
                name: small
                seed: 3
                replications: 2
                base:
                  device: {profile: ramdisk}
                  workload: {rw: randread, bs: 4k, size: 16m, ioengine: libaio, direct: 1, number_ios: 600}
                axes: [{name: qd, label: iodepth (I/Os in flight), path: workload.iodepth, values: [1, 2, 4, 8, 16]}]
                metrics: [iops.total, lat.read.mean_us]
                charts: [{kind: line, name: iops, x: qd, y: iops.total, x_scale: log2}]
                """);
        return f;
    }

    @Test
    void aBadSweepFileIsOneLineAndExitCode2() throws IOException {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "name: bad\naxes:\n  - {name: qd, path: workload.iodepth, range: {from: 1, to: 8}}\n");
        Result r = run("sweep", f.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("stacksim: " + f + ":3: 'axes[0].range' needs exactly one of step, factor or count\n");
    }

    @Test
    void aBadShardIsExitCode2() throws IOException {
        Result r = run("sweep", sweepFile().toString(), "--shard", "4/3", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("stacksim: --shard 4/3: expected I/N");
    }

    @Test
    void shardsMergedByTheCliEqualTheWholeSweep() throws IOException {
        Path f = sweepFile();
        Result whole = run("sweep", f.toString(), "--out", tmp.resolve("whole").toString(), "--jobs", "2");
        assertThat(whole.code()).as(whole.err()).isZero();
        for (int i = 1; i <= 2; i++) {
            Result s = run("sweep", f.toString(), "--out", tmp.resolve("s" + i).toString(), "--shard", i + "/2", "--jobs", "1");
            assertThat(s.code()).as(s.err()).isZero();
            assertThat(s.out()).contains("shard " + i + "/2 stored in");
            assertThat(tmp.resolve("s" + i + "/report.html")).doesNotExist();
        }
        Result partial = run("merge", tmp.resolve("s1").toString(), "--out", tmp.resolve("m1").toString());
        assertThat(partial.code()).isEqualTo(2);
        assertThat(partial.err()).contains("5 of 10 runs are missing");

        Result m = run("merge", tmp.resolve("s1").toString(), tmp.resolve("s2").toString(), "--out", tmp.resolve("merged").toString());
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(Files.readString(tmp.resolve("merged/runs.csv"))).isEqualTo(Files.readString(tmp.resolve("whole/runs.csv")));
        assertThat(Files.readString(tmp.resolve("merged/summary.csv"))).isEqualTo(Files.readString(tmp.resolve("whole/summary.csv")));
        assertThat(tmp.resolve("merged/charts/iops.png")).isNotEmptyFile();
        String report = Files.readString(tmp.resolve("merged/report.md"));
        assertThat(report).contains("--shard 1/2").contains("--shard 2/2").contains("stacksim merge");
    }

    @Test
    void rerunningTheResolvedSweepFileGivesTheSameRunsCsv() throws IOException {
        Result first = run("sweep", sweepFile().toString(), "--out", tmp.resolve("a").toString());
        assertThat(first.code()).as(first.err()).isZero();
        Result again = run("sweep", tmp.resolve("a/sweep.yaml").toString(), "--out", tmp.resolve("b").toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readString(tmp.resolve("b/runs.csv"))).isEqualTo(Files.readString(tmp.resolve("a/runs.csv")));
        assertThat(Files.readString(tmp.resolve("a/points/point-002.yaml"))).contains("iodepth: 4")
                .contains("# Reproduce one run: stacksim run points/point-002.yaml --set run.seed=SEED");
    }

    @Test
    void experimentListNamesTheCatalog() {
        Result r = run("experiment", "--list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("queue-depth").contains("io-modes").contains("schedulers");
        assertThat(run("experiment").code()).isEqualTo(2);
    }

    @Test
    void aBaseConfigFileIsReadRelativeToTheSweepFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sweeps"));
        Files.writeString(dir.resolve("base.yaml"), """
                run: {seed: 9}
                device: {profile: ramdisk}
                workload: {rw: randread, bs: 4k, size: 16m, direct: 1, number_ios: 300}
                """);
        Files.writeString(dir.resolve("s.yaml"), """
                base: base.yaml
                axes: [{name: engine, path: workload.ioengine, values: [psync, libaio]}]
                """);
        Result r = run("sweep", dir.resolve("s.yaml").toString(), "--out", tmp.resolve("rel").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("rel/runs.csv")).lines()).hasSize(3);
        assertThat(Files.readString(tmp.resolve("rel/sweep.yaml"))).contains("seed: 9").contains("profile: ramdisk");
    }
}
