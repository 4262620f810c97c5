package io.stacksim.workload.fio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.workload.Distribution;
import io.stacksim.workload.IoEngines;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.Pattern;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTranslatorTest {

    private static JobTranslator.Result job(String body, boolean lenient) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse("[j]\n" + body, "t.fio", Path.of("."));
        JobFile.Section s = f.jobs().get(0);
        return JobTranslator.translate("j", f.effectiveOptions(s), s.options(), lenient, JobSpec.Size.bytes(1 << 20));
    }

    private static JobSpec spec(String body) {
        return job(body, false).spec();
    }

    /**
     * prio/prioclass as fio applies them (backend.c, os-linux.h ioprio_value): no ioprio_set when
     * both are 0; a level without a class is best-effort; a class without a level is level 0.
     * cgroup/cgroup_weight place the job; the root cgroup and weight 100 otherwise.
     */
    @Test
    void prioAndCgroupOptionsPlaceTheJobAsFioDoes() {
        assertThat(spec("rw=read\n").placement()).isEqualTo(JobSpec.Placement.DEFAULT);
        assertThat(spec("rw=read\nprioclass=2\nprio=7\n").placement())
                .isEqualTo(new JobSpec.Placement(2, 7, "/", 100));
        assertThat(spec("rw=read\nprio=3\n").placement().prioclass()).isEqualTo(2);
        assertThat(spec("rw=read\nprioclass=1\n").placement().prio()).isZero();
        assertThat(spec("rw=read\ncgroup=bfqA\ncgroup_weight=300\n").placement())
                .isEqualTo(new JobSpec.Placement(0, 0, "/bfqA", 300));
        assertThatThrownBy(() -> spec("rw=read\nprio=8\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prio");
    }

    /**
     * cmdprio options (engines/cmdprio.c, options of libaio and io_uring only): per direction as
     * "read,write" or one value for both; the class defaults to realtime (left 0 here, resolved
     * when the job runs); cmdprio_bssplit entries of 0 % dropped, the rest sorted by block size;
     * it excludes cmdprio_percentage; another engine rejects them as fio does ("Bad option").
     */
    @Test
    void cmdprioOptionsAreReadPerDirectionAsFioReadsThem() {
        JobSpec.CmdPrio c = spec("rw=randrw\nioengine=libaio\ncmdprio_percentage=20,40\ncmdprio_class=2\ncmdprio=3\n")
                .placement().cmdprio();
        assertThat(c.percentage()).containsExactly(20, 40);
        assertThat(c.prioclass()).containsExactly(2, 2);
        assertThat(c.prio()).containsExactly(3, 3);
        assertThat(c.active()).isTrue();
        assertThat(spec("rw=read\nioengine=io_uring\ncmdprio_percentage=10\n").placement().cmdprio().prioclass())
                .containsExactly(0, 0);
        JobSpec.CmdPrio b = spec("rw=randread\nioengine=libaio\ncmdprio_bssplit=64k/50/1/0:4k/30:8k/0\n")
                .placement().cmdprio();
        assertThat(b.bssplit().get(0)).containsExactly(new JobSpec.PrioSplit(4096, 30, -1),
                new JobSpec.PrioSplit(65536, 50, 1 << 13));
        assertThat(b.bssplit().get(1)).isEqualTo(b.bssplit().get(0));
        assertThat(spec("rw=read\n").placement().cmdprio()).isEqualTo(JobSpec.CmdPrio.NONE);
        assertThatThrownBy(() -> spec("rw=read\nioengine=psync\ncmdprio_percentage=10\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is an option of ioengine");
        assertThatThrownBy(() -> spec("rw=read\nioengine=libaio\ncmdprio_percentage=10\ncmdprio_bssplit=4k/10\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mutually exclusive");
        assertThatThrownBy(() -> spec("rw=read\nioengine=libaio\ncmdprio_bssplit=4k/60:4k/50\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("exceeds 100");
        assertThatThrownBy(() -> spec("rw=read\nioengine=libaio\ncmdprio_class=4\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.fio:4: 'cmdprio_class'");
    }

    @Test
    void anOptionStackSimDoesNotModelIsAnErrorOrWithLenientAWarning() {
        assertThatThrownBy(() -> spec("rw=read\nexperimental_verify=1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.fio:3: option 'experimental_verify' is not modelled by StackSim");
        JobTranslator.Result r = job("rw=read\nexperimental_verify=1\n", true);
        assertThat(r.warnings()).singleElement().asString().contains("t.fio:3").contains("experimental_verify")
                .contains("ignored");
    }

    @Test
    void aMalformedValueNamesWhatWasExpected() {
        assertThatThrownBy(() -> spec("bs=huge\n")).hasMessage(
                "t.fio:2: 'bs': expected a size such as 4k, 64KiB or 1g, got 'huge'");
        assertThatThrownBy(() -> spec("rw=sideways\n")).hasMessageContaining("t.fio:2").hasMessageContaining("expected read");
        assertThatThrownBy(() -> spec("rwmixread=120\n")).hasMessageContaining("from 0 to 100");
    }

    @Test
    void timeBasedWithoutARuntimeIsTurnedOffWithFiosMessage() {
        // fio 3.33 on the development machine: "fio: time_based requires a runtime/timeout setting",
        // then the job runs to its size (init.c fixup_options clears time_based).
        JobTranslator.Result r = job("time_based\n", false);
        assertThat(r.spec().timeBased()).isFalse();
        assertThat(r.warnings()).anyMatch(w -> w.contains("t.fio:2: time_based requires a runtime/timeout setting"));
    }

    /**
     * The trim patterns, with the trim's own block size as fio's per-direction lists give it
     * (HOWTO: a value not followed by a comma also applies to the later directions; a trailing
     * comma keeps the default).
     */
    @Test
    void trimPatternsTakeTheThirdBlockSize() {
        JobSpec s = spec("rw=randtrim\nbs=4k,8k,16k\n");
        assertThat(s.rw()).isEqualTo(io.stacksim.workload.Pattern.RANDTRIM);
        assertThat(s.rw().trims && s.rw().random && !s.rw().writes && !s.rw().reads).isTrue();
        assertThat(s.access().bs().trim().min()).isEqualTo(16384);
        assertThat(spec("rw=trimwrite\nbs=8k,32k\n").access().bs().trim().min()).isEqualTo(32768);
        assertThat(spec("rw=trim\nbs=8k,32k,\n").access().bs().trim().min()).isEqualTo(4096);
        assertThat(spec("rw=randtrimwrite\n").rw().trimWrite()).isTrue();
    }

    @Test
    void rangesAndSplitsOverrideBsAsFioFixesThemUp() {
        JobSpec s = spec("bsrange=4k-32k\nbs=8k\n");
        assertThat(s.access().bs().read().min()).isEqualTo(4096);
        assertThat(s.access().bs().read().max()).isEqualTo(32768);
        JobSpec t = spec("bssplit=4k/60:16k/:64k/10\n");
        assertThat(t.access().bs().read().split()).extracting(JobSpec.Split::percent).containsExactlyInAnyOrder(60, 30, 10);
        assertThat(t.access().bs().read().min()).isEqualTo(4096);
        assertThatThrownBy(() -> spec("bssplit=4k/60:16k/50\n")).hasMessageContaining("more than 100%");
    }

    @Test
    void theLaterOfMixAndDirectOptionsWins() {
        assertThat(spec("rw=randrw\nrwmixread=70\nrwmixwrite=20\n").access().rwmixread()).isEqualTo(80);
        assertThat(spec("direct=1\nbuffered=1\n").direct()).isFalse();
        assertThat(spec("buffered=0\n").direct()).isTrue();
    }

    @Test
    void depthOptionsGetFiosDefaults() {
        JobSpec s = spec("ioengine=io_uring\niodepth=16\niodepth_batch_submit=0\n");
        assertThat(s.engine().kind()).isSameAs(IoEngines.byName("io_uring"));
        assertThat(s.engine().batchSubmit()).isEqualTo(16);
        assertThat(s.engine().batchCompleteMin()).isEqualTo(1);
        assertThat(s.engine().batchCompleteMax()).isEqualTo(16);
        assertThat(s.engine().depthLow()).isEqualTo(16);
    }

    @Test
    void patternSuffixesAreHolesForSequentialAndRunsForRandom() {
        assertThat(spec("rw=write:4k\n").access().seqAdd()).isEqualTo(4096);
        assertThat(spec("rw=randread:8\n").access().seqNr()).isEqualTo(8);
        assertThat(spec("rw=randread:8\n").rw()).isEqualTo(Pattern.RANDREAD);
    }

    @Test
    void distributionsParseWithTheirOptionalCentre() {
        assertThat(spec("random_distribution=zipf:1.2\n").access().distribution())
                .isEqualTo(new Distribution.Zipf(1.2, -1));
        assertThat(spec("random_distribution=pareto:0.2:0.5\n").access().distribution())
                .isEqualTo(new Distribution.Pareto(0.2, 0.5));
        assertThat(spec("random_distribution=normal:5\n").access().randomMap()).isFalse();
        assertThatThrownBy(() -> spec("random_distribution=zoned:60/10:30/20\n")).hasMessageContaining("add up to 100");
    }

    @Test
    void theYamlFrontEndTranslatesToTheSameSpecAsAJobFile() {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse("[job]\nrw=randread\nbs=4k\nsize=1g\nioengine=libaio\niodepth=8\ndirect=1\nnumber_ios=100\n",
                        "t.fio", Path.of("."));
        JobFile.Section s = f.jobs().get(0);
        JobSpec fromFile = JobTranslator.translate("job", f.effectiveOptions(s), s.options(), false, null).spec();
        ConfigNode w = ConfigNode.parseYaml(new StringReader("""
                workload: {rw: randread, bs: 4k, size: 1g, ioengine: libaio, iodepth: 8, direct: 1, number_ios: 100}
                """), "t.yaml").section("workload");
        List<JobSpec> fromYaml = JobTranslator.fromConfig(w);
        assertThat(fromYaml).containsExactly(fromFile);
    }

    @Test
    void printedOptionsUseCanonicalNamesInFiosOrderWithoutBareFlags() {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse("[j]\nfilename=x\nreadwrite=read\ngroup_reporting\nkb_base=1000\nblocksize=4k\n", "t.fio", Path.of("."));
        assertThat(JobTranslator.printed(f.jobs().get(0).options())).containsExactly(Map.entry("kb_base", "1000"),
                Map.entry("rw", "read"), Map.entry("bs", "4k"), Map.entry("filename", "x"));
    }
    /** fio's syntax as fio 3.33 parses it (options.c str_rw_cb, str_random_distribution_cb, the bool parser). */
    @Test
    void fiosOwnSyntaxIsAccepted() {
        // rw=read:-8k: a negative hole, i.e. backwards by 8 KiB after each I/O (fio's ddir_seq_add)
        assertThat(spec("rw=read:-8k\nbs=4k\n").access().seqAdd()).isEqualTo(-8192);
        // a trailing '/' after the last zone of random_distribution
        assertThat(spec("rw=randread\nrandom_distribution=zoned:50/5:30/15:20/\n").access().distribution())
                .isEqualTo(spec("rw=randread\nrandom_distribution=zoned:50/5:30/15:20\n").access().distribution());
        // a bare boolean and the log options without a value
        spec("rw=read\nthreads=1\nwrite_bw_log\n");
        spec("rw=read\nthread\n");
        assertThat(spec("rw=read\ndirect=yes\n").engine().direct()).isTrue();
        assertThat(spec("rw=read\ndirect=off\n").engine().direct()).isFalse();
    }

    /**
     * An option of an engine the job does not use is named as that engine's, not "unknown"; fio
     * refuses it too (the engine's options are parsed only for that engine).
     */
    @Test
    void engineSpecificOptionsAreKnownAsSuch() {
        assertThatThrownBy(() -> job("rw=read\nioengine=psync\nhostname=localhost\n", true))
                .hasMessageContaining("t.fio:4: option 'hostname' is an option of ioengine libhdfs, net, netsplice or rdma,"
                        + " and this job's ioengine is psync");
    }
}
