package io.stacksim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.experiment.run.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

    @Test
    void theCatalogListsTheIssuesSevenExperimentsTheWritebackAndTheWriteAmplificationOnesWithWhatEachShows() {
        List<Catalog.Entry> entries = Catalog.entries();
        assertThat(entries).extracting(Catalog.Entry::name).containsExactly("io-modes", "schedulers", "copy-paths",
                "page-cache", "page-cache-writeback", "multiplexing", "stdio-buffering", "queue-depth",
                "write-amplification");
        assertThat(entries).allSatisfy(e -> assertThat(e.description()).hasSizeGreaterThan(200));
    }

    @Test
    void everyEntryParsesAndItsQuickVersionIsSmaller() {
        for (Catalog.Entry e : Catalog.entries()) {
            Sweep full = new Sweep(Catalog.load(e.name(), false));
            Sweep quick = new Sweep(Catalog.load(e.name(), true));
            assertThat(full.spec().question()).isNotEmpty();
            assertThat(full.spec().charts()).isNotEmpty();
            assertThat(quick.runs().size()).isLessThanOrEqualTo(full.runs().size());
        }
    }

    @Test
    void everyQuickPointMakesAValidRunConfig() {
        // run the first and last point of each quick sweep, shortened: the configs the catalog
        // writes are accepted by the simulator (unknown keys, values out of range would throw)
        for (Catalog.Entry e : Catalog.entries()) {
            Sweep quick = new Sweep(Catalog.load(e.name(), true));
            for (SweepPoint p : List.of(quick.points().get(0), quick.points().get(quick.points().size() - 1))) {
                var config = quick.config(quick.runsOf(p).get(0));
                shorten(config, "workload.number_ios", "200");
                shorten(config, "workload.runtime", "10ms");
                shorten(config, "workload.copy.file_size", "256k");
                shorten(config, "workload.stdio.size", "256k");
                shorten(config, "workload.server.requests", "200");
                RunResult r = Simulation.run(config);
                assertThat(r.metrics().get("run.events").longValue()).as(e.name() + " " + p.key()).isPositive();
                quick.spec().checkMetrics(r.metrics().keySet());
            }
        }
    }

    private static void shorten(io.stacksim.config.ConfigNode config, String path, String value) {
        if (config.get(path) != null) {
            config.set(path, value, io.stacksim.config.Origin.flag("test"));
        }
    }

    @Test
    void anUnknownExperimentNamesTheKnownOnes() {
        assertThatThrownBy(() -> Catalog.load("queue-dept", false)).isInstanceOf(ConfigException.class)
                .hasMessage("unknown experiment 'queue-dept' (known: io-modes, schedulers, copy-paths, page-cache, page-cache-writeback, multiplexing, stdio-buffering, queue-depth, write-amplification)");
    }
}
