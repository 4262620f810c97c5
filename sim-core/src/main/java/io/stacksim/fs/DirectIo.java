package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.Op;

/**
 * O_DIRECT reads and writes (fs/iomap/direct-io.c): the user buffer is pinned and the device
 * DMAs straight into or out of it, so no CPU copy is made. Offset, length and buffer address
 * must be aligned to the device's logical block size or the call fails with EINVAL, as Linux
 * does. A read past end of file is shortened; one starting at or after it returns 0.
 */
public final class DirectIo {
    private final FileSystem fs;
    /** --check's data rules, or null. */
    private final DataChecker data;

    public DirectIo(FileSystem fs) {
        this(fs, null);
    }

    /** @param data --check's data rules (the page cache's), or null when the run is not checked */
    public DirectIo(FileSystem fs, DataChecker data) {
        this.fs = fs;
        this.data = data;
    }

    /** 0 if the request is aligned, else -EINVAL. */
    public long checkAlignment(long offset, long len, long bufAddr) {
        int lbs = fs.logicalBlockSize();
        if (offset % lbs != 0 || len % lbs != 0 || bufAddr % lbs != 0) {
            return -Errno.EINVAL;
        }
        return 0;
    }

    /** How many bios a direct I/O of [offset, offset+len) of {@code file} becomes: one per extent it touches. */
    public int bioCount(SimFile file, long offset, long len) {
        if (file.mapper() != null) {
            // A hole counts as the one bio its new blocks will get.
            int n = 0;
            for (long pos = offset; pos < offset + len; n++) {
                Extent e = file.mappedAt(pos);
                pos = e != null ? Math.min(offset + len, e.fileEnd()) : file.nextMapped(pos, offset + len);
            }
            return n;
        }
        int n = 0;
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            pos = Math.min(end, file.extentAt(pos).fileEnd());
            n++;
        }
        return n;
    }

    /**
     * Submits the device I/O of a direct read or write; {@code done} runs when all of it has
     * completed, with the byte count. Returns the number of bios submitted (0 when nothing to
     * do, in which case {@code done} has already run).
     */
    public int submit(IoOwner owner, OpenFile f, Op op, long offset, long len, int bioFlags, IoDone done) {
        return submit(owner, f, op, offset, len, bioFlags, 0, done);
    }

    /**
     * As {@link #submit(IoOwner, OpenFile, Op, long, long, int, IoDone)} with the kiocb's
     * ki_ioprio, which iomap_dio_bio_iter puts on every bio (0: class NONE, the submitter's).
     */
    public int submit(IoOwner owner, OpenFile f, Op op, long offset, long len, int bioFlags, int ioprio,
                      IoDone done) {
        return submit(owner, f, op, offset, len, bioFlags, ioprio, done, null);
    }

    /**
     * A caller's preallocated bio and completion for its direct I/Os, used when an I/O is one bio
     * and the run is not checked (like the bio and dio a bio_set's cache and fio's preallocated
     * io_u give back for each use). The caller submits one I/O with it at a time and only once it
     * is done with the last one's bio (an aio iocb: reaped).
     */
    public static final class Slot {
        private Bio bio;
        private Completion completion;
    }

    /**
     * As {@link #submit(IoOwner, OpenFile, Op, long, long, int, int, IoDone)}, reusing
     * {@code slot}'s bio and completion where it can ({@code slot} may be null).
     */
    public int submit(IoOwner owner, OpenFile f, Op op, long offset, long len, int bioFlags, int ioprio,
                      IoDone done, Slot slot) {
        SimFile file = f.file();
        if (file.mapper() != null) {
            return submitMapped(owner, file, op, offset, len, bioFlags, ioprio, done);
        }
        long n = len;
        if (op == Op.READ) {
            n = Math.max(0, Math.min(len, file.size() - offset));
            // A direct read of a partial last block still reads the whole block.
            n = roundUp(n, fs.logicalBlockSize());
        } else {
            file.extendTo(offset + len);
        }
        if (n == 0) {
            done.done(0, null);
            return 0;
        }
        long result = op == Op.READ ? Math.min(len, file.size() - offset) : len;
        int bios = bioCount(file, offset, n);
        BlockTarget bdev = file.bdev();
        if (slot != null && bios == 1 && data == null) {
            Extent e = file.extentAt(offset);
            long sector = e.sector() + ((offset - e.fileOffset()) >> 9);
            Completion c = slot.completion;
            if (c == null) {
                c = slot.completion = new Completion(1, result, done, null);
            } else {
                c.reset(result, done);
            }
            Bio bio = slot.bio;
            if (bio == null) {
                bio = slot.bio = new Bio(sector, (int) (n >> 9), op, bioFlags, ioprio, owner, c);
            } else {
                bio.reinit(sector, (int) (n >> 9), op, bioFlags, ioprio, owner, c);
            }
            bdev.submitBio(bio);
            return 1;
        }
        Completion c = new Completion(bios, result, done, checked(file, op, offset, n, bioFlags, done));
        long pos = offset;
        long end = offset + n;
        while (pos < end) {
            Extent e = file.extentAt(pos);
            long piece = Math.min(end, e.fileEnd()) - pos;
            long sector = e.sector() + ((pos - e.fileOffset()) >> 9);
            bdev.submitBio(c.shadow(new Bio(sector, (int) (piece >> 9), op, bioFlags, ioprio, owner, c), pos));
            pos += piece;
        }
        return bios;
    }

    /**
     * A direct I/O of a file the file system maps during the run (iomap_dio_rw over
     * ext4_iomap_begin): a write first gets blocks for its holes (unwritten within i_size) and
     * at completion has them converted and i_size moved (ext4_dio_write_end_io); a read of a
     * hole or an unwritten extent is zeros without I/O.
     */
    private int submitMapped(IoOwner owner, SimFile file, Op op, long offset, long len, int bioFlags, int ioprio, IoDone done) {
        long n = len;
        if (op == Op.READ) {
            n = Math.max(0, Math.min(len, file.size() - offset));
            n = roundUp(n, fs.logicalBlockSize());
        } else {
            int r = file.mapper().prepareDirectWrite(file, offset, len);
            if (r < 0) {
                done.done(r, null);
                return 0;
            }
        }
        if (n == 0) {
            done.done(0, null);
            return 0;
        }
        long result = op == Op.READ ? Math.min(len, file.size() - offset) : len;
        long end = offset + n;
        int bios = 0;
        for (long pos = offset; pos < end; ) {
            Extent e = file.mappedAt(pos);
            long next = e != null ? Math.min(end, e.fileEnd()) : file.nextMapped(pos, end);
            if (e != null && !(op == Op.READ && e.unwritten())) {
                bios++;
            }
            pos = next;
        }
        IoDone finish = op == Op.WRITE
                ? (res, last) -> {
                    if (res >= 0) {
                        file.mapper().directWriteDone(file, offset, len);
                        if (offset + len > file.size()) {
                            file.resize(offset + len);
                        }
                    }
                    done.done(res, last);
                }
                : done;
        if (bios == 0) {
            finish.done(result, null);
            return 0;
        }
        Completion c = new Completion(bios, result, finish, checked(file, op, offset, n, bioFlags, finish));
        BlockTarget bdev = file.bdev();
        for (long pos = offset; pos < end; ) {
            Extent e = file.mappedAt(pos);
            if (e == null) {
                pos = file.nextMapped(pos, end);
                continue;
            }
            long piece = Math.min(end, e.fileEnd()) - pos;
            if (!(op == Op.READ && e.unwritten())) {
                long sector = e.sector() + ((pos - e.fileOffset()) >> 9);
                bdev.submitBio(c.shadow(new Bio(sector, (int) (piece >> 9), op, bioFlags, ioprio, owner, c), pos));
            }
            pos += piece;
        }
        return bios;
    }

    /**
     * --check: the completion of a direct I/O of [offset, offset+len) of {@code file} that gives
     * its bios data shadows (a write's version; a read's expected versions, checked per bio), and
     * once a write is done makes it the pages' latest data; a write sent with REQ_FUA returns with
     * no sync after it (IOMAP_DIO_WRITE_THROUGH), so its data must be stable then.
     */
    private Checked checked(SimFile file, Op op, long offset, long len, int bioFlags, IoDone done) {
        if (data == null || (op != Op.READ && op != Op.WRITE)) {
            return null;
        }
        if (op == Op.READ) {
            long first = offset >> VmSettings.PAGE_SHIFT;
            long end = (offset + len + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT;
            return new Checked(data, file, op, offset, 0, data.expected(file, first, (int) (end - first)), done);
        }
        long version = data.directWriteVersion();
        boolean fua = (bioFlags & Bio.FUA) != 0;
        return new Checked(data, file, op, offset, version, null, (res, last) -> {
            if (res >= 0) {
                data.directWriteDone(file, offset, len, version);
                if (fua) {
                    long first = offset >> VmSettings.PAGE_SHIFT;
                    data.syncReturned(data.syncStarted(file, first,
                            (offset + len + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT, "an O_DSYNC direct write (FUA)"));
                }
            }
            done.done(res, last);
        });
    }

    /** A direct I/O's completion with --check's part (all of it null when not checked). */
    private record Checked(DataChecker data, SimFile file, Op op, long offset, long version, long[] want, IoDone done) {
    }

    private static long roundUp(long v, long unit) {
        return (v + unit - 1) / unit * unit;
    }

    /** Counts the bios of one direct I/O down and reports when the last one ends. */
    private static final class Completion implements BioEndIo {
        private int remaining;
        private long result;
        private IoDone done;
        private final Checked check;
        private Bio last;
        private int error;

        Completion(int remaining, long result, IoDone done, Checked check) {
            this.remaining = remaining;
            this.result = result;
            this.done = check == null ? done : check.done();
            this.check = check;
        }

        /** A slot's completion made ready for its next one-bio I/O (never a checked one). */
        void reset(long result, IoDone done) {
            this.remaining = 1;
            this.result = result;
            this.done = done;
            this.last = null;
            this.error = 0;
        }

        /** --check: {@code bio}, for file bytes from {@code pos}, carries its data shadow. */
        Bio shadow(Bio bio, long pos) {
            if (check != null) {
                if (check.op() == Op.WRITE) {
                    DataChecker.directWriteShadow(bio.sector, bio.nrSectors, check.version()).attach(bio);
                } else {
                    io.stacksim.block.DataShadow.read(bio.sector, bio.nrSectors).attach(bio);
                    if (readAt == null) {
                        readAt = new java.util.IdentityHashMap<>(2);
                    }
                    readAt.put(bio, pos);
                }
            }
            return bio;
        }

        /** --check: each read bio's file offset. */
        private java.util.Map<Bio, Long> readAt;

        @Override
        public void endIo(Bio bio) {
            if (check != null && check.op() == Op.READ) {
                Long at = readAt.remove(bio);
                if (at != null) {
                    check.data().directReadEnded(check.file(), at, bio, check.want(),
                            check.offset() >> VmSettings.PAGE_SHIFT);
                }
            }
            if (bio.error != 0) {
                error = bio.error;
            }
            if (last == null || bio.tCompleted >= last.tCompleted) {
                last = bio;
            }
            if (--remaining == 0) {
                done.done(error != 0 ? error : result, last);
            }
        }
    }
}
