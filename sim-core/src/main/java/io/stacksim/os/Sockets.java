package io.stacksim.os;

import io.stacksim.fs.Mapping;
import io.stacksim.fs.OpenFile;

/**
 * The socket system calls: write/sendto and read/recvfrom on a TCP socket, and sendfile from a
 * file to a socket. Each is one syscall frame (two mode switches) around the socket layer's
 * work ({@link NetCosts#socketCallNs}) and {@link TcpSocket}'s send or receive.
 *
 * <p>sendfile is do_splice_direct (fs/splice.c, used by sendfile since 2.6.23): the task's
 * internal pipe of {@link Pipe#DEF_BUFFERS} buffers is filled from the page cache by
 * filemap_splice_read (page references, no copy; readahead and waits as a read), then emptied
 * into the socket by splice_to_socket (MSG_SPLICE_PAGES: the pages become packet fragments),
 * round after round until the count is sent, all inside the one call.
 */
public final class Sockets {
    private final Kernel kernel;
    private final NetStack net;
    private final CostModel cost;
    private final NetCosts nc;

    public Sockets(Kernel kernel, NetStack net) {
        this.kernel = kernel;
        this.net = net;
        this.cost = kernel.cost();
        this.nc = net.costs();
    }

    public NetStack net() {
        return net;
    }

    /** write(sockfd, buf, len) from an ordinary user buffer: copy_from_user into the socket. */
    public void write(Task t, TcpSocket s, long len, Kernel.Ret k) {
        send(t, Syscall.WRITE, s, TcpSocket.Source.USER, len, null, 0, false, k);
    }

    /** sendto(sockfd, buf, len, flags, NULL, 0) on a connected socket; MSG_MORE if {@code more}. */
    public void sendto(Task t, TcpSocket s, long len, boolean more, Kernel.Ret k) {
        send(t, Syscall.SENDTO, s, TcpSocket.Source.USER, len, null, 0, more, k);
    }

    /**
     * write(sockfd, addr, len) where addr lies in a file mapping ({@code map} at byte
     * {@code offset}): copy_from_user faults the pages in as it copies them.
     */
    public void writeMapped(Task t, TcpSocket s, Mapping map, long offset, long len, Kernel.Ret k) {
        send(t, Syscall.WRITE, s, TcpSocket.Source.MAPPED, len, map, offset, false, k);
    }

    private void send(Task t, Syscall sc, TcpSocket s, TcpSocket.Source src, long len, Mapping map, long mapOff,
                      boolean more, Kernel.Ret k) {
        long vfs = sc == Syscall.WRITE ? cost.vfsCallNs() : 0;
        kernel.enter(t, sc, vfs + nc.socketCallNs(),
                () -> s.sendmsg(t, src, len, 0, map, mapOff, more, kernel, r -> kernel.exit(t, r, k)));
    }

    /** read(sockfd, buf, len): waits for data unless non-blocking, copies up to len to the user. */
    public void read(Task t, TcpSocket s, long len, Kernel.Ret k) {
        recv(t, Syscall.READ, s, len, k);
    }

    /** recvfrom(sockfd, buf, len, 0, NULL, NULL). */
    public void recvfrom(Task t, TcpSocket s, long len, Kernel.Ret k) {
        recv(t, Syscall.RECVFROM, s, len, k);
    }

    private void recv(Task t, Syscall sc, TcpSocket s, long len, Kernel.Ret k) {
        long vfs = sc == Syscall.READ ? cost.vfsCallNs() : 0;
        kernel.enter(t, sc, vfs + nc.socketCallNs(), () -> s.recvmsg(t, len, r -> kernel.exit(t, r, k)));
    }

    /**
     * sendfile(sockfd, in_fd, &offset, count): sends {@code count} bytes of {@code in} from
     * {@code offset} without a copy through user space; returns the bytes sent.
     */
    public void sendfile(Task t, TcpSocket s, OpenFile in, long offset, long count, Kernel.Ret k) {
        kernel.enter(t, Syscall.SENDFILE, cost.vfsCallNs(), () -> {
            long end = Math.min(offset + count, in.file().size());
            new DirectSplice(t, s, in, offset, end, r -> kernel.exit(t, r, k)).round();
        });
    }

    /** splice_direct_to_actor through the task's internal pipe (current->splice_pipe). */
    private final class DirectSplice {
        private final Task t;
        private final TcpSocket s;
        private final OpenFile in;
        private final long end;
        private final Kernel.Ret done;
        private final long start;
        private long pos;

        DirectSplice(Task t, TcpSocket s, OpenFile in, long pos, long end, Kernel.Ret done) {
            this.t = t;
            this.s = s;
            this.in = in;
            this.start = pos;
            this.pos = pos;
            this.end = end;
            this.done = done;
        }

        void round() {
            long left = end - pos;
            if (left <= 0) {
                done.ret(pos - start);
                return;
            }
            // filemap_splice_read fills the free slots: a page piece per buffer.
            long n = Math.min(left, fitting(pos, Pipe.DEF_BUFFERS));
            kernel.pageCache().spliceRead(t, in, pos, n, (res, waited) -> {
                if (res <= 0) {
                    done.ret(pos > start ? pos - start : res);
                    return;
                }
                int bufs = TcpSocket.spanned(pos % Pipe.PAGE, res, Pipe.PAGE);
                long at = pos;
                boolean more = at + res < end;
                t.compute(bufs * nc.pipeBufNs(), true, () -> s.sendmsg(t, TcpSocket.Source.PAGES, res, at, null, 0, more,
                        kernel, r -> {
                            pos = at + res;
                            // pipe_buf_release of the consumed buffers
                            t.compute(bufs * nc.pipeBufNs(), true, this::round);
                        }));
            });
        }
    }

    /** Bytes from file offset {@code pos} that fit in {@code slots} page-piece buffers. */
    static long fitting(long pos, int slots) {
        return (long) slots * Pipe.PAGE - pos % Pipe.PAGE;
    }
}
