package io.stacksim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorHorizonTest {

    @Test
    void horizonIsTheNextPendingEventOrTheEndOfTheCurrentRunWhicheverComesFirst() {
        Simulator sim = new Simulator();
        List<Long> seen = new ArrayList<>();
        sim.schedule(100, () -> {
            seen.add(sim.horizon()); // the event at 250 is next
            sim.schedule(180, () -> seen.add(sim.horizon()));
        });
        sim.schedule(250, () -> seen.add(sim.horizon()));
        sim.runUntil(200);
        // At 180 the event at 250 is pending but the run ends at 200.
        assertThat(seen).containsExactly(250L, 200L);
        sim.run();
        assertThat(seen).containsExactly(250L, 200L, Long.MAX_VALUE);
        assertThat(sim.horizon()).isEqualTo(Long.MAX_VALUE);
    }
}
