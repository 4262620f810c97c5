package io.stacksim.os;

import io.stacksim.fs.OpenFile;

/**
 * A C library FILE stream (glibc libio): a user-space buffer that turns small fread/fwrite
 * calls into fewer read/write system calls.
 *
 * <p>The buffer defaults to the file's st_blksize capped at BUFSIZ (8192), as
 * _IO_file_doallocate does (4096 on ext4); setvbuf can set another size. fread serves from the
 * buffer and refills it with one read of the buffer size; a request of at least a buffer's
 * size with the buffer empty is read directly, in whole multiples of the buffer size
 * (_IO_file_xsgetn). fwrite fills the buffer and writes it out when full; what remains beyond a
 * whole number of buffer sizes after that goes straight to write (_IO_new_file_xsputn).
 * Copies between the buffer and the caller are user-space memcpy time. One stream is either
 * reading or writing (a switch flushes), which is all the workloads need.
 */
public final class StdioStream {
    /** BUFSIZ in glibc. */
    public static final int BUFSIZ = 8192;

    private final Kernel kernel;
    private final Task task;
    private final OpenFile file;
    private final int bufSize;
    /** The library's own work per fread/fwrite call (stream lock, checks). */
    private final long callNs;
    /** Per-call work not yet charged: it rides on the call's first copy or system call. */
    private long owedNs;
    /** Bytes in the buffer: readable data (reading) or pending output (writing). */
    private int filled;
    /** Read position inside the buffer. */
    private int readPos;
    private boolean writing;
    private boolean eof;

    /**
     * @param bufSize the stream buffer size; 0 = glibc's default min(BUFSIZ, st_blksize)
     * @param stBlksize the file's st_blksize (the file system block size)
     * @param callNs the library's user time per fread/fwrite call besides its copies
     */
    public StdioStream(Kernel kernel, Task task, OpenFile file, int bufSize, int stBlksize, long callNs) {
        this.kernel = kernel;
        this.task = task;
        this.file = file;
        this.bufSize = bufSize > 0 ? bufSize : (stBlksize > 0 && stBlksize < BUFSIZ ? stBlksize : BUFSIZ);
        this.callNs = callNs;
    }

    public int bufferSize() {
        return bufSize;
    }

    /** User time to copy {@code n} bytes, plus the call's own work if not yet charged. */
    private long userNs(long n) {
        long ns = kernel.fsCosts().copyNs(n) + owedNs;
        owedNs = 0;
        return ns;
    }

    /** Charges what the call still owes before it enters the kernel, then runs {@code then}. */
    private void settle(Runnable then) {
        if (owedNs == 0) {
            then.run();
            return;
        }
        long ns = owedNs;
        owedNs = 0;
        task.compute(ns, false, then);
    }

    /** fread of {@code len} bytes; {@code k} gets the bytes read (short at end of file). */
    public void fread(long len, Kernel.Ret k) {
        owedNs = callNs;
        freadBody(len, k);
    }

    private void freadBody(long len, Kernel.Ret k) {
        if (writing) {
            fflush(r -> {
                writing = false;
                freadBody(len, k);
            });
            return;
        }
        readMore(len, 0, k);
    }

    private void readMore(long want, long got, Kernel.Ret k) {
        if (want == 0 || eof) {
            settle(() -> k.ret(got));
            return;
        }
        int avail = filled - readPos;
        if (avail > 0) {
            long n = Math.min(avail, want);
            readPos += (int) n;
            task.compute(userNs(n), false, () -> readMore(want - n, got + n, k));
            return;
        }
        if (want >= bufSize) {
            // Large request, empty buffer: read whole buffer-sized blocks straight into the caller.
            long direct = want - want % bufSize;
            settle(() -> kernel.read(task, file, direct, 0, (r, waited) -> {
                if (r <= 0) {
                    eof = r == 0;
                    k.ret(got > 0 ? got : r);
                    return;
                }
                readMore(want - r, got + r, k);
            }));
            return;
        }
        settle(() -> kernel.read(task, file, bufSize, 0, (r, waited) -> {
            if (r <= 0) {
                eof = r == 0;
                k.ret(got > 0 ? got : r);
                return;
            }
            filled = (int) r;
            readPos = 0;
            readMore(want, got, k);
        }));
    }

    /** fwrite of {@code len} bytes; {@code k} gets the bytes accepted. */
    public void fwrite(long len, Kernel.Ret k) {
        owedNs = callNs;
        if (!writing) {
            // Switching from reading: drop the read buffer (the file position is where the
            // last read ended, so seek back over the unread bytes as fseek would).
            file.seek(file.position() - (filled - readPos));
            filled = 0;
            readPos = 0;
            writing = true;
        }
        writeMore(len, len, k);
    }

    private void writeMore(long left, long total, Kernel.Ret k) {
        if (left == 0) {
            settle(() -> k.ret(total));
            return;
        }
        int room = bufSize - filled;
        if (room > 0 && (filled > 0 || left < bufSize)) {
            long n = Math.min(room, left);
            filled += (int) n;
            task.compute(userNs(n), false, () -> {
                if (filled == bufSize) {
                    flushBuffer(r -> writeMore(left - n, total, k));
                } else {
                    writeMore(left - n, total, k);
                }
            });
            return;
        }
        if (filled == bufSize) {
            flushBuffer(r -> writeMore(left, total, k));
            return;
        }
        // Empty buffer and at least a buffer's worth left: write whole blocks directly.
        long direct = left - left % bufSize;
        settle(() -> kernel.write(task, file, direct, 0, (r, waited) -> writeMore(left - direct, total, k)));
    }

    private void flushBuffer(Kernel.Ret k) {
        int n = filled;
        filled = 0;
        settle(() -> kernel.write(task, file, n, 0, (r, waited) -> k.ret(r)));
    }

    /** fflush: writes pending output (no-op when reading or empty). */
    public void fflush(Kernel.Ret k) {
        if (writing && filled > 0) {
            flushBuffer(k);
        } else {
            k.ret(0);
        }
    }
}
