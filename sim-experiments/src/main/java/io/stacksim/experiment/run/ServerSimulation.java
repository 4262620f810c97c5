package io.stacksim.experiment.run;

import io.stacksim.config.ConfigNode;
import io.stacksim.engine.Stats;
import io.stacksim.experiment.machine.Stack;
import io.stacksim.os.NetStack;
import io.stacksim.workload.ServerRunner;
import io.stacksim.workload.ServerSpec;

/**
 * Runs a config whose workload is a network server ({@code workload.server}, see
 * {@link ServerSpec}) and reports throughput, response latency and CPU per request
 * ({@code server.*}, {@code lat.request.*}) with the machine's usual statistics.
 */
public final class ServerSimulation {
    private ServerSimulation() {
    }

    static RunResult run(ConfigNode root, Stack stack, long seed) {
        ConfigNode section = root.section("workload").section("server");
        ServerSpec spec = ServerSpec.from(section);
        NetStack net = stack.network();
        ServerRunner server = new ServerRunner(spec, stack.kernel, net, stack.random.stream("workload.server.arrivals"));
        spec.checkSelectLimit(section, server.highestFd());
        root.checkAllUsed();

        long[] window = new long[2];
        server.start(() -> {
            stack.resetStats();
            window[0] = stack.sim.now();
        }, () -> {
            window[1] = stack.sim.now();
            stack.sim.stop();
        });
        stack.sim.run();
        if (window[1] == 0) {
            throw new IllegalStateException("the server run ended before its requests were done");
        }
        long elapsed = window[1] - window[0];
        long requests = server.measured();
        Stats stats = stack.stats;
        double perReq = requests == 0 ? 0 : 1e3 * requests; // ns -> us per request
        long[] busy = stack.cpus.totalTimesNs();
        stats.gauge("server.connections", spec::connections);
        stats.counter("server.requests", () -> requests);
        stats.gauge("server.offered_rps", spec::ratePerSecond);
        stats.gauge("server.throughput_rps", () -> requests / (elapsed / 1e9));
        stats.gauge("server.cpu_per_request_us", () -> (busy[0] + busy[1] + busy[2]) / perReq);
        stats.gauge("server.cpu_per_request.user_us", () -> busy[0] / perReq);
        stats.gauge("server.cpu_per_request.sys_us", () -> busy[1] / perReq);
        stats.gauge("server.cpu_per_request.irq_us", () -> busy[2] / perReq);
        stats.gauge("server.wait_calls_per_request", () -> (double) server.waitCalls / requests);
        stats.gauge("server.ready_per_wait_call", () -> server.waitCalls == 0 ? 0 : (double) server.readyReported / server.waitCalls);
        stats.gauge("server.predicted_cpu_per_request_us", () -> MultiplexCosts.lowLoadNs(spec, stack.cost, stack.netCosts,
                server.highestFd()) / 1e3);
        stats.latency("lat.request", server.latency);
        return RunResult.ofMachine(stack, root, seed);
    }
}
