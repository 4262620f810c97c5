package io.stacksim.workload;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
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

    /** Reads {@code workload.server}. */
    public static ServerSpec from(ConfigNode s) {
        String mode = s.choice("mode", "epoll", MODES);
        int n = s.intValue("connections", 1000, 1, 1_000_000);
        double rate;
        if (s.has("rate_per_connection")) {
            if (s.has("rate")) {
                throw s.error("rate_per_connection", "give either rate (all connections) or rate_per_connection, not both");
            }
            rate = positive(s, "rate_per_connection", s.doubleValue("rate_per_connection", 1, 0, 1e9)) * n;
        } else {
            rate = positive(s, "rate", s.doubleValue("rate", 1000, 0, 1e12));
        }
        String arrivals = s.choice("arrivals", "poisson", List.of("poisson", "periodic"));
        long req = s.size("request_size", 128, 1, 1L << 30);
        long resp = s.size("response_size", 1024, 1, 1L << 30);
        long service = s.duration("service_time", 2_000, 1_000);
        long scan = s.duration("user_scan_per_fd", 1, 1);
        long requests = s.longValue("requests", 20_000, 1, Long.MAX_VALUE);
        long warmup = s.longValue("warmup", Math.max(100, requests / 10), 0, Long.MAX_VALUE);
        int workers = s.intValue("workers", 1, 1, 4096);
        int maxEvents = s.intValue("max_events", 256, 1, 1 << 20);
        long recv = s.size("recv_buffer", 16384, 1, 1L << 30);
        if (workers > n) {
            throw s.error("workers", workers + " workers for " + n + " connections");
        }
        return new ServerSpec(mode, n, rate, arrivals.equals("periodic"), req, resp, service, scan, requests, warmup,
                workers, maxEvents, recv);
    }

    private static double positive(ConfigNode s, String key, double v) {
        if (v <= 0) {
            throw s.error(key, "must be greater than 0");
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
