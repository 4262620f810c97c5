package io.stacksim.workload;

import java.util.function.IntConsumer;

/**
 * fio's cpuio engine (engines/cpu.c, FIO_SYNCIO | FIO_DISKLESSIO | FIO_NOIO): each unit spins
 * the job's thread for cpuchunks microseconds of user time on a simulated CPU (usec_spin), and
 * fio_cpuio_init makes the job think cpuchunks x (100 - cpuload) / cpuload after every unit
 * (thinktime_blocks=1, no spin), so the thread keeps cpuload % of a CPU busy. FIO_NOIO:
 * fill_io_u gives the unit no direction or length, so fio counts the units (issued rwts) and
 * their latency but no bytes, and the report has no read line, as real fio 3.33 shows.
 * cpumode=qsort spins the same duty cycle (fio measures each qsort pass and sets the think time
 * from it to keep cpuload; only the CPU time reaches the simulated machine).
 */
final class CpuioEngine implements Engine {
    static final IoEngineType TYPE = new IoEngineType("cpuio", true, false, (iodepth, direct) -> 0, CpuioEngine::new);

    private final JobRunner r;
    private final long cycleNs;

    private CpuioEngine(JobRunner r) {
        this.r = r;
        this.cycleNs = cycleUs(r.spec()) * 1000;
    }

    /** cpuchunks, us (default 50000). */
    static long cycleUs(JobSpec spec) {
        String c = spec.control().engineOptions().get("cpuchunks");
        return c == null ? 50_000 : Long.parseLong(c);
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        r.issued(u);
        u.length = 0;
        r.task().compute(cycleNs, false, () -> {
            u.result = 0;
            r.completed(u);
            status.accept(COMPLETED);
        });
    }
}
