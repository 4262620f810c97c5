package io.stacksim.workload;

import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.Simulator;
import io.stacksim.os.Epoll;
import io.stacksim.os.FdTable;
import io.stacksim.os.Kernel;
import io.stacksim.os.NetStack;
import io.stacksim.os.Peer;
import io.stacksim.os.Poll;
import io.stacksim.os.Pollable;
import io.stacksim.os.Sockets;
import io.stacksim.os.Task;
import io.stacksim.os.TcpSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link ServerSpec}: the clients on the peer send requests (Poisson per connection, or
 * periodic), the server's threads serve them, and the clients time each response from the
 * request's send to the response's last byte.
 *
 * <p>An event-loop worker calls select, poll or epoll_wait (blocking), finds the ready
 * connections in what it got back (user time per descriptor scanned: the whole pollfd array
 * or fd_set for select and poll, the returned events for epoll), and for each one reads what
 * has arrived (one recv of up to recv_buffer bytes on the non-blocking socket), serves the
 * complete requests in it (user time each) and sends a response for each. A thread of the
 * thread-per-connection server does the same with a blocking recv on its one socket.
 */
public final class ServerRunner {
    private final ServerSpec spec;
    private final Kernel kernel;
    private final Simulator sim;
    private final Sockets sockets;
    private final Poll poll;
    private final Epoll epoll;
    private final Peer peer;
    private final RandomStream arrivals;
    private final Conn[] conns;
    private final FdTable fds = new FdTable();
    private final List<Task> tasks = new ArrayList<>();
    /** Response latency of the measured requests. */
    public final LatencyRecorder latency = new LatencyRecorder();
    /** Wait calls (select/poll/epoll_wait) returned and the descriptors they reported ready. */
    public long waitCalls;
    public long readyReported;
    private long completed;
    private boolean measuring;
    private long measured;
    private Runnable onWarm;
    private Runnable onDone;
    private int prepared;

    /** One connection: its server socket and the client's bookkeeping. */
    private static final class Conn {
        TcpSocket socket;
        long pendingBytes; // server side: bytes of a request not yet complete
        long respBytes; // client side: bytes of the response under way
        long[] sent = new long[4]; // client side: send times of outstanding requests (a ring)
        int head;
        int tail;

        void pushSent(long t) {
            if (tail - head == sent.length) {
                long[] next = new long[sent.length * 2];
                for (int i = head; i < tail; i++) {
                    next[i - head] = sent[i & (sent.length - 1)];
                }
                tail -= head;
                head = 0;
                sent = next;
            }
            sent[tail++ & (sent.length - 1)] = t;
        }

        long popSent() {
            return sent[head++ & (sent.length - 1)];
        }
    }

    public ServerRunner(ServerSpec spec, Kernel kernel, NetStack net, RandomStream arrivals) {
        this.spec = spec;
        this.kernel = kernel;
        this.sim = kernel.sim();
        this.sockets = new Sockets(kernel, net);
        this.poll = new Poll(kernel, net.costs());
        this.epoll = new Epoll(kernel, net.costs());
        this.peer = net.peer();
        this.arrivals = arrivals;
        this.conns = new Conn[spec.connections()];
        fds.reserve(); // the listening socket
        if (spec.mode().equals("epoll")) {
            for (int w = 0; w < spec.workers(); w++) {
                fds.reserve(); // the epoll instances
            }
        }
        Peer.App client = this::responseBytes;
        for (int i = 0; i < conns.length; i++) {
            Conn c = new Conn();
            c.socket = net.connect(client, true);
            c.socket.setNonblocking(!spec.mode().equals("threads"));
            fds.install(c.socket);
            conns[i] = c;
        }
    }

    /** The highest descriptor the server uses. */
    public int highestFd() {
        return fds.maxFd();
    }

    public List<Task> tasks() {
        return tasks;
    }

    /** Requests completed (responses fully received) since measuring began. */
    public long measured() {
        return measured;
    }

    /**
     * Starts the server threads; each sets itself up (epoll_ctl registrations, the pollfd array)
     * and then the clients start. {@code warm} runs when the warm-up requests are done,
     * {@code done} when the measured ones are.
     */
    public void start(Runnable warm, Runnable done) {
        this.onWarm = warm;
        this.onDone = done;
        if (spec.mode().equals("threads")) {
            for (Conn c : conns) {
                Task t = kernel.cpus().newTask("server");
                tasks.add(t);
                c.socket.setOwner(t);
                t.start(() -> threadLoop(t, c));
            }
            startClients();
            return;
        }
        for (int w = 0; w < spec.workers(); w++) {
            List<Conn> mine = new ArrayList<>();
            for (int i = w; i < conns.length; i += spec.workers()) {
                mine.add(conns[i]);
            }
            Task t = kernel.cpus().newTask("server");
            tasks.add(t);
            for (Conn c : mine) {
                c.socket.setOwner(t);
            }
            Worker worker = new Worker(t, mine);
            t.start(worker::setup);
        }
    }

    private void workerReady() {
        if (++prepared == spec.workers()) {
            startClients();
        }
    }

    // ------------------------------------------------------------------ clients

    private void startClients() {
        if (completed >= spec.warmup() && !measuring) {
            beginMeasuring();
        }
        if (spec.periodic()) {
            double gap = 1e9 / spec.ratePerSecond();
            tick(0, gap);
            return;
        }
        double mean = 1e9 / spec.ratePerConnection();
        for (int i = 0; i < conns.length; i++) {
            int conn = i;
            sim.after(Math.round(arrivals.exponential(mean)), () -> poissonArrival(conn, mean));
        }
    }

    private void tick(long k, double gap) {
        sim.after(Math.round(gap), () -> {
            request((int) (k % conns.length));
            tick(k + 1, gap);
        });
    }

    private void poissonArrival(int conn, double mean) {
        request(conn);
        sim.after(Math.round(arrivals.exponential(mean)), () -> poissonArrival(conn, mean));
    }

    private void request(int conn) {
        conns[conn].pushSent(sim.now());
        peer.send(conn, spec.requestBytes());
    }

    private void responseBytes(int conn, long bytes) {
        Conn c = conns[conn];
        c.respBytes += bytes;
        while (c.respBytes >= spec.responseBytes()) {
            c.respBytes -= spec.responseBytes();
            long t0 = c.popSent();
            completed++;
            if (measuring) {
                latency.record(sim.now() - t0);
                if (++measured == spec.requests()) {
                    onDone.run();
                }
            } else if (completed >= spec.warmup()) {
                beginMeasuring();
            }
        }
    }

    private void beginMeasuring() {
        measuring = true;
        waitCalls = 0;
        readyReported = 0;
        onWarm.run();
    }

    // ------------------------------------------------------------------ serving

    /** Serves what has arrived on {@code c}: one recv, the complete requests in it, a response each. */
    private void serve(Task t, Conn c, Runnable then) {
        sockets.recvfrom(t, c.socket, spec.recvBytes(), r -> {
            if (r <= 0) {
                then.run(); // EAGAIN: nothing after all
                return;
            }
            c.pendingBytes += r;
            long n = c.pendingBytes / spec.requestBytes();
            c.pendingBytes -= n * spec.requestBytes();
            respond(t, c, n, then);
        });
    }

    private void respond(Task t, Conn c, long n, Runnable then) {
        if (n == 0) {
            then.run();
            return;
        }
        t.compute(spec.serviceNs(), false, () -> sockets.sendto(t, c.socket, spec.responseBytes(), false,
                w -> respond(t, c, n - 1, then)));
    }

    private void threadLoop(Task t, Conn c) {
        serve(t, c, () -> threadLoop(t, c));
    }

    /** One event-loop thread and its connections. */
    private final class Worker {
        private final Task t;
        private final List<Conn> mine;
        private final Conn[] byFd;
        private Poll.PollFd[] pollFds;
        private long[] fdSet;
        private long[] fdSetTemplate;
        private int nfds;
        private Epoll.Instance ep;
        private long[] evData;
        private int[] evMask;

        Worker(Task t, List<Conn> mine) {
            this.t = t;
            this.mine = mine;
            this.byFd = new Conn[fds.maxFd() + 1];
            for (Conn c : mine) {
                byFd[c.socket.fd()] = c;
            }
        }

        void setup() {
            switch (spec.mode()) {
                case "poll" -> {
                    pollFds = new Poll.PollFd[mine.size()];
                    for (int i = 0; i < pollFds.length; i++) {
                        pollFds[i] = new Poll.PollFd(mine.get(i).socket, Pollable.POLLIN);
                    }
                    ready();
                }
                case "select" -> {
                    for (Conn c : mine) {
                        nfds = Math.max(nfds, c.socket.fd() + 1);
                    }
                    fdSetTemplate = new long[(nfds + 63) >>> 6];
                    for (Conn c : mine) {
                        int fd = c.socket.fd();
                        fdSetTemplate[fd >>> 6] |= 1L << fd;
                    }
                    fdSet = new long[fdSetTemplate.length];
                    ready();
                }
                default -> epoll.create(t, e -> {
                    ep = e;
                    evData = new long[spec.maxEvents()];
                    evMask = new int[spec.maxEvents()];
                    register(0);
                });
            }
        }

        private void register(int i) {
            if (i == mine.size()) {
                ready();
                return;
            }
            Conn c = mine.get(i);
            epoll.ctl(t, ep, Epoll.CTL_ADD, c.socket, Epoll.EPOLLIN, c.socket.fd(), r -> register(i + 1));
        }

        private void ready() {
            workerReady();
            loop();
        }

        void loop() {
            switch (spec.mode()) {
                case "poll" -> poll.poll(t, pollFds, pollFds.length, -1, n -> {
                    count(n);
                    // the application walks the whole array for revents
                    t.compute(pollFds.length * spec.scanNsPerFd(), false, () -> servePoll(0));
                });
                case "select" -> {
                    System.arraycopy(fdSetTemplate, 0, fdSet, 0, fdSet.length);
                    poll.select(t, fds, nfds, fdSet, -1, n -> {
                        count(n);
                        // FD_ISSET over every descriptor up to nfds
                        t.compute(nfds * spec.scanNsPerFd(), false, () -> serveSelect(0));
                    });
                }
                default -> epoll.wait(t, ep, evData, evMask, spec.maxEvents(), -1, n -> {
                    count(n);
                    t.compute(n * spec.scanNsPerFd(), false, () -> serveEpoll(0, (int) n));
                });
            }
        }

        private void count(long n) {
            waitCalls++;
            readyReported += Math.max(0, n);
        }

        private void servePoll(int i) {
            for (int j = i; j < pollFds.length; j++) {
                if ((pollFds[j].revents & Pollable.POLLIN) != 0) {
                    int next = j + 1;
                    serve(t, byFd[pollFds[j].file.fd()], () -> servePoll(next));
                    return;
                }
            }
            loop();
        }

        private void serveSelect(int fd) {
            for (int j = fd; j < nfds; j++) {
                if ((fdSet[j >>> 6] & (1L << j)) != 0) {
                    int next = j + 1;
                    serve(t, byFd[j], () -> serveSelect(next));
                    return;
                }
            }
            loop();
        }

        private void serveEpoll(int i, int n) {
            if (i == n) {
                loop();
                return;
            }
            serve(t, byFd[(int) evData[i]], () -> serveEpoll(i + 1, n));
        }
    }
}
