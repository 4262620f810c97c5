package io.stacksim.cli;

import io.stacksim.experiment.sweep.SweepRun;
import io.stacksim.experiment.sweep.SweepRunner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a sweep's progress: a progress bar with points done and the ETA on a terminal, plain
 * lines (at most one per 5% of the runs or per 30 s) when the output goes to a file or a
 * batch system's log.
 */
final class SweepProgress implements SweepRunner.Progress {
    private final String name;
    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private ProgressBar bar;
    private long startNs;
    private int startDone;
    private long lastLineNs;
    private int lastLinePct = -1;

    SweepProgress(String name, PrintWriter err, boolean terminal, boolean quiet) {
        this.name = name;
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    /** Bar on a console, lines otherwise. */
    static SweepProgress forConsole(String name, PrintWriter err) {
        return new SweepProgress(name, err, System.console() != null, System.getenv("STACKSIM_QUIET") != null);
    }

    @Override
    public void start(int runsTotal, int runsDone, int pointsTotal, int pointsDone) {
        startNs = System.nanoTime();
        lastLineNs = startNs;
        startDone = runsDone;
        if (quiet) {
            return;
        }
        if (runsDone > 0) {
            err.printf(Locale.ROOT, "sweep %s: %d of %d runs already done, resuming%n", name, runsDone, runsTotal);
            err.flush();
        }
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName("sweep " + name).setInitialMax(runsTotal)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" runs", 1)
                    .startsFrom(runsDone, Duration.ZERO).setUpdateIntervalMillis(500).build();
            bar.setExtraMessage(points(pointsDone, pointsTotal));
        }
    }

    private static String points(int done, int total) {
        return done + "/" + total + " points";
    }

    @Override
    public void runDone(SweepRun run, int runsDone, int runsTotal, int pointsDone, int pointsTotal) {
        if (quiet) {
            return;
        }
        if (bar != null) {
            bar.stepTo(runsDone);
            bar.setExtraMessage(points(pointsDone, pointsTotal));
            return;
        }
        long now = System.nanoTime();
        int pct = (int) (100L * runsDone / Math.max(1, runsTotal));
        if (runsDone == runsTotal || pct / 5 > lastLinePct / 5 || now - lastLineNs > 30_000_000_000L) {
            double elapsed = (now - startNs) / 1e9;
            int ran = runsDone - startDone;
            double eta = ran == 0 ? 0 : elapsed / ran * (runsTotal - runsDone);
            err.printf(Locale.ROOT, "sweep %s: %d/%d runs (%d%%), %s, elapsed %s, ETA %s%n", name, runsDone, runsTotal,
                    pct, points(pointsDone, pointsTotal), clock(elapsed), clock(eta));
            err.flush();
            lastLineNs = now;
            lastLinePct = pct;
        }
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** Closes the bar after a failure so the error is printed on a clean line. */
    void abort() {
        end();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
