package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kyber (block/kyber-iosched.c) in whole runs: its token limits and its latency-driven depth scaling. */
class KyberRunsTest {
    private static Map<String, Number> run(String yaml, String... kv) {
        ConfigNode root = ConfigNode.parseYaml(new StringReader(yaml), "kyber.yaml");
        for (int i = 0; i < kv.length; i += 2) {
            root.set(kv[i], kv[i + 1], Origin.of("test", 0));
        }
        return Simulation.run(root).metrics();
    }

    private static double d(Map<String, Number> m, String k) {
        return m.get(k).doubleValue();
    }

    /**
     * 512 random direct writes in flight on a device that serves 1024 at once in 10 ms each, at
     * their 10 ms write target (bucket 3 of 8: no congestion, no resize): at most kyber_depth's
     * 128 write tokens are in the device, so by Little's law the writes go at 128 / 10 ms =
     * 12,800 IOPS, where mq-deadline lets all 512 through (51,200).
     */
    @Test
    void theWriteDomainHoldsAtMostItsTokensInTheDevice() {
        String yaml = """
                run: {seed: 3}
                device: {profile: latency-100us, queue_depth: 1024, servers: 1024, write_time: "const:10ms"}
                block: {scheduler: kyber, nr_requests: 1024}
                workload: {filename: /dev/sdx, rw: randwrite, bs: 4k, size: 1g, ioengine: libaio, iodepth: 512, direct: 1, number_ios: 40000}
                """;
        Map<String, Number> k = run(yaml);
        double inDevice = d(k, "iops.write") * d(k, "lat.device.write.mean_us") / 1e6;
        assertThat(inDevice).isBetween(126.0, 128.0);
        assertThat(d(k, "block.sched.write.throttled")).isPositive();
        assertThat(d(k, "block.sched.resizes")).isZero();
        Map<String, Number> dl = run(yaml, "block.scheduler", "mq-deadline");
        assertThat(d(dl, "iops.write") * d(dl, "lat.device.write.mean_us") / 1e6).isGreaterThan(500);
    }

    /**
     * Random reads against a flood of 128 KiB writes on a SATA SSD: the reads' I/O latency p90 is
     * past their 2 ms target (congestion), while the writes' total p99 is inside their 10 ms, so
     * kyber_timer_fn shrinks the write domain (depth x (p99 bucket + 1) / 4, at least 1) and keeps
     * the read domain's 256 tokens; reads finish sooner than under mq-deadline.
     */
    @Test
    void congestionShrinksTheDomainWhoseLatencyIsGood() {
        String yaml = """
                run: {seed: 7}
                device: {profile: sata-ssd}
                block: {scheduler: kyber}
                workload:
                  filename: /dev/sda
                  direct: 1
                  runtime: 3s
                  time_based: 1
                  jobs:
                    - {name: reader, rw: randread, bs: 4k, size: 8g, ioengine: libaio, iodepth: 4}
                    - {name: writer, rw: write, bs: 128k, size: 8g, offset: 8g, ioengine: libaio, iodepth: 16}
                """;
        Map<String, Number> k = run(yaml);
        assertThat(d(k, "block.sched.resizes")).isPositive();
        assertThat(d(k, "block.sched.write.depth")).isLessThan(16);
        assertThat(d(k, "block.sched.read.depth")).isEqualTo(256);
        Map<String, Number> dl = run(yaml, "block.scheduler", "mq-deadline");
        assertThat(d(k, "lat.read.mean_us")).isLessThan(d(dl, "lat.read.mean_us"));
    }

    /** The 8 latency buckets of add_latency_sample: a quarter of the target each, the last open-ended. */
    @Test
    void latencyBucketsAreQuartersOfTheTarget() {
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 1)).isZero();
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 500_000)).isZero();
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 500_001)).isEqualTo(1);
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 2_000_000)).isEqualTo(3);
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 2_000_001)).isEqualTo(4);
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 1_000_000_000)).isEqualTo(7);
        assertThat(io.stacksim.block.KyberScheduler.bucket(2_000_000, 0)).isZero();
    }
}
