package io.stacksim.workload;

import io.stacksim.engine.RandomStream;
import io.stacksim.engine.RandomStreams;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A job clone's files, as fio's filesetup.c sets them up: their names (filename, directory,
 * or {@code name.clone.N} for nrfiles), the region of each ({@code size} split over the files,
 * or {@code filesize}, from {@code offset} plus {@code offset_increment} per clone), the files
 * created at that size when they do not exist, and each region's {@link OffsetGenerator}. At
 * run time it opens them as td_io_open_file does (O_DIRECT/O_SYNC/O_DSYNC, then pre_read or
 * file_invalidate_cache, the fadvise hint, and the mapping for the mmap engine) and closes them.
 */
final class FileSetup {
    /** One file of the job (fio's struct fio_file) with its offset state. */
    static final class FioFile {
        /** The simulated file, or null for a diskless engine (null, cpuio), whose files fio never creates. */
        final SimFile file;
        final String name;
        final OffsetGenerator offsets;
        OpenFile open;
        Mapping mapping;

        FioFile(SimFile file, String name, OffsetGenerator offsets) {
            this.file = file;
            this.name = name;
            this.offsets = offsets;
        }
    }

    private final JobSpec spec;
    private final Kernel kernel;
    private final Task task;
    private final FioFile[] files;
    private final long bytesPerLoop;
    private final boolean diskless;
    private JobLogs logs;

    /**
     * Lays out the files of clone {@code clone} on {@code kernel}'s file system; random streams
     * are named under {@code stream}.
     */
    FileSetup(JobSpec spec, int clone, Kernel kernel, Task task, RandomStreams random, String stream) {
        this.spec = spec;
        this.kernel = kernel;
        this.task = task;
        List<String> names = names(spec, clone);
        this.diskless = IoEngines.diskless(spec.engine().kind());
        this.files = layout(spec, diskless ? null : kernel.fs(), names, clone, random, stream);
        long perLoop = 0;
        for (FioFile f : files) {
            perLoop += f.offsets.ioSize();
        }
        this.bytesPerLoop = spec.limits().ioSize() > 0 ? spec.limits().ioSize() : perLoop;
    }

    /** The file names: filename= (under directory=), else {@code name.clone.N} for nrfiles. */
    private static List<String> names(JobSpec spec, int clone) {
        JobSpec.Files f = spec.files();
        List<String> names = new ArrayList<>();
        if (!f.filenames().isEmpty()) {
            for (String n : f.filenames()) {
                names.add(n.startsWith("/") || f.directory().isEmpty() ? n : f.directory() + "/" + n);
            }
        } else {
            for (int i = 0; i < f.nrfiles(); i++) {
                String n = spec.name() + "." + clone + "." + i;
                names.add(f.directory().isEmpty() ? n : f.directory() + "/" + n);
            }
        }
        return names;
    }

    /**
     * setup_files: the total size (size=, a percentage of the existing files, or their sizes),
     * each file's region and I/O size, files created where missing.
     */
    private static FioFile[] layout(JobSpec spec, FileSystem fs, List<String> names, int clone, RandomStreams random,
                                    String stream) {
        JobSpec.Files f = spec.files();
        int nfiles = names.size();
        SimFile[] existing = new SimFile[nfiles];
        long existingTotal = 0;
        boolean allExist = true;
        for (int i = 0; i < nfiles; i++) {
            existing[i] = fs == null ? null : names.get(i).startsWith("/dev/") ? fs.blockDevice(names.get(i))
                    : fs.lookup(names.get(i));
            if (existing[i] == null) {
                allExist = false;
            } else {
                existingTotal += existing[i].size();
            }
        }
        JobSpec.Size size = f.size();
        long total;
        if (size == null || size.isPercent()) {
            if (fs == null) {
                // setup_files: a diskless engine has no file to size itself from.
                throw new IllegalArgumentException("job '" + spec.name() + "': ioengine=" + spec.ioengine()
                        + " needs size= (it has no file to take a size from)");
            }
            if (!allExist) {
                throw new IllegalArgumentException("job '" + spec.name() + "': size= is needed, file '"
                        + names.get(Arrays.asList(existing).indexOf(null)) + "' does not exist yet");
            }
            total = size == null ? existingTotal : size.resolve(existingTotal);
        } else {
            total = size.bytes();
        }
        long minBs = spec.access().bs().minBs();
        RandomStream sizeRng = random.stream(stream + ".filesize");
        FioFile[] out = new FioFile[nfiles];
        for (int i = 0; i < nfiles; i++) {
            long ioSize;
            if (f.filesizeMax() > 0) {
                long lo = f.filesizeMin();
                long hi = f.filesizeMax();
                ioSize = lo == hi ? lo : lo + sizeRng.nextLong(hi - lo + 1);
                ioSize -= ioSize % minBs;
            } else {
                ioSize = total / nfiles;
            }
            long real = existing[i] != null ? existing[i].size() : ioSize;
            long offset = f.offset().resolve(real) + clone * f.offsetIncrement().resolve(real);
            if (existing[i] != null && size == null && f.filesizeMax() == 0) {
                ioSize = Math.max(0, existing[i].size() - offset);
            }
            if (ioSize < minBs) {
                throw new IllegalArgumentException("job '" + spec.name() + "': the region of '" + names.get(i) + "' ("
                        + ioSize + " bytes) is smaller than the block size " + minBs);
            }
            SimFile sf = existing[i];
            if (fs == null) {
                String fs2 = stream + ".file" + i;
                OffsetGenerator gen = new OffsetGenerator(offset, ioSize, offset + ioSize, spec.access(), spec.timeBased(),
                        nfiles == 1, random.stream(fs2 + ".offset"), random.stream(fs2 + ".seqrand.read"),
                        random.stream(fs2 + ".seqrand.write"), random.stream(fs2 + ".zone"), random.stream(fs2 + ".rank"));
                out[i] = new FioFile(null, names.get(i), gen);
                continue;
            }
            if (sf == null) {
                sf = fs.create(names.get(i), offset + ioSize);
            } else if (offset + ioSize > sf.size()) {
                throw new IllegalArgumentException("job '" + spec.name() + "': region [" + offset + ", " + (offset + ioSize)
                        + ") is beyond the end of '" + sf.name() + "' (" + sf.size() + " bytes); give the jobs that share"
                        + " it the same size");
            }
            String fs2 = stream + ".file" + i;
            OffsetGenerator gen = new OffsetGenerator(offset, ioSize, sf.size(), spec.access(), spec.timeBased(), nfiles == 1,
                    random.stream(fs2 + ".offset"), random.stream(fs2 + ".seqrand.read"),
                    random.stream(fs2 + ".seqrand.write"), random.stream(fs2 + ".zone"), random.stream(fs2 + ".rank"));
            out[i] = new FioFile(sf, names.get(i), gen);
        }
        return out;
    }

    int count() {
        return files.length;
    }

    FioFile get(int i) {
        return files[i];
    }

    /** The offset generators, one per file. */
    OffsetGenerator[] offsets() {
        OffsetGenerator[] g = new OffsetGenerator[files.length];
        for (int i = 0; i < files.length; i++) {
            g[i] = files[i].offsets;
        }
        return g;
    }

    /** Bytes one loop issues: io_size, or the sum of the regions. */
    long bytesPerLoop() {
        return bytesPerLoop;
    }

    /** Where file events (add, open, close) are logged from now on. */
    void logTo(JobLogs logs) {
        this.logs = logs;
        if (logs != null) {
            for (FioFile t : files) {
                logs.fileEvent(kernel.sim().now(), t.name, "add");
            }
        }
    }

    // ------------------------------------------------------------------ open and close

    /** Opens every file in turn (td_io_open_file), then runs {@code done}. */
    void openAll(Runnable done) {
        open(0, done);
    }

    private void open(int i, Runnable done) {
        if (i == files.length || diskless) {
            done.run();
            return;
        }
        FioFile t = files[i];
        int flags = (spec.direct() ? OpenFile.O_DIRECT : 0)
                | (spec.sync().openMode() == 1 ? OpenFile.O_SYNC : 0)
                | (spec.sync().openMode() == 2 ? OpenFile.O_DSYNC : 0);
        Runnable next = () -> open(i + 1, done);
        Runnable mapped = () -> {
            if (spec.engine().kind() == MmapEngine.TYPE) {
                map(t, next);
            } else {
                next.run();
            }
        };
        Runnable hinted = () -> fadviseHint(t, mapped);
        kernel.open(task, t.file.name(), flags, -1, of -> {
            t.open = of;
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.file.name(), "open");
            }
            if (spec.cache().preRead()) {
                preRead(t, t.offsets.start(), hinted);
            } else if (spec.cache().invalidate() && spec.engine().kind() != MmapEngine.TYPE) {
                // td_io_open_file -> file_invalidate_cache (the mmap engine's invalidate is a
                // madvise of a mapping that does not exist yet: nothing is dropped).
                kernel.fadvise(task, of, t.offsets.start(), t.offsets.ioSize(), Kernel.Advice.DONTNEED, r -> hinted.run());
            } else {
                hinted.run();
            }
        });
    }

    /** fadvise_hint (default 1): POSIX_FADV_RANDOM for random jobs, SEQUENTIAL otherwise. */
    private void fadviseHint(FioFile t, Runnable k) {
        Kernel.Advice a = switch (spec.engine().fadvise()) {
            case NONE -> null;
            case TYPE -> spec.rw().random ? Kernel.Advice.RANDOM : Kernel.Advice.SEQUENTIAL;
            case SEQUENTIAL -> Kernel.Advice.SEQUENTIAL;
            case RANDOM -> Kernel.Advice.RANDOM;
        };
        if (a == null || spec.engine().kind() == MmapEngine.TYPE) {
            k.run();
            return;
        }
        kernel.fadvise(task, t.open, t.offsets.start(), t.offsets.ioSize(), a, r -> k.run());
    }

    /** fio_mmap_file: MAP_SHARED over the region, madvise by pattern. */
    private void map(FioFile t, Runnable k) {
        kernel.mmap(task, t.open, t.offsets.start(), t.offsets.ioSize(), true, spec.rw().writes, m -> {
            t.mapping = m;
            kernel.madvise(task, m, !spec.rw().random, spec.rw().random, r -> k.run());
        });
    }

    /** pre_read_file: the region read with buffered reads of the largest read block size. */
    private void preRead(FioFile t, long pos, Runnable then) {
        OpenFile buffered = new OpenFile(t.file, 0);
        long end = t.offsets.start() + t.offsets.ioSize();
        if (pos >= end) {
            then.run();
            return;
        }
        long n = Math.min(spec.access().bs().read().max(), end - pos);
        kernel.pread(task, buffered, pos, n, 0, (r, waited) -> preRead(t, pos + n, then));
    }

    /**
     * loop_cache_invalidate: a time-based job going round file {@code i} again drops its cached
     * pages (buffered jobs with invalidate=1, not the mmap engine) before {@code then}; returns
     * false, without running {@code then}, when nothing is to be dropped.
     */
    boolean invalidateOnWrap(int i, Runnable then) {
        if (diskless || !spec.cache().invalidate() || spec.direct() || spec.engine().kind() == MmapEngine.TYPE) {
            return false;
        }
        FioFile t = files[i];
        kernel.fadvise(task, t.open, t.offsets.start(), t.offsets.ioSize(), Kernel.Advice.DONTNEED, r -> then.run());
        return true;
    }

    /** Closes every file in turn (unmapping the mmap engine's regions first), then runs {@code k}. */
    void closeAll(Runnable k) {
        close(0, k);
    }

    private void close(int i, Runnable k) {
        if (i == files.length || diskless) {
            k.run();
            return;
        }
        FioFile t = files[i];
        Runnable close = () -> kernel.close(task, t.open, r -> {
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.file.name(), "close");
            }
            close(i + 1, k);
        });
        if (t.mapping != null) {
            Mapping m = t.mapping;
            t.mapping = null;
            kernel.munmap(task, m, r -> close.run());
        } else {
            close.run();
        }
    }
}
