package io.stacksim.experiment.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.experiment.sweep.Shard;
import io.stacksim.experiment.sweep.Sweep;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.experiment.sweep.SweepRun;
import io.stacksim.experiment.sweep.SweepRunner;
import io.stacksim.experiment.sweep.SweepStore;
import io.stacksim.experiment.sweep.Sweeps;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LittlesLawTest {
    @TempDir
    Path tmp;

    @Test
    void aSaturatedOneUnitDeviceServesOneRequestPerServiceTimeAndQueuesTheRest() {
        // A closed system of N customers and one server with a fixed 100 us service time: once
        // N >= 2 the server never idles, so X = 1/S = 10,000/s, and by Little's law W = N/X.
        Sweep s = new Sweep(Sweeps.parse("""
                replications: 2
                base:
                  device: {profile: latency-100us}
                  workload: {rw: randread, bs: 4k, size: 64m, ioengine: libaio, direct: 1, number_ios: 4000}
                axes: [{name: qd, path: workload.iodepth, values: [2, 8, 16]}]
                """));
        SweepRunner.Outcome o = new SweepRunner(s, new SweepStore(tmp), "test").run(2, Shard.ALL, false, SILENT);
        List<LittlesLaw.Row> rows = LittlesLaw.check(new SweepResults(s, o.records()));
        assertThat(rows).hasSize(3);
        for (LittlesLaw.Row r : rows) {
            assertThat(r.throughput().mean()).isCloseTo(10_000, within(10_000 * 0.01));
            assertThat(r.latencyUs().mean()).isCloseTo(r.target() * 100.0, within(r.target() * 100.0 * 0.02));
            assertThat(r.appRatio()).isBetween(0.95, 1.0);
            assertThat(r.blockAgrees()).isTrue();
        }
        assertThat(rows.get(2).target()).isEqualTo(16);
    }

    @Test
    void syncEnginesKeepOneIoInFlightPerJob() {
        Sweep s = new Sweep(Sweeps.parse("""
                replications: 2
                base: {workload: {ioengine: psync, iodepth: 32, numjobs: 3}}
                """));
        assertThat(LittlesLaw.target(s.config(s.points().get(0)))).isEqualTo(3);
    }

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
}
