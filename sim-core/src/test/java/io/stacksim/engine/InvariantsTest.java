package io.stacksim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** --check's report: a breach is one line dated with the simulated time it was seen at. */
class InvariantsTest {
    @Test
    void aBreachIsDatedWithTheSimulatedTimeOfTheSimulatorCheckingIntoIt() {
        Simulator sim = new Simulator();
        Invariants inv = new Invariants();
        sim.checkInvariants(inv);
        Invariants.Rule r = inv.rule("layer.rule", "what holds");
        sim.after(1_500_000, () -> r.fail("queue sda: tag 3 held twice"));
        sim.after(2_000_000, () -> r.fail("at 0.002 s: already dated"));
        sim.after(2_500_000, r::ok);
        sim.run();
        assertThat(inv.messages()).containsExactly("layer.rule: at 0.001500 s: queue sda: tag 3 held twice",
                "layer.rule: at 0.002 s: already dated");
        assertThat(r.checked()).isEqualTo(3);
        assertThat(inv.violations()).isEqualTo(2);
    }
}
