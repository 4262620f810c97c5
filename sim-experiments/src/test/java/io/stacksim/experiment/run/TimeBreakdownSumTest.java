package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.run.ReplaySimulation.Options;
import io.stacksim.workload.ReplayRunner;
import java.io.StringReader;
import io.stacksim.experiment.SharedData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Where the time went" is a sum of measured parts: per I/O, cpu + queue + device + completion
 * is the latency, and the device's time is its queue, media and transfer times (each measured
 * by the device model, disjoint) plus an overhead that is what remains, never below zero. Every
 * request's parts are checked too (--check's device.time-parts rule).
 */
class TimeBreakdownSumTest {
    private static final String[] LAYERS = {"cpu", "queue", "device_queue", "media", "transfer", "device_overhead",
            "completion"};

    private static void assertSums(RunResult r) {
        Map<String, Number> m = r.metrics();
        double sum = 0;
        for (String l : LAYERS) {
            double v = m.get("lat.layer." + l + "_us").doubleValue();
            assertThat(v).as("%s per I/O", l).isGreaterThanOrEqualTo(0);
            sum += v;
        }
        long ios = m.get("io.read.ios").longValue() + m.get("io.write.ios").longValue();
        double meanLat = (m.get("lat.read.mean_us").doubleValue() * m.get("io.read.ios").longValue()
                + m.get("lat.write.mean_us").doubleValue() * m.get("io.write.ios").longValue()) / ios;
        assertThat(sum).as("the parts add up to the mean latency").isCloseTo(meanLat, within(meanLat * 1e-6 + 1e-6));
        assertThat(r.checkViolations()).as("per-request checks").isEmpty();
        assertThat(r.checksMade()).anyMatch(l -> l.startsWith("device.time-parts"));
    }

    private static ConfigNode config(String yaml) {
        return ConfigNode.parseYaml(new StringReader(yaml), "t.yaml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hdd-7200", "hdd-15k", "sata-ssd", "nvme-gen3", "nvme-gen4", "ramdisk", "latency-100us"})
    void aMixedRandomJobsPartsAddUpOnEveryDiskProfile(String profile) {
        ConfigNode root = config("device: {profile: " + profile + "}\n"
                + "workload: {rw: randrw, bs: 4k, size: 64m, ioengine: libaio, iodepth: 16, direct: 1, number_ios: 3000}\n");
        assertSums(Simulation.run(root, null, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wdev_1", "wdev_3"})
    void anHddReplayOfAnMsrTraceHasNoNegativeOverhead(String trace) {
        Path f = SharedData.file("data/traces/msr-cambridge/" + trace + ".csv");
        for (double speed : new double[] {1, 50}) {
            ConfigNode root = config("device: {profile: hdd-7200}\n");
            root.set("run.seed", "1", Origin.flag("test"));
            RunResult r = ReplaySimulation.run(root, new Options(f, "msr", ReplayRunner.Timing.TRACE, 1, speed, null,
                    false, true));
            assertSums(r);
        }
    }
}
