package io.stacksim.workload.fio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileParserTest {
    @TempDir
    Path dir;

    private JobFileParser parser(Map<String, String> env) {
        return new JobFileParser(env::get, new JobFileParser.Keywords(4096, 8192, 2), dir);
    }

    private JobFile parse(String text) {
        return parser(Map.of()).parse(text, "t.fio", dir);
    }

    private static Map<String, String> opts(List<JobFile.Option> o) {
        return o.stream().collect(Collectors.toMap(JobFile.Option::key, x -> x.value() == null ? "<none>" : x.value(),
                (a, b) -> b, java.util.LinkedHashMap::new));
    }

    @Test
    void aGlobalSectionAppliesOnlyToTheJobsBelowIt() {
        JobFile f = parse("""
                [global]
                bs=8k
                [a]
                rw=read
                [global]
                bs=16k
                iodepth=4
                [b]
                rw=write
                """);
        assertThat(f.jobs()).extracting(JobFile.Section::name).containsExactly("a", "b");
        assertThat(opts(f.effectiveOptions(f.jobs().get(0)))).containsExactly(Map.entry("bs", "8k"), Map.entry("rw", "read"));
        assertThat(opts(f.effectiveOptions(f.jobs().get(1)))).containsEntry("bs", "16k").containsEntry("iodepth", "4");
        JobSpec a = JobTranslator.translate("a", f.effectiveOptions(f.jobs().get(0)), f.jobs().get(0).options(), false,
                JobSpec.Size.bytes(1 << 20)).spec();
        JobSpec b = JobTranslator.translate("b", f.effectiveOptions(f.jobs().get(1)), f.jobs().get(1).options(), false,
                JobSpec.Size.bytes(1 << 20)).spec();
        assertThat(a.bs()).isEqualTo(8192);
        assertThat(b.bs()).isEqualTo(16384);
        assertThat(a.iodepth()).isEqualTo(1);
        assertThat(b.iodepth()).isEqualTo(4);
    }

    @Test
    void commentsEndTheLineWhereverTheyStart() {
        JobFile f = parse("""
                ; a comment
                # another
                [j] ; trailing
                rw=randread # random
                bs=4k;8k
                """);
        assertThat(opts(f.jobs().get(0).options())).containsExactly(Map.entry("rw", "randread"), Map.entry("bs", "4k"));
    }

    @Test
    void includesResolveNextToTheJobFileThenInTheCurrentDirectory() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("jobs"));
        Files.writeString(sub.resolve("near.fio"), "size=1m\ninclude far.fio\n");
        Files.writeString(dir.resolve("far.fio"), "runtime=3\n");
        Path job = sub.resolve("main.fio");
        Files.writeString(job, "[global]\ninclude near.fio\n[j]\nrw=read\n");
        JobFile f = parser(Map.of()).parse(job);
        assertThat(opts(f.effectiveOptions(f.jobs().get(0))))
                .containsExactly(Map.entry("size", "1m"), Map.entry("runtime", "3"), Map.entry("rw", "read"));
    }

    @Test
    void anIncludedFileMayNotStartASection() throws Exception {
        Files.writeString(dir.resolve("bad.fio"), "[oops]\n");
        assertThatThrownBy(() -> parse("[j]\ninclude bad.fio\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.fio:1").hasMessageContaining("section");
        assertThatThrownBy(() -> parse("[j]\ninclude missing.fio\n"))
                .hasMessageContaining("t.fio:2").hasMessageContaining("not found");
    }

    @Test
    void environmentVariablesAndReservedKeywordsAreSubstituted() {
        JobFile f = parser(Map.of("FIO_SIZE", "32m")).parse("""
                [j]
                size=${FIO_SIZE}
                filename=${UNSET}x
                numjobs=$ncpus
                io_size=8*$mb_memory
                bs=$pagesize
                """, "t.fio", dir);
        assertThat(opts(f.jobs().get(0).options())).containsExactly(Map.entry("size", "32m"), Map.entry("filename", "x"),
                Map.entry("numjobs", "2"), Map.entry("io_size", "65536"), Map.entry("bs", "4096"));
    }

    @Test
    void aMisspeltOptionIsAnErrorNamingTheFileLineAndTheClosestName() {
        assertThatThrownBy(() -> parse("[j]\nrw=read\niodepht=4\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.fio:3: unknown fio option 'iodepht'; did you mean 'iodepth'?");
    }

    @Test
    void flagsMayBeBareButValuedOptionsMayNot() {
        JobFile f = parse("[j]\ntime_based\nnorandommap\nruntime=1\n");
        assertThat(f.jobs().get(0).options().get(0).value()).isNull();
        assertThatThrownBy(() -> parse("[j]\nbs\n")).hasMessageContaining("t.fio:2").hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("rw=read\n")).hasMessageContaining("outside of a [section]");
    }

    @Test
    void aJobRoundTripsThroughParseAndPrint() {
        JobFile f = parse("""
                [global]
                ioengine=libaio
                direct=1
                time_based
                runtime=2
                size=32m
                [mixed]
                rw=randrw:4
                rwmixread=70
                bssplit=4k/60:16k/30:64k/10,8k/100
                rate_iops=3000,1000
                random_distribution=zoned:60/10:30/20:10/70
                numjobs=2
                group_reporting
                [later]
                stonewall
                rw=read
                bsrange=4k-32k
                """);
        JobFile again = parse(f.format());
        assertThat(again.format()).isEqualTo(f.format());
        for (int i = 0; i < f.jobs().size(); i++) {
            JobFile.Section s = f.jobs().get(i);
            JobFile.Section t = again.jobs().get(i);
            JobSpec a = JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), false, null).spec();
            JobSpec b = JobTranslator.translate(t.name(), again.effectiveOptions(t), t.options(), false, null).spec();
            assertThat(b).isEqualTo(a);
        }
    }
}
