package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.BfqWf2q.Engine;
import io.stacksim.block.BfqWf2q.Entity;
import org.junit.jupiter.api.Test;

/**
 * B-WF2Q+ against block/bfq-wf2q.c, with timestamps computed by hand from the algorithm:
 * {@code F = S + (budget << 22) / weight}, {@code vtime += (served << 22) / wsum}, eligible
 * when {@code S <= vtime}, the eligible entity with the smallest F goes next.
 */
class BfqWf2qTest {
    private static final long U = 1L << BfqWf2q.WFQ_SERVICE_SHIFT;

    private static Entity queue(Engine e, int weight, int budget) {
        Entity q = new Entity();
        q.weight = q.origWeight = q.newWeight = weight;
        q.budget = budget;
        q.sched = e.root;
        return q;
    }

    /** Serves the next entity for {@code sectors} and requeues it (an expiration with backlog). */
    private static Entity serveAndRequeue(Engine e, int sectors) {
        Entity q = e.getNextQueue();
        e.served(q, sectors);
        e.activateRequeue(q, false, true, true);
        e.resetInService(q);
        return q;
    }

    /**
     * A (weight 10) and B (weight 20), budgets 100, both activated at vtime 0: S = 0 for both,
     * F_A = 100/10 = 10 units, F_B = 100/20 = 5 units, so B goes first. After B's 100 sectors
     * vtime = 100/30 = 3.33 units and B is requeued at S_B = 5, F_B = 10: B is not eligible
     * (5 > 3.33), so A goes next although B's finish time ties with A's.
     */
    @Test
    void theSmallestFinishTimeGoesFirstButOnlyAmongEligibleEntities() {
        Engine e = new Engine(() -> 0L);
        Entity a = queue(e, 10, 100);
        Entity b = queue(e, 20, 100);
        e.activateRequeue(a, false, false, false);
        e.activateRequeue(b, false, false, false);
        assertThat(a.start).isZero();
        assertThat(a.finish).isEqualTo(10 * U);
        assertThat(b.finish).isEqualTo(5 * U);

        assertThat(serveAndRequeue(e, 100)).isSameAs(b);
        assertThat(e.root.trees[BfqWf2q.CLASS_BE].vtime).isEqualTo((100 * U) / 30);
        assertThat(b.start).isEqualTo(5 * U);
        assertThat(b.finish).isEqualTo(10 * U);

        assertThat(serveAndRequeue(e, 100)).isSameAs(a);
        assertThat(a.start).isEqualTo(10 * U);
        assertThat(a.finish).isEqualTo(20 * U);
    }

    /**
     * Backlogged entities receive service in proportion to their weights: over many slots of
     * equal budgets, weights 10 : 20 : 50 get 1/8, 2/8 and 5/8 of the service, each within
     * one budget of its share (WF2Q+'s worst-case bound).
     */
    @Test
    void backloggedEntitiesGetServiceInProportionToTheirWeights() {
        Engine e = new Engine(() -> 0L);
        int[] weights = {10, 20, 50};
        Entity[] qs = new Entity[3];
        for (int i = 0; i < 3; i++) {
            qs[i] = queue(e, weights[i], 64);
            e.activateRequeue(qs[i], false, false, false);
        }
        long[] got = new long[3];
        long total = 0;
        for (int slot = 0; slot < 800; slot++) {
            Entity q = serveAndRequeue(e, 64);
            for (int i = 0; i < 3; i++) {
                if (q == qs[i]) {
                    got[i] += 64;
                }
            }
            total += 64;
        }
        for (int i = 0; i < 3; i++) {
            assertThat((double) got[i]).isCloseTo(total * weights[i] / 80.0,
                    org.assertj.core.data.Offset.offset(64.0 + 1));
        }
    }

    /**
     * An entity that goes idle with its finish time ahead of vtime waits on the idle tree and
     * comes back at S = F (no credit for the idle time); one whose finish time has passed is
     * forgotten and restarts at S = vtime.
     */
    @Test
    void aReactivatedEntityStartsAtTheLaterOfItsFinishTimeAndVtime() {
        Engine e = new Engine(() -> 0L);
        Entity a = queue(e, 10, 100);
        Entity b = queue(e, 10, 100);
        e.activateRequeue(a, false, false, false);
        e.activateRequeue(b, false, false, false);
        // A is served 50 sectors and then runs dry: F_A = 0 + 50/10 = 5 units, vtime = 50/20 = 2.5.
        Entity first = e.getNextQueue();
        assertThat(first).isSameAs(a);
        e.served(a, 50);
        e.deactivate(a, true, true);
        e.resetInService(a);
        assertThat(a.finish).isEqualTo(5 * U);
        assertThat(a.where).isEqualTo(BfqWf2q.Where.IDLE);
        a.budget = 100;
        e.activateRequeue(a, false, false, false);
        assertThat(a.start).isEqualTo(5 * U);
        assertThat(a.finish).isEqualTo(15 * U);
    }
}
