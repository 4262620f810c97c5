package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.workload.JobStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * write_hist_log against fio 3.33's rules (stat.c add_clat_sample, iolog.c flush_hist_samples,
 * stat.h FIO_IO_U_PLAT_BITS 6 / FIO_IO_U_PLAT_VAL 64 / FIO_IO_U_PLAT_GROUP_NR 29), and read by
 * fio's own tools/hist/fiologparser_hist.py when the Debian fio package and pandas are there.
 */
class FioHistLogTest {
    @TempDir
    Path dir;

    private static final String JOB = """
            [h]
            filename=data
            size=64m
            rw=randread
            bs=4k
            direct=1
            runtime=1s
            time_based
            write_hist_log=hl
            log_hist_msec=50
            log_hist_coarseness=%d
            """;

    /** stat.h's bin of a latency, written out here from the header's comment (not StackSim's code). */
    private static int fioBin(long ns) {
        int msb = 63 - Long.numberOfLeadingZeros(ns);
        if (msb <= 6) {
            return (int) ns;
        }
        int errorBits = msb - 6;
        return ((errorBits + 1) << 6) + (int) ((ns >> errorBits) & 63);
    }

    private List<long[]> lines(String file) throws Exception {
        List<long[]> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(file))) {
            String[] f = l.split(", ");
            long[] v = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = Long.parseLong(f[i]);
            }
            out.add(v);
        }
        return out;
    }

    @Test
    void eachLineHoldsTheNewCompletionsOfOneWindowInFiosBins() throws Exception {
        RunResult r = FioHarness.run(dir, FioHarness.STACK, JOB.formatted(0));
        JobStats s = FioHarness.job(r, "h");
        List<long[]> lines = lines("hl_clat_hist.1.log");
        // 1 s in 50 ms windows; the window still open at the end is not written (fio neither).
        assertThat(lines).hasSizeBetween(18, 20);
        long total = 0;
        long prevTime = -1;
        long[] summed = new long[29 * 64];
        for (int k = 0; k < lines.size(); k++) {
            long[] v = lines.get(k);
            assertThat(v).hasSize(3 + 29 * 64);
            assertThat(v[1]).isZero();
            assertThat(v[2]).isEqualTo(4096);
            // hist_last moves on by exactly log_hist_msec: line k comes at the first completion
            // at least (k + 1) x 50 ms after the first one (at time 0 here).
            assertThat(v[0]).isGreaterThanOrEqualTo((k + 1) * 50L).isLessThan((k + 1) * 50L + 5);
            assertThat(v[0]).isGreaterThan(prevTime);
            prevTime = v[0];
            for (int i = 3; i < v.length; i++) {
                total += v[i];
                summed[i - 3] += v[i];
            }
        }
        // Every completion up to the last line is in exactly one line; the rest is the open window.
        assertThat(total).isLessThanOrEqualTo(s.ios[0]);
        assertThat(s.ios[0] - total).isLessThan(s.ios[0] / 10);
        // The counts are the clat's, binned as stat.h says: the mean clat's bin is among the full ones.
        int meanBin = fioBin((long) s.clatStat[0].mean());
        long near = 0;
        for (int i = Math.max(0, meanBin - 64); i < Math.min(summed.length, meanBin + 64); i++) {
            near += summed[i];
        }
        assertThat(near).isGreaterThan(total / 2);
    }

    @Test
    void coarsenessSumsTwoToTheCoarsenessBinsPerColumn() throws Exception {
        FioHarness.run(dir, FioHarness.STACK, JOB.formatted(0).replace("hl", "fine"));
        FioHarness.run(dir, FioHarness.STACK, JOB.formatted(3).replace("hl", "coarse"));
        List<long[]> fine = lines("fine_clat_hist.1.log");
        List<long[]> coarse = lines("coarse_clat_hist.1.log");
        assertThat(coarse).hasSameSizeAs(fine);
        for (int k = 0; k < fine.size(); k++) {
            long[] c = coarse.get(k);
            assertThat(c).hasSize(3 + 29 * 64 / 8);
            for (int j = 0; j < 29 * 8; j++) {
                long sum = 0;
                for (int i = 0; i < 8; i++) {
                    sum += fine.get(k)[3 + j * 8 + i];
                }
                assertThat(c[3 + j]).isEqualTo(sum);
            }
        }
    }

    @Test
    void withoutLogHistMsecTheLogStaysEmpty() throws Exception {
        FioHarness.run(dir, FioHarness.STACK, JOB.formatted(0).replace("log_hist_msec=50\n", ""));
        assertThat(Files.readString(dir.resolve("hl_clat_hist.1.log"))).isEmpty();
    }

    @Test
    void fiosHistogramToolReadsTheLog() throws Exception {
        Path tool = Path.of("/usr/share/doc/fio/fiologparser_hist.py.gz");
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.exists(tool) && Files.exists(python),
                "fio's fiologparser_hist.py (Debian package fio) not installed");
        Process check = new ProcessBuilder(python.toString(), "-c", "import pandas, numpy").start();
        Assumptions.assumeTrue(check.waitFor() == 0, "python3-pandas not installed");
        RunResult r = FioHarness.run(dir, FioHarness.STACK, JOB.formatted(1));
        Path script = dir.resolve("fiologparser_hist.py");
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(tool))) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder(python.toString(), script.toString(), "--percentiles", "50",
                dir.resolve("hl_clat_hist.1.log").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        // end-time, samples, min, avg, median, max over the 1000 ms interval.
        String[] row = out.lines().filter(l -> l.startsWith("1000,")).findFirst().orElseThrow().split(",\\s*");
        double median = Double.parseDouble(row[4]);
        long p50 = FioHarness.job(r, "h").clatHistogram(0).percentiles(List.of(50.0), FioHarness.job(r, "h").ios[0])[0];
        // The tool interpolates inside fio's bins, which are 1/64 of their power of two wide (1/32 at coarseness 1).
        assertThat(median).isBetween(p50 * (1 - 1 / 16.0), p50 * (1 + 1 / 16.0));
    }
}
