package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cgroups.NAME.io.max.DEV (blk-throttle) reaching a fio job placed with cgroup=: the job's rate
 * is the limit (the device is far faster), other jobs are not held, and a limit naming no disk
 * or not a rate is an error at its line.
 */
class ThrottleRunsTest {
    private static final String YAML = """
            run: {seed: 3}
            device: {profile: nvme-gen4}
            cgroups:
              slow:
                io:
                  max:
                    nvme0n1: {wbps: 4MiB, riops: 300}
            workload:
              filename: /dev/nvme0n1
              direct: 1
              runtime: 4s
              time_based: 1
              jobs:
                - {name: w, rw: write, bs: 64k, size: 10g, ioengine: libaio, iodepth: 4, cgroup: slow}
                - {name: r, rw: randread, bs: 4k, size: 10g, offset: 10g, ioengine: libaio, iodepth: 4, cgroup: slow}
                - {name: free, rw: randread, bs: 4k, size: 10g, offset: 20g, ioengine: libaio, iodepth: 1}
            """;

    private static Map<String, Number> run(String yaml) {
        return Simulation.run(ConfigNode.parseYaml(new StringReader(yaml), "thr.yaml")).metrics();
    }

    @Test
    void aJobInALimitedCgroupGetsItsLimits() {
        Map<String, Number> m = run(YAML);
        double wbps = m.get("block.throttle.slow.write.bytes").doubleValue() / 4;
        double riops = m.get("block.throttle.slow.read.ios").doubleValue() / 4;
        assertThat(wbps).isBetween(0.98 * 4 * 1048576, 1.02 * 4 * 1048576);
        assertThat(riops).isBetween(0.98 * 300, 1.02 * 300);
        assertThat(m.get("block.throttle.slow.read.throttled").longValue()).isGreaterThan(0);
        // the root cgroup's reader, one at a time on an NVMe drive: far above 300 IOPS
        assertThat(m.get("diskstats.read.ios").doubleValue() / 4).isGreaterThan(5000);
    }

    @Test
    void aLimitOnAnUnknownDiskOrNotARateIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> run(YAML.replace("nvme0n1: {", "sdz: {")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("thr.yaml:7").hasMessageContaining("no disk 'sdz'");
        assertThatThrownBy(() -> run(YAML.replace("wbps: 4MiB", "wbps: fast")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("thr.yaml:7").hasMessageContaining("wbps");
    }

    /** POSIX AIO's helper threads are threads of the job's process: their reads are the cgroup's. */
    @Test
    void posixAioHelperThreadsAreInTheJobsCgroup() {
        String yaml = YAML.replace("offset: 10g, ioengine: libaio", "offset: 10g, ioengine: posixaio")
                .replace("ioengine: libaio, iodepth: 4, cgroup: slow}", "ioengine: libaio, iodepth: 4}");
        assertThat(yaml).contains("posixaio");
        Map<String, Number> m = run(yaml);
        double riops = m.get("block.throttle.slow.read.ios").doubleValue() / 4;
        assertThat(riops).isBetween(0.98 * 300, 1.02 * 300);
    }
}
