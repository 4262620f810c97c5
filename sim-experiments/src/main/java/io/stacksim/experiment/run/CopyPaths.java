package io.stacksim.experiment.run;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.Parallel;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.os.IoCounters;
import io.stacksim.os.Kernel;
import io.stacksim.os.NetStack;
import io.stacksim.os.Pipe;
import io.stacksim.os.Pipes;
import io.stacksim.os.Sockets;
import io.stacksim.os.Task;
import io.stacksim.os.TcpSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The file-to-socket copy paths of the classic zero-copy table (developer.ibm.com j-zerocopy;
 * Linux Journal 6345; fs/splice.c, fs/read_write.c do_sendfile), run on a simulated machine:
 * one task sends a whole file to a TCP socket in transfer units by
 * <ul>
 *   <li>read + write: read(file, buf, unit), write(sock, buf, unit);</li>
 *   <li>mmap + write: mmap(file, offset, unit), write(sock, map, unit) (the mappings are
 *       released when the program exits, as in the table's source: a loop that also calls
 *       munmap per unit pays two more mode switches per unit);</li>
 *   <li>sendfile: sendfile(sock, file, &amp;offset, unit);</li>
 *   <li>splice: splice(file, &amp;offset, pipe, unit), splice(pipe, sock, unit), through a pipe
 *       sized to the unit with F_SETPIPE_SZ (at least its 16 default pages).</li>
 * </ul>
 * with the NIC able to gather (SG) or not. The counts per unit are the simulation's own
 * counters over the transfer (setup excluded): mode switches from syscall entries and exits,
 * CPU copies as bytes copied by the CPU over bytes sent, DMA copies as bytes moved by DMA
 * (disk to page cache, memory to NIC, packet headers excluded) over bytes sent.
 */
public final class CopyPaths {
    private CopyPaths() {
    }

    /** The file-to-socket methods. */
    public enum Method {
        READ_WRITE("read + write", 2),
        MMAP_WRITE("mmap + write", 2),
        SENDFILE("sendfile", 1),
        SPLICE("splice", 2);

        public final String label;
        public final int syscalls;

        Method(String label, int syscalls) {
            this.label = label;
            this.syscalls = syscalls;
        }
    }

    /**
     * What the kernel's rules predict per transfer unit.
     *
     * @param modeSwitches two per syscall (entry and exit)
     * @param cpuCopies    copies of the data made by the CPU
     * @param dmaCopies    copies of the data made by DMA engines
     * @param why          the rule behind the numbers
     */
    public record Expected(int modeSwitches, int cpuCopies, int dmaCopies, String why) {
    }

    /** One run: a method, whether the NIC gathers, the transfer unit and the cache state. */
    public record Case(Method method, boolean gather, long unit, boolean warm) {
        public String nic() {
            return gather ? "SG" : "no SG";
        }
    }

    /**
     * What one run measured.
     *
     * @param units        transfer units
     * @param bytes        bytes sent
     * @param modeSwitches per unit
     * @param cpuCopies    CPU-copied bytes / bytes sent
     * @param dmaCopies    DMA-moved data bytes / bytes sent
     * @param syscalls     per unit
     * @param voluntary    voluntary context switches per unit (the sender waiting for I/O or socket space)
     * @param involuntary  involuntary context switches per unit
     * @param elapsedNs    from the first syscall of the transfer to the last byte reaching the peer
     * @param userNs       CPU time in user mode (all cores) during the transfer
     * @param sysNs        CPU time in kernel mode (syscalls, faults)
     * @param irqNs        CPU time in interrupts and softirqs
     */
    public record Measured(long units, long bytes, double modeSwitches, double cpuCopies, double dmaCopies, double syscalls,
                           double voluntary, double involuntary, long elapsedNs, long userNs, long sysNs, long irqNs) {
        public double throughputMBps() {
            return bytes / (elapsedNs / 1e9) / 1e6;
        }

        public long cpuNs() {
            return userNs + sysNs + irqNs;
        }
    }

    /** A measured case next to its expectation. */
    public record Row(Case c, Measured m, Expected e) {
        /** The counts match the expectation (to display precision: they are exact ratios). */
        public boolean pass() {
            return Math.abs(m.modeSwitches() - e.modeSwitches()) < 0.005
                    && Math.abs(m.cpuCopies() - e.cpuCopies()) < 0.005
                    && Math.abs(m.dmaCopies() - e.dmaCopies()) < 0.005;
        }
    }

    /**
     * The kernel's rules for a case. DMA: the disk's DMA into the page cache (unless the file is
     * already cached) and the NIC's DMA from memory. CPU: the user copies of the method, plus one
     * when the NIC cannot gather, since TCP builds paged packets anyway (sk_setup_caps gives every
     * TCP socket NETIF_F_SG and GSO) and validate_xmit_skb's software GSO copies them into linear
     * segments.
     */
    public static Expected expected(Method m, boolean gather, boolean warm) {
        int dma = warm ? 1 : 2;
        int gso = gather ? 0 : 1;
        String noSg = gather ? "" : "; +1: GSO copies the paged packets into linear segments for a NIC without SG";
        String disk = warm ? "; DMA 1: the file is already in the page cache" : "";
        return switch (m) {
            case READ_WRITE -> new Expected(4, 2 + gso, dma, "read and write: copy_to_user, copy_from_user into the socket" + noSg + disk);
            case MMAP_WRITE -> new Expected(4, 1 + gso, dma, "mmap and write: only write's copy_from_user (from the mapped page cache)" + noSg + disk);
            case SENDFILE -> new Expected(2, gso, dma, "one call; page-cache pages become packet fragments" + noSg + disk);
            case SPLICE -> new Expected(4, gso, dma, "two calls (file->pipe, pipe->socket); pages are referenced, never copied"
                    + noSg + disk);
        };
    }

    /** The copy-table rows (cold cache): the classic five and the other NIC for each method. */
    public static List<Case> tableCases(long unit) {
        return List.of(
                new Case(Method.READ_WRITE, true, unit, false),
                new Case(Method.MMAP_WRITE, true, unit, false),
                new Case(Method.SENDFILE, false, unit, false),
                new Case(Method.SENDFILE, true, unit, false),
                new Case(Method.SPLICE, true, unit, false),
                new Case(Method.READ_WRITE, false, unit, false),
                new Case(Method.MMAP_WRITE, false, unit, false),
                new Case(Method.SPLICE, false, unit, false));
    }

    /** The five classic rows at each unit, cache cold and warm. */
    public static List<Case> performanceCases(long[] units) {
        List<Case> out = new ArrayList<>();
        for (boolean warm : new boolean[] {false, true}) {
            for (long u : units) {
                out.add(new Case(Method.READ_WRITE, true, u, warm));
                out.add(new Case(Method.MMAP_WRITE, true, u, warm));
                out.add(new Case(Method.SENDFILE, false, u, warm));
                out.add(new Case(Method.SENDFILE, true, u, warm));
                out.add(new Case(Method.SPLICE, true, u, warm));
            }
        }
        return out;
    }

    /** Runs every case (on {@code threads} threads; results do not depend on it). */
    public static List<Row> run(ConfigNode base, List<Case> cases, long fileSize, long seed, int threads) {
        return Parallel.map(cases, threads,
                c -> new Row(c, measure(base, c, fileSize, seed), expected(c.method(), c.gather(), c.warm())));
    }

    /** Runs one case on a fresh machine built from {@code base} (its net.scatter_gather set by the case). */
    public static Measured measure(ConfigNode base, Case c, long fileSize, long seed) {
        ConfigNode root = base.copy();
        root.set("net.scatter_gather", Boolean.toString(c.gather()), Origin.flag("copy-paths"));
        Stack stack = new Stack(root, seed);
        NetStack net = stack.network();
        root.checkAllUsed();
        return measure(stack, net, c, fileSize);
    }

    /** Runs one case on {@code stack} (whose NIC already has the case's scatter-gather setting). */
    public static Measured measure(Stack stack, NetStack net, Case c, long fileSize) {
        return new Transfer(stack, net, c, fileSize).run();
    }

    /** The sending program and its measurement window. */
    private static final class Transfer {
        private final Stack stack;
        private final Kernel kernel;
        private final Sockets sockets;
        private final Pipes pipes;
        private final Case c;
        private final long size;
        private final Task t;
        private final TcpSocket sock;
        private OpenFile file;
        private Pipe pipe;
        private long received;
        private long deliveredAt = -1;
        private long startNs;
        private long headerBytesAtStart;

        Transfer(Stack stack, NetStack net, Case c, long size) {
            this.stack = stack;
            this.kernel = stack.kernel;
            this.sockets = new Sockets(kernel, net);
            this.pipes = new Pipes(kernel, net.costs());
            this.c = c;
            this.size = size;
            this.t = stack.cpus.newTask("sender");
            this.sock = net.connect((conn, bytes) -> {
                received += bytes;
                if (received >= size && deliveredAt < 0) {
                    deliveredAt = stack.sim.now();
                }
            }, false);
            stack.fs.create("copy.src", size);
        }

        Measured run() {
            t.start(() -> kernel.open(t, "copy.src", 0, -1, f -> {
                file = f;
                Runnable ready = () -> setupPath(this::begin);
                if (c.warm()) {
                    preRead(0, ready);
                } else {
                    ready.run();
                }
            }));
            stack.sim.run();
            if (deliveredAt < 0) {
                throw new IllegalStateException(c + ": the peer received " + received + " of " + size + " bytes"
                        + " (sender " + (t.isDead() ? "exited" : t.isRunning() ? "running" : "waiting") + ", socket "
                        + (sock.drained() ? "drained" : "not drained") + ", " + t.counters().totalSyscalls() + " syscalls)");
            }
            IoCounters k = t.counters();
            long units = (size + c.unit() - 1) / c.unit();
            long dmaData = k.dmaBytes - (sock.dmaHeaderBytes() - headerBytesAtStart);
            long[] cpu = stack.cpus.totalTimesNs();
            return new Measured(units, size, (double) k.modeSwitches / units, (double) k.cpuCopyBytes / size,
                    (double) dmaData / size, (double) k.totalSyscalls() / units, (double) k.voluntarySwitches / units,
                    (double) k.involuntarySwitches / units, deliveredAt - startNs, cpu[0], cpu[1], cpu[2]);
        }

        /** The cache-warm case reads the file through the page cache first (outside the measurement). */
        private void preRead(long pos, Runnable then) {
            if (pos >= size) {
                kernel.lseek(t, file, 0, r -> then.run());
                return;
            }
            long n = Math.min(1 << 20, size - pos);
            kernel.pread(t, file, pos, n, 0, (r, waited) -> preRead(pos + n, then));
        }

        private void setupPath(Runnable then) {
            if (c.method() != Method.SPLICE) {
                then.run();
                return;
            }
            pipes.pipe(t, p -> {
                pipe = p;
                pipes.setSize(t, p, Math.max(c.unit(), (long) Pipe.DEF_BUFFERS * 4096), r -> then.run());
            });
        }

        /** The measurement starts here: every counter from zero. */
        private void begin() {
            stack.resetStats();
            headerBytesAtStart = sock.dmaHeaderBytes();
            startNs = stack.sim.now();
            next(0);
        }

        private void next(long off) {
            if (off >= size) {
                t.exit();
                return;
            }
            long n = Math.min(c.unit(), size - off);
            switch (c.method()) {
                case READ_WRITE -> kernel.read(t, file, n, 0, (r, waited) -> check(r, () -> sockets.write(t, sock, r,
                        w -> check(w, () -> next(off + w)))));
                case MMAP_WRITE -> kernel.mmap(t, file, off, n, true, false, (Mapping m) ->
                        sockets.writeMapped(t, sock, m, 0, n, w -> check(w, () -> next(off + w))));
                case SENDFILE -> sockets.sendfile(t, sock, file, off, n, r -> check(r, () -> next(off + r)));
                case SPLICE -> splice(off, n, off + n);
            }
        }

        private void splice(long off, long n, long unitEnd) {
            boolean more = unitEnd < size;
            pipes.spliceFromFile(t, file, off, pipe.writeEnd(), n, Pipes.SPLICE_F_MORE, r -> check(r, () ->
                    pipes.spliceToSocket(t, pipe.readEnd(), sock, r, more || off + r < unitEnd ? Pipes.SPLICE_F_MORE : 0,
                            w -> check(w, () -> {
                                if (off + w < unitEnd) {
                                    splice(off + w, unitEnd - off - w, unitEnd);
                                } else {
                                    next(unitEnd);
                                }
                            }))));
        }

        private void check(long r, Runnable then) {
            if (r <= 0) {
                throw new IllegalStateException(c + ": a syscall returned " + r);
            }
            then.run();
        }
    }
}
