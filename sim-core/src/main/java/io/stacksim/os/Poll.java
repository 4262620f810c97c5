package io.stacksim.os;

/**
 * select(2) and poll(2) as fs/select.c does them: the descriptor set is copied in, every
 * descriptor is checked ({@code ->poll}) on every pass, and the results are copied out, so a
 * call costs O(n) in the descriptors watched however few are ready.
 *
 * <p>do_poll / do_select: the first pass of a call that may block also puts a wait-queue entry
 * on each descriptor it checks (__pollwait), until one is found ready. If none is, the task
 * sleeps until an entry is woken (pollwake) or the timeout expires, then checks all of them
 * again (without adding entries). On return every entry is removed (poll_freewait). Costs:
 * {@link NetCosts#pollFdNs} per descriptor per pass, {@link NetCosts#pollWaitNs} per entry, the
 * copies at memcpy bandwidth.
 *
 * <p>A pass's CPU time is spent first and the descriptors' readiness is read when it ends, in
 * one instant, so no wake-up can fall between a check and the sleep. A woken call rescans even
 * if the event was for a descriptor's event it does not watch only when another descriptor of
 * the call watches that event (one entry per call stands for the per-descriptor entries).
 *
 * <p>select's sets are glibc's fd_set: FD_SETSIZE = 1024 bits, so a descriptor of 1024 or more
 * cannot be put in one (FD_SET writes past the set; with _FORTIFY_SOURCE, __fdelt_chk aborts
 * the program): {@link #select} refuses it with {@link FdSetOverflow}.
 */
public final class Poll {
    /** glibc's FD_SETSIZE. */
    public static final int FD_SETSIZE = 1024;
    /** sizeof(struct pollfd). */
    static final int POLLFD_BYTES = 8;

    private final Kernel kernel;
    private final CostModel cost;
    private final NetCosts nc;

    public Poll(Kernel kernel, NetCosts nc) {
        this.kernel = kernel;
        this.cost = kernel.cost();
        this.nc = nc;
    }

    /** struct pollfd: the file, the events asked for, the events returned. */
    public static final class PollFd {
        public Pollable file;
        public int events;
        public int revents;

        public PollFd(Pollable file, int events) {
            this.file = file;
            this.events = events;
        }
    }

    /** A descriptor at or above FD_SETSIZE given to select. */
    public static final class FdSetOverflow extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        FdSetOverflow(int fd) {
            super("select cannot watch descriptor " + fd + ": fd_set holds descriptors 0.." + (FD_SETSIZE - 1)
                    + " (FD_SETSIZE " + FD_SETSIZE + "; FD_SET beyond it overflows the set, and glibc's"
                    + " _FORTIFY_SOURCE check aborts the program); use poll or epoll");
        }
    }

    /**
     * poll(fds, n, timeout): returns the number of descriptors with events (revents set), 0 on
     * timeout. {@code timeoutNs} &lt; 0 waits forever, 0 does not wait.
     */
    public void poll(Task t, PollFd[] fds, int n, long timeoutNs, Kernel.Ret k) {
        long bytes = (long) n * POLLFD_BYTES;
        t.countCopy(bytes); // copy_from_user of the pollfd array
        kernel.enter(t, Syscall.POLL, cost.copyNs(bytes), () -> new Call(t, fds, null, n, timeoutNs, r -> {
            t.countCopy(bytes); // revents written back
            t.compute(cost.copyNs(bytes), true, () -> kernel.exit(t, r, k));
        }).pass());
    }

    /**
     * select(nfds, readfds, NULL, NULL, timeout) watching {@code readfds} (a bit set of
     * descriptors of {@code table}) for input; on return {@code readfds} holds the ready ones
     * and the result is their number.
     *
     * @throws FdSetOverflow if a descriptor is FD_SETSIZE or more
     */
    public void select(Task t, FdTable table, int nfds, long[] readfds, long timeoutNs, Kernel.Ret k) {
        if (nfds > FD_SETSIZE) {
            int fd = FD_SETSIZE;
            for (int i = nfds - 1; i >= FD_SETSIZE; i--) {
                if ((readfds[i >>> 6] & (1L << i)) != 0) {
                    fd = i;
                }
            }
            throw new FdSetOverflow(fd);
        }
        int count = 0;
        for (int i = 0; i < nfds; i++) {
            if ((readfds[i >>> 6] & (1L << i)) != 0) {
                count++;
            }
        }
        PollFd[] fds = new PollFd[count];
        int j = 0;
        for (int i = 0; i < nfds; i++) {
            if ((readfds[i >>> 6] & (1L << i)) != 0) {
                fds[j++] = new PollFd(table.get(i), Pollable.POLLIN);
            }
        }
        long bytes = ((nfds + 63L) >>> 6) << 3; // FDS_BYTES(nfds): whole longs
        t.countCopy(bytes);
        kernel.enter(t, Syscall.SELECT, cost.copyNs(bytes), () -> new Call(t, fds, readfds, fds.length, timeoutNs, r -> {
            t.countCopy(bytes);
            t.compute(cost.copyNs(bytes), true, () -> kernel.exit(t, r, k));
        }).pass());
    }

    /** One select/poll call in progress (struct poll_wqueues). */
    private final class Call implements WaitQueue.Entry {
        private final Task t;
        private final PollFd[] fds;
        private final long[] selectSet;
        private final int n;
        private final long timeoutNs;
        private final Kernel.Ret done;
        private final int interest;
        private int registered;
        private boolean firstPass = true;
        private boolean triggered;
        private boolean sleeping;
        private boolean timedOut;
        private io.stacksim.engine.Timer timer;

        Call(Task t, PollFd[] fds, long[] selectSet, int n, long timeoutNs, Kernel.Ret done) {
            this.t = t;
            this.fds = fds;
            this.selectSet = selectSet;
            this.n = n;
            this.timeoutNs = timeoutNs;
            this.done = done;
            int union = Pollable.POLLERR | Pollable.POLLHUP;
            for (int i = 0; i < n; i++) {
                union |= fds[i].events;
            }
            this.interest = union;
            if (timeoutNs > 0) {
                timer = kernel.sim().timerAfter(timeoutNs, () -> {
                    timedOut = true;
                    if (sleeping) {
                        sleeping = false;
                        t.wake(this::pass);
                    }
                });
            }
        }

        /** One pass over every descriptor. */
        void pass() {
            triggered = false;
            t.compute(n * nc.pollFdNs(), true, this::checked);
        }

        private void checked() {
            int count = 0;
            int firstReady = -1;
            for (int i = 0; i < n; i++) {
                PollFd p = fds[i];
                p.revents = p.file.pollMask() & (p.events | Pollable.POLLERR | Pollable.POLLHUP);
                if (p.revents != 0) {
                    count++;
                    if (firstReady < 0) {
                        firstReady = i;
                    }
                }
            }
            long entries = 0;
            if (firstPass && timeoutNs != 0) {
                // __pollwait on each descriptor checked until one was ready (pt->_qproc = NULL)
                registered = count > 0 ? firstReady + 1 : n;
                for (int i = 0; i < registered; i++) {
                    fds[i].file.waitQueue().add(this);
                }
                entries = registered;
            }
            firstPass = false;
            int result = count;
            if (count > 0 || timeoutNs == 0 || timedOut) {
                t.compute(entries * nc.pollWaitNs(), true, () -> finish(result));
                return;
            }
            t.compute(entries * nc.pollWaitNs(), true, () -> {
                if (triggered) {
                    pass(); // an entry fired while we registered: look again instead of sleeping
                    return;
                }
                sleeping = true;
                t.sleep();
            });
        }

        private void finish(int count) {
            for (int i = 0; i < registered; i++) {
                fds[i].file.waitQueue().remove(this);
            }
            if (timer != null) {
                timer.cancel();
            }
            if (selectSet != null) {
                java.util.Arrays.fill(selectSet, 0);
                for (int i = 0; i < n; i++) {
                    if (fds[i].revents != 0) {
                        int fd = fds[i].file.fd();
                        selectSet[fd >>> 6] |= 1L << fd;
                    }
                }
            }
            done.ret(count);
        }

        /** pollwake: the poller is woken to look again. */
        @Override
        public void wake(int mask, KernelWork w) {
            if ((mask & interest) == 0) {
                return;
            }
            triggered = true;
            if (sleeping) {
                sleeping = false;
                w.then(() -> t.wake(this::pass));
            }
        }
    }
}
