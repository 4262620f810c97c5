package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The I/O multiplexing server against the cost model: with requests arriving one at a time,
 * each request's CPU time is the sum of the kernel paths it takes, derived here term by term
 * from the defaults of os.* (CostModel, NetCosts).
 */
class ServerSimulationTest {
    // CostModel and NetCosts defaults (ns)
    private static final long MODE = 130;
    private static final long CTX = 3_000;
    private static final double MEMCPY = 7.5e9;
    private static final long HARDIRQ = 500;
    private static final long SOCK = 400;
    private static final long SKB = 200;
    private static final long TX = 1_000;
    private static final long RX = 1_000;
    private static final long TXC = 200;
    private static final long POLL_FD = 100;
    private static final long POLL_WAIT = 50;
    private static final long EP_WAIT = 150;
    private static final long EP_ITEM = 100;
    private static final long EP_CB = 100;
    // the workload's defaults
    private static final long REQ = 128;
    private static final long RESP = 1024;
    private static final long SERVICE = 2_000;
    private static final long SCAN = 1;

    private static long copy(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / MEMCPY);
    }

    /**
     * One request served alone: its packet's interrupt and NET_RX work, the switch to the woken
     * server thread, recvfrom, the service time, sendto with one packet down the stack, the
     * response's transmit-completion interrupt, and the interrupt and NET_RX work of the
     * client's delayed ACK.
     */
    private static long common() {
        return (HARDIRQ + RX) + CTX + (2 * MODE + SOCK + copy(REQ)) + SERVICE
                + (2 * MODE + SOCK + SKB + copy(RESP) + TX) + (HARDIRQ + TXC) + (HARDIRQ + RX);
    }

    /** poll over n: the sleeping call (entry, copy-in, a pass with wait entries) and its return (a pass, copy-out, exit), the user's walk. */
    private static long poll(int n) {
        return MODE + copy(8L * n) + n * (POLL_FD + POLL_WAIT) + n * POLL_FD + copy(8L * n) + MODE + n * SCAN;
    }

    /**
     * epoll: the callback queues the item; the woken epoll_wait checks it and copies one event
     * out; the next epoll_wait (entry and own work) checks the level-triggered item again, finds
     * it drained and sleeps; the user looks at one event.
     */
    private static long epoll() {
        return EP_CB + (EP_ITEM + copy(12) + MODE) + (MODE + EP_WAIT + EP_ITEM) + SCAN;
    }

    private static Map<String, Number> run(String mode, int n) {
        ConfigNode root = ConfigNode.emptyRoot("t");
        Origin o = Origin.flag("t");
        root.set("cpu.count", "1", o);
        root.set("net.profile", "nic-10g", o);
        root.set("workload.server.mode", mode, o);
        root.set("workload.server.connections", Integer.toString(n), o);
        root.set("workload.server.rate", "100", o);
        root.set("workload.server.arrivals", "periodic", o);
        root.set("workload.server.requests", "200", o);
        root.set("workload.server.warmup", "20", o);
        return Simulation.run(root).metrics();
    }

    private static double cpuPerRequestNs(Map<String, Number> m) {
        return m.get("server.cpu_per_request_us").doubleValue() * 1e3;
    }

    @Test
    void threadPerConnectionAndEpollCostTheSameWhateverTheNumberOfConnections() {
        for (int n : new int[] {10, 10_000}) {
            assertThat(cpuPerRequestNs(run("threads", n))).as("threads n=%d", n).isCloseTo(common(), within(0.5));
            assertThat(cpuPerRequestNs(run("epoll", n))).as("epoll n=%d", n).isCloseTo(common() + epoll(), within(0.5));
        }
    }

    @Test
    void pollCostGrowsLinearlyWithTheConnections() {
        for (int n : new int[] {10, 1000, 10_000}) {
            assertThat(cpuPerRequestNs(run("poll", n))).as("poll n=%d", n).isCloseTo(common() + poll(n), within(0.5));
        }
    }

    @Test
    void pollOverEpollAtTenThousandConnectionsIsTheRatioTheCostModelImplies() {
        double ratio = cpuPerRequestNs(run("poll", 10_000)) / cpuPerRequestNs(run("epoll", 10_000));
        double implied = (double) (common() + poll(10_000)) / (common() + epoll());
        assertThat(ratio).isCloseTo(implied, within(implied * 1e-4));
        assertThat(ratio).isGreaterThan(100); // ~2.5 ms of scanning against ~12 us
    }

    @Test
    void selectScansLikePollBelowTheLimit() {
        int n = 1000;
        Map<String, Number> m = run("select", n);
        // descriptors 0-2 stdio, 3 the listening socket, 4..1003 the connections
        long nfds = n + 4;
        long bitmap = (nfds + 63) / 64 * 8;
        long select = MODE + copy(bitmap) + n * (POLL_FD + POLL_WAIT) + n * POLL_FD + copy(bitmap) + MODE + nfds * SCAN;
        assertThat(cpuPerRequestNs(m)).isCloseTo(common() + select, within(0.5));
    }

    @Test
    void selectBeyondFdSetsizeIsAClearError() {
        assertThat(run("select", 1020).get("server.requests").longValue()).isEqualTo(200);
        assertThatThrownBy(() -> run("select", 1021)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("FD_SETSIZE 1024").hasMessageContaining("at most 1020 connections")
                .hasMessageContaining("poll or epoll");
    }

    @Test
    void underLoadPollSharesItsScansBetweenRequests() {
        ConfigNode root = ConfigNode.emptyRoot("t");
        Origin o = Origin.flag("t");
        root.set("cpu.count", "1", o);
        root.set("workload.server.mode", "poll", o);
        root.set("workload.server.connections", "2000", o);
        root.set("workload.server.rate", "3000", o);
        root.set("workload.server.requests", "3000", o);
        Map<String, Number> m = Simulation.run(root).metrics();
        assertThat(m.get("server.ready_per_wait_call").doubleValue()).isGreaterThan(1.2);
        assertThat(cpuPerRequestNs(m)).isLessThan(common() + poll(2000));
        assertThat(m.get("server.throughput_rps").doubleValue()).isCloseTo(3000, within(300.0));
    }
}
