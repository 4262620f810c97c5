package io.stacksim.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

    @Test
    void theCatalogListsQueueDepthIoModesAndSchedulersWithWhatEachShows() {
        List<Catalog.Entry> entries = Catalog.entries();
        assertThat(entries).extracting(Catalog.Entry::name).containsExactly("queue-depth", "io-modes", "schedulers");
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
                if (config.get("workload.number_ios") != null) {
                    config.set("workload.number_ios", "200", io.stacksim.config.Origin.flag("test"));
                }
                if (config.get("workload.runtime") != null) {
                    config.set("workload.runtime", "0.01", io.stacksim.config.Origin.flag("test"));
                }
                RunResult r = Simulation.run(config);
                assertThat(r.metrics().get("iops.total").doubleValue()).as(e.name() + " " + p.key()).isPositive();
                quick.spec().checkMetrics(r.metrics().keySet());
            }
        }
    }

    @Test
    void anUnknownExperimentNamesTheKnownOnes() {
        assertThatThrownBy(() -> Catalog.load("queue-dept", false)).isInstanceOf(ConfigException.class)
                .hasMessage("unknown experiment 'queue-dept' (known: queue-depth, io-modes, schedulers)");
    }
}
