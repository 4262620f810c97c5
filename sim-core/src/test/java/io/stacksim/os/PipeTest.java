package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.fs.OpenFile;
import io.stacksim.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pipes and splice against fs/pipe.c and fs/splice.c. */
class PipeTest {
    private static final NetCosts NC = NetCosts.defaults();

    @Test
    void aPipeHoldsSixteenPagesAndBlocksItsWriterWhenFull() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe p = new Pipe();
        long[] bytesWhenBlocked = {-1};
        long[] written = {-1};
        Task writer = h.spawn("writer", t -> pipes.write(t, p.writeEnd(), 100_000, r -> {
            written[0] = r;
            t.exit();
        }));
        h.sim.schedule(1_000_000, () -> {
            bytesWhenBlocked[0] = p.bytes();
            h.spawn("reader", t -> drain(pipes, t, p, 100_000));
        });
        h.run();
        assertThat(p.capacity()).isEqualTo(Pipe.DEF_BUFFERS);
        assertThat(bytesWhenBlocked[0]).isEqualTo(16 * 4096); // PIPE_DEF_BUFFERS pages, then the writer waits
        assertThat(written[0]).isEqualTo(100_000);
        assertThat(writer.counters().voluntarySwitches).isGreaterThanOrEqualTo(1);
    }

    private static void drain(Pipes pipes, Task t, Pipe p, long left) {
        if (left <= 0) {
            t.exit();
            return;
        }
        pipes.read(t, p.readEnd(), 65536, r -> drain(pipes, t, p, left - r));
    }

    @Test
    void writesOfAtMostPipeBufAreNeverSplitAcrossBuffers() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe p = new Pipe();
        // Two writers alternate 3000-byte messages; a 3000-byte write cannot merge into a buffer
        // already holding 3000 bytes (3000 + 3000 > 4096), so each lands whole in its own buffer.
        List<Long> lens = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            h.spawn("w" + w, t -> writeN(pipes, t, p, 3000, 6));
        }
        h.sim.schedule(10_000_000, () -> {
            for (int i = p.tailIndex(); i < p.tailIndex() + p.occupancy(); i++) {
                lens.add(p.buf(i).len);
            }
        });
        h.run();
        assertThat(lens).hasSize(12).allMatch(l -> l == 3000);
    }

    @Test
    void aSmallWriteMergesIntoTheLastBufferWhenItFits() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe p = new Pipe();
        h.spawn("w", t -> writeN(pipes, t, p, 1000, 4));
        h.run();
        assertThat(p.occupancy()).isEqualTo(1);
        assertThat(p.bytes()).isEqualTo(4000);
    }

    @Test
    void aWriteLargerThanAPageIsSpreadOverPages() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe p = new Pipe();
        h.spawn("w", t -> pipes.write(t, p.writeEnd(), 10_000, r -> t.exit()));
        h.run();
        assertThat(p.occupancy()).isEqualTo(3); // 4096 + 4096 + 1808
        assertThat(p.buf(p.tailIndex() + 2).len).isEqualTo(10_000 - 2 * 4096);
    }

    private static void writeN(Pipes pipes, Task t, Pipe p, long len, int n) {
        if (n == 0) {
            t.exit();
            return;
        }
        pipes.write(t, p.writeEnd(), len, r -> t.compute(1_000, false, () -> writeN(pipes, t, p, len, n - 1)));
    }

    @Test
    void setPipeSizeRoundsUpToAPowerOfTwoPagesWithinPipeMaxSize() {
        Pipe p = new Pipe();
        assertThat(p.resize(100_000)).isEqualTo(32 * 4096);
        assertThat(p.capacity()).isEqualTo(32);
        assertThat(p.resize(1 << 20)).isEqualTo(1 << 20);
        assertThat(p.resize((1 << 20) + 1)).isEqualTo(-1); // EPERM above /proc/sys/fs/pipe-max-size
    }

    @Test
    void spliceFromAFileReferencesPageCachePagesWithoutCopying() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Pipes pipes = new Pipes(h.kernel, NC);
        h.fs.create("f", 1 << 20);
        Pipe p = new Pipe();
        long[] got = {-1};
        Task t = h.spawn("splicer", task -> h.kernel.open(task, "f", 0, -1, (OpenFile f) ->
                pipes.spliceFromFile(task, f, 0, p.writeEnd(), 1 << 20, 0, r -> {
                    got[0] = r;
                    task.exit();
                })));
        h.run();
        // filemap_splice_read takes no more than the free buffers hold: 16 pages
        assertThat(got[0]).isEqualTo(16 * 4096);
        assertThat(p.occupancy()).isEqualTo(16);
        assertThat(t.counters().cpuCopyBytes).isZero();
        assertThat(h.device.seen).isNotEmpty(); // the pages were read from the device (readahead)
        assertThat(t.counters().syscalls(Syscall.SPLICE)).isEqualTo(1);
    }
}
