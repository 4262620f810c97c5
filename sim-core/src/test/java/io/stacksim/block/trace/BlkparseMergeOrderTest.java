package io.stacksim.block.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Submitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text's order and fields against blkparse's own rules (blkparse.c): its merge of the
 * per-CPU files (ms_sort, ms_resort), size_cnv, and the kernel's TASK_COMM_LEN; and the binary
 * files blkparse needs to find every CPU's (setup_file).
 */
class BlkparseMergeOrderTest {
    private static List<String> events(Path out) throws Exception {
        return Files.readAllLines(out).stream().filter(l -> l.startsWith("259,0")).toList();
    }

    /**
     * Events of one nanosecond on two CPUs, simulated interleaved: blkparse prints the CPU it
     * is printing from until that CPU's next event is later than the other's (ms_resort only
     * moves a stream whose next event is strictly later), so CPU 0's two events at 10 come
     * before CPU 1's, and CPU 1 then keeps the head through its events at 10, 20 and 30, its
     * 30 being no later than CPU 0's.
     */
    @Test
    void tiesAcrossCpusComeOutAsBlkparseMergesThePerCpuFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.txt");
        BlkparseWriter w = new BlkparseWriter(out, "nvme0n1");
        Submitter a = new Submitter(1001, "fio", 0);
        Submitter b = new Submitter(1002, "fio", 1);
        w.event('Q', 10, 0, a, Op.READ, 0, 100, 8, 0);
        w.event('C', 10, 1, null, Op.READ, 0, 500, 8, 0);
        w.event('G', 10, 0, a, Op.READ, 0, 100, 8, 0);
        w.event('Q', 10, 1, b, Op.READ, 0, 900, 8, 0);
        w.event('G', 20, 1, b, Op.READ, 0, 900, 8, 0);
        w.event('D', 30, 0, a, Op.READ, 0, 100, 8, 0);
        w.event('D', 30, 1, b, Op.READ, 0, 900, 8, 0);
        w.close(30);
        assertThat(events(out)).containsExactly(
                "259,0    0        1     0.000000000  1001  Q   R 100 + 8 [fio]",
                "259,0    0        2     0.000000000  1001  G   R 100 + 8 [fio]",
                "259,0    1        1     0.000000000     0  C   R 500 + 8 [0]",
                "259,0    1        2     0.000000000  1002  Q   R 900 + 8 [fio]",
                "259,0    1        3     0.000000010  1002  G   R 900 + 8 [fio]",
                "259,0    1        4     0.000000020  1002  D   R 900 + 8 [fio]",
                "259,0    0        3     0.000000020  1001  D   R 100 + 8 [fio]");
        assertThat(Files.readAllLines(out)).contains(" Read depth:             2        \t Write depth:             0");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(out); // the spill files are gone
        }
    }

    /** A command name is the kernel's task->comm: 15 characters and the NUL (TASK_COMM_LEN), as blkparse shows it. */
    @Test
    void commandNamesAreCutToTaskCommLen(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.txt");
        BlkparseWriter w = new BlkparseWriter(out, "nvme0n1");
        w.event('Q', 0, 1, new Submitter(1000, "kworker/u8:1-flush-nvme0n1", 1), Op.WRITE, 0, 2048, 8, 0);
        w.close(0);
        assertThat(events(out)).containsExactly("259,0    1        1     0.000000000  1000  Q   W 2048 + 8 [kworker/u8:1-fl]");
    }

    /** size_cnv: over 1,000,000 a size goes to the next unit in thousands, a count gains a K. */
    @Test
    void summarySizesFollowSizeCnv() {
        assertThat(BlkparseWriter.sizeCnv(1_000_000, true)).isEqualTo(" 1000000K");
        assertThat(BlkparseWriter.sizeCnv(1_265_664, true)).isEqualTo("    1265M");
        assertThat(BlkparseWriter.sizeCnv(7_123_436_000L, true)).isEqualTo("    7123G");
        assertThat(BlkparseWriter.sizeCnv(1_500_000, false)).isEqualTo("    1500K");
        assertThat(BlkparseWriter.sizeCnv(250_000, false)).isEqualTo("  250000");
    }

    /** blkparse stops at the first missing DEV.blktrace.N: a CPU without events below one with some gets an empty file. */
    @Test
    void everyCpuBelowTheLastTracedHasAFile(@TempDir Path dir) throws Exception {
        BlktraceWriter w = new BlktraceWriter(dir, "nvme0n1");
        Submitter fio = new Submitter(1001, "fio", 0);
        w.event('Q', 0, 0, fio, Op.READ, Bio.SYNC, 0, 8, 0);
        w.event('C', 10, 2, null, Op.READ, Bio.SYNC, 0, 8, 0);
        w.close(10);
        assertThat(Files.size(dir.resolve("nvme0n1.blktrace.1"))).isZero();
        assertThat(Files.size(dir.resolve("nvme0n1.blktrace.0"))).isPositive();
        assertThat(Files.size(dir.resolve("nvme0n1.blktrace.2"))).isPositive();
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(3);
        }
    }
}
