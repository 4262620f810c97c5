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

    public DirectIo(FileSystem fs) {
        this.fs = fs;
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
        SimFile file = f.file();
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
        Completion c = new Completion(bios, result, done);
        BlockTarget bdev = file.bdev();
        long pos = offset;
        long end = offset + n;
        while (pos < end) {
            Extent e = file.extentAt(pos);
            long piece = Math.min(end, e.fileEnd()) - pos;
            long sector = e.sector() + ((pos - e.fileOffset()) >> 9);
            bdev.submitBio(new Bio(sector, (int) (piece >> 9), op, bioFlags, ioprio, owner, c));
            pos += piece;
        }
        return bios;
    }

    private static long roundUp(long v, long unit) {
        return (v + unit - 1) / unit * unit;
    }

    /** Counts the bios of one direct I/O down and reports when the last one ends. */
    private static final class Completion implements BioEndIo {
        private int remaining;
        private final long result;
        private final IoDone done;
        private Bio last;
        private int error;

        Completion(int remaining, long result, IoDone done) {
            this.remaining = remaining;
            this.result = result;
            this.done = done;
        }

        @Override
        public void endIo(Bio bio) {
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
