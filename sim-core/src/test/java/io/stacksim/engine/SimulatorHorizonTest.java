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
            seen.add(sim.horizon()); // the event at 250 is next, the run ends at 1000
            sim.schedule(180, () -> seen.add(sim.horizon()));
        });
        sim.schedule(250, () -> seen.add(sim.horizon())); // the next event lies beyond the run: its end
        sim.schedule(2000, () -> seen.add(sim.horizon()));
        sim.runUntil(1000);
        assertThat(seen).containsExactly(250L, 250L, 1000L);
        sim.run();
        // Outside a bounded run nothing limits it but the queue.
        assertThat(seen).containsExactly(250L, 250L, 1000L, Long.MAX_VALUE);
        assertThat(sim.horizon()).isEqualTo(Long.MAX_VALUE);
    }
}
