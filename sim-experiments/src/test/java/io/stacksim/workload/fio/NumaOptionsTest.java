package io.stacksim.workload.fio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * numa_cpu_nodes and numa_mem_policy over the simulated machine's one NUMA node, as fio 3.33
 * with libnuma reads them (options.c str_numa_cpunodes_cb, str_numa_mpol_cb): real fio on this
 * one-node machine runs numa.fio's job1 (node 0) and drops job2 ("libnuma: Warning: node
 * argument 1 out of range", "fio: numa_parse_nodestring failed", exit 1).
 */
class NumaOptionsTest {
    private static JobSpec spec(String body) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse("[j]\n" + body, "t.fio", Path.of("."));
        JobFile.Section s = f.jobs().get(0);
        return JobTranslator.translate("j", f.effectiveOptions(s), s.options(), false, JobSpec.Size.bytes(1 << 20))
                .spec();
    }

    @Test
    void nodeZeroIsTheMachinesOnlyNodeAndIsAccepted() {
        assertThat(spec("numa_cpu_nodes=0\nnuma_mem_policy=bind:0\n").name()).isEqualTo("j");
        assertThat(spec("numa_cpu_nodes=all\nnuma_mem_policy=interleave\n").name()).isEqualTo("j");
        assertThat(spec("numa_mem_policy=prefer:0\n").name()).isEqualTo("j");
        assertThat(spec("numa_mem_policy=local\n").name()).isEqualTo("j");
    }

    @Test
    void aNodeThatDoesNotExistIsRefusedOnItsLine() {
        assertThatThrownBy(() -> spec("numa_cpu_nodes=0-1\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.fio:2").hasMessageContaining("node 1 does not exist");
        assertThatThrownBy(() -> spec("numa_mem_policy=interleave:0-1\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("node 1 does not exist");
    }

    @Test
    void thePolicyRulesAreFios() {
        assertThatThrownBy(() -> spec("numa_mem_policy=bind\n")).hasMessageContaining("a nodelist is needed for 'bind'");
        assertThatThrownBy(() -> spec("numa_mem_policy=local:0\n")).hasMessageContaining("NO nodelist for 'local'");
        assertThatThrownBy(() -> spec("numa_mem_policy=prefer:0-1\n")).hasMessageContaining("one node only for 'prefer'");
        assertThatThrownBy(() -> spec("numa_mem_policy=spread\n")).hasMessageContaining("memory policy should be");
    }
}
