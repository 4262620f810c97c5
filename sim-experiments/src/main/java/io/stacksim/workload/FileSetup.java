package io.stacksim.workload;

import io.stacksim.config.ConfigException;
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
 * or filename_format's names for nrfiles), the region of each ({@code size} split over the
 * files, or {@code filesize}, from {@code offset} plus {@code offset_increment} per clone), the
 * files created at that size when they do not exist, and each region's {@link OffsetGenerator}.
 * Before the job it pre-reads them (pre_read); at run time it opens each when the job first
 * chooses it, as td_io_open_file does (O_DIRECT/O_SYNC/O_DSYNC, then file_invalidate_cache,
 * the fadvise hint, and the mapping for the mmap engine), and closes them.
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
        /** Open for the job (td_io_open_file), also for a diskless engine, which has no OpenFile. */
        boolean opened;

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

    /** The file names: filename= (under directory=), else filename_format's for nrfiles (add_job). */
    static List<String> names(JobSpec spec, int clone) {
        JobSpec.Files f = spec.files();
        List<String> names = new ArrayList<>();
        if (!f.filenames().isEmpty()) {
            for (String n : f.filenames()) {
                names.add(n.startsWith("/") || f.directory().isEmpty() ? n : f.directory() + "/" + n);
            }
        } else {
            for (int i = 0; i < f.nrfiles(); i++) {
                String n = expandFilename(f.layout().filenameFormat(), spec.name(), clone, i);
                names.add(f.directory().isEmpty() ? n : f.directory() + "/" + n);
            }
        }
        return names;
    }

    /** init.c fpre_keywords, in the order make_filename replaces them. */
    private static final String[] FORMAT_KEYWORDS = {"$jobname", "$jobnum", "$filenum", "$clientuid"};

    /**
     * init.c make_filename: an empty format is {@code jobname.jobnum.filenum}; otherwise each
     * keyword in turn ($jobname, $jobnum, $filenum, $clientuid), matched case-insensitively as
     * strcasestr does, is replaced wherever it occurs. $clientuid is the client's socket address
     * in fio's client/server mode and empty in a local run, as here.
     */
    static String expandFilename(String format, String jobname, int jobnum, int filenum) {
        if (format.isEmpty()) {
            return jobname + "." + jobnum + "." + filenum;
        }
        String buf = format;
        String[] values = {jobname, Integer.toString(jobnum), Integer.toString(filenum), ""};
        for (int k = 0; k < FORMAT_KEYWORDS.length; k++) {
            String kw = FORMAT_KEYWORDS[k];
            StringBuilder out = new StringBuilder();
            int from = 0;
            String lower = buf.toLowerCase(java.util.Locale.ROOT);
            for (int at; (at = lower.indexOf(kw, from)) >= 0; from = at + kw.length()) {
                out.append(buf, from, at).append(values[k]);
            }
            buf = out.append(buf.substring(from)).toString();
        }
        return buf;
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
        boolean fileSizes = f.filesizeMax() > 0 && f.nrfiles() > 0;
        if (size == null && fileSizes) {
            // setup_files: filesize= with nrfiles is enough, the sizes come from it.
            total = 0;
        } else if (size == null || size.isPercent()) {
            if (fs == null) {
                // setup_files: a diskless engine has no file to size itself from.
                throw new IllegalArgumentException("job '" + spec.name() + "': ioengine=" + spec.ioengine()
                        + " needs size= (it has no file to take a size from)");
            }
            if (!allExist) {
                throw ConfigException.at(spec.origin("size", "filename", "nrfiles"), "job '" + spec.name()
                        + "': size= is needed (0 or none means the files' own sizes), file '"
                        + names.get(Arrays.asList(existing).indexOf(null)) + "' does not exist yet");
            }
            total = size == null ? existingTotal : size.resolve(existingTotal);
        } else {
            total = size.bytes();
        }
        long minBs = spec.access().bs().minBs();
        // setup_files: size / nrfiles each; what that leaves over goes a block at a time to the first files.
        long extra = f.filesizeMax() > 0 ? 0 : (total - total / nfiles * nfiles) / minBs;
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
                ioSize = total / nfiles + (i < extra ? minBs : 0);
            }
            long real = existing[i] != null ? existing[i].size() : ioSize;
            long offset = f.offset().resolve(real) + clone * f.offsetIncrement().resolve(real);
            if (existing[i] != null && size == null && f.filesizeMax() == 0) {
                ioSize = Math.max(0, existing[i].size() - offset);
            }
            if (ioSize < minBs) {
                throw ConfigException.at(spec.origin("bs", "bsrange", "bssplit", "size", "filesize", "offset"), "job '"
                        + spec.name() + "': the region of '" + names.get(i) + "' (" + ioSize
                        + " bytes) is smaller than the block size " + minBs);
            }
            SimFile sf = existing[i];
            if (fs == null) {
                out[i] = new FioFile(null, names.get(i),
                        offsets(spec, offset, ioSize, offset + ioSize, nfiles, random, stream + ".file" + i));
                continue;
            }
            if (sf == null) {
                if (!f.layout().allowFileCreate()) {
                    throw ConfigException.at(spec.origin("allow_file_create", "filename"), "job '" + spec.name()
                            + "': file '" + names.get(i) + "' does not exist, and file creation is disallowed by"
                            + " allow_file_create=0");
                }
                try {
                    sf = fs.create(names.get(i), offset + ioSize);
                } catch (IllegalArgumentException e) {
                    throw ConfigException.at(spec.origin("offset", "size", "filesize", "offset_increment"),
                            "job '" + spec.name() + "': " + e.getMessage());
                }
            } else if (offset + ioSize > sf.size()) {
                throw ConfigException.at(offset > 0 ? spec.origin("offset", "offset_increment", "size", "filesize")
                        : spec.origin("size", "filesize"),
                        "job '" + spec.name() + "': region [" + offset + ", " + (offset + ioSize)
                        + ") is beyond the end of '" + sf.name() + "' (" + sf.size() + " bytes); give the jobs that share"
                        + " it the same size");
            }
            out[i] = new FioFile(sf, names.get(i), offsets(spec, offset, ioSize, sf.size(), nfiles, random,
                    stream + ".file" + i));
        }
        return out;
    }

    /** A file's offset state over [offset, offset + ioSize) of {@code realSize}, its random streams under {@code s}. */
    private static OffsetGenerator offsets(JobSpec spec, long offset, long ioSize, long realSize, int nfiles,
                                           RandomStreams random, String s) {
        return new OffsetGenerator(offset, ioSize, realSize, spec.access(), spec.timeBased(), nfiles == 1,
                random.stream(s + ".offset"), random.stream(s + ".seqrand.read"), random.stream(s + ".seqrand.write"),
                random.stream(s + ".zone"), random.stream(s + ".rank"));
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

    /** True while file {@code i} is open. */
    boolean isOpen(int i) {
        return files[i].opened;
    }

    /**
     * pre_read_files before the job starts: each file opened as the engine opens it, its region
     * read with buffered reads of the largest read block size, and closed again (the job opens
     * it for I/O later). Then {@code done}.
     */
    void preReadAll(Runnable done) {
        preReadFile(0, done);
    }

    private void preReadFile(int i, Runnable done) {
        if (i == files.length || diskless || !spec.cache().preRead()) {
            done.run();
            return;
        }
        FioFile t = files[i];
        kernel.open(task, t.file.name(), openFlags(), -1, of -> preRead(t, t.offsets.start(),
                () -> kernel.close(task, of, r -> preReadFile(i + 1, done))));
    }

    private int openFlags() {
        return (spec.direct() ? OpenFile.O_DIRECT : 0)
                | (spec.sync().openMode() == 1 ? OpenFile.O_SYNC : 0)
                | (spec.sync().openMode() == 2 ? OpenFile.O_DSYNC : 0);
    }

    /**
     * td_io_open_file for file {@code i}: open (O_DIRECT/O_SYNC/O_DSYNC), then
     * file_invalidate_cache when invalidate=1, the fadvise hint, and the mapping for the mmap
     * engine; then {@code done}. fio opens a file when get_next_file first chooses it.
     */
    void open(int i, Runnable done) {
        FioFile t = files[i];
        t.opened = true;
        if (diskless) {
            // A diskless engine's open_file makes no system call (engines/null.c).
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.name, "open");
            }
            done.run();
            return;
        }
        Runnable mapped = () -> {
            if (spec.engine().kind() == MmapEngine.TYPE) {
                map(t, done);
            } else {
                done.run();
            }
        };
        Runnable hinted = () -> fadviseHint(t, mapped);
        kernel.open(task, t.file.name(), openFlags(), -1, of -> {
            t.open = of;
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.name, "open");
            }
            if (spec.cache().invalidate() && spec.engine().kind() != MmapEngine.TYPE) {
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

    /** close_files: closes every open file in turn (unmapping the mmap engine's regions first), then runs {@code k}. */
    void closeAll(Runnable k) {
        closeFrom(0, k);
    }

    private void closeFrom(int i, Runnable k) {
        if (i == files.length) {
            k.run();
            return;
        }
        if (!files[i].opened) {
            closeFrom(i + 1, k);
            return;
        }
        close(i, () -> closeFrom(i + 1, k));
    }

    /** td_io_close_file for file {@code i} (its mapping first), then {@code k}. */
    void close(int i, Runnable k) {
        FioFile t = files[i];
        OpenFile of = t.open;
        t.open = null;
        t.opened = false;
        if (diskless) {
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.name, "close");
            }
            k.run();
            return;
        }
        Runnable close = () -> kernel.close(task, of, r -> {
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.name, "close");
            }
            k.run();
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
