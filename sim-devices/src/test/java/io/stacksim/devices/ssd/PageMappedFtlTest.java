package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import org.junit.jupiter.api.Test;

class PageMappedFtlTest {
    /** 2 planes x 512 blocks x 64 pages of one 4 KiB unit: 65,536 physical units. */
    private static final FlashGeometry SMALL = new FlashGeometry(1, 1, 1, 2, 512, 64, 4096, 0, 4096);

    private static long logicalFor(FlashGeometry g, double op) {
        return Math.round(g.physicalUnits() / (1 + op));
    }

    private static double steadyRandomWa(FlashGeometry g, double op, long seed) {
        PageMappedFtl ftl = new PageMappedFtl(g, logicalFor(g, op), 2, PageMappedFtl.InitialState.FULL);
        RandomStream r = new RandomStreams(seed).stream("writes");
        ftl.precondition(r, 4);
        long n = 3L * ftl.logicalUnits();
        for (long i = 0; i < n; i++) {
            ftl.write((int) r.nextLong(ftl.logicalUnits()), ftl.stripePlane(i, g.planes()));
        }
        return ftl.writeAmplification();
    }

    @Test
    void uniformRandomWritesAtSteadyStateMatchTheGreedyMeanFieldModel() {
        for (double op : new double[] {0.1, 0.25, 0.5}) {
            double sim = steadyRandomWa(SMALL, op, 7);
            double model = GreedyGcModel.writeAmplification(SMALL.unitsPerBlock(), op);
            assertThat(sim).as("op=%s", op).isCloseTo(model, within(0.10 * model));
        }
    }

    /**
     * TRIM gives garbage collection back the space it frees: with the top share {@code t} of the
     * logical space trimmed and random writes confined to the rest, the trimmed units are invalid
     * and no victim moves them, so the FTL behaves as a drive of (1 - t) x logical units on the
     * same flash: over-provisioning physical / ((1 - t) logical) - 1. Its steady-state WA is the
     * greedy mean-field value at that over-provisioning (10 %), strictly below the untrimmed
     * drive's.
     */
    @Test
    void trimmingPartOfTheSpaceLowersSteadyStateWaToTheModelAtTheLargerSpare() {
        double op = 0.1;
        double trimmed = 0.2;
        PageMappedFtl ftl = new PageMappedFtl(SMALL, logicalFor(SMALL, op), 2, PageMappedFtl.InitialState.FULL);
        RandomStream r = new RandomStreams(11).stream("writes");
        ftl.precondition(r, 4);
        int active = (int) Math.round(ftl.logicalUnits() * (1 - trimmed));
        for (int lpn = active; lpn < ftl.logicalUnits(); lpn++) {
            ftl.trim(lpn);
        }
        long i = 0;
        for (long n = 0; n < 2L * active; n++, i++) { // the trimmed units' blocks are collected
            ftl.write((int) r.nextLong(active), ftl.stripePlane(i, SMALL.planes()));
        }
        ftl.resetCounters();
        for (long n = 0; n < 3L * active; n++, i++) {
            ftl.write((int) r.nextLong(active), ftl.stripePlane(i, SMALL.planes()));
        }
        double effectiveOp = (double) SMALL.physicalUnits() / active - 1;
        double model = GreedyGcModel.writeAmplification(SMALL.unitsPerBlock(), effectiveOp);
        double untrimmed = GreedyGcModel.writeAmplification(SMALL.unitsPerBlock(), op);
        assertThat(ftl.writeAmplification()).isCloseTo(model, within(0.10 * model));
        assertThat(ftl.writeAmplification()).isLessThan(steadyRandomWa(SMALL, op, 11)).isLessThan(untrimmed);
    }

    @Test
    void sequentialOverwritesCollectOnlyEmptyBlocks() {
        FlashGeometry g = SMALL;
        PageMappedFtl ftl = new PageMappedFtl(g, logicalFor(g, 0.1), 2, PageMappedFtl.InitialState.FULL);
        for (int pass = 0; pass < 3; pass++) {
            for (int lpn = 0; lpn < ftl.logicalUnits(); lpn++) {
                ftl.write(lpn, ftl.stripePlane(lpn, g.planes()));
            }
        }
        assertThat(ftl.writeAmplification()).isCloseTo(1.0, within(0.01));
        assertThat(ftl.erases()).isPositive();
    }

    @Test
    void mappingFollowsWritesAndTrims() {
        PageMappedFtl ftl = new PageMappedFtl(SMALL, 1000, 2, PageMappedFtl.InitialState.EMPTY);
        assertThat(ftl.lookup(5)).isEqualTo(PageMappedFtl.NOT_MAPPED);
        int ppn = ftl.write(5, 1);
        assertThat(ftl.lookup(5)).isEqualTo(ppn);
        assertThat(ftl.planeOf(ppn)).isEqualTo(1);
        assertThat(ftl.buffer(5, 3)).as("no buffered copy before").isEqualTo(-1);
        assertThat(ftl.lookup(5)).isEqualTo(-(3 + 2));
        assertThat(ftl.isBufferedIn(5, 3)).isTrue();
        assertThat(ftl.buffer(5, 7)).as("the copy in slot 3 is dead").isEqualTo(3);
        assertThat(ftl.isBufferedIn(5, 3)).isFalse();
        assertThat(ftl.trim(5)).as("the copy in slot 7 is dead").isEqualTo(7);
        assertThat(ftl.lookup(5)).isEqualTo(PageMappedFtl.NOT_MAPPED);
    }

    /**
     * Preconditioning is its definition: passes x capacity of uniform random writes, one after
     * the other, striped over the planes (its batched table reads change nothing), so the same
     * random stream written unit by unit leaves the same mapping and free blocks.
     */
    @Test
    void preconditioningIsThatManyRandomWritesOneByOne() {
        FlashGeometry g = new FlashGeometry(1, 1, 2, 2, 48, 16, 16384, 0, 4096);
        long logical = logicalFor(g, 0.15);
        PageMappedFtl batched = new PageMappedFtl(g, logical, 2, PageMappedFtl.InitialState.FULL);
        batched.precondition(new RandomStreams(5).stream("p"), 2.5);
        PageMappedFtl single = new PageMappedFtl(g, logical, 2, PageMappedFtl.InitialState.FULL);
        RandomStream r = new RandomStreams(5).stream("p");
        long n = (long) (2.5 * single.logicalUnits());
        for (long i = 0; i < n; i++) {
            single.write((int) r.nextLong(single.logicalUnits()), single.stripePlaneOf(i));
        }
        for (int lpn = 0; lpn < logical; lpn++) {
            assertThat(batched.lookup(lpn)).as("unit %d", lpn).isEqualTo(single.lookup(lpn));
        }
        for (int plane = 0; plane < g.planes(); plane++) {
            assertThat(batched.freeBlocks(plane)).isEqualTo(single.freeBlocks(plane));
        }
        assertThat(batched.audit(5).problems()).isEmpty();
    }

    @Test
    void fullDriveStartsWithTheSequentialStripeImplicit() {
        FlashGeometry g = new FlashGeometry(2, 1, 1, 2, 16, 8, 16384, 0, 4096);
        PageMappedFtl ftl = new PageMappedFtl(g, 1500, 2, PageMappedFtl.InitialState.FULL);
        // 8 units per program unit (2 planes x 4 units): units 0-7 on die 0, 8-15 on die 1, 16-23 on die 0 again
        assertThat(ftl.dieOf(ftl.lookup(0))).isZero();
        assertThat(ftl.dieOf(ftl.lookup(8))).isEqualTo(1);
        assertThat(ftl.dieOf(ftl.lookup(16))).isZero();
        assertThat(ftl.planeOf(ftl.lookup(4))).isEqualTo(1);
        assertThat(ftl.pageOf(ftl.lookup(1))).isEqualTo(ftl.pageOf(ftl.lookup(0)));
    }
}
