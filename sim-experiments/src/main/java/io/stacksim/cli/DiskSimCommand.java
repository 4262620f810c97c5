package io.stacksim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stacksim.config.ConfigException;
import io.stacksim.experiment.validation.Demerit;
import io.stacksim.experiment.validation.DiskSimValidation;
import io.stacksim.report.CdfChart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stacksim validate disksim}: the HDD model against DiskSim's validation traces. */
@Command(name = "disksim", mixinStandardHelpOptions = true,
        description = {"Replay DiskSim validate-format traces (real drives' measured service times) against the HDD model"
                + " built from each drive's DiskSim spec, the way DiskSim's validate mode replays them, and score the"
                + " distributions by DiskSim's demerit (rms horizontal distance of the CDFs).",
                "The eleven drives of DiskSim 4.0's validation suite are in a DiskSim 4.0 checkout's valid/ folder"
                + " (e.g. a clone of dmeister/disksim-4-0-x64): ./stacksim validate disksim --all DISKSIM/valid."
                + " When DiskSim's own output X.outv lies beside X.parv (valid/runvalid writes it), DiskSim's demerit"
                + " and CDF are shown next to StackSim's.",
                "Exit 0 when every drive's demerit is within --max-percent of its measured mean, or within"
                + " --max-ratio times DiskSim's own demerit where that is known."})
final class DiskSimCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PARV TRACE", description = "DiskSim .parv files, each followed by the drive's validate-format trace")
    List<Path> files = new ArrayList<>();

    @Option(names = "--all", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
            description = "also every X.parv in DIR that has an X.trace in validate format; without DIR, the valid/ folder of"
                    + " the DiskSim checkout in DISKSIM_HOME (or peers/disksim beside this one)")
    String all;

    @Option(names = "--format", paramLabel = "text|json", description = "output format (default: ${DEFAULT-VALUE})")
    Format format = Format.text;

    @Option(names = "--charts", paramLabel = "DIR", description = "where the CDF charts go (default: ${DEFAULT-VALUE})")
    Path charts = Path.of("results", "disksim");

    @Option(names = "--no-charts", description = "do not write CDF charts")
    boolean noCharts;

    @Option(names = "--requests", paramLabel = "DIR", description = "write each case's per-request service times to DIR/X.requests.csv")
    Path requests;

    @Option(names = "--max-percent", paramLabel = "P", description = "pass when demerit <= P %% of the measured mean (default: ${DEFAULT-VALUE})")
    double maxPercent = 3.0;

    @Option(names = "--max-ratio", paramLabel = "R", description = "or when demerit <= R x DiskSim's own demerit, where known (default: ${DEFAULT-VALUE})")
    double maxRatio = 1.5;

    @Option(names = "--threads", description = "cases replayed in parallel (default: all cores); results do not depend on it")
    int threads = Runtime.getRuntime().availableProcessors();

    enum Format { text, json }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (threads < 1) {
            throw new ConfigException("--threads " + threads + ": expected an integer >= 1");
        }
        if (!(maxPercent >= 0) || Double.isInfinite(maxPercent)) {
            throw new ConfigException("--max-percent " + maxPercent + ": expected a percentage >= 0");
        }
        if (!(maxRatio > 0) || Double.isInfinite(maxRatio)) {
            throw new ConfigException("--max-ratio " + maxRatio + ": expected a number > 0");
        }
        if (files.size() % 2 != 0) {
            throw new ConfigException("give PARV TRACE pairs: " + files.get(files.size() - 1) + " has no trace");
        }
        List<DiskSimValidation.Case> cases = new ArrayList<>();
        for (int i = 0; i < files.size(); i += 2) {
            cases.add(DiskSimValidation.caseOf(files.get(i), files.get(i + 1)));
        }
        if (all != null) {
            Path dir = all.isEmpty()
                    ? io.stacksim.devices.hdd.disksim.DiskSimCheckout.valid().orElseThrow(
                            () -> new ConfigException("--all: " + io.stacksim.devices.hdd.disksim.DiskSimCheckout.missing()))
                    : Path.of(all);
            cases.addAll(DiskSimValidation.discover(dir));
        }
        if (cases.isEmpty()) {
            throw new ConfigException("give PARV TRACE pairs, or --all DIR (a DiskSim 4.0 checkout's valid/ folder)");
        }
        if (requests != null) {
            io.stacksim.config.OutputFiles.checkFolder(requests, "--requests");
        }
        if (!noCharts) {
            io.stacksim.config.OutputFiles.checkFolder(charts, "--charts");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean pass = true;
        List<Map<String, Object>> json = new ArrayList<>();
        if (format == Format.text) {
            out.printf(Locale.ROOT, "%-10s %-26s %5s  %-24s %-24s %8s %7s  %-16s %s%n", "case", "disk", "n",
                    "measured mean R/W (ms)", "StackSim mean R/W (ms)", "demerit", "of mean", "DiskSim 4.0", "result");
            out.flush();
        }
        List<DiskSimValidation.Result> results = DiskSimValidation.runAll(cases, threads, requests);
        List<String> chartFiles = noCharts ? null
                : io.stacksim.experiment.Parallel.map(results, threads, r -> chart(r).toString());
        for (int i = 0; i < results.size(); i++) {
            DiskSimValidation.Result r = results.get(i);
            DiskSimValidation.Reference ref = r.reference();
            boolean ok = r.demeritPercent() <= maxPercent || (ref != null && r.demeritMs() <= maxRatio * ref.rmsMs());
            pass &= ok;
            if (format == Format.text) {
                String ds = ref == null ? "-" : String.format(Locale.ROOT, "%.3f ms %.2f%%", ref.rmsMs(), 100 * ref.rmsMs() / r.measuredMean()[0]);
                out.printf(Locale.ROOT, "%-10s %-26s %5d  %6.3f (%6.3f/%6.3f)   %6.3f (%6.3f/%6.3f)   %5.3f ms %6.2f%%  %-16s %s%n",
                        r.name(), r.disk(), r.requests(), r.measuredMean()[0], r.measuredMean()[1], r.measuredMean()[2],
                        r.simulatedMean()[0], r.simulatedMean()[1], r.simulatedMean()[2], r.demeritMs(), r.demeritPercent(),
                        ds, ok ? "PASS" : "FAIL");
            } else {
                json.add(toJson(r, ok, chartFiles == null ? null : chartFiles.get(i)));
            }
        }
        if (format == Format.text) {
            out.printf(Locale.ROOT, "%ndemerit = DiskSim's rms horizontal distance between the measured and simulated service-time"
                    + " CDFs (rms.c); pass = demerit <= %.1f%% of the measured mean, or <= %.1f x DiskSim 4.0's%n", maxPercent, maxRatio);
            if (!noCharts) {
                out.printf("CDF charts: %s%n", charts);
            }
        } else {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        out.flush();
        return pass ? 0 : 1;
    }

    private Map<String, Object> toJson(DiskSimValidation.Result r, boolean ok, String chart) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", r.name());
        m.put("disk", r.disk());
        m.put("requests", r.requests());
        m.put("measured_mean_ms", round(r.measuredMean()[0]));
        m.put("measured_read_mean_ms", round(r.measuredMean()[1]));
        m.put("measured_write_mean_ms", round(r.measuredMean()[2]));
        m.put("simulated_mean_ms", round(r.simulatedMean()[0]));
        m.put("simulated_read_mean_ms", round(r.simulatedMean()[1]));
        m.put("simulated_write_mean_ms", round(r.simulatedMean()[2]));
        m.put("demerit_ms", round(r.demeritMs()));
        m.put("demerit_percent", round(r.demeritPercent()));
        m.put("measured_read_hits", r.measuredHits());
        m.put("simulated_read_hits", r.simulatedHits());
        m.put("events_per_request", round((double) r.events() / r.requests()));
        DiskSimValidation.Reference ref = r.reference();
        if (ref != null) {
            m.put("disksim_demerit_ms", round(ref.rmsMs()));
            m.put("disksim_demerit_percent", round(100 * ref.rmsMs() / r.measuredMean()[0]));
            m.put("disksim_mean_ms", round(ref.meanMs()));
            m.put("disksim_read_mean_ms", round(ref.readMeanMs()));
            m.put("disksim_write_mean_ms", round(ref.writeMeanMs()));
            m.put("disksim_source", ref.source().toString());
        }
        m.put("pass", ok);
        if (chart != null) {
            m.put("chart", chart);
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** Writes the case's CDF chart: measured, StackSim and (when known) DiskSim 4.0. */
    private Path chart(DiskSimValidation.Result r) {
        String drive = r.disk().replace("_validate", "").replace('_', ' ');
        DiskSimValidation.Reference ref = r.reference();
        String sub = String.format(Locale.ROOT, "%d requests; demerit StackSim %.3f ms (%.2f%% of the measured mean)", r.requests(),
                r.demeritMs(), r.demeritPercent());
        if (ref != null) {
            sub += String.format(Locale.ROOT, ", DiskSim 4.0 %.3f ms (%.2f%%)", ref.rmsMs(), 100 * ref.rmsMs() / r.measuredMean()[0]);
        }
        CdfChart chart = new CdfChart(drive + ": service-time distribution, measured vs simulated", sub, "Service time (ms)");
        chart.add(series("Measured (validate trace)", r.measured()));
        chart.add(series("StackSim HDD model", r.simulated()));
        if (ref != null && ref.curve() != null) {
            chart.add(series("DiskSim 4.0", ref.curve()));
        }
        Path file = charts.resolve(r.name() + ".png");
        chart.writePng(file, 1000, 640);
        return file;
    }

    private static CdfChart.Series series(String label, Demerit.Curve c) {
        return new CdfChart.Series(label, c.x(), c.y());
    }
}
