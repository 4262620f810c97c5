package io.stacksim.workload;
import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import java.util.List;

/**
 * A network server under request/response load, config section {@code workload.server}: N
 * established TCP connections from clients on the other side of the link, each sending
 * fixed-size requests at random (Poisson) times; the server answers each with a fixed-size
 * response after some user-space work. How it waits for requests is the point:
 * <ul>
 *   <li>{@code threads}: a thread per connection, blocked in recv;</li>
 *   <li>{@code select}, {@code poll}: event loops that pass every descriptor to the kernel on
 *       every call;</li>
 *   <li>{@code epoll}: an event loop with the descriptors registered once (level-triggered).</li>
 * </ul>
 *
 * @param mode           threads, select, poll or epoll
 * @param connections    N
 * @param ratePerSecond  requests per second over all connections (each connection's Poisson
 *                       process has rate/N); {@code rate_per_connection} sets rate/N instead
 * @param periodic       arrivals one every 1/rate, connections in turn, instead of Poisson
 *                       (for checks against the cost model with every request served alone)
 * @param requestBytes   request size (default 128 B)
 * @param responseBytes  response size (default 1 KiB)
 * @param serviceNs      user-space CPU time to serve one request (default 2 us)
 * @param scanNsPerFd    user-space time per descriptor to find the ready ones in the returned
 *                       set (the pollfd array or FD_ISSET over the fd_set), 1 ns [est]
 * @param requests       requests measured
 * @param warmup         requests served before measuring starts
 * @param workers        event-loop threads, each with its share of the connections (default 1)
 * @param maxEvents      epoll_wait's maxevents (default 256)
 * @param recvBytes      buffer of each recv (default 16 KiB)
 */
public record ServerSpec(String mode, int connections, double ratePerSecond, boolean periodic, long requestBytes,
                         long responseBytes, long serviceNs, long scanNsPerFd, long requests, long warmup, int workers,
                         int maxEvents, long recvBytes) {

    public static final List<String> MODES = List.of("threads", "select", "poll", "epoll");

    static final Tunable<String> MODE = Tunable.choice("mode", "epoll", MODES)
            .help("`threads` (a thread per connection in a blocking recv), `select`, `poll`, `epoll` (level-triggered)");
    static final Tunable<Integer> CONNECTIONS = Tunable.integer("connections", 1000, 1, 1_000_000)
            .help("N; select refuses descriptors from FD_SETSIZE (1024) on: at most 1020 connections");
    static final Tunable<Double> RATE_PER_CONNECTION = Tunable.number("rate_per_connection", 1, 0, 1e9)
            .shownDefault("").help("instead of `rate`: requests per second of each connection");
    static final Tunable<Double> RATE = Tunable.number("rate", 1000, 0, 1e12)
            .help("requests per second over all connections");
    static final Tunable<String> ARRIVALS = Tunable.choice("arrivals", "poisson", List.of("poisson", "periodic"))
            .help("`poisson` (independent per connection) or `periodic` (one every 1/rate, connections in turn)");
    static final Tunable<Long> REQUEST_SIZE = Tunable.size("request_size", 128, 1, 1L << 30).help("request size");
    static final Tunable<Long> RESPONSE_SIZE = Tunable.size("response_size", 1024, 1, 1L << 30).help("response size");
    static final Tunable<Long> SERVICE_TIME = Tunable.duration("service_time", 2_000, 1_000)
            .help("user-space CPU per request");
    static final Tunable<Long> USER_SCAN_PER_FD = Tunable.duration("user_scan_per_fd", 1, 1)
            .help("user time per descriptor to find the ready ones (pollfd array, FD_ISSET) [est]");
    static final Tunable<Long> REQUESTS = Tunable.longInteger("requests", 20_000, 1, Long.MAX_VALUE)
            .help("requests measured");
    static final Tunable<Long> WARMUP = Tunable.longInteger("warmup", 2_000, 0, Long.MAX_VALUE)
            .shownDefault("10% of requests, at least 100").help("requests served before measuring");
    static final Tunable<Integer> WORKERS = Tunable.integer("workers", 1, 1, 4096)
            .help("event-loop threads, each with connections/workers descriptors");
    static final Tunable<Integer> MAX_EVENTS = Tunable.integer("max_events", 256, 1, 1 << 20)
            .help("epoll_wait's maxevents");
    static final Tunable<Long> RECV_BUFFER = Tunable.size("recv_buffer", 16384, 1, 1L << 30).help("bytes per recv");

    /** The {@code workload.server} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("workload.server",
            "The server workload (`workload.server`)", MODE, CONNECTIONS, RATE, RATE_PER_CONNECTION, ARRIVALS,
            REQUEST_SIZE, RESPONSE_SIZE, SERVICE_TIME, USER_SCAN_PER_FD, REQUESTS, WARMUP, WORKERS, MAX_EVENTS,
            RECV_BUFFER)
            .intro("""
                    A network server with N established connections from clients on the other side of the link
                    (the `net` section's NIC; its defaults apply if the section is absent). Each connection sends
                    fixed-size requests; the server answers each with a fixed-size response after some user-space
                    work. `stacksim multiplex` runs it over modes and connection counts; `stacksim run` runs one
                    point and reports `server.*` (throughput, CPU per request and its user/sys/irq parts, wait calls
                    per request, ready descriptors per wait call, the cost model's figure for requests served one at
                    a time) and `lat.request.*` (request sent to response received, at the client).""");

    /** Reads {@code workload.server}. */
    public static ServerSpec from(ConfigNode s) {
        String mode = MODE.read(s);
        int n = CONNECTIONS.read(s);
        double rate;
        if (RATE_PER_CONNECTION.isSet(s)) {
            if (RATE.isSet(s)) {
                throw RATE_PER_CONNECTION.error(s, "give either rate (all connections) or rate_per_connection, not both");
            }
            rate = positive(s, RATE_PER_CONNECTION) * n;
        } else {
            rate = positive(s, RATE);
        }
        String arrivals = ARRIVALS.read(s);
        long req = REQUEST_SIZE.read(s);
        long resp = RESPONSE_SIZE.read(s);
        long service = SERVICE_TIME.read(s);
        long scan = USER_SCAN_PER_FD.read(s);
        long requests = REQUESTS.read(s);
        long warmup = WARMUP.read(s, Math.max(100, requests / 10));
        int workers = WORKERS.read(s);
        int maxEvents = MAX_EVENTS.read(s);
        long recv = RECV_BUFFER.read(s);
        if (workers > n) {
            throw WORKERS.error(s, workers + " workers for " + n + " connections");
        }
        return new ServerSpec(mode, n, rate, arrivals.equals("periodic"), req, resp, service, scan, requests, warmup,
                workers, maxEvents, recv);
    }

    private static double positive(ConfigNode s, Tunable<Double> t) {
        double v = t.read(s);
        if (v <= 0) {
            throw t.error(s, "must be greater than 0");
        }
        return v;
    }

    /** Requests per second of one connection. */
    public double ratePerConnection() {
        return ratePerSecond / connections;
    }

    /** Fails like a config error if select cannot hold the descriptors this server needs. */
    public void checkSelectLimit(ConfigNode s, int highestFd) {
        if (mode.equals("select") && highestFd >= io.stacksim.os.Poll.FD_SETSIZE) {
            throw ConfigException.at(s.child("connections") != null ? s.child("connections").origin() : s.origin(),
                    "select cannot watch " + connections + " connections: their"
                            + " descriptors reach " + highestFd + ", but fd_set holds 0.." + (io.stacksim.os.Poll.FD_SETSIZE - 1)
                            + " (FD_SETSIZE " + io.stacksim.os.Poll.FD_SETSIZE + "); at most "
                            + (io.stacksim.os.Poll.FD_SETSIZE - (highestFd - connections + 1)) + " connections fit. Use poll or epoll.");
        }
    }
}
