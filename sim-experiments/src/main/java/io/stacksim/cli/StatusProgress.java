package io.stacksim.cli;

import io.stacksim.experiment.run.Simulation;
import java.io.PrintWriter;

/**
 * Shows fio's status line while {@code run} or {@code fio} simulates jobs, on standard error so
 * the report on standard output stays clean: on a terminal the line is rewritten in place every
 * second (fio's eta_interval, ending in a carriage return as fio's does); in batch output (a
 * file, a pipe, a batch system's log) a plain line every 10 s. {@code STACKSIM_QUIET} turns it
 * off.
 */
final class StatusProgress implements Simulation.Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private int lastLength;
    private boolean shown;

    StatusProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** The status line for this process's console, or null when STACKSIM_QUIET is set. */
    static StatusProgress forConsole(PrintWriter err) {
        if (System.getenv("STACKSIM_QUIET") != null) {
            return null;
        }
        return new StatusProgress(err, System.console() != null);
    }

    @Override
    public long intervalNs() {
        return terminal ? 1_000_000_000L : 10_000_000_000L;
    }

    @Override
    public void status(String line) {
        shown = true;
        if (terminal) {
            // display_thread_status: pad over a longer previous line, then return to its start.
            StringBuilder b = new StringBuilder(line);
            while (b.length() < lastLength) {
                b.append(' ');
            }
            lastLength = line.length();
            err.print(b.append('\r'));
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public void done() {
        if (terminal && shown) {
            err.println();
            err.flush();
        }
    }
}
