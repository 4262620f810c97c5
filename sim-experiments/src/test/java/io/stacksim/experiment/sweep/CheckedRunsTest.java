package io.stacksim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.experiment.run.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * --check changes nothing it checks: for the first and last point of every catalog experiment's
 * quick version (shortened), the metrics with and without it are equal to the last digit, and
 * every layer's invariants hold (the block layer's, the page cache's, the sync rule, the FTL's).
 */
class CheckedRunsTest {
    private static void shorten(ConfigNode config, String path, String value) {
        if (config.get(path) != null) {
            config.set(path, value, Origin.flag("test"));
        }
    }

    @Test
    void everyExperimentRunsTheSameWithAndWithoutCheckAndBreaksNoInvariant() {
        int checkedRules = 0;
        for (Catalog.Entry e : Catalog.entries()) {
            Sweep quick = new Sweep(Catalog.load(e.name(), true));
            for (SweepPoint p : List.of(quick.points().get(0), quick.points().get(quick.points().size() - 1))) {
                ConfigNode config = quick.config(quick.runsOf(p).get(0));
                shorten(config, "workload.number_ios", "300");
                shorten(config, "workload.runtime", "20ms");
                shorten(config, "workload.copy.file_size", "256k");
                shorten(config, "workload.stdio.size", "256k");
                shorten(config, "workload.server.requests", "200");
                RunResult plain = Simulation.run(config.copy(), null, false);
                RunResult checked = Simulation.run(config.copy(), null, true);
                String what = e.name() + " " + p.key();
                assertThat(checked.metrics()).as(what).isEqualTo(plain.metrics());
                assertThat(checked.checkViolations()).as(what).isEmpty();
                assertThat(checked.checksMade()).as(what).isNotEmpty();
                assertThat(plain.checksMade()).as(what).isEmpty();
                checkedRules = Math.max(checkedRules, checked.checksMade().size());
            }
        }
        assertThat(checkedRules).as("rules of the richest run").isGreaterThanOrEqualTo(12);
    }
}
