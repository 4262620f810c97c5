package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's status line (eta.c) over a simulated run: its layout as fio 3.33 prints it, the job
 * states and the rates the jobs really run at, and a run that shows it is the same run.
 */
class FioStatusLineTest {
    @TempDir
    Path dir;

    private RunResult run(String jobs, Simulation.Progress progress) {
        return FioHarness.run(dir, FioHarness.STACK, jobs, progress);
    }

    private static final String JOBS = """
            [global]
            filename=data
            size=64m
            direct=1
            runtime=2
            time_based
            [reader]
            rw=randread
            rate_iops=2000
            [writer]
            stonewall
            rw=write
            """;

    /** Collects every line, shown as often as the simulation lets it (every 1024 events). */
    private static final class Lines implements Simulation.Progress {
        final List<String> lines = new ArrayList<>();
        int done;

        @Override
        public long intervalNs() {
            return 0;
        }

        @Override
        public void status(String line) {
            lines.add(line);
        }

        @Override
        public void done() {
            done++;
        }
    }

    @Test
    void theLineHasFiosLayoutStatesAndTheRateTheJobRunsAt() {
        Lines p = new Lines();
        run(JOBS, p);
        assertThat(p.done).isEqualTo(1);
        assertThat(p.lines).isNotEmpty();
        Pattern fio = Pattern.compile("Jobs: (\\d+) \\(f=(\\d+)\\)(, 0-2000 IOPS)?: \\[([A-Za-z_/]\\(\\d+\\)(,[A-Za-z_/]\\(\\d+\\))*)\\]"
                + "\\[(-\\.-|\\d+\\.\\d)%\\](\\[r=[^\\]]+\\]\\[r=(\\d+) IOPS\\]|\\[(r=[^,]+,)?w=[^\\]]+\\]\\[(r=\\d+,)?w=[^\\]]+ IOPS\\])?\\[eta (\\d\\dm:\\d\\ds|--)\\]");
        boolean sawReader = false;
        boolean sawWriter = false;
        double lastPerc = -1;
        for (String l : p.lines) {
            Matcher m = fio.matcher(l);
            assertThat(m.matches()).as(l).isTrue();
            if (m.group(4).equals("r(1),P(1)") && m.group(8) != null) {
                // rate_iops=2000 for the reader, its rate limit shown as fio does (", 0-2000 IOPS").
                // The first sample's window (calc_rate: bytes since the previous display) also
                // spans fio's layout of the read job's file in the run (ext4: extend_file), so
                // the rate is the job's from the second sample on.
                assertThat(m.group(3)).isNotNull();
                if (sawReader) {
                    assertThat(Integer.parseInt(m.group(8))).isBetween(1900, 2100);
                }
                sawReader = true;
            }
            if (m.group(4).equals("_(1),W(1)")) {
                sawWriter = true;
            }
            if (!m.group(6).equals("-.-")) {
                double perc = Double.parseDouble(m.group(6));
                assertThat(perc).isGreaterThanOrEqualTo(lastPerc - 0.05);
                lastPerc = perc;
            }
        }
        assertThat(sawReader).isTrue();
        assertThat(sawWriter).isTrue();
    }

    @Test
    void aRunShowingTheLineIsTheSameRun() {
        RunResult with = run(JOBS, new Lines());
        RunResult without = run(JOBS, null);
        assertThat(with.metrics()).isEqualTo(without.metrics());
    }

    @Test
    void statesAreCondensedAndTheEtaIsWrittenAsFiosEtaToStr() {
        assertThat(FioStatusLine.condensed("RRP_")).isEqualTo("R(2),P(1),_(1)");
        assertThat(FioStatusLine.etaString(11)).isEqualTo("00m:11s");
        assertThat(FioStatusLine.etaString(3725)).isEqualTo("01h:02m:05s");
        assertThat(FioStatusLine.etaString(90061)).isEqualTo("01d:01h:01m:01s");
        assertThat(FioStatusLine.etaString(-1)).isEqualTo("--");
    }
}
