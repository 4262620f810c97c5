package io.stacksim.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.testing.KernelHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * select, poll and epoll against fs/select.c and fs/eventpoll.c's cost structure: select and
 * poll check every descriptor on every pass (O(n)), epoll pays per ready-list item (O(ready)).
 * The descriptors are pipes, which need no network.
 */
class MultiplexCostTest {
    private static final NetCosts NC = NetCosts.defaults();
    private static final CostModel C = CostModel.defaults();

    /** n pipes, the last one holding a byte; the read ends as the descriptors watched. */
    private static Pipe.End[] pipes(int n, int readyIndex) {
        Pipe.End[] ends = new Pipe.End[n];
        for (int i = 0; i < n; i++) {
            Pipe p = new Pipe();
            if (i == readyIndex) {
                p.push(1, 0, true);
            }
            ends[i] = p.readEnd();
        }
        return ends;
    }

    /** Kernel time of one poll(fds, n, 0) call with one descriptor ready. */
    private static long pollCallNs(int n) {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Poll poll = new Poll(h.kernel, NC);
        Pipe.End[] ends = pipes(n, n - 1);
        Poll.PollFd[] fds = new Poll.PollFd[n];
        for (int i = 0; i < n; i++) {
            fds[i] = new Poll.PollFd(ends[i], Pollable.POLLIN);
        }
        long[] spent = new long[2];
        h.spawn("poller", t -> {
            long before = t.counters().sysNs;
            poll.poll(t, fds, n, 0, r -> {
                spent[0] = t.counters().sysNs - before;
                spent[1] = r;
                t.exit();
            });
        });
        h.run();
        assertThat(spent[1]).isEqualTo(1);
        assertThat(fds[n - 1].revents).isEqualTo(Pollable.POLLIN);
        return spent[0];
    }

    @Test
    void pollCostsTwoModeSwitchesTheArrayCopiesAndOneCheckPerDescriptor() {
        for (int n : new int[] {10, 100, 1000, 10000}) {
            long copy = C.copyNs(8L * n);
            assertThat(pollCallNs(n)).as("n=%d", n).isEqualTo(2 * C.modeSwitchNs() + 2 * copy + n * NC.pollFdNs());
        }
    }

    @Test
    void pollCostGrowsLinearlyWithTheDescriptorsWatched() {
        long a = pollCallNs(1000);
        long b = pollCallNs(2000);
        long c = pollCallNs(4000);
        // Equal steps in n, equal steps in cost (up to the rounding of one copy time).
        assertThat(Math.abs((c - b) - 2 * (b - a))).isLessThanOrEqualTo(4);
        assertThat((double) (b - a) / 1000).isBetween((double) NC.pollFdNs(), NC.pollFdNs() + 2 * 16 / 7.5 + 0.01);
    }

    @Test
    void blockingPollScansTwiceAndPutsAWaitEntryOnEveryDescriptor() {
        int n = 500;
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Poll poll = new Poll(h.kernel, NC);
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe.End[] ends = pipes(n, -1);
        Poll.PollFd[] fds = new Poll.PollFd[n];
        for (int i = 0; i < n; i++) {
            fds[i] = new Poll.PollFd(ends[i], Pollable.POLLIN);
        }
        long[] spent = new long[1];
        Task poller = h.spawn("poller", t -> {
            long before = t.counters().sysNs;
            poll.poll(t, fds, n, -1, r -> {
                spent[0] = t.counters().sysNs - before;
                assertThat(r).isEqualTo(1);
                t.exit();
            });
        });
        h.sim.schedule(1_000_000, () -> h.spawn("writer", w -> pipes.write(w, ends[123].pipe().writeEnd(), 10, r -> w.exit())));
        h.run();
        long copy = C.copyNs(8L * n);
        // entry + copy-in + pass 1 with entries + (sleep; the wake-up's context switch) + pass 2 + copy-out + exit
        long expected = 2 * C.modeSwitchNs() + 2 * copy + 2L * n * NC.pollFdNs() + n * NC.pollWaitNs() + C.contextSwitchNs();
        assertThat(spent[0]).isEqualTo(expected);
        assertThat(poller.counters().voluntarySwitches).isEqualTo(1);
        // poll_freewait removed every entry
        for (Pipe.End e : ends) {
            assertThat(e.waitQueue().size()).isZero();
        }
    }

    /** Kernel time of one epoll_wait(timeout 0) with one of n registered descriptors ready. */
    private static long[] epollWaitNs(int n) {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Epoll epoll = new Epoll(h.kernel, NC);
        Pipe.End[] ends = pipes(n, n / 2);
        long[] out = new long[3];
        long[] data = new long[16];
        int[] events = new int[16];
        h.spawn("loop", t -> epoll.create(t, ep -> registerAll(epoll, t, ep, ends, 0, () -> {
            long before = t.counters().sysNs;
            epoll.wait(t, ep, data, events, 16, 0, r -> {
                out[0] = t.counters().sysNs - before;
                out[1] = r;
                out[2] = data[0];
                t.exit();
            });
        })));
        h.run();
        return out;
    }

    private static void registerAll(Epoll epoll, Task t, Epoll.Instance ep, Pipe.End[] ends, int i, Runnable then) {
        if (i == ends.length) {
            then.run();
            return;
        }
        epoll.ctl(t, ep, Epoll.CTL_ADD, ends[i], Epoll.EPOLLIN, i, r -> registerAll(epoll, t, ep, ends, i + 1, then));
    }

    @Test
    void epollWaitCostsTheSameWhateverTheNumberWatched() {
        long expected = 2 * C.modeSwitchNs() + NC.epollWaitNs() + NC.epollItemNs() + C.copyNs(12);
        for (int n : new int[] {10, 1000, 10000}) {
            long[] r = epollWaitNs(n);
            assertThat(r[1]).isEqualTo(1);
            assertThat(r[2]).isEqualTo(n / 2);
            assertThat(r[0]).as("n=%d", n).isEqualTo(expected);
        }
    }

    @Test
    void levelTriggeredItemIsCheckedAgainByTheNextWaitAndDroppedWhenNoLongerReady() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Epoll epoll = new Epoll(h.kernel, NC);
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe.End[] ends = pipes(100, 7);
        long[] second = new long[2];
        long[] data = new long[4];
        int[] events = new int[4];
        h.spawn("loop", t -> epoll.create(t, ep -> registerAll(epoll, t, ep, ends, 0, () ->
                epoll.wait(t, ep, data, events, 4, 0, r1 -> {
                    assertThat(r1).isEqualTo(1);
                    assertThat(ep.readyCount()).isEqualTo(1); // put back: level-triggered
                    pipes.read(t, ends[7], 1, rd -> {
                        long before = t.counters().sysNs;
                        epoll.wait(t, ep, data, events, 4, 0, r2 -> {
                            second[0] = t.counters().sysNs - before;
                            second[1] = r2;
                            assertThat(ep.readyCount()).isZero();
                            t.exit();
                        });
                    });
                }))));
        h.run();
        assertThat(second[1]).isZero();
        assertThat(second[0]).isEqualTo(2 * C.modeSwitchNs() + NC.epollWaitNs() + NC.epollItemNs());
    }

    @Test
    void epollCallbackQueuesTheItemAndWakesTheWaiter() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Epoll epoll = new Epoll(h.kernel, NC);
        Pipes pipes = new Pipes(h.kernel, NC);
        Pipe.End[] ends = pipes(1000, -1);
        long[] data = new long[4];
        int[] events = new int[4];
        long[] woke = {-1, -1};
        h.spawn("loop", t -> epoll.create(t, ep -> registerAll(epoll, t, ep, ends, 0, () ->
                epoll.wait(t, ep, data, events, 4, -1, r -> {
                    woke[0] = r;
                    woke[1] = data[0];
                    t.exit();
                }))));
        h.sim.schedule(5_000_000, () -> h.spawn("writer", w -> pipes.write(w, ends[321].pipe().writeEnd(), 100, r -> w.exit())));
        h.run();
        assertThat(woke[0]).isEqualTo(1);
        assertThat(woke[1]).isEqualTo(321);
    }

    @Test
    void selectRefusesADescriptorBeyondFdSetsize() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Poll poll = new Poll(h.kernel, NC);
        FdTable table = new FdTable();
        while (table.maxFd() < Poll.FD_SETSIZE - 1) {
            table.reserve();
        }
        Pipe p = new Pipe();
        int fd = table.install(p.readEnd());
        assertThat(fd).isEqualTo(Poll.FD_SETSIZE);
        long[] set = new long[(fd >>> 6) + 1];
        set[fd >>> 6] |= 1L << fd;
        Throwable[] thrown = {null};
        h.spawn("sel", t -> {
            try {
                poll.select(t, table, fd + 1, set, 0, r -> t.exit());
            } catch (Poll.FdSetOverflow e) {
                thrown[0] = e;
                t.exit();
            }
        });
        h.run();
        assertThat(thrown[0]).isInstanceOf(Poll.FdSetOverflow.class).hasMessageContaining("FD_SETSIZE 1024")
                .hasMessageContaining("descriptor 1024");
    }

    @Test
    void selectBelowTheLimitReportsTheReadyDescriptors() {
        KernelHarness h = new KernelHarness(1, 100_000, false, Map.of());
        Poll poll = new Poll(h.kernel, NC);
        FdTable table = new FdTable();
        Pipe.End[] ends = pipes(200, 150);
        long[] set = new long[4];
        for (Pipe.End e : ends) {
            int fd = table.install(e);
            set[fd >>> 6] |= 1L << fd;
        }
        int nfds = table.maxFd() + 1;
        long[] res = {-1};
        h.spawn("sel", t -> poll.select(t, table, nfds, set, 0, r -> {
            res[0] = r;
            t.exit();
        }));
        h.run();
        assertThat(res[0]).isEqualTo(1);
        int fd = ends[150].fd();
        assertThat(set[fd >>> 6]).isEqualTo(1L << fd);
        assertThatThrownBy(() -> {
            throw new Poll.FdSetOverflow(2000);
        }).hasMessageContaining("use poll or epoll");
    }
}
