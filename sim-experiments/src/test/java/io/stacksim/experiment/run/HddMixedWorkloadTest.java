package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/hdd-mixed-read-write.yaml: mq-deadline against none on a rotating disk. */
class HddMixedWorkloadTest {
    private static double readP99Us(String scheduler) {
        ConfigNode root = ConfigNode.parseYaml(Path.of("../examples/hdd-mixed-read-write.yaml"));
        root.set("block.scheduler", scheduler, Origin.flag("test"));
        return Simulation.run(root).metrics().get("lat.read.p99_us").doubleValue();
    }

    /**
     * A 7200 rpm disk that takes one command at a time (NCQ off) behind 32 driver tags, random
     * reads against a sequential writer with 64 writes in flight. With none the requests hold
     * driver tags and reach the disk in arrival order, so a read waits behind the queued writes
     * (up to 31); mq-deadline keeps them in the elevator and dispatches a waiting read before the
     * writes (block/mq-deadline.c: reads first unless writes were passed over writes_starved = 2
     * times, write batches of at most fifo_batch = 16), so a read waits for at most the rest of
     * one write batch. The example's header gives the figures (66 ms against 105 ms).
     */
    @Test
    void mqDeadlineGivesReadsALowerP99ThanNoneWhenWritesFloodADiskWithoutNcq() {
        double deadline = readP99Us("mq-deadline");
        double none = readP99Us("none");
        assertThat(deadline).as("mq-deadline read p99 (us) against none's %.0f", none).isLessThan(0.8 * none);
    }
}
