package io.stacksim.experiment.validation;

import io.stacksim.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What DiskSim 4.0 printed for a validation run, read from its output file (the {@code .outv}
 * that valid/runvalid writes beside each case): the two distributions its rms program compares
 * ("IOdriver Physical access time" simulated, "VALIDATE Trace access time" measured) and the
 * response-time means.
 *
 * @param simulated   DiskSim's service-time CDF
 * @param measured    the trace's service-time CDF, as DiskSim binned it
 * @param meanMs      "Overall I/O System Response time average"
 * @param readMeanMs  "Overall I/O System Non-Critical Read Response time average"
 * @param writeMeanMs "Overall I/O System Non-Critical Write Response time average"
 */
public record DiskSimOutput(Demerit.Curve simulated, Demerit.Curve measured, double meanMs, double readMeanMs,
                            double writeMeanMs) {

    /** DiskSim's own demerit for the run (rms.c on the two curves). */
    public double rmsMs() {
        return Demerit.rms(simulated, measured);
    }

    /**
     * Reads {@code outv}, or returns null when it lacks the statistics (a run DiskSim did not
     * finish, such as its abort on the ST41601N, leaves only the configuration echo).
     */
    public static DiskSimOutput read(Path outv) {
        List<String> lines = io.stacksim.config.InputFiles.readText(outv, "DiskSim's output (.outv)",
                64L << 20, StandardCharsets.ISO_8859_1).lines().toList();
        Demerit.Curve sim = curve(lines, "IOdriver Physical access time distribution", outv);
        Demerit.Curve meas = curve(lines, "VALIDATE Trace access time distribution", outv);
        double mean = average(lines, "Overall I/O System Response time average:");
        if (sim == null || meas == null || Double.isNaN(mean)) {
            return null;
        }
        return new DiskSimOutput(sim, meas, mean, average(lines, "Overall I/O System Non-Critical Read Response time average:"),
                average(lines, "Overall I/O System Non-Critical Write Response time average:"));
    }

    /** The rows after {@code header} (x ms, count, fraction, cumulative), to the first cumulative >= 1, as rms.c reads them. */
    private static Demerit.Curve curve(List<String> lines, String header, Path file) {
        int at = lines.indexOf(header);
        if (at < 0) {
            return null;
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = at + 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 4) {
                break;
            }
            double x;
            double y;
            try {
                x = Double.parseDouble(f[0]);
                y = Double.parseDouble(f[3]);
            } catch (NumberFormatException e) {
                throw new ConfigException(file + ":" + (i + 1) + ": expected a distribution row 'x count fraction cumulative'");
            }
            rows.add(new double[] {x, y});
            if (y >= 1.0) {
                break;
            }
        }
        if (rows.size() < 2) {
            return null;
        }
        return Demerit.Curve.of(rows);
    }

    private static double average(List<String> lines, String prefix) {
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                try {
                    return Double.parseDouble(l.substring(prefix.length()).trim());
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }
}
