package io.stacksim.os;

import io.stacksim.device.InterruptController;
import io.stacksim.engine.Event;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine's cores and their scheduler: a shared FIFO run queue of equal-weight tasks,
 * which is what CFS/EEVDF does for tasks of one nice level, with a time slice after which a
 * running task is preempted if another is waiting (an involuntary context switch). Giving a
 * core to a task costs a context switch. A woken task prefers the core it last ran on.
 *
 * <p>Device interrupts ({@link #raise}) run a hard IRQ and the block softirq on the chosen
 * core, stealing their time from whatever task runs there.
 */
public final class Cpus implements InterruptController {
    private final Simulator sim;
    private final CostModel cost;
    private final Cpu[] cores;
    private final ArrayDeque<Task> runQueue = new ArrayDeque<>();
    private final List<Task> tasks = new ArrayList<>();
    private final long slice;
    private long windowStart;

    public Cpus(Simulator sim, int count, CostModel cost) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one CPU");
        }
        this.sim = sim;
        this.cost = cost;
        this.cores = new Cpu[count];
        for (int i = 0; i < count; i++) {
            cores[i] = new Cpu(i);
        }
        this.slice = cost.sliceNs(count);
    }

    public int count() {
        return cores.length;
    }

    public CostModel cost() {
        return cost;
    }

    /** Creates a task (not yet runnable: call {@link Task#start}). */
    public Task newTask(String comm) {
        Task t = new Task(tasks.size() + 1000, comm, this, sim);
        tasks.add(t);
        return t;
    }

    public List<Task> tasks() {
        return tasks;
    }

    /** Number of tasks waiting for a core. */
    public int runnable() {
        return runQueue.size();
    }

    void wake(Task t, Runnable cont) {
        t.resume = cont;
        t.state = Task.State.RUNNABLE;
        Cpu idle = null;
        if (t.lastCpu >= 0 && cores[t.lastCpu].current == null) {
            idle = cores[t.lastCpu];
        } else {
            for (Cpu c : cores) {
                if (c.current == null) {
                    idle = c;
                    break;
                }
            }
        }
        if (idle != null) {
            dispatch(idle, t);
        } else {
            runQueue.addLast(t);
            for (Cpu c : cores) {
                armSlice(c);
            }
        }
    }

    private void dispatch(Cpu c, Task t) {
        c.current = t;
        c.sliceStart = sim.now();
        t.cpu = c;
        t.lastCpu = c.id;
        t.state = Task.State.RUNNING;
        Runnable k = t.resume;
        t.resume = null;
        if (!runQueue.isEmpty()) {
            armSlice(c);
        }
        t.compute(cost.contextSwitchNs(), true, k);
    }

    private void armSlice(Cpu c) {
        if (c.current == null || (c.sliceTimer != null && c.sliceTimer.isPending())) {
            return;
        }
        long at = Math.max(sim.now(), c.sliceStart + slice);
        c.sliceTimer = sim.scheduleTimer(at, () -> sliceExpired(c));
    }

    private void sliceExpired(Cpu c) {
        Task t = c.current;
        if (t == null || runQueue.isEmpty()) {
            return;
        }
        if (t.segEnd < 0) {
            // Not in a segment: it is about to sleep or exit at this instant; let it.
            return;
        }
        t.pause();
        t.counters.involuntarySwitches++;
        t.state = Task.State.RUNNABLE;
        c.current = null;
        t.cpu = null;
        runQueue.addLast(t);
        dispatch(c, runQueue.pollFirst());
    }

    /** The task gave up its core (sleep or exit): run the next one, or go idle. */
    void release(Task t) {
        Cpu c = t.cpu;
        c.current = null;
        t.cpu = null;
        if (c.sliceTimer != null) {
            c.sliceTimer.cancel();
            c.sliceTimer = null;
        }
        Task next = runQueue.pollFirst();
        if (next != null) {
            dispatch(c, next);
        }
    }

    @Override
    public void raise(int cpu, Event handler) {
        Cpu c = cores[Math.floorMod(cpu, cores.length)];
        c.interrupts++;
        irqWork(c, cost.hardIrqNs() + cost.softIrqNs(), handler);
    }

    @Override
    public long raiseCompletion(int cpu, boolean blockSoftirq, Event handler) {
        Cpu c = cores[Math.floorMod(cpu, cores.length)];
        c.interrupts++;
        return irqWork(c, cost.hardIrqNs() + completionNs(blockSoftirq), handler);
    }

    /** The per-request part of a completion interrupt's work. */
    private long completionNs(boolean blockSoftirq) {
        return blockSoftirq ? cost.softIrqNs() : cost.irqCompleteNs();
    }

    /**
     * One more completion for the interrupt that started (or starts) at {@code start} on
     * {@code cpu}: while that interrupt is still pending (the APIC holds it, its handler has not
     * begun) a second MSI of the vector is not a second interrupt, and the handler, once it runs,
     * reaps every completion posted by then (nvme_irq's loop over the completion queue,
     * ahci_handle_port_interrupt over the finished tags; blk_mq_complete_request for each). So
     * the request joins it: only its own completion work is added, after the work queued so far,
     * provided that interrupt is still the last work queued on the core (nothing to reorder).
     */
    @Override
    public long joinCompletion(int cpu, boolean blockSoftirq, long start) {
        Cpu c = cores[Math.floorMod(cpu, cores.length)];
        if (sim.now() >= start || c.lastIrqStart != start) {
            return -1;
        }
        long ns = completionNs(blockSoftirq);
        c.irqBusyUntil += ns;
        c.irqNs += ns;
        if (c.current != null) {
            c.current.stretch(ns);
        }
        return c.irqBusyUntil;
    }

    /**
     * Interrupt-context work of {@code ns} on core {@code cpu} (a hard IRQ, or softirq work
     * such as NET_RX processing): it runs after the interrupt work already queued there,
     * stealing its time from whatever task runs on the core, and {@code then} runs at its end.
     * {@code hardIrq} counts it as an interrupt.
     */
    public void irqWork(int cpu, long ns, boolean hardIrq, Event then) {
        Cpu c = cores[Math.floorMod(cpu, cores.length)];
        if (hardIrq) {
            c.interrupts++;
        }
        irqWork(c, ns, then);
    }

    private long irqWork(Cpu c, long ns, Event then) {
        long start = Math.max(sim.now(), c.irqBusyUntil);
        c.lastIrqStart = start;
        c.irqBusyUntil = start + ns;
        c.irqNs += ns;
        if (c.current != null) {
            c.current.stretch(ns);
        }
        sim.schedule(c.irqBusyUntil, then);
        return start;
    }

    /** User, system and interrupt time of core {@code cpu} in the statistics window, in ns. */
    public long[] timesNs(int cpu) {
        Cpu c = cores[cpu];
        return new long[] {c.userNs, c.sysNs, c.irqNs};
    }

    /** User, system and interrupt time summed over all cores since the last reset. */
    public long[] totalTimesNs() {
        long[] sum = new long[3];
        for (Cpu c : cores) {
            sum[0] += c.userNs;
            sum[1] += c.sysNs;
            sum[2] += c.irqNs;
        }
        return sum;
    }

    /** Forgets accounting so far (end of warm-up). */
    public void resetStats() {
        windowStart = sim.now();
        for (Cpu c : cores) {
            c.userNs = c.sysNs = c.irqNs = c.interrupts = 0;
        }
        for (Task t : tasks) {
            t.counters.reset();
        }
    }

    /** Sum of all tasks' counters. */
    public IoCounters totals() {
        IoCounters sum = new IoCounters();
        for (Task t : tasks) {
            sum.add(t.counters);
        }
        return sum;
    }

    /** Registers per-CPU utilisation ({@code cpu.N.util_pct}, user/sys/irq) and totals. */
    public void registerStats(Stats stats) {
        for (Cpu c : cores) {
            String p = "cpu." + c.id + ".";
            stats.gauge(p + "util_pct", () -> pct(c.busyNs()));
            stats.gauge(p + "user_pct", () -> pct(c.userNs));
            stats.gauge(p + "sys_pct", () -> pct(c.sysNs));
            stats.gauge(p + "irq_pct", () -> pct(c.irqNs));
            stats.counter(p + "interrupts", () -> c.interrupts);
        }
        stats.gauge("cpu.util_pct", () -> {
            long busy = 0;
            for (Cpu c : cores) {
                busy += c.busyNs();
            }
            return pct(busy / cores.length); // the mean over cores (pct caps at 100: divide first)
        });
        stats.gauge("cpu.irq_ms", () -> {
            long irq = 0;
            for (Cpu c : cores) {
                irq += c.irqNs;
            }
            return irq / 1e6;
        });
    }

    /**
     * Registers one task's counters under {@code task.<comm>.<pid>.}: CPU time (user, system),
     * context switches (voluntary, involuntary), mode switches, syscalls, CPU copies, DMA
     * transfers and page faults.
     */
    public void registerTask(Stats stats, Task t) {
        String p = "task." + t.comm() + "." + t.pid() + ".";
        IoCounters c = t.counters;
        stats.gauge(p + "user_ms", () -> c.userNs / 1e6);
        stats.gauge(p + "sys_ms", () -> c.sysNs / 1e6);
        stats.counter(p + "ctx_voluntary", () -> c.voluntarySwitches);
        stats.counter(p + "ctx_involuntary", () -> c.involuntarySwitches);
        stats.counter(p + "mode_switches", () -> c.modeSwitches);
        stats.counter(p + "syscalls", c::totalSyscalls);
        stats.counter(p + "cpu_copies", () -> c.cpuCopies);
        stats.counter(p + "dma_transfers", () -> c.dmaTransfers);
        stats.counter(p + "faults_minor", () -> c.minorFaults);
        stats.counter(p + "faults_major", () -> c.majorFaults);
    }

    private double pct(long ns) {
        long span = sim.now() - windowStart;
        return span <= 0 ? 0 : Math.min(100.0, 100.0 * ns / span);
    }
}
