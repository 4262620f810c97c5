package io.stacksim.os;

import io.stacksim.fs.OpenFile;
import java.util.function.Consumer;

/**
 * The pipe system calls (fs/pipe.c, fs/splice.c): pipe2, write and read on a pipe,
 * fcntl(F_SETPIPE_SZ), and splice from a file into a pipe and from a pipe into a socket.
 *
 * <p>write (pipe_write) first merges a tail shorter than a page into the last buffer if that
 * buffer's page has room and is the pipe's own; the rest goes page by page into new buffers,
 * waiting while the ring is full. read (pipe_read) copies from the first buffers and returns
 * as soon as it has anything. splice from a file (filemap_splice_read) takes at most as many
 * pages as there are free buffers and references them, waiting while the pipe is full; splice
 * to a socket (splice_to_socket) sends the buffered pages with MSG_SPLICE_PAGES, waiting while
 * the pipe is empty and a writer remains, and frees the buffers.
 */
public final class Pipes {
    /** SPLICE_F_NONBLOCK. */
    public static final int SPLICE_F_NONBLOCK = 0x02;
    /** SPLICE_F_MORE: more data follows (MSG_MORE to the socket). */
    public static final int SPLICE_F_MORE = 0x04;
    private static final int EAGAIN = -11;
    private static final int EPIPE = -32;

    private final Kernel kernel;
    private final CostModel cost;
    private final NetCosts nc;

    public Pipes(Kernel kernel, NetCosts nc) {
        this.kernel = kernel;
        this.cost = kernel.cost();
        this.nc = nc;
    }

    /** pipe2(fds, 0): a new pipe of {@link Pipe#DEF_BUFFERS} buffers. */
    public void pipe(Task t, Consumer<Pipe> k) {
        kernel.enter(t, Syscall.PIPE, cost.vfsCallNs(), () -> {
            Pipe p = new Pipe();
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(p));
        });
    }

    /** fcntl(fd, F_SETPIPE_SZ, bytes): returns the new size or a negative errno. */
    public void setSize(Task t, Pipe p, long bytes, Kernel.Ret k) {
        kernel.enter(t, Syscall.FCNTL, 0, () -> {
            long r = p.resize(bytes);
            kernel.exit(t, r, k);
        });
    }

    // ------------------------------------------------------------------ write / read

    /** write(pipefd[1], buf, len). */
    public void write(Task t, Pipe.End w, long len, Kernel.Ret k) {
        kernel.enter(t, Syscall.WRITE, cost.vfsCallNs(), () -> new PipeWrite(t, w.pipe(), len, r -> kernel.exit(t, r, k)).start());
    }

    private final class PipeWrite implements WaitQueue.Entry {
        private final Task t;
        private final Pipe p;
        private final Kernel.Ret done;
        private final KernelWork work = new KernelWork();
        private long left;
        private long written;
        private boolean waiting;

        PipeWrite(Task t, Pipe p, long len, Kernel.Ret done) {
            this.t = t;
            this.p = p;
            this.left = len;
            this.done = done;
        }

        void start() {
            long chars = left & (Pipe.PAGE - 1);
            Pipe.Buffer last = p.last();
            if (chars > 0 && last != null && last.anon && last.offset + last.len + chars <= Pipe.PAGE) {
                copyIn(chars);
                last.len += chars;
            }
            loop();
        }

        private void copyIn(long n) {
            work.charge(cost.copyNs(n) + nc.pipeBufNs());
            t.countCopy(n);
            written += n;
            left -= n;
        }

        void loop() {
            while (left > 0 && !p.full()) {
                long n = Math.min(Pipe.PAGE, left);
                copyIn(n);
                p.push(n, 0, true);
            }
            if (written > 0) {
                p.readEnd.waitQueue().wake(Pollable.POLLIN, work);
            }
            if (left == 0) {
                work.spend(t, () -> done.ret(written));
                return;
            }
            // pipe_wait_writable
            work.spend(t, () -> {
                if (!p.full()) {
                    loop();
                    return;
                }
                waiting = true;
                p.writeEnd.waitQueue().add(this);
                t.sleep();
            });
        }

        @Override
        public void wake(int mask, KernelWork w) {
            if (waiting && (mask & Pollable.POLLOUT) != 0) {
                waiting = false;
                p.writeEnd.waitQueue().remove(this);
                w.then(() -> t.wake(this::loop));
            }
        }
    }

    /** read(pipefd[0], buf, len): returns what is buffered (at least a byte), 0 at end of file. */
    public void read(Task t, Pipe.End r, long len, Kernel.Ret k) {
        kernel.enter(t, Syscall.READ, cost.vfsCallNs(), () -> readBody(t, r.pipe(), len, res -> kernel.exit(t, res, k)));
    }

    private void readBody(Task t, Pipe p, long len, Kernel.Ret done) {
        if (p.empty()) {
            if (p.writerClosed()) {
                done.ret(0);
                return;
            }
            waitReadable(t, p, () -> readBody(t, p, len, done));
            return;
        }
        KernelWork work = new KernelWork();
        long got = 0;
        while (got < len && !p.empty()) {
            Pipe.Buffer b = p.first();
            long n = Math.min(b.len, len - got);
            work.charge(cost.copyNs(n) + nc.pipeBufNs());
            b.offset += (int) n;
            b.len -= n;
            got += n;
            if (b.len == 0) {
                p.popFirst();
            }
        }
        t.countCopy(got);
        p.writeEnd.waitQueue().wake(Pollable.POLLOUT, work);
        long res = got;
        work.spend(t, () -> done.ret(res));
    }

    private void waitReadable(Task t, Pipe p, Runnable then) {
        p.readEnd.waitQueue().sleepUntil(t, Pollable.POLLIN, then);
    }

    // ------------------------------------------------------------------ splice

    /**
     * splice(fd_in, &offset, pipefd[1], NULL, len, flags) from a file: page-cache pages into
     * the pipe, no copy; returns the bytes spliced (at most what the free buffers hold).
     */
    public void spliceFromFile(Task t, OpenFile in, long offset, Pipe.End w, long len, int flags, Kernel.Ret k) {
        kernel.enter(t, Syscall.SPLICE, cost.vfsCallNs(), () -> fileToPipe(t, in, offset, w.pipe(), len, flags,
                r -> kernel.exit(t, r, k)));
    }

    private void fileToPipe(Task t, OpenFile in, long offset, Pipe p, long len, int flags, Kernel.Ret done) {
        if (p.full()) {
            if ((flags & SPLICE_F_NONBLOCK) != 0) {
                done.ret(EAGAIN);
                return;
            }
            // wait_for_space -> pipe_wait_writable
            p.writeEnd.waitQueue().sleepUntil(t, Pollable.POLLOUT, () -> fileToPipe(t, in, offset, p, len, flags, done));
            return;
        }
        int free = p.capacity() - p.occupancy();
        long n = Math.min(len, Sockets.fitting(offset, free));
        kernel.pageCache().spliceRead(t, in, offset, n, (res, waited) -> {
            if (res <= 0) {
                done.ret(res);
                return;
            }
            KernelWork work = new KernelWork();
            // splice_folio_into_pipe: one buffer per page piece
            long at = offset;
            long end = offset + res;
            while (at < end) {
                long pieceEnd = Math.min(end, (at / Pipe.PAGE + 1) * Pipe.PAGE);
                p.push(pieceEnd - at, (int) (at % Pipe.PAGE), false);
                work.charge(nc.pipeBufNs());
                at = pieceEnd;
            }
            p.readEnd.waitQueue().wake(Pollable.POLLIN, work);
            work.spend(t, () -> done.ret(res));
        });
    }

    /**
     * splice(pipefd[0], NULL, sockfd, NULL, len, flags) to a socket: the buffered pages go to
     * the socket as fragments (no copy); returns the bytes sent.
     */
    public void spliceToSocket(Task t, Pipe.End r, TcpSocket s, long len, int flags, Kernel.Ret k) {
        kernel.enter(t, Syscall.SPLICE, cost.vfsCallNs() + nc.socketCallNs(), () -> pipeToSocket(t, r.pipe(), s, len, flags, 0,
                res -> kernel.exit(t, res, k)));
    }

    private void pipeToSocket(Task t, Pipe p, TcpSocket s, long len, int flags, long sent, Kernel.Ret done) {
        if (sent >= len) {
            done.ret(sent);
            return;
        }
        if (p.empty()) {
            if (sent > 0 || p.writerClosed()) {
                done.ret(sent);
                return;
            }
            if ((flags & SPLICE_F_NONBLOCK) != 0) {
                done.ret(EAGAIN);
                return;
            }
            waitReadable(t, p, () -> pipeToSocket(t, p, s, len, flags, sent, done));
            return;
        }
        // One sendmsg per run of buffers (the bvec array holds up to the ring's buffers).
        Pipe.Buffer b = p.first();
        long batch = 0;
        int bufs = 0;
        long firstOff = b.offset;
        for (int i = 0; i < p.occupancy() && sent + batch < len; i++) {
            Pipe.Buffer x = p.buf(p.tailIndex() + i);
            batch += Math.min(x.len, len - sent - batch);
            bufs++;
        }
        long n = batch;
        int used = bufs;
        boolean more = (flags & SPLICE_F_MORE) != 0 || sent + n < len && p.occupancy() > used;
        s.sendmsg(t, TcpSocket.Source.PAGES, n, firstOff, null, 0, more, kernel, r -> {
            if (r < 0) {
                done.ret(sent > 0 ? sent : r);
                return;
            }
            // Free what was consumed; a buffer only partly sent keeps its rest.
            KernelWork work = new KernelWork();
            long left = r;
            while (left > 0) {
                Pipe.Buffer x = p.first();
                long take = Math.min(x.len, left);
                x.offset += (int) take;
                x.len -= take;
                left -= take;
                if (x.len == 0) {
                    p.popFirst();
                    work.charge(nc.pipeBufNs());
                }
            }
            p.writeEnd.waitQueue().wake(Pollable.POLLOUT, work);
            work.spend(t, () -> pipeToSocket(t, p, s, len, flags, sent + r, done));
        });
    }

    /**
     * vmsplice(pipefd[1], iov, 1, SPLICE_F_MOVE) of a user buffer of {@code len} bytes starting
     * {@code pageOff} into its page: vmsplice_to_pipe pins the user pages (no copy) and puts a
     * buffer per page piece into the pipe, as many as fit, waiting while it is full; returns the
     * bytes taken.
     */
    public void vmspliceToPipe(Task t, Pipe.End w, long len, long pageOff, Kernel.Ret k) {
        kernel.enter(t, Syscall.VMSPLICE, cost.vfsCallNs(), () -> userToPipe(t, w.pipe(), len, pageOff,
                r -> kernel.exit(t, r, k)));
    }

    private void userToPipe(Task t, Pipe p, long len, long pageOff, Kernel.Ret done) {
        if (p.full()) {
            p.writeEnd.waitQueue().sleepUntil(t, Pollable.POLLOUT, () -> userToPipe(t, p, len, pageOff, done));
            return;
        }
        KernelWork work = new KernelWork();
        long at = pageOff;
        long end = pageOff + len;
        while (at < end && !p.full()) {
            long pieceEnd = Math.min(end, (at / Pipe.PAGE + 1) * Pipe.PAGE);
            p.push(pieceEnd - at, (int) (at % Pipe.PAGE), false);
            work.charge(nc.pipeBufNs()); // get_user_pages + the buffer
            at = pieceEnd;
        }
        long n = at - pageOff;
        p.readEnd.waitQueue().wake(Pollable.POLLIN, work);
        work.spend(t, () -> done.ret(n));
    }

    /**
     * vmsplice(pipefd[0], iov, 1, 0): vmsplice_to_user copies what is buffered into the user
     * buffer (copy_page_to_iter), as read does; returns the bytes copied.
     */
    public void vmspliceFromPipe(Task t, Pipe.End r, long len, Kernel.Ret k) {
        kernel.enter(t, Syscall.VMSPLICE, cost.vfsCallNs(), () -> readBody(t, r.pipe(), len, res -> kernel.exit(t, res, k)));
    }

    /**
     * splice(sockfd, NULL, pipefd[1], NULL, len, 0) from a TCP socket (tcp_splice_read ->
     * skb_splice_bits): received data, waited for as recv does, goes into the pipe as references
     * to the packets' pages (no copy), a buffer per page piece, at most what the free buffers
     * hold; returns the bytes spliced (0 at end of file).
     */
    public void spliceFromSocket(Task t, TcpSocket s, Pipe.End w, long len, Kernel.Ret k) {
        kernel.enter(t, Syscall.SPLICE, cost.vfsCallNs() + nc.socketCallNs(), () -> socketToPipe(t, s, w.pipe(), len,
                r -> kernel.exit(t, r, k)));
    }

    private void socketToPipe(Task t, TcpSocket s, Pipe p, long len, Kernel.Ret done) {
        if (p.full()) {
            p.writeEnd.waitQueue().sleepUntil(t, Pollable.POLLOUT, () -> socketToPipe(t, s, p, len, done));
            return;
        }
        int free = p.capacity() - p.occupancy();
        s.spliceRead(t, len, free, r -> {
            if (r <= 0) {
                done.ret(r);
                return;
            }
            KernelWork work = new KernelWork();
            // one buffer per page piece of the packets (skb_splice_bits -> spd_fill_page)
            int pieces = Math.max(1, Math.min(free, free - s.spliceSlotsLeft()));
            long each = r / pieces;
            for (int i = 0; i < pieces; i++) {
                p.push(i < pieces - 1 ? each : r - each * (pieces - 1), 0, false);
                work.charge(nc.pipeBufNs());
            }
            p.readEnd.waitQueue().wake(Pollable.POLLIN, work);
            work.spend(t, () -> done.ret(r));
        });
    }

    /** close(pipefd[1]): readers then see end of file once the pipe is empty. */
    public void closeWriter(Task t, Pipe.End w, Kernel.Ret k) {
        kernel.enter(t, Syscall.CLOSE, cost.vfsCallNs(), () -> {
            Pipe p = w.pipe();
            p.closeWriter();
            KernelWork work = new KernelWork();
            p.readEnd.waitQueue().wake(Pollable.POLLIN | Pollable.POLLHUP, work);
            work.spend(t, () -> kernel.exit(t, 0, k));
        });
    }
}
