package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.Parallel;
import io.stacksim.experiment.run.Simulation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stacksim multiplex}: the server of {@code workload.server} run for each waiting
 * mechanism and number of connections; one {@code stacksim run} per point, so any point can be
 * reproduced with {@code stacksim run CONFIG --set workload.server.mode=... --set ...connections=...}.
 */
@Command(name = "multiplex", mixinStandardHelpOptions = true,
        description = "Serve N connections with a thread per connection, select, poll and epoll, and print throughput,"
                + " latency and CPU per request as N grows, next to the CPU per request the cost model implies when each"
                + " request is served alone.")
final class MultiplexCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG.yaml",
            description = "base config with a workload.server section (default: the built-in defaults)")
    Path config;

    @Option(names = "--connections", split = ",", paramLabel = "N,...", description = "connection counts (default: 10,100,1000,10000)")
    List<Integer> connections = new ArrayList<>(List.of(10, 100, 1000, 10000));

    @Option(names = "--modes", split = ",", paramLabel = "MODE,...", description = "threads, select, poll, epoll (default: all)")
    List<String> modes = new ArrayList<>(List.of("threads", "select", "poll", "epoll"));

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = {"override a config value,", "e.g. --set workload.server.rate=200"})
    List<String> sets = new ArrayList<>();

    @Option(names = "--threads", description = "simulations run in parallel (default: all cores); results do not depend on it")
    int threads = Runtime.getRuntime().availableProcessors();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private record Point(String mode, int n) {
    }

    private record Outcome(Map<String, Number> metrics, String error) {
    }

    @Override
    public Integer call() {
        if (threads < 1) {
            throw new ConfigException("--threads " + threads + ": expected an integer >= 1");
        }
        ConfigNode base = ConfigLoader.load(config, sets);
        ConfigNode server = base.section("workload").section("server");
        if (server.get("requests") == null) {
            base.set("workload.server.requests", "5000", Origin.flag("multiplex default"));
        }
        if (server.get("rate") == null && server.get("rate_per_connection") == null) {
            base.set("workload.server.rate", "50", Origin.flag("multiplex default"));
        }
        List<Point> points = new ArrayList<>();
        for (int n : connections) {
            for (String m : modes) {
                points.add(new Point(m, n));
            }
        }
        List<Outcome> outcomes = runAll(base, points);
        PrintWriter out = spec.commandLine().getOut();
        String arrivals = base.get("workload.server.arrivals") == null ? "poisson" : base.get("workload.server.arrivals");
        out.printf(Locale.ROOT, "Server: %s requests/s (%s arrivals), %s requests measured per point%n%n",
                base.get("workload.server.rate") != null ? base.get("workload.server.rate")
                        : base.get("workload.server.rate_per_connection") + " x N", arrivals, base.get("workload.server.requests"));
        out.printf(Locale.ROOT, "%-8s %6s %9s %10s %10s %11s %9s %9s %9s %10s %8s %12s%n", "mode", "N", "req/s", "lat mean",
                "lat p99", "CPU/req", "user", "sys", "irq", "waits/req", "ready", "alone model");
        out.printf(Locale.ROOT, "%-8s %6s %9s %10s %10s %11s %9s %9s %9s %10s %8s %12s%n", "", "", "", "(us)", "(us)", "(us)",
                "(us)", "(us)", "(us)", "", "per wait", "(us)");
        Map<String, Number> pollAtMax = null;
        Map<String, Number> epollAtMax = null;
        int maxN = connections.stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            Outcome o = outcomes.get(i);
            if (o.error() != null) {
                out.printf(Locale.ROOT, "%-8s %6d  error: %s%n", p.mode(), p.n(), o.error());
                continue;
            }
            Map<String, Number> m = o.metrics();
            out.printf(Locale.ROOT, "%-8s %6d %9.1f %10.1f %10.1f %11.2f %9.2f %9.2f %9.2f %10.2f %8.2f %12.2f%n", p.mode(), p.n(),
                    d(m, "server.throughput_rps"), d(m, "lat.request.mean_us"), d(m, "lat.request.p99_us"),
                    d(m, "server.cpu_per_request_us"), d(m, "server.cpu_per_request.user_us"),
                    d(m, "server.cpu_per_request.sys_us"), d(m, "server.cpu_per_request.irq_us"),
                    d(m, "server.wait_calls_per_request"), d(m, "server.ready_per_wait_call"),
                    d(m, "server.predicted_cpu_per_request_us"));
            if (p.n() == maxN && p.mode().equals("poll")) {
                pollAtMax = m;
            }
            if (p.n() == maxN && p.mode().equals("epoll")) {
                epollAtMax = m;
            }
        }
        out.println();
        out.println("CPU/req: CPU time of all cores (user, system, interrupts) over the requests served. alone model: the CPU");
        out.println("per request the cost model implies when each request finds the server idle (MultiplexCosts): the same");
        out.println("request path for every mode, plus for select/poll n x (2 x os.poll_per_fd + os.poll_wait_entry +");
        out.println("user_scan_per_fd) and the fd-set copies (a pass registering wait entries, a pass after the wake-up), and");
        out.println("for epoll a constant (callback, the item checked when reported and once more when dropped, two calls).");
        out.println("ready per wait > 1 means requests shared a wait call, which lowers select's and poll's cost per request.");
        if (pollAtMax != null && epollAtMax != null) {
            double measured = d(pollAtMax, "server.cpu_per_request_us") / d(epollAtMax, "server.cpu_per_request_us");
            double implied = d(pollAtMax, "server.predicted_cpu_per_request_us") / d(epollAtMax, "server.predicted_cpu_per_request_us");
            out.printf(Locale.ROOT, "%nAt N=%d: poll/epoll CPU per request = %.1f measured, %.1f implied by the cost model"
                            + " for requests served alone (poll: %.2f ready per call).%n",
                    maxN, measured, implied, d(pollAtMax, "server.ready_per_wait_call"));
        }
        out.flush();
        return 0;
    }

    private List<Outcome> runAll(ConfigNode base, List<Point> points) {
        return Parallel.map(points, threads, p -> {
            ConfigNode root = base.copy();
            root.set("workload.server.mode", p.mode(), Origin.flag("--modes"));
            root.set("workload.server.connections", Integer.toString(p.n()), Origin.flag("--connections"));
            try {
                return new Outcome(Simulation.run(root).metrics(), null);
            } catch (ConfigException e) {
                if (e.getMessage().contains("FD_SETSIZE")) {
                    return new Outcome(null, e.getMessage().substring(e.getMessage().indexOf("select cannot")));
                }
                throw e;
            }
        });
    }

    private static double d(Map<String, Number> m, String k) {
        Number n = m.get(k);
        return n == null ? 0 : n.doubleValue();
    }
}
