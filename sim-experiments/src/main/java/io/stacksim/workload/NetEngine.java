package io.stacksim.workload;

import io.stacksim.os.Kernel;
import io.stacksim.os.NetStack;
import io.stacksim.os.Pipe;
import io.stacksim.os.Pipes;
import io.stacksim.os.Poll;
import io.stacksim.os.Pollable;
import io.stacksim.os.Sockets;
import io.stacksim.os.Task;
import io.stacksim.os.TcpListener;
import io.stacksim.os.TcpSocket;
import io.stacksim.os.UdpSocket;
import java.util.function.IntConsumer;

/**
 * fio's net and netsplice engines (engines/net.c) over the simulated TCP/IP stack: a job with
 * {@code listen} binds its port and waits in poll and accept(2) for a connection (then fio
 * resets the job's statistics, so the wait is not counted); a job with {@code hostname}
 * connects to it - over the loopback device when the host is this one (localhost, 127.0.0.0/8,
 * ::1), else to the simulated peer over the NIC. Each unit is one send(2) (with MSG_MORE while
 * more of the job's size follows, unless pingpong) or one recv(2), which returns what is
 * queued; a short transfer is requeued for the rest (io_queue_event's resid path, counted as a
 * short I/O, the piece already moved not counted in io_bytes, as fio does). With
 * {@code pingpong} each unit is answered: the receiver sends the unit back, the sender waits
 * for it. netsplice moves the data through a pipe: vmsplice the buffer in and splice it to the
 * socket, or splice from the socket and vmsplice it out.
 *
 * <p>protocol=udp (and udpv6): datagrams, {@link UdpSocket}; the reader binds the port (and
 * joins the group when hostname is a multicast address), the writer sends its open message,
 * each unit as one datagram with fio's sequence trailer, and the close message at the end; a
 * datagram lost to a full receive buffer shows as fio's dropped count. protocol=unix and
 * IPv6 run over the same loopback model (AF_UNIX is not simulated apart: its stream is given
 * TCP's costs, a documented approximation).
 *
 * <p>At the job's end close_file sends fio's 8-byte close message and closes the socket; a
 * receiver that closes with data unread resets the connection, and a sender writing to it
 * then gets EPIPE, which in fio is SIGPIPE: the sender's job ends there.
 */
public final class NetEngine implements Engine {
    /** ioengine=net. */
    static final IoEngineType NET = new IoEngineType("net", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new NetEngine(r, false));
    /** ioengine=netsplice (CONFIG_LINUX_SPLICE). */
    static final IoEngineType NETSPLICE = new IoEngineType("netsplice", true, false, IoEngineType.DeviceDepth.ONE,
            r -> new NetEngine(r, true));

    private static final long EPIPE = -32;
    /** sizeof(struct udp_seq): magic, sequence number and block size, written at a datagram's end. */
    static final int UDP_SEQ = 24;
    /** sizeof(struct udp_close_msg): magic and command. */
    static final int CLOSE_MSG = 8;

    private final JobRunner r;
    private final boolean splice;
    private final NetOptions o;
    private final boolean reader;
    private NetStack net;
    private Sockets sockets;
    private Pipes pipes;
    private Poll poll;
    private TcpListener listener;
    private TcpSocket sock;
    private UdpSocket udp;
    private Pipe pipe;
    private long written;
    private boolean brokenPipe;
    private long sendSeq;
    private long recvSeq;

    private NetEngine(JobRunner r, boolean splice) {
        this.r = r;
        this.splice = splice;
        this.o = NetOptions.of(r.spec(), r.cloneIndex());
        this.reader = r.spec().rw().reads;
    }

    /** True for the engines of engines/net.c. */
    static boolean isNet(IoEngineType t) {
        return t == NET || t == NETSPLICE;
    }

    /**
     * A listening job (or UDP reader) whose run has no job that connects (or sends) to it would
     * wait for ever, as fio does; {@code jobs} are the jobs that run together. Throws an
     * IllegalArgumentException naming the job.
     */
    public static void checkPeers(java.util.List<JobSpec> jobs) {
        for (JobSpec j : jobs) {
            if (isNet(j.engine().kind())) {
                try {
                    NetOptions.of(j, 0);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException((j.origin() == null ? "" : j.origin() + ": ") + "job '" + j.name()
                            + "': " + e.getMessage());
                }
            }
        }
        java.util.Set<String> targets = new java.util.HashSet<>();
        for (JobSpec j : jobs) {
            if (!isNet(j.engine().kind())) {
                continue;
            }
            for (int c = 0; c < j.numjobs(); c++) {
                NetOptions o = NetOptions.of(j, c);
                boolean sender = o.udp() ? !j.rw().reads : !o.listen();
                if (sender && o.local()) {
                    targets.add(key(o, o.udp() ? o.host() : null));
                }
            }
        }
        for (JobSpec j : jobs) {
            if (!isNet(j.engine().kind())) {
                continue;
            }
            for (int c = 0; c < j.numjobs(); c++) {
                NetOptions o = NetOptions.of(j, c);
                boolean waits = o.udp() ? j.rw().reads : o.listen();
                if (waits && !targets.contains(key(o, o.udp() ? (o.multicast() ? o.host() : "localhost") : null))) {
                    throw new IllegalArgumentException((j.origin() == null ? "" : j.origin() + ": ") + "job '" + j.name()
                            + "' waits for a "
                            + (o.udp() ? "writer's datagrams" : "connection") + " on " + where(o)
                            + ", but no job running with it " + (o.udp() ? "sends there" : "connects there")
                            + " (fio would wait for ever; the simulated peer over the NIC never connects)");
                }
            }
        }
    }

    private static String key(NetOptions o, String host) {
        String h = host == null ? "" : NetStackHosts.normal(host);
        return o.protocol().name().replace("V6", "") + ":" + o.listenKey() + ":" + h;
    }

    private static String where(NetOptions o) {
        return o.protocol() == NetOptions.Protocol.UNIX ? "unix socket " + o.host()
                : (o.multicast() ? "group " + o.host() + " " : "") + "port " + o.port();
    }

    /** Names of this host, one spelling each. */
    private static final class NetStackHosts {
        static String normal(String h) {
            return io.stacksim.os.NetStack.isLocalAddress(h) ? "localhost" : h;
        }
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    /** fio_netio_setup (the pipe of netsplice), fio_netio_init (listen or resolve) and open_file (accept or connect). */
    @Override
    public void init(Runnable k) {
        net = r.network();
        Kernel kernel = r.kernel();
        sockets = new Sockets(kernel, net);
        pipes = new Pipes(kernel, net.costs());
        poll = new Poll(kernel, net.costs());
        Task t = r.task();
        Runnable open = o.udp() ? () -> openUdp(k) : o.listen() ? () -> accept(k) : () -> connect(k);
        if (splice && !o.udp() && o.protocol() != NetOptions.Protocol.UNIX) {
            pipes.pipe(t, p -> {
                pipe = p;
                open.run();
            });
        } else {
            open.run();
        }
    }

    // ------------------------------------------------------------------ TCP set-up

    private void accept(Runnable k) {
        Task t = r.task();
        sockets.listen(t, o.listenKey(), 10, l -> {
            if (l == null) {
                throw new JobRunner.JobError(r.spec(), "bind: Address already in use (port " + o.port() + ")");
            }
            listener = l;
            // set_window_size and set_mss on the listening socket: every child inherits them.
            l.setChildOptions(this::applyOptions);
            Runnable wait = () -> pollFor(l, Pollable.POLLIN, () -> sockets.accept(t, l, c -> {
                sock = c;
                c.setNoDelay(false); // Nagle, unless nodelay=1
                Runnable ready = () -> {
                    r.resetStats(); // fio_netio_accept: reset_all_stats once connected
                    k.run();
                };
                if (o.nodelay()) {
                    sockets.setsockopt(t, () -> c.setNoDelay(true), x -> ready.run());
                } else {
                    ready.run();
                }
            }));
            int opts = 2 + (o.windowSize() > 0 ? (o.pingpong() ? 2 : 1) : 0) + (o.mss() > 0 ? 1 : 0);
            setsockopts(opts, wait); // SO_REUSEADDR, SO_REUSEPORT, then the window and MSS
        });
    }

    private void setsockopts(int n, Runnable then) {
        if (n == 0) {
            then.run();
            return;
        }
        sockets.setsockopt(r.task(), () -> { }, x -> setsockopts(n - 1, then));
    }

    private void connect(Runnable k) {
        Task t = r.task();
        sockets.socket(t, s -> {
            sock = s;
            s.setNoDelay(false); // Nagle, unless nodelay=1
            Runnable after = () -> {
                if (o.local()) {
                    sockets.connectLocal(t, s, o.listenKey(), res -> {
                        if (res < 0) {
                            throw new JobRunner.JobError(r.spec(), "connect: Connection refused (nothing listens on port "
                                    + o.port() + " of " + o.host() + " when the job connects: give the listening job no"
                                    + " startdelay and this one a later one)");
                        }
                        k.run();
                    });
                } else {
                    if (reader) {
                        throw new JobRunner.JobError(r.spec(), "connect to " + o.host() + " to read: the simulated peer"
                                + " over the NIC only receives (and answers pingpong); it sends no stream of its own");
                    }
                    // the remote end as fio's receiver there would be: it reads, and with pingpong answers each unit
                    long unit = r.spec().access().bs().write().max();
                    long[] got = {0};
                    sockets.connectRemote(t, s, (conn, bytes) -> {
                        got[0] += bytes;
                        while (o.pingpong() && got[0] >= unit) {
                            got[0] -= unit;
                            net.peer().send(conn, unit);
                        }
                    }, o.pingpong(), res -> k.run());
                }
            };
            setOptions(s, after);
        });
    }

    /** nodelay, window_size and mss as fio sets them with setsockopt before connect. */
    private void setOptions(TcpSocket s, Runnable k) {
        Task t = r.task();
        Runnable mss = () -> {
            if (o.mss() > 0) {
                sockets.setsockopt(t, () -> s.setMaxSegment(o.mss()), x -> k.run());
            } else {
                k.run();
            }
        };
        Runnable window = () -> {
            if (o.windowSize() > 0) {
                sockets.setsockopt(t, () -> applyWindow(s), x -> mss.run());
            } else {
                mss.run();
            }
        };
        if (o.nodelay()) {
            sockets.setsockopt(t, () -> s.setNoDelay(true), x -> window.run());
        } else {
            window.run();
        }
    }

    /** The listening socket's window and MSS, which the accepted child inherits. */
    private void applyOptions(TcpSocket c) {
        applyWindow(c);
        if (o.mss() > 0) {
            c.setMaxSegment(o.mss());
        }
    }

    /** set_window_size: SO_RCVBUF on a receiving end (listen or pingpong), SO_SNDBUF on a sending one. */
    private void applyWindow(TcpSocket s) {
        if (o.windowSize() <= 0) {
            return;
        }
        if (o.listen() || o.pingpong()) {
            s.setReceiveBuffer(o.windowSize());
        }
        if (!o.listen() || o.pingpong()) {
            s.setSendBuffer(o.windowSize());
        }
    }

    /** fio's poll_wait: poll(fd, events, -1) until it is ready. */
    private void pollFor(Pollable f, int events, Runnable k) {
        Poll.PollFd[] fds = {new Poll.PollFd(f, events)};
        poll.poll(r.task(), fds, 1, -1, res -> k.run());
    }

    // ------------------------------------------------------------------ UDP set-up

    private void openUdp(Runnable k) {
        Task t = r.task();
        udp = net.udpSocket();
        sockets.udpSocket(t, udp, x -> {
            if (reader) {
                // fio_netio_setup_listen_inet: bind the port (SO_REUSEADDR/SO_REUSEPORT), join the group.
                sockets.bindUdp(t, udp, o.port(), o.multicast() ? o.host() : null, res -> {
                    // fio_netio_udp_recv_open: wait for the writer's open message.
                    udpRecvOpen(k);
                });
            } else {
                // fio_netio_send_open.
                sockets.sendtoUdp(t, udp, o.host(), o.port(), CLOSE_MSG, UdpSocket.OPEN, 0, res -> k.run());
            }
        });
    }

    private void udpRecvOpen(Runnable k) {
        sockets.recvfromUdp(r.task(), udp, CLOSE_MSG, res -> {
            if (udp.lastKind() != UdpSocket.OPEN) {
                throw new JobRunner.JobError(r.spec(), "bad udp open magic (a datagram other than the writer's open"
                        + " message came first)");
            }
            r.resetStats(); // fio_gettime(&td->start): the job's time starts at the open message
            k.run();
        });
    }

    // ------------------------------------------------------------------ I/O

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        r.issued(u);
        boolean read = u.ddir == JobStats.READ;
        transfer(u, read, res -> {
            if (res > 0 && o.pingpong() && res == u.length) {
                // fio_netio_queue: the reply in the other direction, for the same length.
                transfer(u, !read, res2 -> finish(u, res2, status));
                return;
            }
            finish(u, res, status);
        });
    }

    private void transfer(IoUnit u, boolean read, Kernel.Ret k) {
        Task t = r.task();
        if (udp != null) {
            if (read) {
                sockets.recvfromUdp(t, udp, u.length, res -> {
                    if (udp.lastKind() == UdpSocket.CLOSE) {
                        r.done(); // is_close_msg: td->done
                        k.ret(0);
                        return;
                    }
                    if (udp.lastKind() == UdpSocket.DATA && u.length >= UDP_SEQ) {
                        // verify_udp_seq: a gap in the writer's sequence numbers counts as dropped I/Os
                        long seq = udp.lastSeq();
                        if (seq != recvSeq) {
                            r.dropped(u.ddir, seq - recvSeq);
                        }
                        recvSeq = seq + 1;
                    }
                    k.ret(res);
                });
            } else {
                String to = o.listen() || reader ? udp.lastSource() : o.host();
                int port = o.listen() || reader ? udp.lastSourcePort() : o.port();
                sockets.sendtoUdp(t, udp, to, port, u.length, UdpSocket.DATA, sendSeq++, k);
            }
            return;
        }
        if (read) {
            if (splice) {
                // fio_netio_splice_in: splice_io_u into the pipe until the unit is in, then vmsplice it out
                spliceLoop(true, u.length, 0, res -> {
                    if (res <= 0) {
                        k.ret(res);
                        return;
                    }
                    drainLoop(res, 0, k);
                });
            } else {
                sockets.recvfrom(t, sock, u.length, res -> {
                    if (res == CLOSE_MSG && sock.readable() == 0 && sock.finReceived()) {
                        r.done(); // is_close_msg
                        k.ret(0);
                        return;
                    }
                    k.ret(res);
                });
            }
            return;
        }
        long size = r.spec().files().size().bytes();
        boolean more = !o.pingpong() && written + u.length < size;
        if (splice) {
            // fio_netio_splice_out: vmsplice the buffer into the pipe (vmsplice_io_u's loop), then splice it out
            fillLoop(u.length, 0, res -> {
                if (res <= 0) {
                    k.ret(res);
                    return;
                }
                spliceLoop(false, res, 0, sent -> {
                    if (sent > 0) {
                        written += sent;
                    }
                    k.ret(sent);
                });
            }, more);
        } else {
            sockets.sendto(t, sock, u.length, more, res -> {
                if (res > 0) {
                    written += res;
                }
                k.ret(res);
            });
        }
    }

    /**
     * splice_io_u: splice until {@code len} bytes moved (from the socket into the pipe, or from
     * the pipe to the socket), 0 or an error ending it early. A call that finds the pipe full
     * with the job itself its only reader would sleep forever, as fio does: that is an error here.
     */
    private void spliceLoop(boolean in, long len, long done, Kernel.Ret k) {
        if (done >= len) {
            k.ret(done);
            return;
        }
        Task t = r.task();
        if (in) {
            if (pipe.full()) {
                throw stuck("splice from the socket", len, done);
            }
            pipes.spliceFromSocket(t, sock, pipe.writeEnd(), len - done, res -> next(in, len, done, res, k));
        } else {
            pipes.spliceToSocket(t, pipe.readEnd(), sock, len - done, 0, res -> next(in, len, done, res, k));
        }
    }

    private void next(boolean in, long len, long done, long res, Kernel.Ret k) {
        if (res <= 0) {
            k.ret(done > 0 ? done : res);
            return;
        }
        spliceLoop(in, len, done + res, k);
    }

    /** vmsplice_io_u into the pipe: the whole buffer, call after call. */
    private void fillLoop(long len, long done, Kernel.Ret k, boolean more) {
        if (done >= len) {
            k.ret(done);
            return;
        }
        if (pipe.full()) {
            throw stuck("vmsplice into the pipe", len, done);
        }
        pipes.vmspliceToPipe(r.task(), pipe.writeEnd(), len - done, done % Pipe.PAGE, res -> {
            if (res <= 0) {
                k.ret(done > 0 ? done : res);
                return;
            }
            fillLoop(len, done + res, k, more);
        });
    }

    /** vmsplice_io_u out of the pipe into the buffer. */
    private void drainLoop(long len, long done, Kernel.Ret k) {
        if (done >= len) {
            k.ret(done);
            return;
        }
        pipes.vmspliceFromPipe(r.task(), pipe.readEnd(), len - done, res -> {
            if (res <= 0) {
                k.ret(done > 0 ? done : res);
                return;
            }
            drainLoop(len, done + res, k);
        });
    }

    private JobRunner.JobError stuck(String call, long len, long done) {
        return new JobRunner.JobError(r.spec(), "netsplice blocks forever: " + call + " finds the pipe full ("
                + Pipe.DEF_BUFFERS + " buffers) after " + done + " of the unit's " + len + " bytes, and only this job"
                + " empties it (engines/net.c's splice_io_u and vmsplice_io_u loop until the whole unit is in the pipe;"
                + " real fio 3.33 hangs the same way); use a smaller bs");
    }

    private void finish(IoUnit u, long res, IntConsumer status) {
        if (res == EPIPE || res == -104) {
            // SIGPIPE: fio's job process dies (its report shows the signal).
            brokenPipe = true;
            r.killedBySignal(13);
            u.result = 0;
            r.shortTransfer(u, 0);
            status.accept(COMPLETED);
            return;
        }
        if (res >= 0 && res < u.length) {
            // __fio_netio_queue: a short transfer sets resid; nothing moved (EOF, close message) is FIO_Q_BUSY.
            if (res == 0) {
                if (!r.isDone()) {
                    r.done(); // end of file: the other end closed (fio would spin; the job ends here)
                }
                u.result = 0;
                r.shortTransfer(u, 0);
                status.accept(COMPLETED);
                return;
            }
            r.shortTransfer(u, res);
            status.accept(COMPLETED);
            return;
        }
        u.result = res;
        r.completed(u);
        status.accept(COMPLETED);
    }

    /** fio_netio_close_file: the close message (fio_netio_send_close), then close(2). */
    @Override
    public void close(Runnable k) {
        Task t = r.task();
        if (udp != null) {
            if (!reader) {
                sockets.sendtoUdp(t, udp, o.host(), o.port(), CLOSE_MSG, UdpSocket.CLOSE, 0, res -> k.run());
            } else {
                k.run();
            }
            return;
        }
        Runnable closeListener = () -> {
            if (listener != null) {
                sockets.close(t, listener, x -> k.run());
            } else {
                k.run();
            }
        };
        if (sock == null) {
            closeListener.run();
            return;
        }
        Runnable closeSock = () -> sockets.close(t, sock, x -> closeListener.run());
        if (brokenPipe || sock.isClosed()) {
            closeListener.run();
            return;
        }
        // sendto on a connected TCP socket ignores the address: the 8 bytes go into the stream.
        sockets.sendto(t, sock, CLOSE_MSG, false, res -> closeSock.run());
    }
}
