package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fio_cmdprio_set_ioprio (engines/cmdprio.c, fio 3.33) against its own rule, draw by draw. */
class CmdPrioTest {
    private static final int RT0 = 1 << 13;
    private static final int IDLE7 = 3 << 13 | 7;

    private static JobSpec.CmdPrio perc(int read, int write, int cls, int level) {
        return new JobSpec.CmdPrio(List.of(read, write), List.of(cls, cls), List.of(level, level),
                List.of(List.of(), List.of()));
    }

    /**
     * cmdprio_percentage: one draw from 0 to 99 per I/O of a direction with a share; below the
     * share the I/O gets cmdprio_class/cmdprio (realtime when no class is given); a direction
     * without a share draws nothing.
     */
    @Test
    void percentageGivesEachIoOfAShareItsPriorityFromOneDraw() {
        CmdPrio c = new CmdPrio(perc(25, 0, 0, 0), new RandomStreams(7).stream("p"));
        RandomStream ref = new RandomStreams(7).stream("p");
        for (int i = 0; i < 1000; i++) {
            assertThat(c.ioprio(1, 4096)).isZero(); // writes: no share, no draw
            int expect = ref.nextInt(100) < 25 ? RT0 : 0;
            assertThat(c.ioprio(0, 4096)).isEqualTo(expect);
        }
        CmdPrio idle = new CmdPrio(perc(100, 100, 3, 7), new RandomStreams(7).stream("p"));
        assertThat(idle.ioprio(1, 512)).isEqualTo(IDLE7);
    }

    /** Over many I/Os the share is the percentage: 20 % of 100 000 within 4 standard deviations. */
    @Test
    void percentageShareOfManyIos() {
        CmdPrio c = new CmdPrio(perc(20, 20, 1, 0), new RandomStreams(3).stream("p"));
        int n = 100_000;
        int hit = 0;
        for (int i = 0; i < n; i++) {
            hit += c.ioprio(i & 1, 4096) != 0 ? 1 : 0;
        }
        double sd = Math.sqrt(n * 0.2 * 0.8);
        assertThat((double) hit).isBetween(0.2 * n - 4 * sd, 0.2 * n + 4 * sd);
    }

    /**
     * cmdprio_bssplit: the I/O's block size selects its entries; the draw below their summed
     * percentages picks the first entry whose running sum exceeds it; an entry without class and
     * level takes cmdprio_class/cmdprio; other block sizes draw nothing.
     */
    @Test
    void bssplitPicksTheEntryOfTheDrawAmongTheBlockSizesEntries() {
        List<JobSpec.PrioSplit> e = List.of(new JobSpec.PrioSplit(4096, 30, -1), new JobSpec.PrioSplit(4096, 20, IDLE7),
                new JobSpec.PrioSplit(65536, 100, -1));
        JobSpec.CmdPrio spec = new JobSpec.CmdPrio(List.of(0, 0), List.of(2, 2), List.of(5, 5), List.of(e, List.of()));
        CmdPrio c = new CmdPrio(spec, new RandomStreams(11).stream("p"));
        RandomStream ref = new RandomStreams(11).stream("p");
        int be5 = 2 << 13 | 5;
        for (int i = 0; i < 1000; i++) {
            assertThat(c.ioprio(0, 8192)).isZero(); // no entry for 8 KiB
            int r = ref.nextInt(100);
            int expect = r < 30 ? be5 : r < 50 ? IDLE7 : 0;
            assertThat(c.ioprio(0, 4096)).isEqualTo(expect);
            ref.nextInt(100);
            assertThat(c.ioprio(0, 65536)).isEqualTo(be5);
        }
    }
}
