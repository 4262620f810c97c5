package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.engine.Simulator;
import org.junit.jupiter.api.Test;

class CpusTest {
    private static final CostModel COST = new CostModel(100, 2_000, 1e10, 500, 1_000, 400, 600, 50, 200, 1_000, 100, 0, 600, 2_500);

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
    void aCompletionPostedWhileItsInterruptIsPendingJoinsItsHandlerAndCostsOnlyItsOwnCompletion() {
        // The LAPIC holds one pending interrupt per vector: a second MSI while it is pending is
        // not a second interrupt, and the handler, once it runs, reaps both completions
        // (nvme_irq's loop). Once the handler has begun, a new completion is a new interrupt.
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        long perRq = COST.irqCompleteNs();
        long first = COST.hardIrqNs() + perRq;
        long[] starts = new long[3];
        long[] joined = new long[2];
        int[] handled = {0};
        sim.schedule(0, () -> starts[0] = cpus.raiseCompletion(0, false, () -> handled[0]++));
        sim.schedule(100, () -> starts[1] = cpus.raiseCompletion(0, false, () -> handled[0]++));
        sim.schedule(200, () -> joined[0] = cpus.joinCompletion(0, false, starts[1]));
        sim.schedule(first + 100, () -> joined[1] = cpus.joinCompletion(0, false, starts[1]));
        sim.run();
        assertThat(starts[0]).isEqualTo(0);
        assertThat(starts[1]).isEqualTo(first); // pending behind the first handler
        assertThat(joined[0]).isEqualTo(first + first + perRq); // one hard IRQ, two completions
        assertThat(joined[1]).isEqualTo(-1); // that handler had begun
        assertThat(cpus.timesNs(0)[2]).isEqualTo(2 * first + perRq);
        assertThat(handled[0]).isEqualTo(2);
    }

    @Test
    void aCompletionCannotJoinAPendingInterruptWithOtherWorkQueuedAfterIt() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        long[] start = new long[1];
        long[] joined = new long[1];
        sim.schedule(0, () -> cpus.raiseCompletion(0, false, () -> { }));
        sim.schedule(10, () -> start[0] = cpus.raiseCompletion(0, false, () -> { }));
        sim.schedule(20, () -> cpus.irqWork(0, 300, false, () -> { }));
        sim.schedule(30, () -> joined[0] = cpus.joinCompletion(0, false, start[0]));
        sim.run();
        assertThat(joined[0]).isEqualTo(-1);
    }

    @Test
    void backToBackSegmentsWithNothingBetweenThemEndInlineAtTheSameInstants() {
        // Ten segments of 1, 2, .. 10 us: each ends at the running sum (after the context
        // switch); with no other event due before the next segment's end, each ends inline in
        // the event of the one before, so the whole chain takes a single event.
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        Task t = cpus.newTask("chain");
        long[] ends = new long[10];
        Runnable[] step = new Runnable[11];
        for (int i = 10; i >= 0; i--) {
            int k = i;
            step[k] = k == 10 ? t::exit : () -> {
                if (k > 0) {
                    ends[k - 1] = sim.now();
                }
                t.compute((k + 1) * 1_000L, true, step[k + 1]);
            };
        }
        t.start(step[0]);
        sim.run();
        long at = COST.contextSwitchNs();
        for (int i = 0; i < 9; i++) {
            at += (i + 1) * 1_000L;
            assertThat(ends[i]).isEqualTo(at);
        }
        assertThat(t.counters().sysNs).isEqualTo(COST.contextSwitchNs() + 55_000);
        assertThat(sim.eventsFired()).isEqualTo(1);
        assertThat(sim.stepsFolded()).isEqualTo(10);
    }

    @Test
    void anInterruptDueBeforeTheNextSegmentEndsGetsItsEventAndStretchesIt() {
        // The same chain with an interrupt raised at 3.5 us: the segment running then ends that
        // much later, and the ones after it too; the interrupt handler runs at its own time.
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        Task t = cpus.newTask("chain");
        long[] ends = new long[4];
        Runnable[] step = new Runnable[5];
        for (int i = 4; i >= 0; i--) {
            int k = i;
            step[k] = () -> {
                if (k > 0) {
                    ends[k - 1] = sim.now();
                }
                if (k == 4) {
                    t.exit();
                } else {
                    t.compute(2_000L, true, step[k + 1]);
                }
            };
        }
        t.start(step[0]);
        long[] handled = {-1};
        long cs = COST.contextSwitchNs();
        sim.schedule(cs + 3_500, () -> cpus.raise(0, () -> handled[0] = sim.now()));
        sim.run();
        long irq = COST.hardIrqNs() + COST.softIrqNs();
        assertThat(handled[0]).isEqualTo(cs + 3_500 + irq);
        assertThat(ends).containsExactly(cs + 2_000, cs + 4_000 + irq, cs + 6_000 + irq, cs + 8_000 + irq);
        assertThat(t.counters().sysNs).isEqualTo(cs + 8_000);
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

    @Test
    void utilisationSplitsEachCoresTimeIntoUserSystemAndInterrupt() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 2, COST);
        io.stacksim.engine.Stats stats = new io.stacksim.engine.Stats();
        cpus.registerStats(stats);
        Task t = cpus.newTask("worker");
        // 1 ms user, then 1 ms system, then sleep until 4 ms, then exit; an interrupt of
        // 0.5 ms on the idle core 1.
        t.start(() -> t.compute(1_000_000 - COST.contextSwitchNs(), false, () -> t.compute(1_000_000, true, () -> {
            t.sleep();
            sim.schedule(4_000_000, () -> t.wake(t::exit));
        })));
        sim.schedule(100_000, () -> cpus.irqWork(1, 500_000, true, () -> { }));
        sim.runUntil(4_000_000);
        java.util.Map<String, Number> m = stats.snapshot();
        // core 0: the context switch is system time (it ran at dispatch, before the user segment)
        assertThat(m.get("cpu.0.user_pct").doubleValue()).isCloseTo(100.0 * (1_000_000 - COST.contextSwitchNs()) / 4_000_000,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.get("cpu.0.sys_pct").doubleValue()).isCloseTo(100.0 * (1_000_000 + COST.contextSwitchNs()) / 4_000_000,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.get("cpu.0.util_pct").doubleValue()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.get("cpu.1.irq_pct").doubleValue()).isCloseTo(12.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.get("cpu.1.interrupts").longValue()).isEqualTo(1);
        assertThat(m.get("cpu.util_pct").doubleValue()).isCloseTo((50.0 + 12.5) / 2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(t.counters().voluntarySwitches).isEqualTo(1);
        assertThat(t.counters().involuntarySwitches).isZero();
    }

    @Test
    void threeSpinnersOnOneCoreArePreemptedOncePerSliceWhileOthersWait() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        long slice = COST.sliceNs(1);
        // A slice starts when the core is given to the task, so it holds one context switch and
        // slice - switch of work. Each task needs three and a half slices' worth of work.
        long perSlice = slice - COST.contextSwitchNs();
        long work = 3 * perSlice + perSlice / 2;
        Task[] ts = new Task[3];
        for (int i = 0; i < 3; i++) {
            Task t = cpus.newTask("spin" + i);
            ts[i] = t;
            t.start(() -> t.compute(work, false, t::exit));
        }
        sim.run();
        // Round robin: each expiry with another task waiting is an involuntary switch, three per
        // task; the fourth turn ends by exiting.
        for (Task t : ts) {
            assertThat(t.counters().involuntarySwitches).isEqualTo(3);
            assertThat(t.counters().userNs).isEqualTo(work);
        }
        long dispatches = 3 + 9;
        assertThat(sim.now()).isEqualTo(3 * work + dispatches * COST.contextSwitchNs());
    }

    @Test
    void interruptWorkOnABusyCoreStealsTimeWithoutChargingTheTask() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 1, COST);
        Task t = cpus.newTask("victim");
        long[] done = {0};
        t.start(() -> t.compute(200_000, true, () -> {
            done[0] = sim.now();
            t.exit();
        }));
        for (int i = 1; i <= 3; i++) {
            sim.schedule(i * 20_000L, () -> cpus.irqWork(0, 10_000, false, () -> { }));
        }
        sim.run();
        assertThat(t.counters().sysNs).isEqualTo(200_000 + COST.contextSwitchNs());
        assertThat(done[0]).isEqualTo(COST.contextSwitchNs() + 200_000 + 30_000);
        assertThat(cpus.timesNs(0)[2]).isEqualTo(30_000);
    }

    @Test
    void machineUtilisationIsTheMeanOverCoresWhenSeveralAreSaturated() {
        Simulator sim = new Simulator();
        Cpus cpus = new Cpus(sim, 4, COST);
        io.stacksim.engine.Stats stats = new io.stacksim.engine.Stats();
        cpus.registerStats(stats);
        // two busy tasks on two of the four cores for the whole window: 50 %, not 100 % / 4
        for (int i = 0; i < 2; i++) {
            Task t = cpus.newTask("spin" + i);
            t.start(() -> t.compute(1_000_000 - COST.contextSwitchNs(), false, t::exit));
        }
        sim.runUntil(1_000_000);
        assertThat(stats.snapshot().get("cpu.util_pct").doubleValue()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
