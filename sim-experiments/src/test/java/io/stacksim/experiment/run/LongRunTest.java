package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import java.io.StringReader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs long enough for accumulated state (virtual clocks, counters) to reach large values. */
class LongRunTest {

    private static RunResult run(long ios) {
        return Simulation.run(ConfigNode.parseYaml(new StringReader("""
                run: {seed: 7841317092769570619}
                cpu: {count: 4}
                device: {profile: nvme-gen4}
                block: {scheduler: none}
                workload: {rw: randread, bs: 16k, size: 8g, ioengine: libaio, direct: 1, iodepth: 64, number_ios: %d}
                """.formatted(ios)), "long.yaml"));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aLinkSaturatedForGigabytesKeepsItsBandwidthToTheEnd() {
        // 6.5 GB through the PCIe link's processor-sharing server without an idle moment: its
        // virtual clock once grew until rounding left a transfer short of its finish tag, and
        // the link re-armed at the same instant for ever (this seed hung between 300k and 400k).
        double longRun = run(400_000).metrics().get("bw.read_MiBps").doubleValue();
        double shortRun = run(50_000).metrics().get("bw.read_MiBps").doubleValue();
        assertThat(longRun).isCloseTo(shortRun, org.assertj.core.data.Percentage.withPercentage(1));
    }
}
