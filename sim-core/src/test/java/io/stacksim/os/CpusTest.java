package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.engine.Simulator;
import org.junit.jupiter.api.Test;

class CpusTest {
    private static final CostModel COST = new CostModel(100, 2_000, 1e10, 500, 1_000, 400, 600, 50, 200, 1_000, 100, 0);

    @Test
    void twoComputeBoundTasksOnOneCpuShareItBySlicesWithInvoluntarySwitches() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        long slice = COST.sliceNs(1);
        assertThat(slice).isEqualTo(750_000); // base_slice 0.75 ms x (1 + ilog2(1))
        long work = 10 * slice;
        long[] finished = new long[2];
        for (int i = 0; i < 2; i++) {
            int id = i;
            Task t = cpus.newTask("spin" + i);
            t.start(() -> t.compute(work, false, () -> {
                finished[id] = sim.now();
                t.exit();
            }));
        }
        sim.run();
        Task a = cpus.tasks().get(0);
        Task b = cpus.tasks().get(1);
        // Each runs 10 slices, alternating: both are preempted about 10 times.
        assertThat(a.counters().involuntarySwitches).isBetween(9L, 11L);
        assertThat(b.counters().involuntarySwitches).isBetween(8L, 11L);
        assertThat(a.counters().userNs).isEqualTo(work);
        assertThat(b.counters().userNs).isEqualTo(work);
        // The CPU did both tasks' work plus one context switch per dispatch, nothing else.
        long switches = 2 + a.counters().involuntarySwitches + b.counters().involuntarySwitches;
        assertThat(Math.max(finished[0], finished[1])).isEqualTo(2 * work + switches * COST.contextSwitchNs());
    }

    @Test
    void interruptStretchesTheRunningTasksComputation() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        Task t = cpus.newTask("victim");
        long[] done = {0};
        t.start(() -> t.compute(100_000, false, () -> {
            done[0] = sim.now();
            t.exit();
        }));
        boolean[] handled = {false};
        sim.schedule(50_000, () -> cpus.raise(0, () -> handled[0] = true));
        sim.run();
        long irq = COST.hardIrqNs() + COST.softIrqNs();
        assertThat(handled[0]).isTrue();
        assertThat(done[0]).isEqualTo(COST.contextSwitchNs() + 100_000 + irq);
        assertThat(t.counters().userNs).isEqualTo(100_000);
    }

    @Test
    void sleepingTaskGivesItsCpuToTheNextRunnableOne() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        Task sleeper = cpus.newTask("io");
        Task worker = cpus.newTask("cpu");
        long[] workerDone = {0};
        sleeper.start(() -> {
            sleeper.sleep();
            sim.after(1_000_000, () -> sleeper.wake(sleeper::exit));
        });
        worker.start(() -> worker.compute(10_000, false, () -> {
            workerDone[0] = sim.now();
            worker.exit();
        }));
        sim.run();
        assertThat(sleeper.counters().voluntarySwitches).isEqualTo(1);
        // worker waited for the sleeper's first dispatch, then got the CPU (2 switches).
        assertThat(workerDone[0]).isEqualTo(2 * COST.contextSwitchNs() + 10_000);
        // The sleeper slept 1 ms after its first switch-in and needed another switch to exit.
        assertThat(sim.now()).isEqualTo(COST.contextSwitchNs() + 1_000_000 + COST.contextSwitchNs());
    }
}
