package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.experiment.sweep.Shard;
import io.stacksim.experiment.sweep.Sweep;
import io.stacksim.experiment.sweep.SweepFile;
import io.stacksim.experiment.sweep.SweepResults;
import io.stacksim.experiment.sweep.SweepRun;
import io.stacksim.experiment.sweep.SweepRunner;
import io.stacksim.experiment.sweep.SweepStore;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {
    static final String SWEEP = """
            name: report-test
            title: Queue depth on two devices
            question: Does the report say what it did?
            description: |
              First paragraph with `code`.

              - a bullet
            replications: 2
            seed: 5
            base:
              workload: {rw: randread, bs: 4k, size: 64m, ioengine: libaio, direct: 1, number_ios: 1000}
            axes:
              - name: device
                values:
                  - {label: ramdisk, set: {device.profile: ramdisk}}
                  - {label: slow, set: {device.profile: latency-100us}}
              - {name: qd, label: iodepth (I/Os in flight), path: workload.iodepth, values: [1, 4, 16]}
            checks: [littles-law]
            charts:
              - {kind: line, name: iops, title: IOPS against depth, x: qd, y: iops.total, series: device, x_scale: log2}
              - {kind: hockey-stick, name: stick, along: qd, series: device}
              - {kind: cdf, name: cdf, series: qd}
              - {kind: layers, name: layers, x: qd}
              - {kind: histogram, name: hist, series: qd, where: {qd: [1, 16]}}
            """;
    static final String COMMAND = "stacksim sweep report-test.yaml --out somewhere";

    @TempDir
    static Path tmp;
    static List<ChartFiles.Written> charts;
    static SweepResults results;

    @BeforeAll
    static void runAndPublish() {
        Sweep sweep = new Sweep(SweepFile.read(new StringReader(SWEEP), "report-test.yaml", null, "x", false));
        SweepStore store = new SweepStore(tmp.resolve("out"));
        SweepRunner.Outcome o = new SweepRunner(sweep, store, "9.9-test").run(2, Shard.ALL, false, new SweepRunner.Progress() {
            @Override
            public void start(int a, int b, int c, int d) {
            }

            @Override
            public void runDone(SweepRun r, int a, int b, int c, int d) {
            }

            @Override
            public void end() {
            }
        });
        results = new SweepResults(sweep, o.records());
        charts = SweepPublisher.publish(results, store, List.of(COMMAND), "9.9-test");
    }

    @Test
    void everyChartKindIsWrittenAsPngAndSvgWithItsTitle() throws IOException {
        // line and hockey stick: one chart each; cdf, layers, histogram: one per device
        assertThat(charts).extracting(ChartFiles.Written::name).containsExactly("iops", "stick",
                "cdf-device-ramdisk", "cdf-device-slow", "layers-device-ramdisk", "layers-device-slow",
                "hist-device-ramdisk", "hist-device-slow");
        for (ChartFiles.Written c : charts) {
            byte[] png = Files.readAllBytes(tmp.resolve("out").resolve(c.png()));
            assertThat(png.length).isGreaterThan(10_000);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
            javax.imageio.ImageIO.read(tmp.resolve("out").resolve(c.png()).toFile());
            assertThat(javax.imageio.ImageIO.read(tmp.resolve("out").resolve(c.png()).toFile()).getWidth())
                    .isEqualTo(ChartStyle.WIDTH * ChartStyle.PNG_SCALE);
            String svg = Files.readString(tmp.resolve("out").resolve(c.svg()));
            assertThat(svg).contains("<svg").contains("</svg>");
        }
        assertThat(Files.readString(tmp.resolve("out/charts/iops.svg"))).contains(">IOPS against depth<")
                .contains(">iodepth (I/Os in flight)<").contains(">IOPS<");
        assertThat(Files.readString(tmp.resolve("out/charts/cdf-device-slow.svg"))).contains(">Read latency distribution<".substring(0, 1))
                .contains("read completion latency (µs, log scale)");
    }

    @Test
    void chartsAreByteIdenticalWhenDrawnAgainOnSeveralThreads() throws IOException {
        Path again = tmp.resolve("again");
        SweepStore store = new SweepStore(again);
        Files.createDirectories(again);
        SweepPublisher.publish(results, store, List.of(COMMAND), "9.9-test", 3); // three drawing threads this time
        for (ChartFiles.Written c : charts) {
            assertThat(Files.readAllBytes(again.resolve(c.svg()))).isEqualTo(Files.readAllBytes(tmp.resolve("out").resolve(c.svg())));
            assertThat(Files.readAllBytes(again.resolve(c.png()))).isEqualTo(Files.readAllBytes(tmp.resolve("out").resolve(c.png())));
        }
        assertThat(Files.readString(again.resolve("report.html"))).isEqualTo(Files.readString(tmp.resolve("out/report.html")));
    }

    @Test
    void theHtmlReportIsSelfContainedAndSaysHowToReproduceIt() throws IOException {
        String html = Files.readString(tmp.resolve("out/report.html"));
        assertThat(html).contains("<h1>Queue depth on two devices</h1>").contains("Does the report say what it did?")
                .contains("<code>code</code>").contains("<li>a bullet</li>")
                .contains(COMMAND).contains("9.9-test").contains("master seed <code>5</code>")
                .contains("Little&#39;s law".substring(0, 6))
                .contains("<svg").contains("IOPS against depth");
        // every run's seed is listed
        for (SweepRun r : results.rows().keySet()) {
            assertThat(html).contains("<td>" + r.seed() + "</td>");
        }
        // nothing is fetched from the network
        assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("@import");
    }

    @Test
    void theMarkdownReportHasTheTableChartsAndReproduceSection() throws IOException {
        String md = Files.readString(tmp.resolve("out/report.md"));
        assertThat(md).contains("# Queue depth on two devices").contains("## What varied").contains("| device | qd | runs |")
                .contains("![IOPS against depth](charts/iops.png)").contains("## Little's law")
                .contains("## Reproduce").contains("```\n" + COMMAND + "\n```")
                .contains("     usecs               : count     distribution");
    }
    @Test
    void twoReplicationsClaimNoErrorBarsAndSayWhy() throws IOException {
        String md = Files.readString(tmp.resolve("out/report.md"));
        assertThat(md).doesNotContain("Error bars are 95%").contains("too few for a 95% interval")
                .contains("Mean over 2 replications ± half-width of the 95% confidence interval (Student t, 1 degree of freedom)");
        assertThat(Files.readString(tmp.resolve("out/charts/iops.svg"))).contains("2 replications per point: too few for error bars");
    }

    @Test
    void aChartsSubtitleNamesTheFilterItApplies() throws IOException {
        assertThat(Files.readString(tmp.resolve("out/charts/hist-device-slow.svg"))).contains("device = slow, qd in {1, 16}");
    }

    @Test
    void oneReplicationIsSingular() {
        assertThat(SweepReport.replications(1)).isEqualTo("1 replication");
        assertThat(SweepReport.replications(3)).isEqualTo("3 replications");
    }
    /** Text from a sweep file reaches report.md as text: no raw HTML a Markdown renderer would run. */
    @Test
    void markdownEscapesHtmlFromTheSweepFile() {
        assertThat(SweepReport.mdText("<script>alert(1)</script> & <img src=x onerror=y>"))
                .isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;");
    }
}
