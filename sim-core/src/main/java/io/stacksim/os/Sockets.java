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

    // ------------------------------------------------------------------ set-up

    /** socket(AF_INET, SOCK_STREAM, 0): a TCP socket, not yet connected. */
    public void socket(Task t, java.util.function.Consumer<TcpSocket> k) {
        kernel.enter(t, Syscall.SOCKET, nc.socketCallNs(), () -> {
            TcpSocket s = net.newSocket();
            kernel.exit(t, 0, r -> k.accept(s));
        });
    }

    /** setsockopt(2): {@code apply} sets the option (SO_SNDBUF, TCP_NODELAY, ...). */
    public void setsockopt(Task t, Runnable apply, Kernel.Ret k) {
        kernel.enter(t, Syscall.SETSOCKOPT, nc.socketCallNs(), () -> {
            apply.run();
            kernel.exit(t, 0, k);
        });
    }

    /**
     * bind(2) to {@code port} and listen(2) with {@code backlog}: two calls; {@code k} gets the
     * listening socket, or null when the port is taken (EADDRINUSE).
     */
    public void listen(Task t, int port, int backlog, java.util.function.Consumer<TcpListener> k) {
        kernel.enter(t, Syscall.BIND, nc.socketCallNs(), () -> kernel.exit(t, 0, r0 ->
                kernel.enter(t, Syscall.LISTEN, nc.socketCallNs(), () -> {
                    TcpListener l = net.listen(port, backlog);
                    kernel.exit(t, l == null ? -98 : 0, r -> k.accept(l));
                })));
    }

    /** accept(2): the oldest established connection, waiting for one (inet_csk_wait_for_connect). */
    public void accept(Task t, TcpListener l, java.util.function.Consumer<TcpSocket> k) {
        kernel.enter(t, Syscall.ACCEPT, nc.socketCallNs(), () -> acceptBody(t, l, k));
    }

    private void acceptBody(Task t, TcpListener l, java.util.function.Consumer<TcpSocket> k) {
        TcpSocket c = l.poll();
        if (c != null) {
            c.setOwner(t);
            kernel.exit(t, 0, r -> k.accept(c));
            return;
        }
        l.waitQueue().sleepUntil(t, Pollable.POLLIN, () -> acceptBody(t, l, k));
    }

    /**
     * connect(2) of {@code s} to local {@code port} (127.0.0.1): the handshake over lo; returns 0
     * once the SYN-ACK is in, or -ECONNREFUSED.
     */
    public void connectLocal(Task t, TcpSocket s, int port, Kernel.Ret k) {
        connect(t, s, k, (w, done) -> net.connectLocal(s, port, w, t.cpu(), done));
    }

    /**
     * connect(2) of {@code s} to the peer over the NIC: the handshake through the NIC and the
     * link; returns 0 once the SYN-ACK is in. {@code app} is what the peer does with the data.
     */
    public void connectRemote(Task t, TcpSocket s, Peer.App app, boolean pingpong, Kernel.Ret k) {
        connect(t, s, k, (w, done) -> net.connectRemote(s, app, pingpong, w, t.cpu(), done));
    }

    /**
     * connect(2)'s body: starts the handshake; the call returns at the end of its own work if the
     * handshake is already done, or sleeps until it is (inet_wait_for_connect).
     */
    private void connect(Task t, TcpSocket s, Kernel.Ret k,
                         java.util.function.BiConsumer<KernelWork, java.util.function.LongConsumer> handshake) {
        kernel.enter(t, Syscall.CONNECT, nc.socketCallNs(), () -> {
            s.setOwner(t);
            KernelWork w = new KernelWork();
            long[] result = {Long.MIN_VALUE};
            boolean[] asleep = {false};
            handshake.accept(w, r -> {
                if (asleep[0]) {
                    asleep[0] = false;
                    t.wake(() -> kernel.exit(t, r, k));
                } else {
                    result[0] = r;
                }
            });
            w.spend(t, () -> {
                if (result[0] != Long.MIN_VALUE) {
                    kernel.exit(t, result[0], k);
                } else {
                    asleep[0] = true;
                    t.sleep();
                }
            });
        });
    }

    /** close(2) of a connected socket: FIN after what is queued, or a reset with data unread. */
    public void close(Task t, TcpSocket s, Kernel.Ret k) {
        kernel.enter(t, Syscall.CLOSE, cost.vfsCallNs() + nc.socketCallNs(), () -> {
            KernelWork w = new KernelWork();
            s.close(w, t.cpu());
            w.spend(t, () -> kernel.exit(t, 0, k));
        });
    }

    // ------------------------------------------------------------------ UDP

    /** socket(AF_INET, SOCK_DGRAM, 0) for {@code u}. */
    public void udpSocket(Task t, UdpSocket u, Kernel.Ret k) {
        kernel.enter(t, Syscall.SOCKET, nc.socketCallNs(), () -> kernel.exit(t, 0, k));
    }

    /** bind(2) of {@code u} to {@code port} with SO_REUSEADDR and SO_REUSEPORT, and IP_ADD_MEMBERSHIP of {@code group}. */
    public void bindUdp(Task t, UdpSocket u, int port, String group, Kernel.Ret k) {
        Runnable bind = () -> kernel.enter(t, Syscall.BIND, nc.socketCallNs(), () -> {
            net.bindUdp(u, port, group);
            kernel.exit(t, 0, k);
        });
        // the two setsockopt calls for SO_REUSEADDR/SO_REUSEPORT, one more for the membership
        int opts = group == null ? 2 : 3;
        setsockoptTimes(t, opts, bind);
    }

    private void setsockoptTimes(Task t, int n, Runnable then) {
        if (n == 0) {
            then.run();
            return;
        }
        setsockopt(t, () -> { }, r -> setsockoptTimes(t, n - 1, then));
    }

    /** sendto(fd, buf, len, 0, to, tolen) of one datagram of {@code kind} (data, fio's open or close message). */
    public void sendtoUdp(Task t, UdpSocket u, String host, int port, long len, int kind, long seq, Kernel.Ret k) {
        kernel.enter(t, Syscall.SENDTO, nc.socketCallNs(), () -> {
            KernelWork w = new KernelWork();
            net.sendUdp(u, t, host, port, len, kind, seq, w, t.cpu());
            w.spend(t, () -> kernel.exit(t, len, k));
        });
    }

    /** recvfrom(fd, buf, len, 0, from, &fromlen): one datagram, waited for. */
    public void recvfromUdp(Task t, UdpSocket u, long len, Kernel.Ret k) {
        kernel.enter(t, Syscall.RECVFROM, nc.socketCallNs(), () -> u.recvmsg(t, len, r -> kernel.exit(t, r, k)));
    }

    /** close(2) of a listening socket. */
    public void close(Task t, TcpListener l, Kernel.Ret k) {
        kernel.enter(t, Syscall.CLOSE, cost.vfsCallNs(), () -> {
            net.closeListener(l);
            kernel.exit(t, 0, k);
        });
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
