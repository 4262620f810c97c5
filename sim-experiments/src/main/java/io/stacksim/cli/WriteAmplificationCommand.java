package io.stacksim.cli;

import io.stacksim.experiment.validation.WriteAmplificationExperiment;
import io.stacksim.report.WriteAmplificationChart;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stacksim validate write-amplification}: the FTL's write amplification against greedy GC's analytical value. */
@Command(name = "write-amplification", mixinStandardHelpOptions = true,
        description = "SSD write amplification against over-provisioning: the page-mapped FTL with greedy garbage"
                + " collection under uniform random 4 KiB writes at steady state, next to the mean-field value for"
                + " greedy GC (Van Houdt 2013) and the large-block limit. Writes ssd-write-amplification.csv and .png.")
final class WriteAmplificationCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "where the CSV and the chart go (default: ${DEFAULT-VALUE})")
    Path out = Path.of("results");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(out);
        List<WriteAmplificationExperiment.Point> points = WriteAmplificationExperiment.standard();
        int unitsPerBlock = WriteAmplificationExperiment.GEOMETRY.unitsPerBlock();
        Path csv = out.resolve("ssd-write-amplification.csv");
        Path tmp = Files.createTempFile(out, "wa", ".csv.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("over_provisioning,simulated_wa,mean_field_wa,large_block_limit_wa,units_per_block\n");
            for (WriteAmplificationExperiment.Point p : points) {
                w.write(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%d%n", p.op(), p.simulated(), p.meanField(),
                        p.largeBlock(), unitsPerBlock));
            }
        }
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path png = out.resolve("ssd-write-amplification.png");
        try {
            WriteAmplificationChart.writePng(points, unitsPerBlock, png);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        PrintWriter o = spec.commandLine().getOut();
        for (WriteAmplificationExperiment.Point p : points) {
            o.printf(Locale.ROOT, "op=%5.1f%%  simulated WA=%.3f  mean-field=%.3f  (%+.1f%%)  large-block limit=%.3f%n",
                    100 * p.op(), p.simulated(), p.meanField(), 100 * (p.simulated() / p.meanField() - 1), p.largeBlock());
        }
        o.println("wrote " + csv + " and " + png);
        o.flush();
        return 0;
    }
}
