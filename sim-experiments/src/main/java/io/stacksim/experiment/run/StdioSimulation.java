package io.stacksim.experiment.run;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Stats;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.fs.OpenFile;
import io.stacksim.os.IoCounters;
import io.stacksim.os.StdioStream;
import io.stacksim.os.Task;
import java.util.List;

/**
 * Runs a config whose workload reads or writes one file through a C library stream
 * ({@code workload.stdio}, see {@link StdioStream}): fread or fwrite calls of
 * {@code call_size} bytes with a stream buffer of {@code buffer} bytes (setvbuf; 0 = glibc's
 * default, st_blksize capped at BUFSIZ). Reports {@code stdio.*}: library calls, the read and
 * write system calls they became, throughput and CPU time, measured from the first call to
 * the final fflush (and fsync with {@code end_fsync}); each call costs the library
 * {@code call_cost} of user time besides its copies.
 *
 * <pre>
 * workload:
 *   stdio: {rw: read, size: 64m, call_size: 100, buffer: 0, warm: true}
 * </pre>
 */
public final class StdioSimulation {
    private StdioSimulation() {
    }

    private static final String FILE = "stdio.data";

    static final Tunable<String> RW = Tunable.choice("rw", "read", List.of("read", "write"))
            .help("`read` (fread) or `write` (fwrite)");
    static final Tunable<Long> SIZE = Tunable.size("size", 64 << 20, 1, 1L << 40).help("bytes read or written");
    static final Tunable<Long> CALL_SIZE = Tunable.size("call_size", 100, 1, 1L << 30).help("bytes per fread/fwrite call");
    static final Tunable<Long> BUFFER = Tunable.size("buffer", 0, 0, 1L << 30)
            .help("setvbuf size; 0 = glibc's default, st_blksize (4096) capped at BUFSIZ (8192)");
    static final Tunable<Boolean> WARM = Tunable.flag("warm", false).help("read the file into the page cache first");
    static final Tunable<Boolean> END_FSYNC = Tunable.flag("end_fsync", false)
            .help("fsync after the final fflush (writes)");
    /** The library's own work per call (the stream lock, checks, the call itself), of a locked fread/fwrite of a few bytes. */
    static final Tunable<Long> CALL_COST = Tunable.duration("call_cost", 20, 1)
            .help("the library's own user time per call (lock, checks) [est]");

    /** The {@code workload.stdio} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("workload.stdio",
            "A C library stream (`workload.stdio`)", RW, SIZE, CALL_SIZE, BUFFER, CALL_COST, WARM, END_FSYNC)
            .intro("""
                    Instead of fio jobs: one task reads or writes a file with fread/fwrite through a glibc FILE
                    stream (libio's buffering rules, see `StdioStream`). Reports `stdio.*`: library calls, the
                    read/write system calls they became, calls per system call, system calls per MiB, throughput
                    and CPU time, from the first call to the final fflush (and fsync).""");

    static RunResult run(ConfigNode root, Stack stack, long seed) {
        ConfigNode section = root.section("workload").section("stdio");
        boolean write = RW.read(section).equals("write");
        long size = SIZE.read(section);
        long call = CALL_SIZE.read(section);
        int buffer = (int) (long) BUFFER.read(section);
        boolean warm = WARM.read(section);
        boolean endFsync = END_FSYNC.read(section);
        long callNs = CALL_COST.read(section);
        root.checkAllUsed();

        stack.fs.create(FILE, size);
        Task t = stack.cpus.newTask("stdio");
        stack.cpus.registerTask(stack.stats, t);
        long[] window = new long[2];
        long[] calls = new long[1];
        StdioStream[] stream = new StdioStream[1];
        t.start(() -> stack.kernel.open(t, FILE, 0, -1, f -> {
            Runnable begin = () -> {
                stack.resetStats();
                window[0] = stack.sim.now();
                stream[0] = new StdioStream(stack.kernel, t, f, buffer, stack.fs.blockSize(), callNs);
                step(stack, t, f, stream[0], write, call, size, calls, endFsync, window);
            };
            if (warm) {
                preRead(stack, t, f, 0, size, begin);
            } else {
                begin.run();
            }
        }));
        stack.sim.run();
        if (window[1] == 0) {
            throw new IllegalStateException("the stdio run ended before the stream was done");
        }

        Stats stats = stack.stats;
        long elapsed = window[1] - window[0];
        IoCounters k = t.counters();
        double mib = size / (double) (1 << 20);
        long[] busy = stack.cpus.totalTimesNs();
        stats.gauge("stdio.buffer_bytes", stream[0]::bufferSize);
        stats.counter("stdio.calls", () -> calls[0]);
        stats.counter("stdio.syscalls", k::totalSyscalls);
        stats.gauge("stdio.syscalls_per_MiB", () -> k.totalSyscalls() / mib);
        stats.gauge("stdio.calls_per_syscall", () -> k.totalSyscalls() == 0 ? 0 : (double) calls[0] / k.totalSyscalls());
        stats.gauge("stdio.throughput_MiBps", () -> mib / (elapsed / 1e9));
        stats.gauge("stdio.elapsed_ms", () -> elapsed / 1e6);
        stats.gauge("stdio.cpu.user_ms", () -> busy[0] / 1e6);
        stats.gauge("stdio.cpu.sys_ms", () -> busy[1] / 1e6);
        stats.gauge("stdio.cpu.irq_ms", () -> busy[2] / 1e6);
        return RunResult.ofMachine(stack, root, seed);
    }

    /** One fread/fwrite after another until {@code left} bytes are done; then fflush (and fsync). */
    private static void step(Stack stack, Task t, OpenFile f, StdioStream s, boolean write, long call, long left,
                             long[] calls, boolean endFsync, long[] window) {
        if (left <= 0) {
            s.fflush(r -> {
                Runnable done = () -> {
                    window[1] = stack.sim.now();
                    t.exit();
                    stack.sim.stop(); // not the flusher's later write-back: the window ends here
                };
                if (write && endFsync) {
                    stack.kernel.fsync(t, f, x -> done.run());
                } else {
                    done.run();
                }
            });
            return;
        }
        long n = Math.min(call, left);
        calls[0]++;
        if (write) {
            s.fwrite(n, r -> step(stack, t, f, s, true, call, left - n, calls, endFsync, window));
        } else {
            s.fread(n, r -> {
                if (r <= 0) {
                    throw new IllegalStateException("fread returned " + r + " with " + left + " bytes left");
                }
                step(stack, t, f, s, false, call, left - r, calls, endFsync, window);
            });
        }
    }

    /** Reads the file through the page cache before the measurement (the warm-cache case). */
    private static void preRead(Stack stack, Task t, OpenFile f, long pos, long size, Runnable then) {
        if (pos >= size) {
            stack.kernel.lseek(t, f, 0, r -> then.run());
            return;
        }
        long n = Math.min(1 << 20, size - pos);
        stack.kernel.pread(t, f, pos, n, 0, (r, waited) -> preRead(stack, t, f, pos + n, size, then));
    }
}
