package io.stacksim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTablesTest {

    private static RunRecord record(SweepRun r, String metric, String value) {
        return new RunRecord(r.id(), r.point().key(), r.replication(), r.seed(), "test", Map.of(metric, value, "c", "7"), Map.of());
    }

    @Test
    void summaryGivesTheMeanAndTheStudentTIntervalComputedByHand() {
        Sweep s = new Sweep(Sweeps.parse("replications: 4\naxes: [{name: a, path: w.a, values: [x, y]}]"));
        Map<SweepRun, RunRecord> rows = new LinkedHashMap<>();
        double[] values = {1, 2, 3, 4, 10, 10, 10, 10};
        for (SweepRun r : s.runs()) {
            rows.put(r, record(r, "m", Double.toString(values[r.index()])));
        }
        List<String> lines = ResultTables.summaryCsv(s, rows).lines().toList();
        assertThat(lines.get(0)).isEqualTo("point,a,metric,n,mean,ci95_half,ci95_low,ci95_high");
        // point 0, metric c: constant 7 -> zero-width interval
        assertThat(lines.get(1)).isEqualTo("0,x,c,4,7.0,0.0,7.0,7.0");
        // point 0, metric m: 1,2,3,4: mean 2.5, s = sqrt(5/3), t(0.975, 3 df) = 3.182446 (t table)
        String[] m = lines.get(2).split(",");
        assertThat(m[2]).isEqualTo("m");
        assertThat(m[3]).isEqualTo("4");
        assertThat(Double.parseDouble(m[4])).isEqualTo(2.5);
        double half = 3.182446305284263 * Math.sqrt(5.0 / 3) / Math.sqrt(4);
        assertThat(Double.parseDouble(m[5])).isCloseTo(half, within(1e-9));
        assertThat(Double.parseDouble(m[6])).isCloseTo(2.5 - half, within(1e-9));
        assertThat(Double.parseDouble(m[7])).isCloseTo(2.5 + half, within(1e-9));
        assertThat(lines.get(4)).isEqualTo("1,y,m,4,10.0,0.0,10.0,10.0");
    }

    @Test
    void oneReplicationLeavesTheIntervalEmptyRatherThanZero() {
        Sweep s = new Sweep(Sweeps.parse("axes: [{name: a, path: w.a, values: [x]}]"));
        Map<SweepRun, RunRecord> rows = new LinkedHashMap<>();
        rows.put(s.runs().get(0), record(s.runs().get(0), "m", "5"));
        assertThat(ResultTables.summaryCsv(s, rows).lines().toList().get(2)).isEqualTo("0,x,m,1,5.0,,,");
    }

    @Test
    void runsCsvQuotesLabelsWithCommasAndLeavesMissingMetricsEmpty() {
        Sweep s = new Sweep(Sweeps.parse("axes: [{name: a, values: [{label: 'x, y', set: {w.a: 1}}, {label: z, set: {w.a: 2}}]}]"));
        Map<SweepRun, RunRecord> rows = new LinkedHashMap<>();
        rows.put(s.runs().get(0), record(s.runs().get(0), "m", "1"));
        rows.put(s.runs().get(1), new RunRecord(s.runs().get(1).id(), "", 0, s.runs().get(1).seed(), "t", Map.of("c", "3"), Map.of()));
        List<String> lines = ResultTables.runsCsv(s, rows).lines().toList();
        assertThat(lines.get(0)).isEqualTo("point,replication,seed,a,c,m");
        assertThat(lines.get(1)).isEqualTo("0,0," + s.runs().get(0).seed() + ",\"x, y\",7,1");
        assertThat(lines.get(2)).isEqualTo("1,0," + s.runs().get(1).seed() + ",z,3,");
    }

    @Test
    void metricsAreWrittenAsTheyRoundTrip() {
        assertThat(RunRecord.format(3L)).isEqualTo("3");
        assertThat(RunRecord.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(Double.parseDouble(RunRecord.format(1.0 / 3))).isEqualTo(1.0 / 3);
        RunRecord r = new RunRecord("id", "a=1", 2, -5, "v", Map.of("x", "1.5", "y", "NaN"), Map.of("read", "AAAA"));
        assertThat(RunRecord.fromJson(r.toJson())).isEqualTo(r);
    }
}
