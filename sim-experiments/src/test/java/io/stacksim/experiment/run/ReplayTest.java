package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.cli.Main;
import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.SharedData;
import io.stacksim.workload.ReplayRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stacksim replay on the real traces in shared/, under none and mq-deadline. */
class ReplayTest {
    private static RunResult replay(Path trace, String format, String scheduler, ReplayRunner.Timing timing, int depth,
                                    Path blktrace) {
        ConfigNode root = ConfigNode.emptyRoot("test");
        // The generic 100 us SCSI-like device (sd, 8,0): the expectations below are about the block layer.
        root.set("device.profile", "latency-100us", io.stacksim.config.Origin.of("test", 0));
        root.set("block.scheduler", scheduler, io.stacksim.config.Origin.of("test", 0));
        // MQSim's DiskSim-format traces address a drive larger than this device: wrap them, as --wrap does
        return ReplaySimulation.run(root, new ReplaySimulation.Options(trace, format, timing, depth, 1,
                io.stacksim.block.trace.TraceOutput.text(blktrace), format.equals("disksim")));
    }

    private static long l(Map<String, Number> m, String k) {
        return m.get(k).longValue();
    }

    /** Every replayed bio either became a request or merged into one: ios + merges = bios, per direction. */
    private static void assertConserved(Map<String, Number> m, long reads, long writes) {
        assertThat(l(m, "diskstats.read.ios") + l(m, "diskstats.read.merges")).isEqualTo(reads);
        assertThat(l(m, "diskstats.write.ios") + l(m, "diskstats.write.merges")).isEqualTo(writes);
    }

    /**
     * The loop0 capture replayed at its own times, with its processes' plugs, gives what the
     * kernel did: the 512 buffered 4 KiB writes become four 1024-sector (512 KiB) requests by
     * 508 plug merges, whatever the scheduler (the device has 128 segments, like loop0).
     */
    @Test
    void replayingTheLoop0CaptureReproducesItsPlugMerges(@TempDir Path dir) throws Exception {
        Path trace = SharedData.file("samples/loop0.blkparse.txt");
        for (String sched : List.of("mq-deadline", "none")) {
            Path out = dir.resolve(sched + ".txt");
            RunResult r = replay(trace, "blkparse", sched, ReplayRunner.Timing.TRACE, 1, out);
            Map<String, Number> m = r.metrics();
            assertConserved(m, 173, 568);
            assertThat(l(m, "block.merges.plug")).isEqualTo(508);
            List<String> d = Files.readAllLines(out).stream().filter(s -> s.matches(".* D +WS \\d+ \\+ 1024 .*")).toList();
            assertThat(d).hasSize(4);
            assertThat(d.get(0)).contains(" 0 + 1024 [fio]");
            // As in the capture, the writer (pid 8752) plugged and unplugged four times, one request each.
            assertThat(Files.readAllLines(out).stream().filter(s -> s.matches(".* 8752 +U +N \\[fio\\] 1")).count())
                    .isEqualTo(4);
            assertThat(Files.readAllLines(out).stream().filter(s -> s.matches(".* 8752 +P +N \\[fio\\]")).count())
                    .isEqualTo(4);
            // Our own output is blkparse text our blkparse reader takes back: the same 741 bios.
            try (var back = io.stacksim.workload.trace.TraceReader.open(out, "blkparse")) {
                long q = 0;
                for (var t = back.next(); t != null; t = back.next()) {
                    q += t.isUnplug() ? 0 : 1;
                }
                assertThat(q).isEqualTo(741);
            }
            // Its D lines, written in time order, account for every request the device did.
            long dLines = Files.readAllLines(out).stream().filter(s -> s.matches(" +\\d+,\\d+ .* D .*")).count();
            assertThat(dLines).isEqualTo(l(m, "diskstats.read.ios") + l(m, "diskstats.write.ios") - 1); // -1: the no-I/O flush
        }
    }

    @Test
    void msrTraceReplaysUnderBothSchedulers() {
        Path trace = SharedData.file("data/traces/msr-cambridge/wdev_3.csv");
        for (String sched : List.of("mq-deadline", "none")) {
            Map<String, Number> m = replay(trace, "msr", sched, ReplayRunner.Timing.CLOSED, 8, null).metrics();
            assertConserved(m, 11, 671);
            assertThat(l(m, "io.read.ios") + l(m, "io.write.ios")).isEqualTo(682);
        }
    }

    @Test
    void disksimTraceReplaysUnderBothSchedulers() {
        Path trace = SharedData.file("data/traces/mqsim-disksim-ascii/tpcc-small.trace");
        for (String sched : List.of("mq-deadline", "none")) {
            Map<String, Number> m = replay(trace, "disksim", sched, ReplayRunner.Timing.TRACE, 1, null).metrics();
            long reads = l(m, "io.read.ios");
            assertThat(reads + l(m, "io.write.ios")).isEqualTo(6999);
            assertConserved(m, reads, 6999 - reads);
        }
    }

    /** The CLI: a bad trace line is one line naming file and line, exit 2; JSON has the iostat columns. */
    @Test
    void theReplayCommandReportsBadLinesAndPrintsJson(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "0,W,0,8\n5,Q,0,8\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"replay", bad.toString(), "--trace-format", "csv"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("stacksim: " + bad + ":2: expected a CSV line");

        Path good = dir.resolve("good.csv");
        Files.writeString(good, "time_ns,op,sector,sectors\n0,W,0,8\n1000,W,8,8\n2000,R,4096,8\n");
        out = new StringWriter();
        code = Main.run(new String[] {"replay", good.toString(), "--trace-format", "csv", "--format", "json",
                "--set", "block.scheduler=mq-deadline"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(code).isZero();
        assertThat(out.toString()).contains("\"iostat.wrqm_s\"", "\"iostat.aqu_sz\"", "\"diskstats.write.ios\"");
    }
}
