package io.stacksim.os;

import io.stacksim.block.Plug;
import io.stacksim.fs.FsContext;
import io.stacksim.engine.Event;
import io.stacksim.engine.Simulator;

/**
 * A simulated thread. Its behaviour is written in continuation-passing style: while it holds a
 * CPU it runs {@linkplain #compute compute segments} (user or kernel time), then either
 * continues, {@linkplain #sleep sleeps} waiting for an event, or {@linkplain #exit exits}.
 * Whoever it waits for {@linkplain #wake wakes} it with the continuation to run once the
 * scheduler has given it a CPU again.
 *
 * <p>A running task is always inside a compute segment between events; interrupts on its CPU
 * stretch the segment, and a time slice expiring while others wait preempts it.
 */
public final class Task implements FsContext {
    enum State { NEW, RUNNABLE, RUNNING, SLEEPING, DEAD }

    private final int pid;
    private final String comm;
    private final Cpus cpus;
    private final Simulator sim;
    final IoCounters counters = new IoCounters();

    State state = State.NEW;
    Cpu cpu;
    int lastCpu = -1;
    /** What to run when the task next gets a CPU. */
    Runnable resume;

    // The compute segment in progress: it ends at segEnd (or -1 when none / paused).
    long segEnd = -1;
    long segStart;
    long segRemaining;
    boolean segSys;
    Runnable segCont;
    long segIrqNs;
    final Event segEvent = this::segmentCheck;
    /** When the live segment event fires (older ones are stale); -1 for none. */
    private long segArmedAt = -1;
    /** Inside {@link #segmentCheck}'s continuation: a new segment waits for its event there. */
    private boolean inContinuation;
    /** The segment started by the continuation has no event yet: its reserved tie order. */
    private long deferredSeq = -1;
    /** Its end when started (an interrupt may stretch it before the continuation returns). */
    private long deferredEnd;

    /** Pages dirtied since balance_dirty_pages last looked (current->nr_dirtied). */
    private int nrDirtied;

    /** Time the task last woke from an I/O sleep (for the latency breakdown). */
    public long lastWakeRequested;
    /** current->plug. */
    private Plug plug;
    /** The plug finished last, for the next blk_start_plug. */
    private Plug sparePlug;
    /** io_context->ioprio (IOPRIO_PRIO_VALUE); 0 = class NONE. */
    private int ioprio;
    /** The task's block cgroup. */
    private io.stacksim.block.Blkcg blkcg = io.stacksim.block.Blkcg.ROOT;

    Task(int pid, String comm, Cpus cpus, Simulator sim) {
        this.pid = pid;
        this.comm = comm;
        this.cpus = cpus;
        this.sim = sim;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public String comm() {
        return comm;
    }

    /** The CPU the task runs on, or last ran on. */
    @Override
    public int cpu() {
        return cpu != null ? cpu.id : Math.max(lastCpu, 0);
    }

    @Override
    public int ioprio() {
        return ioprio;
    }

    /** ioprio_set(IOPRIO_WHO_PROCESS, 0, value). */
    public void setIoprio(int value) {
        this.ioprio = value;
    }

    @Override
    public io.stacksim.block.Blkcg blkcg() {
        return blkcg;
    }

    /** Moves the task into {@code cg} (writing its pid to the cgroup's tasks / cgroup.procs). */
    public void setBlkcg(io.stacksim.block.Blkcg cg) {
        this.blkcg = cg;
    }

    @Override
    public void countDma(long bytes) {
        counters.dmaTransfers++;
        counters.dmaBytes += bytes;
    }

    @Override
    public Plug plug() {
        return plug;
    }

    @Override
    public void setPlug(Plug plug) {
        this.plug = plug;
    }

    @Override
    public Plug sparePlug() {
        return sparePlug;
    }

    @Override
    public void setSparePlug(Plug plug) {
        this.sparePlug = plug;
    }

    public IoCounters counters() {
        return counters;
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }

    public boolean isDead() {
        return state == State.DEAD;
    }

    /** Makes a new task runnable; {@code main} runs when it first gets a CPU. */
    public void start(Runnable main) {
        if (state != State.NEW) {
            throw new IllegalStateException(this + " already started");
        }
        cpus.wake(this, main);
    }

    /** A kernel thread that starts blocked, waiting to be woken (the flusher, kworkers). */
    public void startAsleep() {
        if (state != State.NEW) {
            throw new IllegalStateException(this + " already started");
        }
        state = State.SLEEPING;
    }

    // ------------------------------------------------------------------ FsContext

    @Override
    public void computeSys(long ns, Runnable then) {
        compute(ns, true, then);
    }

    @Override
    public void wakeUp(Runnable then) {
        wake(then);
    }

    @Override
    public void countCopy(long bytes) {
        if (bytes > 0) {
            counters.cpuCopies++;
            counters.cpuCopyBytes += bytes;
        }
    }

    @Override
    public void countFault(boolean major) {
        if (major) {
            counters.majorFaults++;
        } else {
            counters.minorFaults++;
        }
    }

    @Override
    public int nrDirtied() {
        return nrDirtied;
    }

    @Override
    public void setNrDirtied(int n) {
        nrDirtied = n;
    }

    /**
     * Spends {@code ns} of CPU time (kernel time if {@code sys}, else user time) and then runs
     * {@code cont} on the CPU. The task must be running and not already computing.
     */
    public void compute(long ns, boolean sys, Runnable cont) {
        if (state != State.RUNNING || segEnd >= 0) {
            throw new IllegalStateException(this + " cannot compute in state " + state);
        }
        segSys = sys;
        segCont = cont;
        long start = Math.max(sim.now(), cpu.irqBusyUntil);
        segIrqNs = start - sim.now(); // interrupt work already queued on the core runs first
        segStart = sim.now();
        segEnd = start + ns;
        segArmedAt = segEnd;
        if (inContinuation) {
            // Started by the continuation of the segment that just ended: segmentCheck decides,
            // once that continuation has returned, whether this one needs an event at all.
            deferredSeq = sim.reserveSeq();
            deferredEnd = segEnd;
            return;
        }
        sim.schedule(segEnd, segEvent);
    }

    /**
     * A segment's end. Its continuation often starts the task's next segment (syscall exit,
     * user time, the next syscall's entry); when nothing else is due before that one ends, no
     * interrupt, wake-up or slice expiry can touch it, so it ends here, inline, with the clock
     * moved to its end, instead of through the event list. The segment's event keeps the tie
     * order it would have had, so the run is the same event for event.
     */
    private void segmentCheck() {
        long now = sim.now();
        if (now != segArmedAt || segEnd < 0 || state != State.RUNNING) {
            return; // stale: the segment was paused by preemption, or a newer one is armed
        }
        if (segEnd > now) {
            // Interrupts stretched the segment meanwhile: one event for all of them, at the end.
            segArmedAt = segEnd;
            sim.schedule(segEnd, segEvent);
            return;
        }
        while (true) {
            long ran = (segEnd - segStart) - segIrqNs;
            account(ran);
            segEnd = -1;
            Runnable k = segCont;
            segCont = null;
            inContinuation = true;
            try {
                k.run();
            } finally {
                inContinuation = false;
            }
            long seq = deferredSeq;
            if (seq < 0) {
                return; // the task slept, exited or went on without computing
            }
            deferredSeq = -1;
            if (segEnd != deferredEnd || state != State.RUNNING || !sim.advanceIfNext(segEnd)) {
                // Something may happen first (or an interrupt already stretched it): the event,
                // at the end the segment had when it started, in its reserved place.
                sim.scheduleReserved(deferredEnd, seq, segEvent);
                return;
            }
        }
    }

    void account(long ran) {
        if (segSys) {
            counters.sysNs += ran;
            cpu.sysNs += ran;
        } else {
            counters.userNs += ran;
            cpu.userNs += ran;
        }
    }

    /** An interrupt of {@code ns} on this task's CPU delays its segment. */
    void stretch(long ns) {
        if (segEnd >= 0) {
            segEnd += ns; // the armed event finds the new end when it fires
            segIrqNs += ns;
        }
    }

    /** Preemption: stops the segment, remembering what is left of it. */
    void pause() {
        long now = sim.now();
        long done = Math.max(0, (now - segStart) - segIrqNs);
        long total = (segEnd - segStart) - segIrqNs;
        account(done);
        segRemaining = Math.max(0, total - done);
        segEnd = -1;
        Runnable k = segCont;
        boolean sys = segSys;
        long rem = segRemaining;
        segCont = null;
        resume = () -> compute(rem, sys, k);
    }

    /**
     * Blocks the task (a voluntary context switch); its CPU goes to the next runnable task.
     * Something must later call {@link #wake}.
     */
    public void sleep() {
        if (state != State.RUNNING || segEnd >= 0) {
            throw new IllegalStateException(this + " cannot sleep in state " + state);
        }
        if (plug != null) {
            plug.flush(true); // sched_submit_work -> blk_flush_plug(tsk->plug, true)
        }
        counters.voluntarySwitches++;
        state = State.SLEEPING;
        cpus.release(this);
    }

    /** Makes a sleeping task runnable; {@code cont} runs once it holds a CPU again. */
    public void wake(Runnable cont) {
        if (state != State.SLEEPING) {
            throw new IllegalStateException(this + " is not sleeping but " + state);
        }
        lastWakeRequested = sim.now();
        cpus.wake(this, cont);
    }

    /** Ends the task; its CPU goes to the next runnable task. */
    public void exit() {
        if (state != State.RUNNING || segEnd >= 0) {
            throw new IllegalStateException(this + " cannot exit in state " + state);
        }
        state = State.DEAD;
        cpus.release(this);
    }

    @Override
    public String toString() {
        return comm + "[" + pid + "]";
    }
}
