package io.stacksim.experiment.run;

import io.stacksim.report.Num2Str;
import io.stacksim.workload.JobRunner;
import io.stacksim.workload.JobSpec;
import java.util.List;
import java.util.Locale;

/**
 * fio 3.33's status line (eta.c calc_thread_status and display_thread_status), for a simulated
 * run: {@code Jobs: 1 (f=1): [r(1)][45.0%][r=195MiB/s][r=50.0k IOPS][eta 00m:11s]}.
 *
 * <p>Everything but the ETA is the simulation's: the jobs' states and open files, the share
 * done (fio's thread_eta over simulated time: bytes done against total_io_size, the runtime's
 * share for a time-based job, the longest job's remainder, stonewalled jobs' added), and the
 * rates over simulated time since the last line. The ETA is wall-clock: how long the
 * simulation still needs at its pace so far, which is what a user waiting on it wants.
 */
public final class FioStatusLine {
    /** One job as the line sees it: its spec, and its clones' runners once its segment started. */
    public record Job(JobSpec spec, List<JobRunner> runners) {
    }

    private final long[] prevBytes = new long[3];
    private final long[] prevBlocks = new long[3];
    private long prevSimNs = -1;

    /**
     * The line for {@code jobs} at simulated time {@code simNs}, {@code wallNs} of wall time
     * after the run started.
     */
    public String line(List<Job> jobs, long simNs, long wallNs) {
        int running = 0;
        int files = 0;
        long tRate = 0;
        long tIops = 0;
        StringBuilder states = new StringBuilder();
        long[] bytes = new long[3];
        long[] blocks = new long[3];
        double etaMax = 0;
        double etaStone = 0;
        double elapsedMax = 0;
        boolean allRamp = true;
        for (Job j : jobs) {
            JobSpec s = j.spec();
            for (int c = 0; c < s.numjobs(); c++) {
                JobRunner r = c < j.runners().size() ? j.runners().get(c) : null;
                JobRunner.RunState st = r == null ? JobRunner.RunState.NOT_CREATED : r.runState();
                states.append(r == null ? 'P' : r.statusLetter());
                boolean active = st == JobRunner.RunState.RUNNING || st == JobRunner.RunState.VERIFYING
                        || st == JobRunner.RunState.FSYNCING || st == JobRunner.RunState.FINISHING;
                if (active || st == JobRunner.RunState.RAMP) {
                    running++;
                    allRamp &= st == JobRunner.RunState.RAMP;
                }
                if (active) {
                    files += r.filesOpen();
                    for (int d = 0; d < 3; d++) {
                        if (s.rw().does(d)) {
                            tRate += s.pacing().rateBps().get(d);
                            tIops += s.pacing().rateIops().get(d);
                        }
                    }
                }
                if (r != null) {
                    for (int d = 0; d < 3; d++) {
                        bytes[d] += r.ioBytes(d);
                        blocks[d] += r.ioBlocks(d);
                    }
                    elapsedMax = Math.max(elapsedMax, r.elapsedNs() / 1e9);
                }
                double eta = threadEta(s, r, st);
                if (st == JobRunner.RunState.NOT_CREATED && s.reporting().stonewall()) {
                    etaStone += eta;
                } else {
                    etaMax = Math.max(etaMax, eta);
                }
            }
        }
        double eta = etaMax + etaStone;
        double simElapsed = simNs / 1e9;
        StringBuilder out = new StringBuilder();
        out.append("Jobs: ").append(running).append(" (f=").append(files).append(')');
        if (tRate > 0) {
            out.append(", ").append(Num2Str.format(0, 4, 1, true, Num2Str.Unit.BYTEPERSEC)).append('-')
                    .append(Num2Str.format(tRate, 4, 1, true, Num2Str.Unit.BYTEPERSEC));
        } else if (tIops > 0) {
            out.append(", 0-").append(tIops).append(" IOPS");
        }
        if (running == 0) {
            return out.toString();
        }
        double perc = simElapsed + eta <= 0 ? 0 : simElapsed / (simElapsed + eta);
        String percStr = allRamp || simElapsed <= 0 ? "-.-%" : String.format(Locale.ROOT, "%3.1f%%", perc * 100);
        out.append(": [").append(condensed(states)).append("][").append(percStr).append(']');
        long dt = prevSimNs < 0 ? simNs : simNs - prevSimNs;
        long[] rate = new long[3];
        long[] iops = new long[3];
        for (int d = 0; d < 3; d++) {
            if (dt > 0) {
                rate[d] = (long) ((bytes[d] - prevBytes[d]) * 1e9 / dt / 1024);
                iops[d] = (long) ((blocks[d] - prevBlocks[d]) * 1e9 / dt);
            }
            prevBytes[d] = bytes[d];
            prevBlocks[d] = blocks[d];
        }
        prevSimNs = simNs;
        boolean[] has = {rate[0] > 0 || iops[0] > 0, rate[1] > 0 || iops[1] > 0, rate[2] > 0 || iops[2] > 0};
        if (has[0] || has[1] || has[2]) {
            String[] c = {"r", "w", "t"};
            StringBuilder bw = new StringBuilder("[");
            StringBuilder io = new StringBuilder("[");
            String sep = "";
            for (int d = 0; d < 3; d++) {
                if (has[d]) {
                    bw.append(sep).append(c[d]).append('=').append(Num2Str.format(rate[d], 4, 1024, true,
                            Num2Str.Unit.BYTEPERSEC));
                    io.append(sep).append(c[d]).append('=').append(Num2Str.format(iops[d], 4, 1, false, Num2Str.Unit.NONE));
                    sep = ",";
                }
            }
            out.append(bw).append(']').append(io).append(" IOPS]");
        }
        long wallEta = perc <= 0 ? -1 : Math.round(wallNs / 1e9 * (1 - perc) / perc);
        out.append("[eta ").append(etaString(wallEta)).append(']');
        return out.toString();
    }

    /**
     * fio's thread_eta in simulated seconds: a running job's remainder from its share done
     * (bytes, or the runtime's share when time-based, whichever is less), capped at the
     * runtime left; a job not started yet, its runtime (with start delay and ramp) or its size
     * at its rate; a finished job, 0.
     */
    static double threadEta(JobSpec s, JobRunner r, JobRunner.RunState st) {
        double timeout = s.runtimeNs() / 1e9;
        double total = r == null ? 0 : r.totalIoBytes();
        switch (st) {
            case RUNNING, VERIFYING -> {
                double elapsed = r.elapsedNs() / 1e9;
                double done = r.ioBytes(0) + r.ioBytes(1);
                double perc = total > 0 ? Math.min(1.0, done / total) : 0;
                if (s.timeBased()) {
                    perc = timeout > 0 ? Math.min(perc, elapsed / timeout) : 0;
                }
                double eta = perc == 0 ? timeout : elapsed / perc - elapsed;
                if (timeout > 0 && eta > timeout - elapsed) {
                    eta = Math.max(0, timeout - elapsed);
                }
                return eta;
            }
            case NOT_CREATED, SETTING_UP, RAMP -> {
                double t = timeout > 0 ? timeout + (s.limits().startDelayNs() + s.rampTimeNs()) / 1e9 : 0;
                long rate = 0;
                if (s.rw().reads) {
                    rate += s.pacing().rateBps().get(0);
                }
                if (s.rw().writes) {
                    rate += s.pacing().rateBps().get(1);
                }
                double re = rate > 0 && total > 0 ? total / rate : 0;
                if (t > 0 && re > 0) {
                    return Math.min(t, re);
                }
                return t > 0 ? t : re;
            }
            default -> {
                return 0;
            }
        }
    }

    /** update_condensed_str: runs of one letter as {@code R(4)}, comma-separated. */
    static String condensed(CharSequence states) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < states.length()) {
            char c = states.charAt(i);
            int n = 1;
            while (i + n < states.length() && states.charAt(i + n) == c) {
                n++;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(c).append('(').append(n).append(')');
            i += n;
        }
        return b.toString();
    }

    /** eta_to_str: [DDd:][HHh:]MMm:SSs, "--" when unknown. */
    static String etaString(long sec) {
        if (sec < 0) {
            return "--";
        }
        long s = sec % 60;
        long m = sec / 60 % 60;
        long h = sec / 3600 % 24;
        long d = sec / 86400;
        StringBuilder b = new StringBuilder();
        if (d > 0) {
            b.append(String.format(Locale.ROOT, "%02dd:", d));
        }
        if (h > 0 || d > 0) {
            b.append(String.format(Locale.ROOT, "%02dh:", h));
        }
        return b.append(String.format(Locale.ROOT, "%02dm:%02ds", m, s)).toString();
    }
}
