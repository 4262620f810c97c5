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

    /**
     * fio's cmdprio_percentage: a quarter of one reader's I/Os are inserted into mq-deadline's
     * RT queue (the iocb's IOCB_FLAG_IOPRIO priority on each bio, dd_insert_request by
     * IOPRIO_PRIO_CLASS), the rest go with the job's own class (NONE, served as BE).
     */
    @Test
    void cmdprioPercentageSendsItsShareOfIosToTheRealtimeQueue() {
        String yaml = """
                run: {seed: 5}
                device: {profile: nvme-gen4}
                block: {scheduler: mq-deadline}
                workload:
                  filename: /dev/nvme0n1
                  direct: 1
                  runtime: 1s
                  time_based: 1
                  jobs:
                    - {name: r, rw: randread, bs: 4k, size: 100g, ioengine: libaio, iodepth: 16, cmdprio_percentage: 25}
                """;
        Map<String, Number> m = Simulation.run(ConfigNode.parseYaml(new StringReader(yaml), "c.yaml")).metrics();
        long rt = l(m, "block.sched.prio.rt.inserted");
        long be = l(m, "block.sched.prio.be.inserted");
        long n = rt + be;
        assertThat(n).isGreaterThan(10_000);
        double sd = Math.sqrt(n * 0.25 * 0.75);
        assertThat((double) rt).isBetween(0.25 * n - 4 * sd, 0.25 * n + 4 * sd);
    }
}
