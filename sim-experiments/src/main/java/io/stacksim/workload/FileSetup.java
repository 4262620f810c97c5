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
        /**
         * The simulated file: null for a diskless engine (null, cpuio), whose files fio never
         * creates, and, on ext4, until the run creates it (extend_file, or the open of
         * create_on_open); set again at each open (unlink_each_loop makes it anew).
         */
        SimFile file;
        final String name;
        final OffsetGenerator offsets;
        /** setup_files' FIO_FILE_EXTEND: extend_file lays it out in the run. */
        boolean extend;
        /** real_file_size before extend_file (0 when the file does not exist). */
        long oldSize;
        OpenFile open;
        Mapping mapping;
        /** Open for the job (td_io_open_file), also for a diskless engine, which has no OpenFile. */
        boolean opened;
        /**
         * f->first_write, f->last_write: the range the writes completed since the last sync
         * covered (file_log_write_comp), -1 after a sync; 0 before any (fio_file is calloc'd).
         */
        long firstWrite;
        long lastWrite;

        /** file_log_write_comp: a write of [offset, offset+bytes) completed. */
        void logWrite(long offset, long bytes) {
            if (firstWrite == -1 || offset < firstWrite) {
                firstWrite = offset;
            }
            if (lastWrite == -1 || offset + bytes > lastWrite) {
                lastWrite = offset + bytes;
            }
        }

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
    /** ext4: the files are created, laid out and removed in the run, through the file system's calls. */
    private final boolean inRun;
    /** filecreate, filestat, filedelete: the engine's open_file hook is the operation timed. */
    private final FileOpsEngine.Op fileOp;
    /** Where the file operations' latencies go (fio's add_clat_sample in the engine's open_file). */
    private java.util.function.LongConsumer opLatency = ns -> { };
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
        this.fileOp = FileOpsEngine.op(spec.engine().kind());
        // filecreate is FIO_DISKLESSIO for setup_files (no sizing, no layout), though its open creates.
        boolean noLayout = diskless || fileOp == FileOpsEngine.Op.CREATE;
        this.inRun = !noLayout && kernel.fs().ext4() != null;
        this.files = layout(spec, noLayout ? null : kernel.fs(), inRun, names, clone, random, stream);
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
     * each file's region and I/O size. A file missing or smaller than its region is marked for
     * extend_file ({@code inRun}: ext4, whose calls make it in the run; create_on_open leaves
     * it to the job's open) or, on a raw device map, created at once as if laid out before the
     * run.
     */
    private static FioFile[] layout(JobSpec spec, FileSystem fs, boolean inRun, List<String> names, int clone,
                                    RandomStreams random, String stream) {
        JobSpec.Files f = spec.files();
        int nfiles = names.size();
        SimFile[] existing = new SimFile[nfiles];
        long existingTotal = 0;
        boolean allExist = true;
        for (int i = 0; i < nfiles; i++) {
            try {
                existing[i] = fs == null ? null : names.get(i).startsWith("/dev/") ? fs.blockDevice(names.get(i))
                        : fs.lookup(names.get(i));
            } catch (IllegalArgumentException e) {
                // a /dev name of no device of a machine with several: the filename= line is at fault
                io.stacksim.config.Origin at = spec.origin("filename", "directory");
                String msg = "job '" + spec.name() + "': " + e.getMessage();
                throw at == null ? new ConfigException(msg) : ConfigException.at(at, msg);
            }
            if (existing[i] == null) {
                allExist = false;
            } else {
                existingTotal += existing[i].size();
            }
        }
        JobSpec.Size size = f.size();
        long total;
        boolean fileSizes = f.filesizeMax() > 0 && f.nrfiles() > 0;
        // fixup_options: fill_device without size= makes size -1, so every file's region runs to
        // the end of its device, or until the file system's ENOSPC.
        boolean fill = spec.extras().fillDevice() && size == null && fs != null;
        if (fill) {
            total = 0;
        } else if (size == null && fileSizes) {
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
            if (fill) {
                ioSize = fillSize(fs, names.get(i), existing[i], inRun, spec, clone, minBs);
            }
            long real = existing[i] != null ? existing[i].size() : ioSize;
            // get_start_offset: file_append starts at the end of the file as it is.
            long offset = f.layout().fileAppend() && fs != null ? (existing[i] != null ? existing[i].size() : 0)
                    : f.offset().resolve(real) + clone * f.offsetIncrement().resolve(real);
            if (existing[i] != null && size == null && f.filesizeMax() == 0 && !fill) {
                if (offset > existing[i].size()) {
                    // setup_files: no size, so io_size = real_file_size - file_offset; beyond the end is err_offset
                    throw new CloneSetupFailed(spec.name() + ": you need to specify valid offset=");
                }
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
            if (inRun && !names.get(i).startsWith("/dev/") && (sf == null || offset + ioSize > sf.size())) {
                // setup_files: io_size + file_offset beyond real_file_size - extend_file in the
                // run, or (create_on_open) the size the open's O_CREAT file will be written to.
                if (sf == null && !f.layout().allowFileCreate()) {
                    throw ConfigException.at(spec.origin("allow_file_create", "filename"), "job '" + spec.name()
                            + "': file '" + names.get(i) + "' does not exist, and file creation is disallowed by"
                            + " allow_file_create=0");
                }
                FioFile ff = new FioFile(sf, names.get(i), offsets(spec, offset, ioSize, offset + ioSize, nfiles, random,
                        stream + ".file" + i));
                ff.extend = !f.layout().createOnOpen();
                ff.oldSize = sf == null ? 0 : sf.size();
                out[i] = ff;
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
            } else if (offset + ioSize > sf.size() && !names.get(i).startsWith("/dev/")
                    && fs.truncate(sf, offset + ioSize) == 0 && sf.size() >= offset + ioSize) {
                // setup_files' need_extend on raw: the file grows to its region before the job
                // runs, as the direct map lays files out (ftruncate.fio's second job after the
                // first truncated the file); extend_file's own I/O is not simulated on raw.
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

    /**
     * fill_device's region (io_size -1 in fio): a block device to its end (the I/O past it ends
     * the file, as fill_io_u's real_file_size check does); a file on ext4 as much as the file
     * system has free, rounded up to a block so the last write meets ENOSPC; on raw, whose files
     * do not grow, a new file takes the free space and an existing one keeps its size.
     */
    private static long fillSize(FileSystem fs, String name, SimFile existing, boolean inRun, JobSpec spec, int clone,
                                 long minBs) {
        JobSpec.Files f = spec.files();
        long real = existing != null ? existing.size() : 0;
        long offset = f.offset().resolve(real) + clone * f.offsetIncrement().resolve(real);
        long bytes;
        if (name.startsWith("/dev/") || (existing != null && !inRun)) {
            bytes = real - offset;
        } else {
            // the write job unlinks the file first, so its blocks are free again
            bytes = fs.freeBytes() + (existing != null ? existing.size() : 0) - offset;
            bytes = inRun ? (bytes + minBs - 1) / minBs * minBs : bytes / minBs * minBs;
        }
        return Math.max(0, bytes);
    }

    /** A file's offset state over [offset, offset + ioSize) of {@code realSize}, its random streams under {@code s}. */
    private static OffsetGenerator offsets(JobSpec spec, long offset, long ioSize, long realSize, int nfiles,
                                           RandomStreams random, String s) {
        return new OffsetGenerator(offset, ioSize, realSize, spec.access(), spec.timeBased(), nfiles == 1, random::stream,
                s);
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

    // ------------------------------------------------------------------ setup_files in the run

    /**
     * setup_files' extend loop: each file marked for extending is laid out by extend_file,
     * then its new part dropped from the cache (__file_invalidate_cache from the old size) and
     * closed; then {@code done}. Nothing to do on a raw device map, where the files were placed
     * at construction.
     */
    /** True when a file is to be laid out by {@link #setUp}. */
    boolean needsSetUp() {
        for (FioFile t : files) {
            if (t.extend) {
                return true;
            }
        }
        return false;
    }

    void setUp(Runnable done) {
        extendFrom(0, done);
    }

    private void extendFrom(int from, Runnable done) {
        int i = from;
        while (i < files.length && !files[i].extend) {
            i++; // a loop, not a call per file: a job may have 31250 files with nothing to lay out
        }
        if (i == files.length) {
            done.run();
            return;
        }
        FioFile t = files[i];
        int at = i;
        t.extend = false;
        long real = t.offsets.start() + t.offsets.ioSize();
        extendFile(t, real, of -> kernel.fadvise(task, of, t.oldSize, real - t.oldSize, Kernel.Advice.DONTNEED,
                r -> kernel.close(task, of, c -> extendFrom(at + 1, done))));
    }

    /**
     * extend_file (filesetup.c): a read job, or a write job with overwrite=1 (not file_append),
     * lays the file out anew - unlink, open O_CREAT|O_TRUNC, fallocate_file, ftruncate to the
     * size, the whole file written with the largest write block size (buffered), fsync when
     * create_fsync; a write job without overwrite unlinks the file and only creates and
     * fallocates it, so its own writes fill it; file_append keeps the file and fallocates
     * past its end. {@code k} gets the still open file.
     */
    private void extendFile(FioFile t, long real, java.util.function.Consumer<OpenFile> k) {
        JobSpec.Layout l = spec.files().layout();
        boolean newLayout = spec.rw().reads || (spec.rw().writes && l.overwrite() && !l.fileAppend());
        boolean unlinkFile = spec.rw().writes && !l.overwrite() && !l.fileAppend();
        int flags = (l.allowFileCreate() ? OpenFile.O_CREAT : 0) | (newLayout ? OpenFile.O_TRUNC : 0);
        Runnable open = () -> kernel.open(task, t.name, flags, -1, of -> {
            if (of == null) {
                throw ConfigException.at(spec.origin("allow_file_create", "filename"), "job '" + spec.name()
                        + "': file '" + t.name + "' does not exist, and file creation is disallowed by"
                        + " allow_file_create=0");
            }
            t.file = of.file();
            fallocateFile(of, real, () -> {
                if (!newLayout) {
                    k.accept(of);
                    return;
                }
                kernel.ftruncate(task, of, real, r -> layOut(of, real, () -> {
                    if (l.createFsync()) {
                        kernel.fsync(task, of, x -> k.accept(of));
                    } else {
                        k.accept(of);
                    }
                }));
            });
        });
        if (unlinkFile || newLayout) {
            // td_io_unlink_file: ENOENT (no file yet) is no error here.
            kernel.unlink(task, t.name, r -> open.run());
        } else {
            open.run();
        }
    }

    /**
     * fallocate_file: fallocate= native and posix (glibc's posix_fallocate is fallocate mode 0
     * where the file system has it) preallocate [0, size) as unwritten extents and set i_size,
     * keep does so with FALLOC_FL_KEEP_SIZE, truncate is an ftruncate to the size, none nothing.
     */
    private void fallocateFile(OpenFile of, long real, Runnable k) {
        if (spec.extras().fillDevice()) {
            // fallocate_file returns at once with fill_device: the job's writes fill the space.
            k.run();
            return;
        }
        switch (spec.files().layout().fallocate()) {
            case NONE -> k.run();
            case NATIVE, POSIX -> kernel.fallocate(task, of, 0, 0, real, r -> k.run());
            case KEEP -> kernel.fallocate(task, of, io.stacksim.fs.FileSystem.FALLOC_FL_KEEP_SIZE, 0, real,
                    r -> k.run());
            case TRUNCATE -> kernel.ftruncate(task, of, real, r -> k.run());
        }
    }

    /** extend_file's write loop: write(2)s of max_bs[WRITE] (the last one shorter) from the file's start. */
    private void layOut(OpenFile of, long left, Runnable k) {
        if (left <= 0) {
            k.run();
            return;
        }
        long n = Math.min(spec.access().bs().write().max(), left);
        kernel.write(task, of, n, 0, (r, waited) -> {
            if (r == -io.stacksim.fs.Errno.ENOSPC && spec.extras().fillDevice()) {
                // extend_file: with fill_device ENOSPC ends the layout, it is no error.
                k.run();
                return;
            }
            if (r <= 0) {
                // "fio: ENOSPC on laying out file, stopping"
                throw new JobRunner.JobError(spec, r < 0 ? r : -io.stacksim.fs.Errno.EIO);
            }
            layOut(of, left - r, k);
        });
    }

    /**
     * unlink_all_files (unlink_each_loop, between loops) and close_and_free_files' unlink
     * (unlink=1, at the job's end, which calls unlink once before and once after the close:
     * the second finds no file) through the engine's unlink_file; then {@code k}.
     */
    void unlinkAll(boolean twice, Runnable k) {
        unlinkFrom(0, twice, k);
    }

    private void unlinkFrom(int i, boolean twice, Runnable k) {
        if (i == files.length || diskless) {
            k.run();
            return;
        }
        FioFile t = files[i];
        if (t.name.startsWith("/dev/")) {
            unlinkFrom(i + 1, twice, k);
            return;
        }
        kernel.unlink(task, t.name, r -> {
            if (twice) {
                kernel.unlink(task, t.name, x -> unlinkFrom(i + 1, twice, k));
            } else {
                unlinkFrom(i + 1, twice, k);
            }
        });
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
        kernel.open(task, t.name, openFlags(), -1, of -> {
            opened(t, of);
            preRead(t, t.offsets.start(), () -> kernel.close(task, of, r -> preReadFile(i + 1, done)));
        });
    }

    /**
     * generic_open_file's flags: O_DIRECT, O_SYNC or O_DSYNC, and O_CREAT for a write job (or
     * with create_on_open) when file creation is allowed.
     */
    private int openFlags() {
        JobSpec.Layout l = spec.files().layout();
        boolean creat = inRun && l.allowFileCreate() && (spec.rw().writes || l.createOnOpen());
        return (spec.direct() ? OpenFile.O_DIRECT : 0)
                | (spec.sync().openMode() == 1 ? OpenFile.O_SYNC : 0)
                | (spec.sync().openMode() == 2 ? OpenFile.O_DSYNC : 0)
                | (creat ? OpenFile.O_CREAT : 0);
    }

    /** The open's file: the one it found or created (ENOENT ends the job, as td_verror does). */
    private void opened(FioFile t, OpenFile of) {
        if (of == null) {
            throw new JobRunner.JobError(spec, -io.stacksim.fs.Errno.ENOENT);
        }
        t.file = of.file();
    }

    /**
     * td_io_open_file for file {@code i}: open (O_DIRECT/O_SYNC/O_DSYNC), then
     * file_invalidate_cache when invalidate=1, the fadvise hint, and the mapping for the mmap
     * engine; then {@code done}. fio opens a file when get_next_file first chooses it.
     */
    void open(int i, Runnable done) {
        FioFile t = files[i];
        t.opened = true;
        if (fileOp != null) {
            fileOperation(t, done);
            return;
        }
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
        // falloc's open_file: O_CREAT|O_RDWR, without O_DIRECT or the sync flags.
        int flags = spec.engine().kind() == FallocEngine.TYPE ? OpenFile.O_CREAT : openFlags();
        kernel.open(task, t.name, flags, -1, of -> {
            opened(t, of);
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

    /** The file operations' latencies go to {@code sink}, in ns. */
    void onOperationLatency(java.util.function.LongConsumer sink) {
        this.opLatency = sink;
    }

    /**
     * The open_file hooks of fileoperations.c, each timed from before the call to after it:
     * filecreate's open(O_CREAT|O_RDWR) (its fd kept, closed by generic_close_file; the engine
     * is FIO_DISKLESSIO, so td_io_open_file neither invalidates nor hints), filestat's stat(2),
     * lstat(2) or statx(2) (stat_type=) and filedelete's unlink(2), which keep no fd and whose
     * invalidate hook does nothing. A failed call ends the job with its errno (td_verror).
     */
    private void fileOperation(FioFile t, Runnable done) {
        long t0 = kernel.sim().now();
        Runnable finished = () -> {
            opLatency.accept(kernel.sim().now() - t0);
            if (logs != null) {
                logs.fileEvent(kernel.sim().now(), t.name, "open");
            }
            done.run();
        };
        switch (fileOp) {
            case CREATE -> kernel.open(task, t.name, OpenFile.O_CREAT, -1, of -> {
                opened(t, of);
                t.open = of;
                finished.run();
            });
            case STAT -> {
                String type = spec.control().engineOptions().getOrDefault("stat_type", "stat");
                kernel.stat(task, t.name, type.equals("statx"), r -> {
                    if (r < 0) {
                        throw new JobRunner.JobError(spec, r);
                    }
                    finished.run();
                });
            }
            case DELETE -> kernel.unlink(task, t.name, r -> {
                if (r < 0) {
                    throw new JobRunner.JobError(spec, r);
                }
                t.file = null;
                finished.run();
            });
        }
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

    private void closeFrom(int from, Runnable k) {
        // A loop over the files, not a call per file (a job may have 31250): closed files are
        // skipped, and a close that completes at once (no fd to close) goes on in the loop.
        int i = from;
        while (true) {
            while (i < files.length && !files[i].opened) {
                i++;
            }
            if (i == files.length) {
                k.run();
                return;
            }
            int at = i;
            boolean[] state = {true, false}; // in the call; completed in it
            close(at, () -> {
                if (state[0]) {
                    state[1] = true;
                } else {
                    closeFrom(at + 1, k);
                }
            });
            state[0] = false;
            if (!state[1]) {
                return;
            }
            i = at + 1;
        }
    }

    /** td_io_close_file for file {@code i} (its mapping first), then {@code k}. */
    void close(int i, Runnable k) {
        FioFile t = files[i];
        OpenFile of = t.open;
        t.open = null;
        t.opened = false;
        if (diskless || of == null && fileOp != null) {
            // filestat and filedelete keep no fd and have no close_file hook.
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
