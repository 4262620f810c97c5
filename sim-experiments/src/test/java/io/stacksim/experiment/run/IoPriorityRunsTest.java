package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * I/O priorities from the workload (fio prioclass=) reaching mq-deadline's per-class queues: a
 * bio takes its submitter's ioprio (bio_set_ioprio), and dd_dispatch_request serves the RT
 * queue before BE, BE before IDLE, except requests older than prio_aging_expire
 * (dd_dispatch_prio_aged_requests).
 */
class IoPriorityRunsTest {
    private static final String YAML = """
            run: {seed: 5}
            device: {profile: hdd-7200, queue_depth: 1, can_queue: 32}
            block: {scheduler: mq-deadline}
            workload:
              filename: /dev/sda
              direct: 1
              runtime: 5s
              time_based: 1
              jobs:
                - {name: rt, rw: randread, bs: 4k, size: 100g, ioengine: libaio, iodepth: 8, prioclass: 1}
                - {name: be, rw: randread, bs: 4k, size: 100g, offset: 100g, ioengine: libaio, iodepth: 8, prioclass: 2}
            """;

    private static Map<String, Number> run(String... kv) {
        ConfigNode root = ConfigNode.parseYaml(new StringReader(YAML), "prio.yaml");
        for (int i = 0; i < kv.length; i += 2) {
            root.set(kv[i], kv[i + 1], Origin.of("test", 0));
        }
        return Simulation.run(root).metrics();
    }

    private static long l(Map<String, Number> m, String k) {
        return m.get(k).longValue();
    }

    /** With the default prio_aging_expire of 10 s, a 5 s RT flood leaves the BE reader its first 8 reads, served at the end. */
    @Test
    void aRealtimeReaderStarvesBestEffortWithinPrioAgingExpire() {
        Map<String, Number> m = run();
        assertThat(l(m, "block.sched.prio.rt.dispatched")).isGreaterThan(900);
        assertThat(l(m, "block.sched.prio.be.dispatched")).isLessThanOrEqualTo(8);
    }

    /** prio_aging_expire = 1 s: BE requests that waited a second are dispatched among the RT ones. */
    @Test
    void agedBestEffortRequestsAreServedAfterPrioAgingExpire() {
        Map<String, Number> m = run("block.iosched.prio_aging_expire", "1000");
        assertThat(l(m, "block.sched.prio.be.dispatched")).isGreaterThan(20);
        assertThat(l(m, "block.sched.prio.rt.dispatched")).isGreaterThan(800);
    }

    /** Without prioclass both readers are class NONE, served as BE: they share the disk. */
    @Test
    void withoutPrioritiesBothReadersShareTheDisk() {
        String plain = YAML.replace(", prioclass: 1", "").replace(", prioclass: 2", "");
        Map<String, Number> m = Simulation.run(ConfigNode.parseYaml(new StringReader(plain), "p.yaml")).metrics();
        assertThat(l(m, "block.sched.prio.rt.dispatched")).isZero();
        assertThat(l(m, "block.sched.prio.be.dispatched")).isGreaterThan(900);
    }
}
