package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepProgressTest {

    @Test
    void withoutATerminalItPrintsPlainLinesAtMostEveryFivePercent() {
        StringWriter err = new StringWriter();
        SweepProgress p = new SweepProgress("qd", new PrintWriter(err, true), false, false);
        p.start(200, 0, 50, 0);
        for (int i = 1; i <= 200; i++) {
            p.runDone(null, i, 200, i / 4, 50);
        }
        p.end();
        List<String> lines = err.toString().lines().toList();
        assertThat(lines).hasSize(20);
        assertThat(lines.get(0)).startsWith("sweep qd: 10/200 runs (5%), 2/50 points, elapsed 0:00, ETA ");
        assertThat(lines.get(19)).startsWith("sweep qd: 200/200 runs (100%), 50/50 points, elapsed");
    }

    @Test
    void aResumedSweepSaysHowManyRunsWereAlreadyDone() {
        StringWriter err = new StringWriter();
        SweepProgress p = new SweepProgress("qd", new PrintWriter(err, true), false, false);
        p.start(10, 4, 5, 2);
        assertThat(err.toString()).isEqualTo("sweep qd: 4 of 10 runs already done, resuming\n");
    }
}
