package io.stacksim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    @Test
    void eventsFireInTimeOrderAndTiesInSchedulingOrder() {
        Simulator sim = new Simulator();
        List<String> fired = new ArrayList<>();
        sim.schedule(30, () -> fired.add("c@30"));
        sim.schedule(10, () -> fired.add("a@10"));
        sim.schedule(20, () -> fired.add("b1@20"));
        sim.schedule(20, () -> fired.add("b2@20"));
        sim.schedule(20, () -> fired.add("b3@20"));
        sim.run();
        assertThat(fired).containsExactly("a@10", "b1@20", "b2@20", "b3@20", "c@30");
        assertThat(sim.now()).isEqualTo(30);
    }

    @Test
    void tiesKeepSchedulingOrderAcrossManyEventsAndHeapReshuffles() {
        Simulator sim = new Simulator();
        List<Integer> fired = new ArrayList<>();
        // Interleave many times so the heap must reorder; equal times must still fire FIFO.
        for (int i = 0; i < 5000; i++) {
            int id = i;
            sim.schedule((i * 7919L) % 13, () -> fired.add(id));
        }
        sim.run();
        for (int k = 1; k < fired.size(); k++) {
            int a = fired.get(k - 1);
            int b = fired.get(k);
            long ta = (a * 7919L) % 13;
            long tb = (b * 7919L) % 13;
            assertThat(ta < tb || (ta == tb && a < b)).as("order of %d then %d", a, b).isTrue();
        }
    }

    @Test
    void eventScheduledInThePastFailsLoudly() {
        Simulator sim = new Simulator();
        sim.schedule(100, () -> sim.schedule(50, () -> { }));
        assertThatThrownBy(sim::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("past");
    }

    @Test
    void cancelledTimerNeverFiresAndDoesNotAdvanceTheClock() {
        Simulator sim = new Simulator();
        List<String> fired = new ArrayList<>();
        Timer t = sim.scheduleTimer(1_000, () -> fired.add("timer"));
        sim.schedule(10, () -> fired.add("other"));
        assertThat(sim.pending()).isEqualTo(2);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancel()).isFalse();
        assertThat(sim.pending()).isEqualTo(1);
        sim.run();
        assertThat(fired).containsExactly("other");
        assertThat(sim.now()).isEqualTo(10);
        assertThat(sim.eventsFired()).isEqualTo(1);
    }

    @Test
    void runUntilStopsAtTheTimeAndLeavesLaterEventsPending() {
        Simulator sim = new Simulator();
        List<Long> fired = new ArrayList<>();
        for (long t = 10; t <= 100; t += 10) {
            long tt = t;
            sim.schedule(t, () -> fired.add(tt));
        }
        sim.runUntil(50);
        assertThat(fired).containsExactly(10L, 20L, 30L, 40L, 50L);
        assertThat(sim.now()).isEqualTo(50);
        assertThat(sim.pending()).isEqualTo(5);
        sim.runUntil(55);
        assertThat(sim.now()).isEqualTo(55);
        sim.run();
        assertThat(fired).hasSize(10);
    }

    @Test
    void runWhileStopsWhenTheConditionTurnsFalse() {
        Simulator sim = new Simulator();
        int[] count = {0};
        Event tick = new Event() {
            @Override
            public void fire() {
                count[0]++;
                sim.after(5, this);
            }
        };
        sim.after(5, tick);
        sim.runWhile(() -> count[0] < 7);
        assertThat(count[0]).isEqualTo(7);
        assertThat(sim.now()).isEqualTo(35);
    }

    @Test
    void stopFromAnEventEndsTheRun() {
        Simulator sim = new Simulator();
        sim.schedule(10, sim::stop);
        sim.schedule(20, () -> { throw new AssertionError("ran after stop"); });
        sim.run();
        assertThat(sim.now()).isEqualTo(10);
        assertThat(sim.pending()).isEqualTo(1);
    }

    @Test
    void advanceIfNextMovesTheClockOnlyWhenNothingIsDueBeforeOrAtThatTime() {
        Simulator sim = new Simulator();
        java.util.List<String> log = new java.util.ArrayList<>();
        sim.schedule(100, () -> log.add("other@" + sim.now()));
        sim.schedule(10, () -> {
            log.add("a@" + sim.now() + ":" + sim.advanceIfNext(50) + "@" + sim.now());
            log.add("b@" + sim.now() + ":" + sim.advanceIfNext(100) + "@" + sim.now()); // a tie: refused
            log.add("c@" + sim.now() + ":" + sim.advanceIfNext(200) + "@" + sim.now());
        });
        sim.runUntil(1_000);
        assertThat(log).containsExactly("a@10:true@50", "b@50:false@50", "c@50:false@50", "other@100");
        assertThat(sim.stepsFolded()).isEqualTo(1);
    }

    @Test
    void advanceIfNextIsRefusedPastTheEndOfRunUntilAndUnderRunWhile() {
        Simulator sim = new Simulator();
        boolean[] got = new boolean[2];
        sim.schedule(10, () -> got[0] = sim.advanceIfNext(60));
        sim.runUntil(50);
        assertThat(got[0]).isFalse();
        sim.schedule(70, () -> got[1] = sim.advanceIfNext(80));
        sim.runWhile(() -> true);
        assertThat(got[1]).isFalse();
    }

    @Test
    void runObservedFoldsAsRunDoesAndLooksEvery1024Events() {
        long[][] result = new long[2][];
        for (int observed = 0; observed < 2; observed++) {
            Simulator sim = new Simulator();
            int[] looks = {0};
            Event tick = new Event() {
                @Override
                public void fire() {
                    if (sim.now() < 30_000) {
                        if (!sim.advanceIfNext(sim.now() + 5)) {
                            sim.after(5, this);
                        } else {
                            fire();
                        }
                    }
                }
            };
            for (int i = 0; i < 3; i++) {
                sim.schedule(i, tick);
            }
            if (observed == 1) {
                sim.runObserved(() -> looks[0]++);
            } else {
                sim.run();
            }
            result[observed] = new long[] {sim.eventsFired(), sim.stepsFolded(), sim.now(), looks[0]};
        }
        assertThat(result[1][0]).isEqualTo(result[0][0]);
        assertThat(result[1][1]).isEqualTo(result[0][1]);
        assertThat(result[1][2]).isEqualTo(result[0][2]);
        assertThat(result[1][3]).isEqualTo(result[0][0] / 1024);
    }
}
