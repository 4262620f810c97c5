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
                "Exit 0 when every drive's demerit is within --max-percent of its measured mean."})
final class DiskSimCommand implements Callable<Integer> {
    @Parameters(arity = "0..2", paramLabel = "PARV TRACE", description = "a DiskSim .parv and the drive's validate-format trace")
    List<Path> files = new ArrayList<>();

    @Option(names = "--all", paramLabel = "DIR", description = "every X.parv in DIR that has an X.trace in validate format")
    Path all;

    @Option(names = "--format", paramLabel = "text|json", description = "output format (default: ${DEFAULT-VALUE})")
    Format format = Format.text;

    @Option(names = "--charts", paramLabel = "DIR", description = "where the CDF charts go (default: ${DEFAULT-VALUE})")
    Path charts = Path.of("results", "disksim");

    @Option(names = "--no-charts", description = "do not write CDF charts")
    boolean noCharts;

    @Option(names = "--max-percent", paramLabel = "P", description = "pass when demerit <= P % of the measured mean (default: ${DEFAULT-VALUE})")
    double maxPercent = 3.0;

    enum Format { text, json }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<DiskSimValidation.Case> cases;
        if (all != null) {
            if (!files.isEmpty()) {
                throw new ConfigException("give PARV TRACE or --all DIR, not both");
            }
            cases = DiskSimValidation.discover(all);
        } else if (files.size() == 2) {
            cases = List.of(DiskSimValidation.caseOf(files.get(0), files.get(1)));
        } else {
            throw new ConfigException("give PARV TRACE, or --all DIR");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean pass = true;
        List<Map<String, Object>> json = new ArrayList<>();
        if (format == Format.text) {
            out.printf(Locale.ROOT, "%-10s %-26s %5s  %-24s %-24s %8s %7s  %-16s %s%n", "case", "disk", "n",
                    "measured mean R/W (ms)", "StackSim mean R/W (ms)", "demerit", "of mean", "DiskSim 4.0", "result");
            out.flush();
        }
        for (DiskSimValidation.Case c : cases) {
            DiskSimValidation.Result r = DiskSimValidation.run(c);
            boolean ok = r.demeritPercent() <= maxPercent;
            pass &= ok;
            String chart = noCharts ? null : chart(r).toString();
            DiskSimValidation.Reference ref = r.reference();
            if (format == Format.text) {
                String ds = ref == null ? "-" : String.format(Locale.ROOT, "%.3f ms %.2f%%", ref.rmsMs(), 100 * ref.rmsMs() / r.measuredMean()[0]);
                out.printf(Locale.ROOT, "%-10s %-26s %5d  %6.3f (%6.3f/%6.3f)   %6.3f (%6.3f/%6.3f)   %5.3f ms %6.2f%%  %-16s %s%n",
                        r.name(), r.disk(), r.requests(), r.measuredMean()[0], r.measuredMean()[1], r.measuredMean()[2],
                        r.simulatedMean()[0], r.simulatedMean()[1], r.simulatedMean()[2], r.demeritMs(), r.demeritPercent(),
                        ds, ok ? "PASS" : "FAIL");
                out.flush();
            } else {
                json.add(toJson(r, ok, chart));
            }
        }
        if (format == Format.text) {
            out.printf(Locale.ROOT, "%ndemerit = DiskSim's rms horizontal distance between the measured and simulated service-time"
                    + " CDFs (rms.c); pass = demerit <= %.1f%% of the measured mean%n", maxPercent);
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
        DiskSimValidation.Reference ref = r.reference();
        if (ref != null) {
            m.put("disksim_demerit_ms", round(ref.rmsMs()));
            m.put("disksim_demerit_percent", round(100 * ref.rmsMs() / r.measuredMean()[0]));
            m.put("disksim_mean_ms", round(ref.meanMs()));
            m.put("disksim_read_mean_ms", round(ref.readMeanMs()));
            m.put("disksim_write_mean_ms", round(ref.writeMeanMs()));
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
