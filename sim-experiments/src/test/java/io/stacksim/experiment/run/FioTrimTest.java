package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's trims (rw=trim, randtrim, trimwrite, randtrimwrite) against fio 3.33 and the ftrace
 * blk capture of the same jobs on /dev/loop0 (docs/discard.md): each trim one synchronous
 * BLKDISCARD, whatever the engine; the trim direction in fio's report; ENOTTY on a regular
 * file and EOPNOTSUPP on a disk without discard, as fio reports them.
 */
class FioTrimTest {
    @TempDir
    Path dir;

    /** loop0 as sysfs showed it: one worker, discard_max_bytes 4294966784, granularity 4096, one range. */
    private static final String LOOP = "device: {profile: latency-100us, dev_name: loop0, capacity: 256MiB, servers: 1,"
            + " discard_max_hw_bytes: 4294966784, discard_granularity: 4096, max_discard_segments: 1}\n"
            + "block: {scheduler: none}\n";
    private static final String NVME = "device: {profile: nvme-gen4}\n";

    private RunResult run(String stack, String jobs, boolean check) {
        return run(stack, jobs, check, null);
    }

    private RunResult run(String stack, String jobs, boolean check, io.stacksim.block.trace.TraceOutput trace) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), dir).parse(jobs, "t.fio", dir);
        List<JobSpec> specs = new ArrayList<>();
        for (JobFile.Section s : f.jobs()) {
            specs.add(JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), false, null).spec());
        }
        return Simulation.run(ConfigNode.parseYaml(new StringReader(stack), "stack.yaml"), specs, 400, trace, check, false,
                dir, null);
    }

    private static long metric(RunResult r, String name) {
        Number n = r.metrics().get(name);
        assertThat(n).as("metric %s in %s", name, r.metrics().keySet().stream().filter(k -> k.contains("discard")).toList())
                .isNotNull();
        return n.longValue();
    }

    /** The capture's rw=trim bs=64k size=16M: 256 discards of 128 sectors, none merged (diskstats 256 / 0 / 32768). */
    @Test
    void sequentialTrimsAreOneDiscardEachAsOnLoop0() {
        RunResult r = run(LOOP, "[t]\nfilename=/dev/loop0\nrw=trim\nbs=64k\nsize=16M\n", false);
        JobStats s = FioHarness.job(r, "t");
        assertThat(s.totalIos[JobStats.TRIM]).isEqualTo(256);
        assertThat(s.bytes[JobStats.TRIM]).isEqualTo(16L << 20);
        assertThat(s.totalIos[JobStats.WRITE] + s.totalIos[JobStats.READ]).isZero();
        assertThat(metric(r, "diskstats.discard.ios")).isEqualTo(256);
        assertThat(metric(r, "diskstats.discard.merges")).isZero();
        assertThat(metric(r, "diskstats.discard.sectors")).isEqualTo(32768);
        assertThat(metric(r, "diskstats.write.ios")).isZero();
        // iostat -x's discard columns from the same counts: dareq-sz 64 kB, no %drqm
        assertThat(r.metrics().get("iostat.dareq_sz_kB").doubleValue()).isEqualTo(64.0);
        assertThat(r.metrics().get("iostat.drqm_pct").doubleValue()).isZero();
        assertThat(r.metrics().get("iostat.d_s").doubleValue()).isPositive();
    }

    /** Action, RWBS and "sector + sectors" (or the plug/unplug's own fields) of each event of a blkparse or ftrace blk line. */
    private static List<String> events(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.trim().split("\\s+");
            // ftrace blk_classic: DEV CPU TIME PID ACT RWBS ...; blkparse: DEV CPU SEQ TIME PID ACT RWBS ...
            int act = f[2].contains(".") ? 4 : 5;
            String a = f[act];
            out.add(a + " " + f[act + 1] + (a.equals("P") || a.startsWith("U") ? "" : " " + f[act + 2] + " + " + f[act + 4]));
        }
        return out;
    }

    /**
     * The simulated block trace of fio's trims is the kernel's, event for event (action, RWBS,
     * sector and size), against the ftrace blk capture on loop0 (test resources/discard): for
     * bs=1536 the granule cut, the D then DS pieces and the plug merge; for bs=4m one request
     * of 8192 sectors per ioctl.
     */
    @Test
    void theBlockTraceOfTrimsIsTheKernelsEventForEvent() throws Exception {
        for (String[] c : new String[][] {{"1536", "12k", "loop0-trim-bs1536.ftrace.txt"},
            {"4m", "32M", "loop0-trim-bs4m.ftrace.txt"}}) {
            Path out = dir.resolve("t" + c[0] + ".blkparse");
            run(LOOP, "[t]\nfilename=/dev/loop0\nrw=trim\nbs=" + c[0] + "\nsize=" + c[1] + "\n", false,
                    io.stacksim.block.trace.TraceOutput.text(out));
            List<String> real;
            try (var in = FioTrimTest.class.getResourceAsStream("/discard/" + c[2])) {
                real = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            }
            List<String> sim = java.nio.file.Files.readAllLines(out).stream().takeWhile(l -> !l.startsWith("CPU")).toList();
            assertThat(events(sim)).as("bs=%s", c[0]).containsExactlyElementsOf(events(real));
        }
    }

    /**
     * A blkparse trace of discards replays as discards: the simulated trace of the bs=1536 trims,
     * replayed with its plugs on the same stack, gives the same 8 requests, 2 merges and 24 sectors.
     */
    @Test
    void aTraceOfDiscardsReplaysAsDiscards() {
        Path out = dir.resolve("t.blkparse");
        run(LOOP, "[t]\nfilename=/dev/loop0\nrw=trim\nbs=1536\nsize=12k\n", false,
                io.stacksim.block.trace.TraceOutput.text(out));
        ConfigNode root = ConfigNode.parseYaml(new StringReader(LOOP), "stack.yaml");
        RunResult r = ReplaySimulation.run(root, new ReplaySimulation.Options(out, "blkparse",
                io.stacksim.workload.ReplayRunner.Timing.TRACE, 1, 1, null, false));
        assertThat(metric(r, "diskstats.discard.ios")).isEqualTo(8);
        assertThat(metric(r, "diskstats.discard.merges")).isEqualTo(2);
        assertThat(metric(r, "diskstats.discard.sectors")).isEqualTo(24);
        assertThat(metric(r, "io.trim.ios")).isEqualTo(10);
    }

    /** The capture's rw=trim bs=1536: eight ioctls, two of them cut at a 4 KiB granule and merged back: 8 / 2 / 24. */
    @Test
    void trimsCrossingAGranuleAreCutAndMergedBackAsOnLoop0() {
        RunResult r = run(LOOP, "[t]\nfilename=/dev/loop0\nrw=trim\nbs=1536\nsize=12k\n", false);
        assertThat(FioHarness.job(r, "t").totalIos[JobStats.TRIM]).isEqualTo(8);
        assertThat(metric(r, "diskstats.discard.ios")).isEqualTo(8);
        assertThat(metric(r, "diskstats.discard.merges")).isEqualTo(2);
        assertThat(metric(r, "diskstats.discard.sectors")).isEqualTo(24);
        assertThat(r.metrics().get("iostat.drqm_pct").doubleValue()).isEqualTo(20.0); // 2 / (2 + 8)
    }

    /**
     * libaio at iodepth 8 gets no parallel trims (fio_libaio_queue does each synchronously after
     * the queued units): 1024 discards, none merged, as in the capture.
     */
    @Test
    void libaioTrimsAreSynchronous() {
        RunResult r = run(LOOP, "[t]\nfilename=/dev/loop0\nrw=randtrim\nbs=4k\nsize=4M\nioengine=libaio\niodepth=8\n"
                + "direct=1\n", false);
        assertThat(FioHarness.job(r, "t").totalIos[JobStats.TRIM]).isEqualTo(1024);
        assertThat(metric(r, "diskstats.discard.ios")).isEqualTo(1024);
        assertThat(metric(r, "diskstats.discard.merges")).isZero();
        assertThat(FioHarness.job(r, "t").depthMap[0]).isEqualTo(1024); // every unit at depth 1
    }

    /**
     * trimwrite (io_u.c set_rw_ddir): every block is trimmed, then written, and the job does
     * twice its size (do_io: "each byte is trimmed and then written"): the capture's 128 trims
     * and 128 writes of 64 KiB for size=8M; randtrimwrite the same pairs at random offsets.
     */
    @Test
    void trimwriteTrimsThenWritesEachBlock() {
        for (String rw : List.of("trimwrite", "randtrimwrite")) {
            RunResult r = run(NVME, "[t]\nfilename=/dev/nvme0n1\nrw=" + rw + "\nbs=64k\nsize=8M\ndirect=1\n", false);
            JobStats s = FioHarness.job(r, "t");
            assertThat(s.totalIos[JobStats.TRIM]).as(rw).isEqualTo(128);
            assertThat(s.totalIos[JobStats.WRITE]).as(rw).isEqualTo(128);
            assertThat(s.bytes[JobStats.WRITE]).as(rw).isEqualTo(8L << 20);
            assertThat(metric(r, "diskstats.discard.sectors")).as(rw).isEqualTo(16384);
            assertThat(metric(r, "diskstats.write.sectors")).as(rw).isEqualTo(16384);
        }
    }

    /** The SSD unmaps what the trims cover: 1024 trims of 4 KiB are 1024 FTL units. */
    @Test
    void theSsdUnmapsTheTrimmedUnits() {
        RunResult r = run(NVME, "[t]\nfilename=/dev/nvme0n1\nrw=randtrim\nbs=4k\nsize=4M\n", false);
        assertThat(metric(r, "device.ssd.host_trim_units")).isEqualTo(1024);
    }

    /**
     * fio's trim of a regular file is BLKDISCARD on it: ENOTTY, and the job ends with
     * err=25 (file:ioengines.c:399, func=td_io_queue) after one issued trim, as fio 3.33 here.
     */
    @Test
    void aTrimOfARegularFileFailsWithEnotty() {
        RunResult r = run(NVME, "[t]\nfilename=" + dir.resolve("f") + "\nrw=randtrim\nbs=4k\nsize=1M\n", false);
        JobStats s = FioHarness.job(r, "t");
        assertThat(s.extra.jobError).isEqualTo(25);
        assertThat(s.extra.verror).isEqualTo("file:ioengines.c:399, func=td_io_queue, error=Inappropriate ioctl for device");
        assertThat(s.totalIos[JobStats.TRIM]).isEqualTo(1);
    }

    /** A hard disk has no discard (sd sets no limits): BLKDISCARD fails with EOPNOTSUPP, err=95. */
    @Test
    void aTrimOfAHardDiskFailsWithEopnotsupp() {
        RunResult r = run("device: {profile: hdd-7200}\n", "[t]\nfilename=/dev/sda\nrw=trim\nbs=4k\nsize=1M\n", false);
        assertThat(FioHarness.job(r, "t").extra.jobError).isEqualTo(95);
        assertThat(metric(r, "diskstats.discard.ios")).isZero();
    }

    /**
     * --check after discards: written blocks trimmed and read back (the device reads them as
     * zeroes, its rule for deallocated blocks) and written again raise no fs.no-stale-read alarm.
     */
    @Test
    void readsAfterDiscardsPassCheck() {
        String jobs = "[global]\nfilename=/dev/nvme0n1\nbs=4k\nsize=256k\ndirect=1\n"
                + "[w]\nrw=write\n[t]\nstonewall\nrw=trim\nsize=128k\n[r]\nstonewall\nrw=read\n"
                + "[w2]\nstonewall\nrw=randwrite\n[r2]\nstonewall\nrw=read\n";
        RunResult r = run(NVME, jobs, true);
        assertThat(r.checkViolations()).isEmpty();
        assertThat(r.checksMade()).anyMatch(s -> s.contains("fs.no-stale-read"));
    }
}
