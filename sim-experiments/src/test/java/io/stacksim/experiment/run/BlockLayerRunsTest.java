package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs through syscalls, plugs and the schedulers: merging, iostat and the read-latency comparison. */
class BlockLayerRunsTest {
    private static ConfigNode config(String... kv) {
        ConfigNode root = ConfigNode.emptyRoot("test");
        // The generic 100 us SCSI-like device (sd, 8,0); a test may override it.
        root.set("device.profile", "latency-100us", Origin.of("test", 0));
        for (int i = 0; i < kv.length; i += 2) {
            root.set(kv[i], kv[i + 1], Origin.of("test", 0));
        }
        return root;
    }

    private static double d(Map<String, Number> m, String k) {
        return m.get(k).doubleValue();
    }

    /**
     * 4 KiB sequential direct writes, 512 in flight, onto 4 device slots: waiting bios merge
     * (wrqm/s > 0) until a request reaches max_sectors_kb = 256, so the average request is close
     * to 256 KiB.
     */
    @Test
    void sequentialWritesMergeUpToMaxSectorsKb() {
        RunResult r = Simulation.run(config("device.queue_depth", "4", "block.scheduler", "mq-deadline",
                "block.max_sectors_kb", "256", "workload.rw", "write", "workload.bs", "4k", "workload.ioengine", "libaio",
                "workload.iodepth", "512", "workload.direct", "1", "workload.number_ios", "50000"));
        Map<String, Number> m = r.metrics();
        assertThat(d(m, "iostat.wrqm_s")).isGreaterThan(0);
        assertThat(d(m, "iostat.wareq_sz_kB")).isBetween(240.0, 256.0);
    }

    /** 4 KiB random reads over 8 GiB at depth 64: neighbours are rare, so merges are under 0.1%. */
    @Test
    void randomReadsAlmostNeverMerge() {
        RunResult r = Simulation.run(config("block.scheduler", "mq-deadline", "workload.rw", "randread",
                "workload.size", "8g", "workload.ioengine", "libaio", "workload.iodepth", "64", "workload.direct", "1",
                "workload.number_ios", "50000"));
        assertThat(d(r.metrics(), "iostat.rrqm_pct")).isLessThan(0.1);
    }


    /** run --blktrace: the file is blkparse text with one D and one C per request the device served. */
    @Test
    void aRunWritesItsBlockTrace(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run.blktrace.txt");
        RunResult r = Simulation.run(config("block.scheduler", "mq-deadline", "workload.rw", "randread",
                "workload.ioengine", "libaio", "workload.iodepth", "4", "workload.direct", "1",
                "workload.number_ios", "200"), io.stacksim.block.trace.TraceOutput.text(out), false);
        List<String> lines = Files.readAllLines(out);
        long d = lines.stream().filter(s -> s.matches("^ +8,0 +\\d+ +\\d+ +\\d+\\.\\d{9} +\\d+ +D +R \\d+ \\+ 8 \\[fio]$")).count();
        long c = lines.stream().filter(s -> s.matches("^ +8,0 +\\d+ +\\d+ +\\d+\\.\\d{9} +0 +C +R \\d+ \\+ 8 \\[0]$")).count();
        assertThat(d).isEqualTo(r.metrics().get("diskstats.read.ios").longValue());
        assertThat(c).isEqualTo(d);
        assertThat(lines).contains("CPU0 (sdx):").anyMatch(s -> s.matches("Events \\(sdx\\): \\d+ entries"));
    }
}
