package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one CLI invocation. */
    record Outcome(int code, String out, String err) {
    }

    static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    private Path config(String text) throws IOException {
        Path p = dir.resolve("c.yaml");
        Files.writeString(p, text);
        return p;
    }

    private static final String SMALL = """
            run:
              seed: 7
            device:
              profile: latency-100us
              read_time: exp:100us
            block:
              scheduler: none
            workload:
              rw: randread
              size: 64m
              ioengine: libaio
              iodepth: 4
              direct: 1
              number_ios: 2000
            """;

    @Test
    void quickstartExampleRunsAndPrintsAFioLikeSummary() {
        Path quickstart = Path.of("../examples/quickstart.yaml");
        Outcome o = cli("run", quickstart.toString(), "--set", "workload.number_ios=2000");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("read: IOPS=").contains("clat percentiles (usec)")
                .contains("where the time went").contains("Disk stats (read/write):");
    }

    @Test
    void sameSeedGivesByteIdenticalJsonAndAnotherSeedOtherLatencies() throws IOException {
        Path c = config(SMALL);
        Outcome a = cli("run", c.toString(), "--format", "json");
        Outcome b = cli("run", c.toString(), "--format", "json");
        Outcome other = cli("run", c.toString(), "--format", "json", "--set", "run.seed=8");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(other.out()).isNotEqualTo(a.out());
        assertThat(metric(other.out(), "lat.read.mean_us")).isNotEqualTo(metric(a.out(), "lat.read.mean_us"));
    }

    private static String metric(String json, String key) {
        int i = json.indexOf("\"" + key + "\"");
        assertThat(i).as("metric %s in output", key).isPositive();
        return json.substring(i, json.indexOf('\n', i));
    }

    @Test
    void misspeltKeyExitsTwoWithOneLineNamingTheKey() throws IOException {
        Path c = config(SMALL.replace("scheduler: none", "schedular: none"));
        Outcome o = cli("run", c.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.out()).isEmpty();
        assertThat(o.err().strip()).doesNotContain("\n").contains("c.yaml:7: unknown key 'block.schedular'")
                .contains("did you mean 'block.scheduler'");
    }

    @Test
    void badFlagValueAndMissingFileExitTwoWithoutAStackTrace() throws IOException {
        Outcome badFormat = cli("run", config(SMALL).toString(), "--format", "xml");
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err()).doesNotContain("at io.").contains("--format");
        Outcome missing = cli("run", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).endsWith("nope.yaml: no such file (expected a YAML config)");
        Outcome badSet = cli("run", config(SMALL).toString(), "--set", "workload.bs=huge");
        assertThat(badSet.code()).isEqualTo(2);
        assertThat(badSet.err()).contains("--set workload.bs: 'workload.bs': expected a size");
    }

    @Test
    void anOutputFileThatIsAnInputIsRefusedAndTheInputIsLeftAsItWas() throws IOException {
        Path c = config(SMALL);
        String before = Files.readString(c);
        Outcome run = cli("run", c.toString(), "--blktrace", c.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n").contains("--blktrace").contains("is an input of this command");
        Path job = dir.resolve("j.fio");
        Files.writeString(job, "[j]\nrw=read\nsize=1m\nnumber_ios=4\n");
        Outcome fio = cli("fio", job.toString(), "--output", job.toString());
        assertThat(fio.code()).isEqualTo(2);
        assertThat(fio.err().strip()).doesNotContain("\n").contains("--output").contains("is an input of this command");
        Outcome stack = cli("fio", job.toString(), "--stack", c.toString(), "--blktrace", c.toString());
        assertThat(stack.code()).isEqualTo(2);
        assertThat(stack.err()).contains("--blktrace").contains("is an input of this command");
        assertThat(Files.readString(c)).as("the config is not overwritten").isEqualTo(before);
        assertThat(Files.readString(job)).isEqualTo("[j]\nrw=read\nsize=1m\nnumber_ios=4\n");
    }
}
