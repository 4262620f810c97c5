package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.testing.KernelHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** glibc's stdio buffering rules (libio/fileops.c) as the syscall counts show them. */
class StdioStreamTest {
    private static final long FILE = 1 << 20;

    private static Task run(int bufSize, long chunk, boolean write) {
        return run(bufSize, chunk, write, 0);
    }

    private static Task run(int bufSize, long chunk, boolean write, long callNs) {
        KernelHarness h = new KernelHarness(1, 50_000, false, Map.of());
        SimFile f = h.fs.create("data", FILE);
        Task t = h.spawn("app", task -> {
            StdioStream s = new StdioStream(h.kernel, task, new OpenFile(f, 0), bufSize, 4096, callNs);
            step(s, task, chunk, FILE, write);
        });
        h.run();
        return t;
    }

    private static void step(StdioStream s, Task t, long chunk, long left, boolean write) {
        if (left == 0) {
            s.fflush(r -> t.exit());
            return;
        }
        long n = Math.min(chunk, left);
        if (write) {
            s.fwrite(n, r -> step(s, t, chunk, left - n, true));
        } else {
            s.fread(n, r -> step(s, t, chunk, left - r, false));
        }
    }

    @Test
    void defaultBufferIsTheFilesBlockSizeCappedAtBufsiz() {
        KernelHarness h = new KernelHarness(1, 50_000, false, Map.of());
        SimFile f = h.fs.create("x", 4096);
        assertThat(new StdioStream(h.kernel, null, new OpenFile(f, 0), 0, 4096, 0).bufferSize()).isEqualTo(4096);
        assertThat(new StdioStream(h.kernel, null, new OpenFile(f, 0), 0, 65536, 0).bufferSize()).isEqualTo(8192);
    }

    @Test
    void smallFreadsBecomeOneReadPerBuffer() {
        Task t = run(4096, 100, false);
        // 1 MiB / 4 KiB buffer = 256 refills.
        assertThat(t.counters().syscalls(Syscall.READ)).isEqualTo(256);
    }

    @Test
    void freadsOfAtLeastABufferGoStraightToRead() {
        Task t = run(4096, 65536, false);
        assertThat(t.counters().syscalls(Syscall.READ)).isEqualTo(16);
    }

    @Test
    void smallFwritesBecomeOneWritePerBuffer() {
        Task t = run(8192, 100, true);
        assertThat(t.counters().syscalls(Syscall.WRITE)).isEqualTo(128);
    }

    @Test
    void aLargerBufferMeansProportionallyFewerSyscalls() {
        long small = run(1024, 64, false).counters().syscalls(Syscall.READ);
        long large = run(65536, 64, false).counters().syscalls(Syscall.READ);
        assertThat(small).isEqualTo(1024);
        assertThat(large).isEqualTo(16);
    }

    @Test
    void eachLibraryCallCostsItsCallTimeOnceInUserMode() {
        // 100-byte calls over 1 MiB: 10,486 calls, each charged 1 us once, whether it is served
        // from the buffer, refills it or (16 KiB calls, 1 KiB buffer) goes straight to the kernel.
        long calls = (FILE + 99) / 100;
        for (boolean write : new boolean[] {false, true}) {
            long base = run(4096, 100, write, 0).counters().userNs;
            assertThat(run(4096, 100, write, 1_000).counters().userNs - base).as("write=" + write).isEqualTo(calls * 1_000);
            long direct = run(1024, 16384, write, 0).counters().userNs;
            assertThat(run(1024, 16384, write, 1_000).counters().userNs - direct).isEqualTo(64 * 1_000);
        }
    }
}
