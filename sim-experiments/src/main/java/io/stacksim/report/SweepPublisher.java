package io.stacksim.report;

import io.stacksim.experiment.sweep.ResultTables;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.experiment.sweep.SweepStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes everything a finished sweep produces from its stored runs: tables, charts, reports. */
public final class SweepPublisher {
    private SweepPublisher() {
    }

    /**
     * Writes runs.csv, summary.csv, charts/ (stale charts removed first), report.html and
     * report.md; returns the charts written.
     */
    public static List<ChartFiles.Written> publish(SweepResults results, SweepStore store, List<String> commands,
                                                   String version) {
        return publish(results, store, commands, version, 1);
    }

    /** As {@link #publish(SweepResults, SweepStore, List, String)}, drawing {@code threads} charts at a time. */
    public static List<ChartFiles.Written> publish(SweepResults results, SweepStore store, List<String> commands,
                                                   String version, int threads) {
        store.writeText("runs.csv", ResultTables.runsCsv(results.sweep(), results.rows()));
        store.writeText("summary.csv", ResultTables.summaryCsv(results.sweep(), results.rows()));
        Path charts = store.dir().resolve("charts");
        try {
            Files.createDirectories(charts);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(charts, "*.{png,svg}")) {
                for (Path p : ds) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ChartFiles.Written> written = new SweepCharts(results, store.dir()).drawAll(threads);
        new SweepReport(results, written, commands, version).write(store);
        return written;
    }
}
