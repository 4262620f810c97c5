package io.stacksim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepRunnerTest {
    private static final SweepRunner.Progress SILENT = new SweepRunner.Progress() {
        @Override
        public void start(int runsTotal, int runsDone, int pointsTotal, int pointsDone) {
        }

        @Override
        public void runDone(SweepRun run, int runsDone, int runsTotal, int pointsDone, int pointsTotal) {
        }

        @Override
        public void end() {
        }
    };

    @TempDir
    static Path tmp;
    static Sweep sweep;
    static String wholeRunsCsv;
    static String wholeSummaryCsv;

    @BeforeAll
    static void runTheWholeSweepOnOneThread() throws IOException {
        sweep = new Sweep(Sweeps.parse(Sweeps.SIXTEEN_POINTS));
        SweepStore store = new SweepStore(tmp.resolve("whole"));
        SweepRunner.Outcome o = new SweepRunner(sweep, store, "test").run(1, Shard.ALL, false, SILENT);
        assertThat(o.ran()).isEqualTo(32);
        wholeRunsCsv = Files.readString(store.dir().resolve("runs.csv"));
        wholeSummaryCsv = ResultTables.summaryCsv(sweep, o.records());
    }

    @Test
    void runsCsvHasOneRowPerRunInPointAndReplicationOrder() {
        List<String> lines = wholeRunsCsv.lines().toList();
        assertThat(lines).hasSize(33);
        String header = lines.get(0);
        assertThat(header).startsWith("point,replication,seed,device,iodepth,");
        List<String> metrics = List.of(header.split(",")).subList(5, header.split(",").length);
        assertThat(metrics).isSorted().contains("iops.total", "lat.read.p99_us", "lat.layer.media_us");
        for (int i = 0; i < 32; i++) {
            String[] cells = lines.get(i + 1).split(",");
            SweepRun r = sweep.runs().get(i);
            assertThat(cells[0]).isEqualTo(Integer.toString(r.point().index()));
            assertThat(cells[1]).isEqualTo(Integer.toString(r.replication()));
            assertThat(cells[2]).isEqualTo(Long.toString(r.seed()));
            assertThat(cells[3]).isEqualTo(r.point().param("device"));
            assertThat(cells[4]).isEqualTo(r.point().param("iodepth"));
        }
    }

    @Test
    void twoThreadsGiveByteIdenticalTables() throws IOException {
        SweepStore store = new SweepStore(tmp.resolve("two"));
        SweepRunner.Outcome o = new SweepRunner(sweep, store, "test").run(2, Shard.ALL, false, SILENT);
        assertThat(Files.readString(store.dir().resolve("runs.csv"))).isEqualTo(wholeRunsCsv);
        assertThat(ResultTables.summaryCsv(sweep, o.records())).isEqualTo(wholeSummaryCsv);
    }

    @Test
    void anInterruptedSweepLeavesValidFilesAndResumesToTheSameRunsCsv() throws IOException {
        SweepStore store = new SweepStore(tmp.resolve("interrupted"));
        SweepRunner.Progress stopAfterSeven = new SweepRunner.Progress() {
            @Override
            public void start(int runsTotal, int runsDone, int pointsTotal, int pointsDone) {
            }

            @Override
            public void runDone(SweepRun run, int runsDone, int runsTotal, int pointsDone, int pointsTotal) {
                if (runsDone == 7) {
                    throw new IllegalStateException("simulated interruption");
                }
            }

            @Override
            public void end() {
            }
        };
        assertThatThrownBy(() -> new SweepRunner(sweep, store, "test").run(2, Shard.ALL, false, stopAfterSeven))
                .hasMessage("simulated interruption");
        // what the interruption left: 7 complete run files, no temporary files, a readable runs.csv
        assertThat(store.load()).hasSize(7);
        try (var files = Files.list(store.runsDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".json") && !n.startsWith("."));
        }
        assertThat(Files.readString(store.dir().resolve("runs.csv")).lines().count()).isBetween(1L, 8L);

        SweepRunner.Outcome o = new SweepRunner(sweep, store, "test").run(2, Shard.ALL, true, SILENT);
        assertThat(o.reused()).isEqualTo(7);
        assertThat(o.ran()).isEqualTo(25);
        assertThat(Files.readString(store.dir().resolve("runs.csv"))).isEqualTo(wholeRunsCsv);
    }

    @Test
    void shardsTogetherMakeTheWholeSweep() throws IOException {
        Map<String, RunRecord> all = new HashMap<>();
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            SweepStore store = new SweepStore(tmp.resolve("shard" + i));
            SweepRunner.Outcome o = new SweepRunner(sweep, store, "test").run(1, new Shard(i, 3), false, SILENT);
            total += o.ran();
            Map<String, RunRecord> mine = store.load();
            int before = all.size();
            all.putAll(mine);
            assertThat(all).hasSize(before + mine.size()); // no run in two shards
        }
        assertThat(total).isEqualTo(32);
        Map<SweepRun, RunRecord> rows = SweepStore.select(sweep.runs(), all);
        assertThat(ResultTables.runsCsv(sweep, rows)).isEqualTo(wholeRunsCsv);
        assertThat(ResultTables.summaryCsv(sweep, rows)).isEqualTo(wholeSummaryCsv);
    }

    @Test
    void aBadValueAtOnePointFailsWithTheSweepLineAndThePoint() {
        Sweep bad = new Sweep(Sweeps.parse("""
                base: {device: {profile: ramdisk}, workload: {rw: randread, direct: 1, size: 16m, number_ios: 100}}
                axes: [{name: bs, path: workload.bs, values: [4k, 4q]}]
                """));
        assertThatThrownBy(() -> new SweepRunner(bad, new SweepStore(tmp.resolve("bad")), "test").run(1, Shard.ALL, false, SILENT))
                .isInstanceOf(io.stacksim.config.ConfigException.class)
                .hasMessageStartingWith("test-sweep.yaml:2: 'base.workload.bs': expected a size")
                .hasMessageEndingWith("(sweep point bs=4q, replication 0)");
    }

    @Test
    void aMisspeltMetricFailsAfterTheFirstRun() {
        Sweep bad = new Sweep(Sweeps.parse("""
                base: {device: {profile: ramdisk}, workload: {rw: randread, direct: 1, size: 16m, number_ios: 100}}
                axes: [{name: qd, path: workload.iodepth, values: [1, 2]}]
                charts: [{kind: line, x: qd, y: iops.totl}]
                """));
        assertThatThrownBy(() -> new SweepRunner(bad, new SweepStore(tmp.resolve("badmetric")), "test").run(1, Shard.ALL, false, SILENT))
                .hasMessageStartingWith("test-sweep.yaml:3: chart 'line-1': 'iops.totl' is neither an axis nor a metric")
                .hasMessageContaining("did you mean 'iops.total'");
    }
}
