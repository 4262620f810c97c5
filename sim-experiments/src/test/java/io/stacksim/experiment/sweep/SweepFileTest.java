package io.stacksim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.engine.RandomStreams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SweepFileTest {

    private static List<String> labels(Axis a) {
        return a.values().stream().map(AxisValue::label).toList();
    }

    @Test
    void cartesianProductHasEveryCombinationWithTheLastAxisFastest() {
        Sweep s = new Sweep(Sweeps.parse("""
                axes:
                  - {name: a, path: x.a, values: [1, 2]}
                  - {name: b, path: x.b, values: [p, q, r]}
                """));
        assertThat(s.points()).extracting(SweepPoint::key).containsExactly(
                "a=1, b=p", "a=1, b=q", "a=1, b=r", "a=2, b=p", "a=2, b=q", "a=2, b=r");
        assertThat(s.config(s.points().get(4)).get("x.a")).isEqualTo("2");
        assertThat(s.config(s.points().get(4)).get("x.b")).isEqualTo("q");
    }

    @Test
    void zipTakesTheIthValueOfEveryAxis() {
        Sweep s = new Sweep(Sweeps.parse("""
                combine: zip
                axes:
                  - {name: bs, path: workload.bs, values: [4k, 64k, 1m]}
                  - {name: ios, path: workload.number_ios, values: [1000, 100, 10]}
                """));
        assertThat(s.points()).extracting(SweepPoint::key).containsExactly("bs=4k, ios=1000", "bs=64k, ios=100", "bs=1m, ios=10");
    }

    @Test
    void zipOfAxesOfDifferentLengthsIsAnErrorAtTheAxisLine() {
        assertThatThrownBy(() -> Sweeps.parse("""
                combine: zip
                axes:
                  - {name: a, path: x.a, values: [1, 2]}
                  - {name: b, path: x.b, values: [1, 2, 3]}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("test-sweep.yaml:4:")
                .hasMessageContaining("equal length");
    }

    @Test
    void geometricRangesByFactorAndByCountIncludeBothEnds() {
        SweepSpec s = Sweeps.parse("""
                axes:
                  - {name: qd, path: w.iodepth, range: {from: 1, to: 256, factor: 2}}
                  - {name: m, path: w.n, range: {from: 1, to: 1000, count: 4, scale: log}}
                  - {name: r, path: w.r, range: {from: 1, to: 100, count: 5, scale: log}}
                """);
        assertThat(labels(s.axes().get(0))).containsExactly("1", "2", "4", "8", "16", "32", "64", "128", "256");
        assertThat(labels(s.axes().get(1))).containsExactly("1", "10", "100", "1000");
        // 10^(k/2): 1, 3.16228, 10, 31.6228, 100
        assertThat(labels(s.axes().get(2))).containsExactly("1", "3.16228", "10", "31.6228", "100");
    }

    @Test
    void linearRangesByStepAndByCount() {
        SweepSpec s = Sweeps.parse("""
                axes:
                  - {name: a, path: w.a, range: {from: 0, to: 100, step: 25}}
                  - {name: b, path: w.b, range: {from: 0, to: 1, count: 5}}
                  - {name: c, path: w.c, range: {from: 10, to: 20, step: 3}}
                """);
        assertThat(labels(s.axes().get(0))).containsExactly("0", "25", "50", "75", "100");
        assertThat(labels(s.axes().get(1))).containsExactly("0", "0.25", "0.5", "0.75", "1");
        assertThat(labels(s.axes().get(2))).containsExactly("10", "13", "16", "19");
    }

    @Test
    void sizeRangesStayInFioUnits() {
        SweepSpec s = Sweeps.parse("axes: [{name: bs, path: workload.bs, range: {from: 4k, to: 1m, factor: 4}}]");
        assertThat(labels(s.axes().get(0))).containsExactly("4k", "16k", "64k", "256k", "1m");
        assertThat(s.axes().get(0).kind()).isEqualTo(Axis.Kind.SIZE);
        assertThat(s.axes().get(0).numeric(s.axes().get(0).values().get(4))).isEqualTo(1024.0);
    }

    @Test
    void variantValuesSetSeveralPaths() {
        Sweep s = new Sweep(Sweeps.parse("""
                axes:
                  - name: mode
                    values:
                      - {label: direct, set: {workload.direct: 1, workload.ioengine: psync}}
                      - {label: aio, set: {workload: {direct: 1, ioengine: libaio}}}
                """));
        ConfigNode c = s.config(s.points().get(1));
        assertThat(c.get("workload.direct")).isEqualTo("1");
        assertThat(c.get("workload.ioengine")).isEqualTo("libaio");
    }

    @Test
    void aMisspeltKeyIsAOneLineErrorWithFileLineAndSuggestion() {
        assertThatThrownBy(() -> Sweeps.parse("""
                name: x
                replicatons: 3
                """)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test-sweep.yaml:2: unknown key 'replicatons'")
                .hasMessageContaining("did you mean 'replications'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> Sweeps.parse("""
                axes:
                  - {name: a, path: w.a, range: {from: 1, to: 8, factr: 2}}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("test-sweep.yaml:2:");
        assertThatThrownBy(() -> Sweeps.parse("""
                axes: [{name: a, path: w.a, values: [1, 2]}]
                charts:
                  - {kind: line, x: a, y: iops.total, series: b}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("test-sweep.yaml:3:")
                .hasMessageContaining("no axis named 'b'");
    }

    @Test
    void quickReplacesAxisValuesReplicationsAndSettings() {
        String yaml = """
                replications: 5
                base: {workload: {number_ios: 100000}}
                axes: [{name: qd, path: workload.iodepth, range: {from: 1, to: 64, factor: 2}}]
                quick: {replications: 2, set: {workload.number_ios: 100}, axes: {qd: [1, 8]}}
                """;
        SweepSpec full = Sweeps.parse(yaml);
        SweepSpec quick = Sweeps.parseQuick(yaml);
        assertThat(full.replications()).isEqualTo(5);
        assertThat(labels(full.axes().get(0))).hasSize(7);
        assertThat(quick.replications()).isEqualTo(2);
        assertThat(labels(quick.axes().get(0))).containsExactly("1", "8");
        assertThat(quick.base().get("workload.number_ios")).isEqualTo("100");
        assertThat(full.base().get("workload.number_ios")).isEqualTo("100000");
    }

    @Test
    void everyRunHasADistinctRecordedSeedDerivedFromTheMasterSeedAndItsPoint() {
        Sweep s = new Sweep(Sweeps.parse(Sweeps.SIXTEEN_POINTS));
        Set<Long> seeds = new HashSet<>();
        for (SweepRun r : s.runs()) {
            assertThat(r.seed()).isEqualTo(RandomStreams.seedFor(11, "sweep/" + r.point().key() + "/replication " + r.replication()));
            assertThat(s.config(r).get("run.seed")).isEqualTo(Long.toString(r.seed()));
            seeds.add(r.seed());
        }
        assertThat(seeds).hasSize(32);
        assertThat(s.runs()).extracting(SweepRun::id).doesNotHaveDuplicates();
    }

    @Test
    void addingAValueToAnAxisKeepsTheOtherPointsSeedsAndRunIds() {
        Sweep small = new Sweep(Sweeps.parse("axes: [{name: a, path: w.a, values: [1, 4]}]\nreplications: 2"));
        Sweep large = new Sweep(Sweeps.parse("axes: [{name: a, path: w.a, values: [1, 2, 4]}]\nreplications: 2"));
        SweepRun fourSmall = small.runsOf(small.points().get(1)).get(1);
        SweepRun fourLarge = large.runsOf(large.points().get(2)).get(1);
        assertThat(fourLarge.seed()).isEqualTo(fourSmall.seed());
        assertThat(fourLarge.id()).isEqualTo(fourSmall.id());
    }

    @Test
    void commonRandomNumbersGiveReplicationRTheSameSeedAtEveryPoint() {
        Sweep s = new Sweep(Sweeps.parse("""
                common_random_numbers: true
                replications: 2
                axes: [{name: a, path: w.a, values: [1, 2, 3]}]
                """));
        for (SweepPoint p : s.points()) {
            assertThat(s.runsOf(p).get(0).seed()).isEqualTo(s.runs().get(0).seed());
            assertThat(s.runsOf(p).get(1).seed()).isEqualTo(s.runs().get(1).seed()).isNotEqualTo(s.runs().get(0).seed());
        }
    }

    @Test
    void theResolvedSweepFileDescribesTheSameRuns() {
        SweepSpec spec = Sweeps.parse(Sweeps.SIXTEEN_POINTS + """
                charts:
                  - {kind: line, x: iodepth, y: iops.total, series: device, x_scale: log2}
                  - {kind: cdf, series: iodepth, where: {iodepth: [1, 8]}}
                """);
        String resolved = Sweep.yaml(spec.toPlain());
        SweepSpec again = Sweeps.parse(resolved);
        assertThat(new Sweep(again).runs()).extracting(SweepRun::id)
                .containsExactlyElementsOf(new Sweep(spec).runs().stream().map(SweepRun::id).toList());
        assertThat(again.charts()).hasSize(2);
        assertThat(again.histograms()).isTrue();
    }

    @Test
    void theResolvedFileOfAQuickSweepDescribesTheSameRuns() {
        String yaml = Sweeps.SIXTEEN_POINTS + """
                charts: [{kind: cdf, series: iodepth, where: {iodepth: [1, 128]}}]
                quick: {replications: 1, axes: {iodepth: [1, 8]}}
                """;
        SweepSpec quick = Sweeps.parseQuick(yaml);
        SweepSpec again = Sweeps.parse(Sweep.yaml(quick.toPlain()));
        assertThat(new Sweep(again).runs()).extracting(SweepRun::id)
                .containsExactlyElementsOf(new Sweep(quick).runs().stream().map(SweepRun::id).toList());
        assertThat(again.charts().get(0).where()).containsEntry("iodepth", List.of("1"));
    }
}
