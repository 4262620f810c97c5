package io.stacksim.experiment.sweep;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sweep's output folder. Every file is written to a temporary name, flushed to disk and
 * renamed over the old one, so an interrupted sweep (even {@code kill -9}) leaves either the
 * old or the new file, never half of one:
 * <pre>
 * sweep.yaml              the resolved sweep: running it again gives the same runs
 * points/point-NNN.yaml   each point's resolved run config (with replication 0's seed)
 * runs/ID.json            one file per finished run (ID = hash of the run's config and seed)
 * runs.csv, summary.csv   tables rebuilt from runs/
 * charts/, report.html, report.md
 * </pre>
 */
public final class SweepStore {
    private final Path dir;

    public SweepStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path runsDir() {
        return dir.resolve("runs");
    }

    /** The lock file that keeps a second sweep out of a folder in use (ignored by git). */
    static final String LOCK = ".stacksim-sweep.lock";

    /**
     * Holds the folder for this process: created if missing, then locked (an OS lock on
     * {@value #LOCK}, released when the process ends however it ends, so a killed sweep leaves
     * no stale lock). A folder another sweep holds is refused in one line. The file stays: removing
     * it while another process waits to lock it would let two sweeps hold two files of one name.
     */
    public Lock lock(String option) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError(option + " " + dir, e);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw io.stacksim.config.OutputFiles.writeError(option + " " + dir, e);
        }
        java.nio.channels.FileLock held;
        try {
            held = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            held = null; // this process's other sweep holds it
        } catch (IOException e) {
            closeQuietly(ch);
            throw io.stacksim.config.OutputFiles.writeError(option + " " + dir, e);
        }
        if (held == null) {
            closeQuietly(ch);
            throw new ConfigException(option + " " + dir + ": another sweep is writing this folder (it holds "
                    + LOCK + "); wait for it to end or give another --out");
        }
        return new Lock(ch);
    }

    /** A held output folder; closing lets it go. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel ch;

        private Lock(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public void close() {
            closeQuietly(ch); // closing the channel releases its lock
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }

    /**
     * Creates the folder and writes the resolved sweep and the point configs. Without
     * {@code resume}, earlier run files are removed so every run is made again.
     */
    public void prepare(Sweep sweep, boolean resume) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new ConfigException(dir + ": exists and is not a folder");
            }
            if (resume) {
                checkResumable(sweep.spec().name());
            }
            Files.createDirectories(runsDir());
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(runsDir())) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (n.contains(".tmp") || (!resume && n.endsWith(".json"))) {
                        Files.delete(p);
                    }
                }
            }
            writeAtomically(dir.resolve("sweep.yaml"), "# Resolved sweep written by stacksim; `stacksim sweep "
                    + "sweep.yaml` reruns it.\n" + Sweep.yaml(sweep.spec().toPlain()));
            writePoints(sweep);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * --resume continues the sweep whose results the folder holds: resuming another sweep's
     * folder would replace its tables and report with this one's, so it is refused (before the
     * folder is locked or touched).
     */
    public void checkResumable(String sweepName) {
        String held = heldSweep();
        if (held != null && !held.equals(sweepName)) {
            throw new ConfigException("--resume: " + dir + " holds the results of sweep '" + held + "', not '"
                    + sweepName + "'; expected that sweep's own folder (or a new --out)");
        }
    }

    /** The name of the sweep whose results the folder holds (its sweep.yaml), or null if none can be read. */
    private String heldSweep() {
        Path f = dir.resolve("sweep.yaml");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            ConfigNode n = ConfigNode.parseYaml(f).child("name");
            return n != null && n.isScalar() ? n.text() : null;
        } catch (ConfigException e) {
            return null;
        }
    }

    private void writePoints(Sweep sweep) throws IOException {
        Path points = dir.resolve("points");
        Files.createDirectories(points);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(points, "point-*.yaml")) {
            for (Path p : ds) {
                Files.delete(p);
            }
        }
        for (SweepPoint p : sweep.points()) {
            List<SweepRun> runs = sweep.runsOf(p);
            ConfigNode c = sweep.config(runs.get(0));
            StringBuilder sb = new StringBuilder();
            sb.append("# Point ").append(p.index()).append(" of sweep '").append(sweep.spec().name()).append("': ")
                    .append(p.key()).append('\n');
            sb.append("# Replication seeds (run.seed below is replication 0's):\n");
            for (SweepRun r : runs) {
                sb.append("#   replication ").append(r.replication()).append(": ").append(r.seed()).append('\n');
            }
            sb.append("# Reproduce one run: stacksim run ").append(pointFile(p)).append(" --set run.seed=SEED\n");
            sb.append(Sweep.yaml(c.toPlain()));
            writeAtomically(dir.resolve(pointFile(p)), sb.toString());
        }
    }

    /** The relative path of a point's config. */
    public static String pointFile(SweepPoint p) {
        return String.format(Locale.ROOT, "points/point-%03d.yaml", p.index());
    }

    /** Every readable run file, by id (a file that cannot be read is left for the run to redo). */
    public Map<String, RunRecord> load() {
        Map<String, RunRecord> out = new TreeMap<>();
        Path runs = runsDir();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runs, "*.json")) {
            for (Path p : ds) {
                try {
                    RunRecord r = RunRecord.fromJson(Files.readString(p, StandardCharsets.UTF_8));
                    if (p.getFileName().toString().equals(r.id() + ".json")) {
                        out.put(r.id(), r);
                    }
                } catch (IllegalArgumentException e) {
                    // not one of ours (or damaged outside stacksim): the run is simply made again
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Stores one finished run. */
    public void write(RunRecord r) {
        writeAtomically(runsDir().resolve(r.id() + ".json"), r.toJson());
    }

    /** Writes a text file (UTF-8) atomically. */
    public void writeText(String relative, String text) {
        Path p = dir.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeAtomically(p, text);
    }

    /** Writes {@code text} to {@code target} via a temporary file, fsync and rename. */
    public static void writeAtomically(Path target, String text) {
        writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target} via a temporary file, fsync and rename. */
    public static void writeAtomically(Path target, byte[] bytes) {
        // Unique per process and thread: two sweeps (or two threads) never write one temporary file.
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp" + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().getId());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e2) {
                throw new UncheckedIOException(e2);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The records of {@code runs} that exist, in sweep order. */
    public static Map<SweepRun, RunRecord> select(List<SweepRun> runs, Map<String, RunRecord> records) {
        Map<SweepRun, RunRecord> out = new LinkedHashMap<>();
        for (SweepRun r : runs) {
            RunRecord rec = records.get(r.id());
            if (rec != null) {
                out.put(r, rec);
            }
        }
        return out;
    }
}
