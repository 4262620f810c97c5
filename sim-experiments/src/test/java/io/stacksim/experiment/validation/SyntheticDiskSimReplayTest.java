package io.stacksim.experiment.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticDiskSimReplayTest {

    private static Path resource(String name) {
        try {
            return Path.of(SyntheticDiskSimReplayTest.class.getResource("synthetic/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Two disks of our own, written in DiskSim 4.0's spec format to exercise what the validation
     * drives use but their traces rarely stress: sparing per range (scheme 8, range size 4) and per
     * zone (9) with slips, zones with an unmapped cylinder between them, serpentine mapping 1, an
     * extracted seek curve, write-back for appending writes only (level 1, syn_limited) and for
     * every write (2, syn_free, with zero-latency writes and "Read any free blocks"). Their traces
     * (600 requests each, 40 % sequential, many issued the instant the previous one completes)
     * keep writes appending to a segment while it destages and reads chasing the read-ahead. The
     * expected times are DiskSim 4.0's own: its per-request arrival times on the same files
     * (dmeister/disksim-4-0-x64 built with gcc -O2; "Output file for trace of I/O requests
     * simulated"), less the trace's idle gaps.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"syn_limited", "syn_free"})
    void everyRequestTakesAsLongAsInDiskSim(String name, @TempDir Path tmp) throws IOException {
        Path csv = tmp.resolve(name + ".csv");
        DiskSimValidation.run(DiskSimValidation.caseOf(resource(name + ".parv"), resource(name + ".trace")), csv);
        List<String> rows = Files.readAllLines(csv);
        List<String> expected = Files.readAllLines(resource(name + ".disksim-ms")).stream().filter(l -> !l.startsWith("#")).toList();
        assertThat(expected).hasSize(599);
        for (int i = 0; i < expected.size(); i++) {
            String[] f = rows.get(i + 1).split(",");
            assertThat(Double.parseDouble(f[5])).as("request %d (%s %s+%s)", i + 1, f[1], f[2], f[3])
                    .isCloseTo(Double.parseDouble(expected.get(i)), within(0.002));
        }
    }
}
