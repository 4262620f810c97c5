package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;
import io.stacksim.experiment.run.RunResult;
import io.stacksim.experiment.run.Simulation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Runs a sweep's runs on a pool of threads. Each run is an independent, single-threaded
 * simulation with its own seed, so results do not depend on the number of threads; each is
 * stored as soon as it finishes (atomically), and runs.csv is rebuilt from the stored runs
 * in sweep order. With resume, runs whose file already exists are not made again.
 */
public final class SweepRunner {
    /** How often runs.csv is rebuilt while runs finish (it is always rebuilt at the end). */
    private static final long TABLE_INTERVAL_NS = 1_000_000_000L;

    private final Sweep sweep;
    private final SweepStore store;
    private final String version;

    /** Receives progress; called on the thread that called {@link #run}. */
    public interface Progress {
        /** Before the first run: runs and points of this shard, and how many are already done. */
        void start(int runsTotal, int runsDone, int pointsTotal, int pointsDone);

        /** After each run is stored. */
        void runDone(SweepRun run, int runsDone, int runsTotal, int pointsDone, int pointsTotal);

        /** After the last run (not called when a run fails). */
        void end();
    }

    /**
     * What a call did.
     *
     * @param records every stored run of this sweep's selected runs, by id
     * @param ran     runs made now
     * @param reused  runs found already done (resume)
     */
    public record Outcome(Map<SweepRun, RunRecord> records, int ran, int reused) {
    }

    public SweepRunner(Sweep sweep, SweepStore store, String version) {
        this.sweep = sweep;
        this.store = store;
        this.version = version;
    }

    private boolean check;
    private final List<RunResult> checked = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Runs every run with --check (the stored figures are the same as without it). */
    public SweepRunner checking(boolean on) {
        this.check = on;
        return this;
    }

    /** The results of the runs made with --check, for their checks' report (in completion order). */
    public List<RunResult> checkedRuns() {
        return List.copyOf(checked);
    }

    /**
     * Checks the config of every point of {@code shard} as a run would read it (unknown keys,
     * ill-typed or out-of-range values, a misspelt axis path), without simulating: a sweep that
     * would fail at its first run is refused before it touches its output folder.
     */
    public void validate(Shard shard) {
        java.util.Set<SweepPoint> seen = new java.util.HashSet<>();
        for (SweepRun r : sweep.runs()) {
            if (shard.contains(r) && seen.add(r.point())) {
                try {
                    Simulation.validate(sweep.config(r));
                } catch (ConfigException e) {
                    throw new ConfigException(e.getMessage() + " (sweep point " + r.point().key()
                            + "; the output folder was not touched)", e);
                }
            }
        }
    }

    /** Runs the runs of {@code shard} on {@code jobs} threads. */
    public Outcome run(int jobs, Shard shard, boolean resume, Progress progress) {
        store.prepare(sweep, resume);
        List<SweepRun> selected = new ArrayList<>();
        for (SweepRun r : sweep.runs()) {
            if (shard.contains(r)) {
                selected.add(r);
            }
        }
        Map<String, RunRecord> stored = resume ? store.load() : new HashMap<>();
        Map<String, RunRecord> done = new HashMap<>();
        List<SweepRun> todo = new ArrayList<>();
        Map<SweepPoint, Integer> remaining = new LinkedHashMap<>();
        for (SweepRun r : selected) {
            RunRecord rec = stored.get(r.id());
            if (rec != null) {
                done.put(r.id(), rec);
            } else {
                todo.add(r);
                remaining.merge(r.point(), 1, Integer::sum);
            }
        }
        int pointsTotal = (int) selected.stream().map(SweepRun::point).distinct().count();
        int[] pointsDone = {pointsTotal - remaining.size()};
        if (!done.isEmpty()) {
            sweep.spec().checkMetrics(done.values().iterator().next().metrics().keySet());
        }
        writeRunsCsv(selected, done);
        progress.start(selected.size(), done.size(), pointsTotal, pointsDone[0]);

        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, Math.max(1, todo.size()))), daemons());
        try {
            CompletionService<RunRecord> cs = new ExecutorCompletionService<>(pool);
            Map<Future<RunRecord>, SweepRun> futures = new HashMap<>();
            for (SweepRun r : todo) {
                futures.put(cs.submit(() -> execute(r)), r);
            }
            long lastTable = System.nanoTime();
            boolean checked = !done.isEmpty();
            for (int i = 0; i < todo.size(); i++) {
                Future<RunRecord> f = cs.take();
                SweepRun run = futures.get(f);
                RunRecord rec;
                try {
                    rec = f.get();
                } catch (ExecutionException e) {
                    throw failure(run, e.getCause());
                }
                if (!checked) {
                    sweep.spec().checkMetrics(rec.metrics().keySet());
                    checked = true;
                }
                store.write(rec);
                done.put(run.id(), rec);
                if (remaining.merge(run.point(), -1, Integer::sum) == 0) {
                    remaining.remove(run.point());
                    pointsDone[0]++;
                }
                if (System.nanoTime() - lastTable >= TABLE_INTERVAL_NS) {
                    writeRunsCsv(selected, done);
                    lastTable = System.nanoTime();
                }
                progress.runDone(run, done.size(), selected.size(), pointsDone[0], pointsTotal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        writeRunsCsv(selected, done);
        progress.end();
        return new Outcome(SweepStore.select(selected, done), todo.size(), selected.size() - todo.size());
    }

    private void writeRunsCsv(List<SweepRun> selected, Map<String, RunRecord> done) {
        store.writeText("runs.csv", ResultTables.runsCsv(sweep, SweepStore.select(selected, done)));
    }

    private RunRecord execute(SweepRun run) {
        RunResult r = Simulation.run(sweep.config(run), null, check);
        if (check) {
            checked.add(r);
        }
        return RunRecord.of(run, r, sweep.spec().histograms(), version);
    }

    private static RuntimeException failure(SweepRun run, Throwable cause) {
        String where = " (sweep point " + run.point().key() + ", replication " + run.replication() + ")";
        if (cause instanceof ConfigException ce) {
            return new ConfigException(ce.getMessage() + where, ce);
        }
        return new IllegalStateException("run failed" + where + ": " + cause, cause);
    }

    private static ThreadFactory daemons() {
        int[] n = {0};
        return r -> {
            Thread t = new Thread(r, "sweep-" + (++n[0]));
            t.setDaemon(true);
            return t;
        };
    }
}
